"""clean_controls: one search finds most texts clean and returns them untouched; the others
get the same text and count as a character-by-character pass."""

import pytest

from toc_studio.ingest.readers import clean_controls


def _one_by_one(text: str) -> tuple[str, int]:
    """The rule spelled out: VT and FF become LF, other C0 controls and DEL become U+FFFD;
    tab, LF and CR stay."""
    out, count = [], 0
    for ch in text:
        if ch in "\x0b\x0c":
            out.append("\n")
        elif (ord(ch) < 0x20 and ch not in "\t\n\r") or ch == "\x7f":
            out.append("\ufffd")
        else:
            out.append(ch)
            continue
        count += 1
    return "".join(out), count


TEXTS = [
    "",
    "Interviewer: How was it?\nR1:\tFine, thanks.\r\n",  # none to clean: tab, LF, CR stay
    "Café 🙂 — naïve\u2028résumé\ufeff\u00a0\ufffe\uffff",  # non-ASCII, noncharacters: kept
    "a\x00b",  # NUL
    "line\x0bbreak\x0cpage",  # Word's line break, form feed
    "\x01\x02\x1f\x7f",  # only control characters
    "\x00" * 5,
    "\x80\x9f\x85 C1 controls are not C0",  # kept
    "lone \ud800 surrogate \udfff\x00",  # kept as they are; the NUL is replaced
    "🙂\x00🙂\x0b" * 1000,
    "clean " * 10_000 + "\x1b",  # one at the very end of a long text
]


@pytest.mark.parametrize("text", TEXTS)
def test_clean_controls_matches_the_rule_character_by_character(text):
    cleaned, count = clean_controls(text)
    assert (cleaned, count) == _one_by_one(text)
    assert len(cleaned) == len(text)  # one for one: offsets into the text stay valid


def test_a_clean_text_comes_back_as_it_is():
    text = "Interviewer: How was it?\nR1:\tFine.\r\n" * 100
    cleaned, count = clean_controls(text)
    assert cleaned is text and count == 0


def test_every_code_point_below_0x100_follows_the_rule():
    text = "".join(map(chr, range(0x100)))
    assert clean_controls(text) == _one_by_one(text)
    assert clean_controls(text)[1] == 30  # 29 C0 controls (not tab, LF, CR) and DEL

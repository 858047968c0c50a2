"""Sentence boundaries as offsets, without spaCy on the import path.

A fast splitter that follows the rule of spaCy's ``sentencizer`` (a sentence ends after a
run of ``. ! ?``, with closing quotes or brackets, when whitespace follows; an ellipsis
``...``/``…`` does not end one) and, like spaCy's tokenizer, does not end a sentence after
common abbreviations (``Dr.``, ``e.g.``) or initials. Blank lines also end a sentence.
Deliberate differences: an opening quote after a full stop starts the next sentence (the
sentencizer leaves it on the previous one), and "I." ends one. The tests check it against
the sentencizer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_ABBREVIATIONS = (
    "mr", "mrs", "ms", "dr", "prof", "st", "mt", "jr", "sr", "vs", "etc", "e.g", "i.e",
    "approx", "dept", "est", "inc", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "fig", "p.m", "a.m", "a.k.a",
)  # fmt: skip
# Not after an abbreviation or an initial (a single letter other than "I": "so did I."
# ends a sentence, though the sentencizer keeps "I." as one token and does not split).
# One look-behind per length (a look-behind's alternatives must share a width).
_NOT_ABBREVIATION = "".join(
    rf"(?<!\b(?i:{'|'.join(re.escape(a) for a in _ABBREVIATIONS if len(a) == n)})\.)"
    for n in sorted({len(a) for a in _ABBREVIATIONS})
)
_END = re.compile(
    rf"(?:[!?][.!?]*|\.(?<!\.\.)(?!\.){_NOT_ABBREVIATION}(?<![\s\"“(‘'][A-HJ-Za-z]\.)[!?]*)"
    r"[\"'”’)\]]*(?=\s)"
    r"|\n[ \t]*\n"
)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as ``(start, end)`` offsets, trimmed of blank space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _END.finditer(text, start, end):
        boundary = match.start() if match.group()[0] == "\n" else match.end()
        _add(text, cursor, boundary, spans)
        cursor = match.end()
    _add(text, cursor, end, spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentences_in(text: str, regions: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences within each region (turn) of ``text``."""
    spans: list[tuple[int, int]] = []
    for start, end in regions:
        spans.extend(split_sentences(text, start, end))
    return spans

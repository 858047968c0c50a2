"""Sentence boundaries as offsets, without spaCy on the import path.

A fast splitter that follows the rule of spaCy's ``sentencizer`` (a sentence ends after a
run of ``. ! ?``, with closing quotes or brackets, when whitespace follows; an ellipsis
``...``/``…`` does not end one) and, like spaCy's tokenizer, does not end a sentence after
common abbreviations (``Dr.``, ``e.g.``) or initials. Blank lines also end a sentence.
Deliberate difference: an opening quote after a full stop starts the next sentence (the
sentencizer leaves it on the previous one). The tests check it against the sentencizer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n[ \t]*\n")
_ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "st", "mt", "jr", "sr", "vs", "etc", "e.g", "i.e",
        "approx", "dept", "est", "inc", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul",
        "aug", "sep", "sept", "oct", "nov", "dec", "no", "fig", "p.m", "a.m", "a.k.a",
    }
)  # fmt: skip


def _abbreviation_before(text: str, dot: int, start: int) -> bool:
    """True when the word ending at ``dot`` (a '.') is an abbreviation or an initial."""
    word_start = dot
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lstrip("\"'“‘([")
    if not word:
        return False
    if len(word) == 1 and word.isalpha():
        return True
    return word.casefold() in _ABBREVIATIONS


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as ``(start, end)`` offsets, trimmed of blank space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _END.finditer(text, start, end):
        run = match.group()
        if ".." in run:  # an ellipsis is a pause in speech, as for the sentencizer
            continue
        if run[0] == "." and _abbreviation_before(text, match.start(), cursor):
            continue
        boundary = match.end() if match.group()[0] != "\n" else match.start()
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

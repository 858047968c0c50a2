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
_END = re.compile(r"[.!?][.!?\"'”’)\]]*(?=\s)|\n[ \t]*\n")
# The word before a full stop is an abbreviation or an initial (any single letter but "I":
# "so did I." ends a sentence, though the sentencizer keeps "I." as one token).
_ABBREVIATION_TAIL = re.compile(
    rf"(?:^|[\s\"“(‘'])(?:[A-HJ-Za-z]|(?i:{'|'.join(map(re.escape, _ABBREVIATIONS))}))\Z"
)
_LONGEST = max(map(len, _ABBREVIATIONS)) + 1


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as ``(start, end)`` offsets, trimmed of blank space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _END.finditer(text, start, end):
        run = match.group()
        if run[0] == "\n":
            _add(text, cursor, match.start(), spans)
            cursor = match.end()
            continue
        if ".." in run:  # an ellipsis is a pause in speech, as for the sentencizer
            continue
        dot = match.start()
        if run[0] == "." and (len(run) == 1 or run[1] not in "!?"):
            if _ABBREVIATION_TAIL.search(text[max(start, dot - _LONGEST) : dot]):
                continue
        _add(text, cursor, match.end(), spans)
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

"""Selection offsets in imported REFI-QDA sources, whatever convention wrote them.

The standard counts Unicode code points over the source file. NVivo counts UTF-16 code
units, and on Windows its sources carry a UTF-8 byte-order mark and CRLF line endings
counted as two units. TOC Studio stores the text without the mark and with LF endings,
and offsets in code points over that. For each source the importer tries every
convention on its selections and keeps the one that puts the most selection boundaries
on word boundaries (ties go to the standard), then converts every offset with it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

STANDARD = "code points"
_WIDE = re.compile("\r\n|[\U00010000-\U0010ffff]")
_CRLF = re.compile("\r\n")  # a literal: found by a fast search, not tried at every character
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
SAMPLE = 400  # selections per source used to choose a convention


@dataclass(frozen=True)
class Convention:
    label: str
    utf16: bool
    crlf_two: bool
    bom: bool


def stored_text(raw: str) -> tuple[str, bool]:
    """The text as TOC Studio stores it (no BOM, LF endings) and whether a BOM was there."""
    has_bom = raw.startswith("\ufeff")
    if has_bom:
        raw = raw[1:]
    return raw.replace("\r\n", "\n").replace("\r", "\n"), has_bom


def conventions(raw: str) -> list[Convention]:
    """The conventions worth trying for this source, the standard first."""
    has_bom = raw.startswith("\ufeff")
    has_crlf = "\r\n" in raw
    has_astral = not raw.isascii() and _ASTRAL.search(raw) is not None
    found = []
    for utf16 in (False, True) if has_astral else (False,):
        for crlf_two in (True, False) if has_crlf else (True,):
            for bom in (False, True) if has_bom else (False,):
                parts = ["UTF-16 units" if utf16 else STANDARD]
                if has_crlf:
                    parts.append("CRLF as two" if crlf_two else "CRLF as one")
                if bom:
                    parts.append("BOM counted")
                found.append(Convention(", ".join(parts), utf16, crlf_two, bom))
    return found


class OffsetMap:
    """Maps offsets written in one convention to code points over the stored text."""

    def __init__(self, raw: str, convention: Convention) -> None:
        body = raw[1:] if raw.startswith("\ufeff") else raw
        self.shift = 1 if convention.bom else 0
        positions: list[int] = []  # stored-text index of each character wider than one unit
        extras: list[int] = []
        crlfs = 0
        # only what this convention counts wider is looked for (nothing at all in a text
        # without CRLF whose convention counts code points: the usual case, a map for free)
        wide = _WIDE if convention.utf16 and not body.isascii() else _CRLF
        matches = wide.finditer(body) if wide is _WIDE or "\r\n" in body else ()
        for match in matches:
            is_crlf = match.group() == "\r\n"
            extra = (1 if convention.crlf_two else 0) if is_crlf else int(convention.utf16)
            if extra:
                positions.append(match.start() - crlfs)
                extras.append(extra)
            crlfs += is_crlf
        index = len(body) - crlfs
        self.length = index
        self.cumulative = [0]
        for extra in extras:
            self.cumulative.append(self.cumulative[-1] + extra)
        self.unit_starts = [
            p + self.shift + c for p, c in zip(positions, self.cumulative, strict=False)
        ]
        self.positions = positions
        self.identity = not positions and not self.shift  # every offset maps to itself

    def to_index(self, unit: int) -> tuple[int, bool]:
        """(stored-text index, exact?) for a unit offset; inexact means it fell inside a
        wide character (the index of that character is given)."""
        n = bisect_left(self.unit_starts, unit)
        if n and unit < self.unit_starts[n - 1] + 1 + (self.cumulative[n] - self.cumulative[n - 1]):
            return self.positions[n - 1] + (1 if unit > self.unit_starts[n - 1] else 0), False
        return unit - self.shift - self.cumulative[n], True


def _is_boundary(text: str, index: int) -> bool:
    if index <= 0 or index >= len(text):
        return True
    return not (text[index - 1].isalnum() and text[index].isalnum())


def score(text: str, mapping: OffsetMap, selections: Sequence[tuple[int, int, str]]) -> int:
    """How well a convention fits: +1 per boundary on a word boundary, +2 when the
    selection's name matches its text, -5 per impossible span."""
    total = 0
    for start_unit, end_unit, name in selections:
        start, exact_start = mapping.to_index(start_unit)
        end, exact_end = mapping.to_index(end_unit)
        if not (exact_start and exact_end) or not 0 <= start < end <= len(text):
            total -= 5
            continue
        total += _is_boundary(text, start) + _is_boundary(text, end)
        probe = " ".join(name.split())[:40]
        if len(probe) >= 4 and " ".join(text[start : start + 200].split()).startswith(probe):
            total += 2
    return total


def choose(raw: str, selections: Sequence[tuple[int, int, str]]) -> tuple[Convention, OffsetMap]:
    """The convention that best fits the selections of one source (the standard on ties)."""
    candidates = conventions(raw)
    if len(candidates) == 1:  # no BOM, CRLF or character beyond the BMP: nothing to choose
        return candidates[0], OffsetMap(raw, candidates[0])
    text, _ = stored_text(raw)
    sample = list(selections[:SAMPLE])
    best: tuple[int, Convention, OffsetMap] | None = None
    for convention in candidates:
        mapping = OffsetMap(raw, convention)
        points = score(text, mapping, sample) if sample else 0
        if best is None or points > best[0]:
            best = (points, convention, mapping)
    return best[1], best[2]

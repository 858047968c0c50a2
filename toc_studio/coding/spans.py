"""Span arithmetic over [start, end) code-point intervals: pure functions, no store.

Used by resizing, merging and re-anchoring codings and by the agreement statistics.
"""

from __future__ import annotations

from collections.abc import Iterable

Span = tuple[int, int]


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """The union of ``spans`` as sorted, disjoint, non-touching intervals."""
    merged: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def covered_length(spans: Iterable[Span]) -> int:
    """How many code points the union of ``spans`` covers."""
    return sum(e - s for s, e in merge_spans(spans))


def overlap_length(a: Iterable[Span], b: Iterable[Span]) -> int:
    """How many code points both unions cover."""
    left, right = merge_spans(a), merge_spans(b)
    i = j = total = 0
    while i < len(left) and j < len(right):
        start = max(left[i][0], right[j][0])
        end = min(left[i][1], right[j][1])
        total += max(0, end - start)
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return total


def overlaps(a: Span, b: Span, within: int = 0) -> bool:
    """True when the spans share a code point, or lie within ``within`` of each other."""
    return a[0] < b[1] + within and b[0] < a[1] + within


def reanchor(old_text: str, new_text: str, start: int, end: int) -> Span | None:
    """Where the span [start, end) of ``old_text`` lies in ``new_text``, or None.

    The coded passage is looked for in the new text; of several occurrences the one
    nearest the old start wins. Returns None when the passage is gone.
    """
    passage = old_text[start:end]
    if not passage:
        return None
    best: int | None = None
    found = new_text.find(passage)
    while found >= 0:
        if best is None or abs(found - start) < abs(best - start):
            best = found
        found = new_text.find(passage, found + 1)
    return None if best is None else (best, best + len(passage))

"""Placeholders and their key, replacements and the offset map: the plain core of
pseudonymisation (no spaCy here).

Placeholders are ``[Person 1]``, ``[Place 2]``... and stay the same for the same original
across a project (:class:`Key`). Bracketed text already in a transcript (``[name]``,
``[Hospital]``, ``[laughs]``) is never touched (:data:`PROTECTED`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

KIND_LABELS = {
    "person": "Person",
    "place": "Place",
    "organisation": "Organisation",
    "email": "Email",
    "phone": "Phone",
    "date_of_birth": "Date of birth",
    "postcode": "Postcode",
}
SOURCE_PRIORITY = {"pattern": 0, "added": 1, "list": 1, "key": 1, "speaker": 1, "ner": 2}

# Text already in brackets is a placeholder or a transcriber's marker: never touch it.
PROTECTED = re.compile(r"\[[^\[\]\n]{1,80}\]|\(\([^()\n]{1,80}\)\)")


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Replacement:
    """``text[start:end]`` (``original``) is to become ``placeholder``."""

    start: int
    end: int
    original: str
    kind: str
    source: str  # list | added | key | speaker | ner | pattern
    placeholder: str = ""
    canonical: str = ""  # the name the placeholder stands for ("Emma Hartigan" for "Emma")


@dataclass
class KeyEntry:
    """A placeholder and its original. An entry loaded from the store has no original
    (it is sealed there) but its ``digest``, the keyed hash of the original."""

    kind: str
    number: int
    placeholder: str
    original: str
    source: str
    digest: str = ""


class Key:
    """Placeholder allocation for one project: the same original, the same placeholder.

    Originals are compared by ``digest`` (the project's keyed hash of a name, see
    :mod:`toc_studio.ingest.sealing`; by default the case-folded name itself)."""

    def __init__(
        self, entries: Iterable[KeyEntry] = (), digest: Callable[[str], str] | None = None
    ) -> None:
        self.digest = digest or fold
        self.entries: dict[tuple[str, str], KeyEntry] = {}
        self.numbers: dict[str, int] = {}
        self.stored: set[str] = set()
        for entry in entries:
            self._remember(entry)
            self.stored.add(entry.placeholder)

    def _remember(self, entry: KeyEntry) -> None:
        if not entry.digest:
            entry.digest = self.digest(entry.original)
        self.entries[(entry.kind, entry.digest)] = entry
        self.numbers[entry.kind] = max(self.numbers.get(entry.kind, 0), entry.number)

    def placeholder_for(self, kind: str, original: str, source: str) -> str:
        entry = self.entries.get((kind, self.digest(original)))
        if entry is None:
            number = self.numbers.get(kind, 0) + 1
            entry = KeyEntry(kind, number, f"[{KIND_LABELS[kind]} {number}]", original, source)
            self._remember(entry)
        return entry.placeholder

    def unsaved(self, placeholders: Iterable[str]) -> list[KeyEntry]:
        wanted = set(placeholders) - self.stored
        return [e for e in self.entries.values() if e.placeholder in wanted]


def assign(replacements: Iterable[Replacement], key: Key) -> list[Replacement]:
    """Each replacement with its placeholder: the one of its name (``canonical``, else the
    text itself) in ``key``, allocated there when new."""
    return [
        replace(
            r,
            placeholder=r.placeholder
            or key.placeholder_for(r.kind, r.canonical or r.original, r.source),
        )
        for r in replacements
    ]


class OffsetMap:
    """Maps offsets in a text to offsets after its replacements were applied."""

    def __init__(self, replacements: Sequence[Replacement]) -> None:
        self.old_starts = [r.start for r in replacements]
        self.old_ends = [r.end for r in replacements]
        self.new_starts: list[int] = []
        self.new_ends: list[int] = []
        shift = 0
        for r in replacements:
            self.new_starts.append(r.start + shift)
            shift += len(r.placeholder) - (r.end - r.start)
            self.new_ends.append(r.end + shift)

    def map(self, position: int, *, side: str) -> int:
        """``side="start"`` maps a position inside a replacement to its start, ``"end"`` to
        its end (so a span that cut a name in half covers the whole placeholder)."""
        i = bisect_right(self.old_ends, position)
        if i < len(self.old_starts) and self.old_starts[i] < position:
            return self.new_starts[i] if side == "start" else self.new_ends[i]
        return position + (self.new_ends[i - 1] - self.old_ends[i - 1] if i else 0)


def apply(text: str, replacements: Sequence[Replacement]) -> tuple[str, OffsetMap]:
    """The text with every (assigned) replacement made, and the offset map."""
    pieces, cursor = [], 0
    for r in replacements:
        pieces.append(text[cursor : r.start])
        pieces.append(r.placeholder)
        cursor = r.end
    pieces.append(text[cursor:])
    return "".join(pieces), OffsetMap(replacements)

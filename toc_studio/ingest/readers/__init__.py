"""One small reader per file format. Each turns raw bytes into :class:`ReadResult`.

Readers never touch the store. Text comes back with LF line ends; speaker turns either
come from the reader (subtitles, surveys, whose structure says who speaks) or are left to
:func:`toc_studio.ingest.turns.detect_turns` (``turns is None``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from toc_studio.errors import Invalid
from toc_studio.ingest.turns import DetectedTurn


class ReadError(Invalid):
    """A file that cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class Heading:
    """A heading paragraph: its span [start, end) in the document's text, its level (0 for
    a Title, n for Heading n) and its text."""

    start: int
    end: int
    level: int
    title: str


@dataclass
class ReadDocument:
    title: str
    text: str
    turns: list[DetectedTurn] | None = None
    kind: str | None = None
    known_labels: frozenset[str] = frozenset()
    # Survey respondents: speaker label -> attributes of that participant.
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    # Headings in text order (Word documents); their sections are worked out on storing.
    headings: list[Heading] = field(default_factory=list)


@dataclass
class ReadResult:
    file_format: str
    encoding: str
    documents: list[ReadDocument]
    warnings: list[str] = field(default_factory=list)


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; a leading byte-order mark is dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text

"""One small reader per file format. Each turns raw bytes into :class:`ReadResult`.

Readers never touch the store. Text comes back with LF line ends; speaker turns either
come from the reader (subtitles, surveys, whose structure says who speaks) or are left to
:func:`toc_studio.ingest.turns.detect_turns` (``turns is None``).
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass, field

from toc_studio.errors import Invalid
from toc_studio.ingest.limits import MAX_TURNS_PER_DOCUMENT
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


# C0 control characters other than tab, line feed and carriage return, and DEL. PostgreSQL
# refuses NUL in text and SQLite keeps it, so one rule at ingest makes both stores agree.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = {"\x0b": "\n", "\x0c": "\n"}  # vertical tab (Word's line break), form feed


def clean_controls(text: str) -> tuple[str, int]:
    """The one rule for control characters, applied by every reader and importer: a
    vertical tab or form feed becomes a line break, any other C0 control character (NUL
    included) or DEL becomes U+FFFD, one character for one, so offsets into the text stay
    valid. Returns the text and how many characters were replaced."""
    if not _CONTROLS.search(text):
        return text, 0
    return _CONTROLS.subn(lambda m: _LINE_BREAKS.get(m.group(), "\ufffd"), text)


def controls_warning(name: str, count: int) -> str:
    return (
        f"{name}: {count} control character(s) (such as NUL) were replaced by \ufffd or a line "
        "break."
    )


# A line that starts like a speaker label ("Name:"): more of them than turns can be.
_LABEL_LIKE = re.compile(r"^[^\S\n]*[^\s:][^\n:]{0,79}:", re.MULTILINE)


def check_limits(result: ReadResult, name: str) -> None:
    """Refuse, before turns are worked out, a document with more speaker turns than
    :data:`~toc_studio.ingest.limits.MAX_TURNS_PER_DOCUMENT` (surveys are bounded by rows
    instead). For text whose turns are still to be found, the lines that start like a label
    are counted, which costs far less than finding the turns."""
    for read in result.documents:
        if read.kind == "survey":
            continue
        if read.turns is not None:
            count = len(read.turns)
        else:
            matches = _LABEL_LIKE.finditer(read.text)
            count = sum(1 for _ in itertools.islice(matches, MAX_TURNS_PER_DOCUMENT + 1))
        if count > MAX_TURNS_PER_DOCUMENT:
            raise ReadError(
                f"{name} has more than {MAX_TURNS_PER_DOCUMENT:,} lines that start like a "
                "speaker turn (Name: ...), the limit for one document; split it into parts "
                "and import those."
            )


def unreadable(name: str, exc: BaseException) -> str:
    """The sentence for a file whose reader failed in a way no check foresaw (a damaged
    file a library chokes on); the details go to the log, never to the user."""
    # INFO, not WARNING: with no logging set up (the CLI), Python prints warnings and their
    # tracebacks on stderr, and the user would see the traceback after all.
    logging.getLogger(__name__).info("reading %s failed", name, exc_info=exc)
    return (
        f"{name} could not be read: it looks damaged, or is not what its extension says. "
        "Open it in the program that made it, save it again and import that."
    )

"""Speaker turns in plain transcripts: ``Label: text`` at the start of a line.

Offsets are code points over the text as given. A turn covers the speech after the label,
up to the last non-blank character before the next label line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INTERVIEWER_LABELS = frozenset({"interviewer", "i", "int", "facilitator", "researcher", "q"})

# A label: up to five words of letters, digits and a few joiners, then a colon and a space.
LABEL_LINE = re.compile(
    r"^(?P<label>[^\W\d_][\w.'’()\-]*(?:[ \t][\w.'’()\-]+){0,4})[ \t]*:[ \t]+(?=\S)",
    re.MULTILINE,
)


@dataclass(frozen=True)
class DetectedTurn:
    start: int
    end: int
    speaker_label: str
    timestamp: float | None = None
    is_interviewer: bool = False


def is_interviewer_label(label: str) -> bool:
    return label.strip().casefold().rstrip(".") in INTERVIEWER_LABELS


def detect_turns(text: str) -> list[DetectedTurn]:
    """Split ``text`` into speaker turns; text before the first label is not a turn."""
    matches = list(LABEL_LINE.finditer(text))
    turns: list[DetectedTurn] = []
    for index, match in enumerate(matches):
        start = match.end()
        limit = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        end = len(text[start:limit].rstrip()) + start
        if end <= start:
            continue
        label = match.group("label").strip()
        turns.append(DetectedTurn(start, end, label, None, is_interviewer_label(label)))
    return turns

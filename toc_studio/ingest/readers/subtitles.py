"""WebVTT and SubRip captions (Zoom, Teams, transcription services).

Cue numbers, timings, ``NOTE``/``STYLE``/``REGION`` blocks and markup are dropped. The
speaker comes from a voice tag ``<v Name>`` (closed or not) or a ``Name: text`` prefix.
Consecutive cues of one speaker merge into one turn, which keeps the first cue's time.
The stored text reads ``Speaker: speech`` per turn, one blank line apart.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from toc_studio.ingest.readers import ReadDocument, ReadError, ReadResult
from toc_studio.ingest.readers.text import decode
from toc_studio.ingest.turns import DetectedTurn, is_interviewer_label

_TIMING = re.compile(
    r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
)
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?[ \t]+([^>]+)>")
_TAG = re.compile(r"</?[^>\n]{0,200}>")
_PREFIX = re.compile(r"^(?P<label>[^\W\d_][\w.'’()\-]*(?:[ ][\w.'’()\-]+){0,4})[ \t]*:[ \t]+")
_BLANK = re.compile(r"\n[ \t]*\n")


@dataclass
class Cue:
    seconds: float
    speaker: str
    text: str


def parse_time(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2]) if len(parts) > 1 else 0
    hours = int(parts[-3]) if len(parts) > 2 else 0
    return hours * 3600 + minutes * 60 + seconds


def parse_cues(text: str, name: str, webvtt: bool, dropped: list[int] | None = None) -> list[Cue]:
    """The cues of ``text``. The numbers (1, 2...) of blocks left out for lack of a valid
    timing line are added to ``dropped``; cues run together without a blank line between
    them are split at their timing lines."""
    if webvtt and not text.lstrip().startswith("WEBVTT"):
        raise ReadError(f"{name} is not WebVTT: it does not start with 'WEBVTT'.")
    cues: list[Cue] = []
    dropped = [] if dropped is None else dropped
    number = 0  # caption blocks, in order (the header and NOTE blocks are not counted)
    for block in _BLANK.split(text.strip()):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines or lines[0].startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
            continue
        number += 1
        timings = [i for i, line in enumerate(lines) if _TIMING.match(line)]
        if not timings or timings[0] > 1:
            dropped.append(number)
            continue
        for k, at in enumerate(timings):
            until = timings[k + 1] if k + 1 < len(timings) else len(lines)
            if until < len(lines) and lines[until - 1].strip().isdigit() and until - 1 > at:
                until -= 1  # the next cue's number
            cue = _cue(lines[at], lines[at + 1 : until])
            if cue is not None:
                cues.append(cue)
    if not cues:
        raise ReadError(
            f"{name} has no captions with text (no valid cue timings found"
            + (f" in its {len(dropped)} block(s))." if dropped else ").")
        )
    return cues


def _cue(timing: str, lines: list[str]) -> Cue | None:
    seconds = parse_time(_TIMING.match(timing).group("start"))
    payload = " ".join(line.strip() for line in lines)
    speaker = ""
    voice = _VOICE.search(payload)
    if voice:
        speaker = voice.group(1).strip()
    payload = html.unescape(_TAG.sub("", payload)).strip()
    if not speaker:
        prefix = _PREFIX.match(payload)
        if prefix:
            speaker = prefix.group("label").strip()
            payload = payload[prefix.end() :]
    payload = " ".join(payload.split())
    return Cue(seconds, speaker, payload) if payload else None


def read_subtitles(data: bytes, name: str, file_format: str) -> ReadResult:
    raw, encoding, warnings = decode(data, name)
    dropped: list[int] = []
    cues = parse_cues(raw, name, webvtt=file_format == "vtt", dropped=dropped)
    if dropped:
        shown = ", ".join(map(str, dropped[:5])) + (", ..." if len(dropped) > 5 else "")
        warnings.append(
            f"{name}: {len(dropped)} of {len(dropped) + len(cues)} caption blocks have no valid "
            f"timing line (such as 00:01:02.000 --> 00:01:05.000) and were left out: block(s) "
            f"{shown}."
        )
    parts: list[str] = []
    turns: list[DetectedTurn] = []
    position = 0
    index = 0
    while index < len(cues):
        first = cues[index]
        speech = [first.text]
        index += 1
        while index < len(cues) and cues[index].speaker == first.speaker:
            speech.append(cues[index].text)
            index += 1
        if parts:
            parts.append("\n\n")
            position += 2
        label_start = position
        prefix = f"{first.speaker}: " if first.speaker else ""
        body = " ".join(speech)
        parts.append(prefix + body)
        start = position + len(prefix)
        position = start + len(body)
        turns.append(
            DetectedTurn(
                start,
                position,
                first.speaker,
                first.seconds,
                is_interviewer_label(first.speaker),
                label_start if first.speaker else None,
                label_start + len(first.speaker) if first.speaker else None,
            )
        )
    labels = frozenset(t.speaker_label for t in turns if t.speaker_label)
    return ReadResult(
        file_format,
        encoding,
        [ReadDocument(title=name, text="".join(parts), turns=turns, known_labels=labels)],
        warnings,
    )

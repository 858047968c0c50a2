"""Speaker turns in plain transcripts, for the conventions transcripts really use.

Recognised at the start of a line:

- ``Interviewer: text``, ``I:``, ``R:``, ``Respondent:``, ``Mentor B1:``, ``interviewer:``,
  initials (``MSM:``), names in capitals (``SARAH JONES: text``), a label alone on its
  line with the speech below (``Sarah:`` then the text);
- ``[00:01:23] Name: text`` and ``Name [00:01:23]: text`` (or round brackets);
- Otter.ai: ``Name  00:13`` on a line of its own, the text on the next line;
- ``Name<TAB>text``;
- a name in capitals alone on its line (``SARAH``), the text on the next line.

Offsets are code points over the text as given. A turn covers the speech after the label
up to the last non-blank character before the next label. A label is only taken as one
when it looks like a speaker: a known role, capitalised words, initials or a participant
code; a capitalised one-off (``Note: ...``) inside a conversation whose speakers recur is
left as speech.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

INTERVIEWER_LABELS = frozenset(
    {
        "interviewer",
        "i",
        "int",
        "iv",
        "facilitator",
        "researcher",
        "q",
        "moderator",
        "peer researcher",
    }
)
ROLE_WORDS = frozenset(
    {
        "interviewer", "interviewee", "i", "r", "q", "a", "p", "int", "iv", "resp", "respondent",
        "participant", "mentor", "mentee", "facilitator", "moderator", "researcher", "staff",
        "carer", "volunteer", "speaker", "coordinator", "worker", "client", "peer", "manager",
        "parent", "member", "service user", "young person",
    }
)  # fmt: skip
NOT_LABELS = frozenset(
    {
        "note", "notes", "nb", "ps", "re", "subject", "date", "time", "location", "tel",
        "email", "e-mail", "http", "https", "www", "example", "update", "summary", "title",
        "question", "answer", "so", "and", "but", "because", "well", "yes", "no", "ok",
        "fyi", "btw", "asap", "tbc", "tbd", "aob", "rsvp", "etc", "ie", "eg", "faq", "url",
    }
)  # fmt: skip

_WORD = r"[\w.'’()\-]+"
_LABEL = rf"[^\W\d_][\w.'’()\-]*(?:[ ]{_WORD}){{0,4}}"
_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_CAPS = r"[A-Z][A-Z0-9.'’\-]*(?:[ ][A-Z0-9.'’\-]+){0,3}"
LABEL_LINE = re.compile(
    rf"^[ \t]*[\[(](?P<t1>{_TS})[\])][ \t]*(?:-[ \t]*)?(?P<l1>{_LABEL})[ \t]*:(?=[ \t\n]|$)"
    rf"|^(?P<l2>{_LABEL})[ \t]+[\[(](?P<t2>{_TS})[\])][ \t]*:?(?=[ \t\n]|$)"
    rf"|^(?P<l3>{_LABEL})[ \t]*:(?=[ \t\n]|$)"
    rf"|^(?P<l4>{_LABEL})[ \t]+(?P<t4>{_TS})[ \t]*$"
    rf"|^(?P<l5>{_LABEL})\t+(?=\S)"
    rf"|^(?P<l6>{_CAPS})[ \t]*$",
    re.MULTILINE,
)
_GROUPS = (("l1", "t1"), ("l2", "t2"), ("l3", None), ("l4", "t4"), ("l5", None), ("l6", None))
_NEEDS_NEXT_LINE = {"l4", "l6"}


@dataclass(frozen=True)
class DetectedTurn:
    start: int
    end: int
    speaker_label: str
    timestamp: float | None = None
    is_interviewer: bool = False
    # Where the label itself sits in the text (None when the text does not show it).
    label_start: int | None = None
    label_end: int | None = None


def is_interviewer_label(label: str) -> bool:
    folded = " ".join(label.casefold().replace(".", " ").split())
    return folded in INTERVIEWER_LABELS or folded.split(" ")[0] in INTERVIEWER_LABELS - {"q"}


def parse_timestamp(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) > 2 else 0
    return hours * 3600 + minutes * 60 + seconds


def _is_role(label: str) -> bool:
    folded = " ".join(label.casefold().replace(".", " ").split())
    words = folded.split(" ")
    return folded in ROLE_WORDS or words[0] in ROLE_WORDS or " ".join(words[:2]) in ROLE_WORDS


@lru_cache(maxsize=16_384)  # a survey asks it of every respondent's label in every column
def is_pseudonymous_label(label: str) -> bool:
    """A role or a participant code (``Interviewer``, ``Mentor B1``, ``R``), not a name."""
    return _is_role(label) and (len(label.split()) == 1 or any(c.isdigit() for c in label))


def _looks_like_speaker(label: str, group: str) -> bool:
    if len(label) > 40:
        return False
    folded = label.casefold().rstrip(".")
    if folded in NOT_LABELS:
        return False
    if _is_role(label):
        return True
    words = label.split()
    if group == "l6":
        return sum(c.isalpha() for c in label) >= 2 and len(words) <= 3
    if group == "l4" and len(words) == 1:  # Otter: "name  00:13"; a handle may be lower case
        return True
    return all(w[0].isupper() or w[0].isdigit() or w[0] in "(" for w in words)


def _candidates(text: str, known: frozenset[str]) -> list[tuple[re.Match, str, str | None]]:
    found = []
    looks: dict[tuple[str, str], bool] = {}  # labels repeat: decide each (label, form) once
    for match in LABEL_LINE.finditer(text):
        for label_group, time_group in _GROUPS:
            label = match.group(label_group)
            if label is None:
                continue
            label = label.strip()
            if label_group in _NEEDS_NEXT_LINE:
                rest = text[match.end() : match.end() + 400].lstrip(" \t")
                if not rest.startswith("\n") or not rest.strip():
                    break
            speaker = looks.get((label, label_group))
            if speaker is None:
                speaker = looks[label, label_group] = label.casefold() in known or (
                    _looks_like_speaker(label, label_group)
                )
            if speaker:
                found.append((match, label_group, time_group))
            break
    return found


def detect_turns(text: str, known_labels: Iterable[str] = ()) -> list[DetectedTurn]:
    """Split ``text`` into speaker turns; text before the first label is not a turn.

    ``known_labels`` (speakers remembered for the project, bold labels from Word) are
    always accepted as labels.
    """
    known = frozenset(label.casefold() for label in known_labels)
    candidates = _candidates(text, known)
    counts = Counter(m.group(g).strip().casefold() for m, g, _ in candidates)
    recurring = any(n >= 2 for n in counts.values())
    # Names alone on a line in capitals: only when the transcript uses that convention.
    caps = Counter(m.group("l6").strip().casefold() for m, g, _ in candidates if g == "l6")
    caps_convention = sum(caps.values()) >= 2 and max(caps.values(), default=0) >= 2
    kept = []
    strong: dict[str, bool] = {}
    for match, group, time_group in candidates:
        label = match.group(group).strip()
        folded = label.casefold()
        if group == "l6" and not caps_convention and folded not in known:
            continue
        if group in {"l3", "l5"} and counts[folded] == 1 and recurring:  # a one-off
            is_strong = strong.get(label)
            if is_strong is None:
                is_strong = strong[label] = (
                    folded in known
                    or _is_role(label)
                    or any(c.isdigit() for c in label)
                    or (label.isalpha() and label.isupper() and len(label) <= 4)  # initials
                )
            if not is_strong:
                continue
        kept.append((match, group, time_group))
    turns: list[DetectedTurn] = []
    interviewer: dict[str, bool] = {}
    for index, (match, group, time_group) in enumerate(kept):
        start = match.end()
        limit = kept[index + 1][0].start() if index + 1 < len(kept) else len(text)
        segment = text[start:limit]
        stripped = segment.lstrip()
        start += len(segment) - len(stripped)
        end = start + len(stripped.rstrip())
        if end <= start:
            continue
        raw = match.group(group)
        label = raw.strip()
        label_start = match.start(group) + (len(raw) - len(raw.lstrip()))
        stamp = parse_timestamp(match.group(time_group)) if time_group else None
        is_interviewer = interviewer.get(label)
        if is_interviewer is None:
            is_interviewer = interviewer[label] = is_interviewer_label(label)
        turns.append(
            DetectedTurn(
                start, end, label, stamp, is_interviewer, label_start, label_start + len(label)
            )
        )
    return turns


NON_SPEECH = re.compile(
    r"\[(?:inaudible|indistinct|unclear|laughs?|laughter|laughing|crosstalk|cross-talk|pause|"
    r"long pause|silence|sighs?|coughs?|crying|cries|background noise|interruption|"
    r"overlapping|music|applause)[^\]\n]{0,60}\]"
    r"|\(\([^()\n]{1,80}\)\)",
    re.IGNORECASE,
)
_WORDS = re.compile(r"\w+(?:['’\-]\w+)*")


def word_count(text: str, *, exclude_non_speech: bool = True) -> int:
    """Words of ``text``; non-speech markers (``[laughs]``, ``((phone rings))``) stay in the
    text but are not counted unless ``exclude_non_speech`` is False."""
    if exclude_non_speech:
        text = NON_SPEECH.sub(" ", text)
    return len(_WORDS.findall(text))

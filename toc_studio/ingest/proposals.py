"""What an import proposes for each document: who each speaker is, what kind of document it
is, and where turns and headings sit once names are replaced."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from toc_studio.ingest.models import DocumentKind
from toc_studio.ingest.readers import Heading, ReadDocument
from toc_studio.ingest.turns import DetectedTurn


@dataclass
class SpeakerChoice:
    """Who a speaker label stands for: an existing or new participant, or nobody."""

    label: str
    turns: int
    participant: str | None
    group: str | None = None
    is_interviewer: bool = False
    is_new: bool = False
    remembered: bool = False
    attributes: dict[str, str] = field(default_factory=dict)


def map_heading(heading: Heading, offsets, text: str) -> Heading:
    """A heading moved with the replacements; its title is the pseudonymised text."""
    start, end = offsets.map(heading.start, side="start"), offsets.map(heading.end, side="end")
    return Heading(start, end, heading.level, " ".join(text[start:end].split()))


def map_turn(turn: DetectedTurn, offsets, text: str) -> DetectedTurn:
    start, end = offsets.map(turn.start, side="start"), offsets.map(turn.end, side="end")
    if turn.label_start is None or turn.label_end is None:
        return replace(turn, start=start, end=end)
    label_start = offsets.map(turn.label_start, side="start")
    label_end = offsets.map(turn.label_end, side="end")
    label = text[label_start:label_end]
    return replace(
        turn, start=start, end=end, speaker_label=label, label_start=label_start,
        label_end=label_end,
    )  # fmt: skip


def guess_kind(turns: Iterable[DetectedTurn]) -> str:
    turns = list(turns)
    if not turns:
        return DocumentKind.NOTES.value
    speakers = {t.speaker_label.casefold() for t in turns if not t.is_interviewer}
    return DocumentKind.FOCUS_GROUP.value if len(speakers) >= 3 else DocumentKind.INTERVIEW.value


def propose_speakers(
    turns: Sequence[DetectedTurn], read: ReadDocument, context, group: str | None
) -> list[SpeakerChoice]:
    """Who each speaker label of a document stands for: the participant remembered for the
    label, the participant of that name, nobody for an interviewer, else a new participant
    named by the label (in ``group``). ``context``: the project's participants, labels and
    remembered speakers (:class:`toc_studio.ingest.pipeline.ProjectContext`)."""
    counts: dict[str, list[DetectedTurn]] = {}
    for turn in turns:
        if turn.speaker_label:
            counts.setdefault(turn.speaker_label, []).append(turn)
    choices = []
    for label, own in counts.items():
        attributes = read.attributes.get(label, {})
        remembered = context.remembered.get(label.casefold())
        if remembered is not None:
            pid, interviewer = remembered
            name = context.participant_labels.get(pid) if pid is not None else None
            group = context.participants.get(name.casefold(), (None, None))[1] if name else None
            choices.append(
                SpeakerChoice(label, len(own), name, group, interviewer, False, True, attributes)
            )
            continue
        interviewer = own[0].is_interviewer
        existing = context.participants.get(label.casefold())
        if interviewer and existing is None:
            choices.append(SpeakerChoice(label, len(own), None, None, True))
        elif existing is not None:
            choices.append(
                SpeakerChoice(label, len(own), existing[0], existing[1], interviewer,
                              attributes=attributes)
            )  # fmt: skip
        else:
            choices.append(
                SpeakerChoice(label, len(own), label, group, False, True,
                              attributes=attributes)
            )  # fmt: skip
    return choices

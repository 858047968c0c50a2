"""Who speaks where in an imported source: the turns of its document and their speakers.

In order of trust:

1. TOC Studio's own export carries every turn exactly (``toc-studio/turns/<guid>.json``);
2. selections a case refers to are that participant's turns (NVivo's case coding of
   speakers); turns found in the text elsewhere (the interviewer's) are kept beside them;
3. turns found in the text whose speaker label is a case's name are that participant's;
4. a source that exactly one case refers to (``SourceRef``: the usual NVivo layout, one
   interview per source and a case per interviewee) is that participant's: turns found in
   the text with a label of no participant (not the interviewer's) become theirs, and a
   text without turns becomes one turn of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

from toc_studio.ingest.turns import DetectedTurn, detect_turns
from toc_studio.report.refi import records as rr

EXACT = "the toc-studio folder"
CASE_SELECTIONS = "selections linked to cases"
WHOLE_SOURCE = "the case linked to the whole source"
LABELS = "speaker labels in the text"
MISSING = object()
_START = attrgetter("start")


@dataclass
class Speakers:
    turns: list[DetectedTurn]
    ids: dict[str, int | None]  # speaker label -> participant id
    how: list[str] = field(default_factory=list)


def document_speakers(importer, rec: rr.SourceRec, text: str, mapping, title: str) -> Speakers:
    exact = _exact(importer, rec, text, title)
    if exact is not None:
        return exact
    found = Speakers(detect_turns(text), {})
    spans = _case_spans(importer, rec, len(text), mapping)
    if spans:
        found.how.append(CASE_SELECTIONS)
        found.turns = _with_spans(found.turns, spans)
        for _, _, person in spans:
            found.ids[person.label] = person.id
    labels = importer.labels
    for turn in found.turns:
        person = labels.get(turn.speaker_label.casefold())
        if person is not None and turn.speaker_label not in found.ids:
            found.ids[turn.speaker_label] = person.id
            if LABELS not in found.how:
                found.how.append(LABELS)
    cases = {p.id: p for p in importer.case_sources.get(rec.guid, [])}
    if len(cases) == 1 and not spans:
        _whole_source(found, next(iter(cases.values())), text)
    return found


def _exact(importer, rec: rr.SourceRec, text: str, title: str) -> Speakers | None:
    rows = importer.folder.turns(rec.guid) if importer.folder else None
    if not isinstance(rows, list):
        return None
    turns, ids, clash, overrun = [], {}, False, False
    labels, length = importer.labels, len(text)
    people: dict[str, int | None] = {}  # the folder's person -> participant id
    try:
        for start, end, label, person, stamp, interviewer in rows:
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
                raise ValueError
            label = str(label or "")[:200]
            stamp = float(stamp) if stamp is not None else None
            turns.append(DetectedTurn(start, end, label, stamp, bool(interviewer)))
            overrun = overrun or end > length
            named = type(person) is str  # remembered (a file may put anything there)
            person_id = people.get(person, MISSING) if named else MISSING
            if person_id is MISSING:
                participant = labels.get(str(person).casefold()) if person else None
                person_id = participant.id if participant else None
                if named:
                    people[person] = person_id
            clash = clash or ids.setdefault(label, person_id) != person_id
    except (TypeError, ValueError):
        importer.warn(f"Source {title!r}: its turns in the toc-studio folder are unreadable.")
        return None
    if clash:
        importer.warn(
            f"Source {title!r}: a speaker label stands for different participants in "
            "different turns; each label kept its first participant."
        )
    if overrun:
        importer.warn(f"Source {title!r}: its turns in the toc-studio folder overrun its text.")
        return None
    return Speakers(sorted(turns, key=_START), ids, [EXACT])


def _case_spans(importer, rec: rr.SourceRec, length: int, mapping) -> list[tuple]:
    """(start, end, participant) of the source's selections that cases refer to, in code
    points over the stored text, in order, overlaps cut."""
    linked = importer.cases.selections
    spans = []
    for guid, start, end, *_ in rec.selections:
        person = linked.get(guid)
        if person is None:
            continue
        start, end = mapping.to_index(start)[0], mapping.to_index(end)[0]
        if 0 <= start < end <= length:
            spans.append((start, end, person))
    spans.sort(key=lambda s: (s[0], s[1]))
    kept, reach = [], 0
    for start, end, person in spans:
        start = max(start, reach)
        if start < end:
            kept.append((start, end, person))
            reach = end
    return kept


def _with_spans(detected: list[DetectedTurn], spans: list[tuple]) -> list[DetectedTurn]:
    """The case-linked turns, with the detected turns that overlap none of them."""
    turns = [DetectedTurn(start, end, person.label) for start, end, person in spans]
    for turn in detected:
        if all(turn.end <= s or turn.start >= e for s, e, _ in spans):
            turns.append(turn)
    return sorted(turns, key=lambda t: t.start)


def _whole_source(found: Speakers, person, text: str) -> None:
    """The only case of the source speaks every turn not the interviewer's nor another
    participant's; a text without turns is one turn of theirs."""
    if not found.turns:
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        if start < end:
            found.turns = [DetectedTurn(start, end, person.label)]
            found.ids[person.label] = person.id
            found.how.append(WHOLE_SOURCE)
        return
    for turn in found.turns:
        if not turn.is_interviewer and found.ids.get(turn.speaker_label) is None:
            found.ids[turn.speaker_label] = person.id
            if WHOLE_SOURCE not in found.how:
                found.how.append(WHOLE_SOURCE)

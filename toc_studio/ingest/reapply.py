"""Names found in an import, replaced in the project's documents imported earlier.

Planning (:func:`plan_earlier`) scans the earlier documents for the names that are new to
the project's key (the others were replaced when they were found) and tells each file of
the batch what its names would change: which documents, how many mentions. Storing the
file (:func:`apply_earlier`) scans each of those documents again as it is then, replaces
the mentions, moves turns, sentences and sections with the text, and lets coding move its
codings (:class:`toc_studio.events.DocumentTextPseudonymised`: a coded quote that held the
name now holds the placeholder). A document whose codings cannot move (a subscriber
refuses, or two codings would become one) is left as it was, and the outcome says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from toc_studio import access, events
from toc_studio.errors import Conflict
from toc_studio.ingest.documents import sha256_text
from toc_studio.ingest.models import Document, Turn
from toc_studio.ingest.pseudonymise import NameIndex, OffsetMap, Replacement, apply, assign, fold
from toc_studio.ingest.pseudonymise.finder import resolve
from toc_studio.ingest.tables import Section, Sentence
from toc_studio.project import projects
from toc_studio.project.models import Participant

_BETWEEN_WORDS = r"(?:[ \t\u00a0]+|[ \t\u00a0]*\n[ \t\u00a0]*)"


@dataclass
class EarlierChange:
    """What a file's names change in one document imported earlier."""

    document_id: int
    title: str
    mentions: int
    # folded form -> (placeholder, kind, canonical name)
    forms: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return sorted({canonical for _, _, canonical in self.forms.values()})


def plan_earlier(
    session: Session,
    project_id: int,
    previews: Sequence,
    index: NameIndex | None,
    key,
    exclude: set[int] = frozenset(),
) -> None:
    """Set ``preview.earlier`` for each preview: the changes its names make to documents
    the project already holds, but ``exclude`` (those the batch replaces); none when the
    batch brings no new name."""
    used = {r.canonical for p in previews for d in p.documents for r in d.replacements}
    fresh = [c for c in (index.clusters if index else []) if not c.placeholder]
    fresh = [c for c in fresh if c.canonical in used]
    if not fresh:
        return
    scanner = NameIndex(fresh)
    # Most earlier documents hold none of the new names: one search in C rules them out.
    firsts = {w.group() for c in fresh for f in c.forms if (w := re.match(r"\w+", f.casefold()))}
    quick = re.compile("|".join(sorted(map(re.escape, firsts), key=len, reverse=True)), re.I)
    mine = [{r.placeholder for d in p.documents for r in d.replacements} for p in previews]
    rows = session.execute(
        select(Document.id, Document.title, Document.text).where(Document.project_id == project_id)
    ).all()
    for document_id, title, text in rows:
        if document_id in exclude or not quick.search(text):
            continue
        found = assign(resolve(text, scanner.scan(text), set(), set()), key)
        for preview, placeholders in zip(previews, mine, strict=True):
            own = [r for r in found if r.placeholder in placeholders]
            if own:
                preview.earlier.append(
                    EarlierChange(
                        document_id, title, len(own),
                        {fold(r.original): (r.placeholder, r.kind, r.canonical) for r in own},
                    )
                )  # fmt: skip


def replacements_for(text: str, forms: dict[str, tuple[str, str, str]]) -> list[Replacement]:
    """Every mention of ``forms`` in ``text`` as it is now (any case, across line breaks)."""
    if not forms:
        return []
    alternatives = sorted(
        (_BETWEEN_WORDS.join(map(re.escape, form.split())) for form in forms), key=len, reverse=True
    )
    pattern = re.compile(rf"(?<![\w'’-])(?:{'|'.join(alternatives)})(?![\w]|['’-]\w\w)", re.I)
    found = []
    for match in pattern.finditer(text):
        entry = forms.get(fold(match.group()))
        if entry is not None:
            placeholder, kind, canonical = entry
            found.append(
                Replacement(
                    match.start(), match.end(), match.group(), kind, "key", placeholder, canonical
                )
            )
    return resolve(text, found, set(), set())


def apply_earlier(session: Session, changes: Sequence[EarlierChange]) -> list[str]:
    """Replace the planned names in the earlier documents; warnings for those left alone."""
    warnings = []
    for change in changes:
        document = session.get(Document, change.document_id)
        if document is None:
            continue
        access.require(session, document.project_id, "lead", "pseudonymise earlier documents")
        found = replacements_for(document.text, change.forms)
        if not found:
            continue
        new_text, offsets = apply(document.text, found)
        try:
            with session.begin_nested():
                changes = tuple((r.start, r.end, len(r.placeholder)) for r in found)
                events.emit(
                    session, events.DocumentTextPseudonymised(document.id, new_text, changes)
                )
                renamed = _move_rows(session, document.id, offsets, new_text, change.forms)
                document.text = new_text
                document.sha256 = sha256_text(new_text)
                session.add(document)
                session.flush()
                warnings += _relabel_participants(session, document.project_id, renamed)
                events.emit(session, events.SpeakersChanged((document.id,)))
        except (Conflict, IntegrityError):
            warnings.append(
                f"{document.title!r} also mentions {len(change.names)} of this file's names "
                f"({len(found)} time(s)) but was left as it was: its codings could not move "
                "with the text (two would become the same). Remove one, then import again."
            )
    return warnings


def _relabel_participants(session: Session, project_id: int, renamed: dict[str, str]) -> list:
    """A participant named by a speaker label that held a name takes the new label."""
    warnings = []
    for old, new in renamed.items():
        participant = session.execute(
            select(Participant).where(
                Participant.project_id == project_id, Participant.label == old
            )
        ).scalar_one_or_none()
        if participant is None:
            continue
        try:
            with session.begin_nested():
                projects.update_participant(session, participant, label=new)
        except Conflict:
            warnings.append(
                f"A participant is still labelled by a name because {new} is taken by "
                "another; relabel it on the Participants page."
            )
    return warnings


def _move_rows(
    session: Session, document_id: int, offsets: OffsetMap, text: str, forms
) -> dict[str, str]:
    """Move turns, sentences and sections with the text; the speaker labels renamed."""
    turns = session.execute(
        select(Turn.id, Turn.start, Turn.end, Turn.speaker_label).where(
            Turn.document_id == document_id
        )
    ).all()
    label_cache: dict[str, str] = {}
    rows = []
    for turn_id, start, end, label in turns:
        if label not in label_cache:
            label_cache[label] = apply(label, replacements_for(label, forms))[0]
        rows.append(
            {
                "id": turn_id,
                "start": offsets.map(start, side="start"),
                "end": offsets.map(end, side="end"),
                "speaker_label": label_cache[label][:200],
            }
        )
    if rows:
        session.execute(update(Turn), rows)
    renamed = {old: new for old, new in label_cache.items() if old and old != new}
    sentences = session.execute(
        select(Sentence.id, Sentence.start, Sentence.end).where(Sentence.document_id == document_id)
    ).all()
    if sentences:
        session.execute(
            update(Sentence),
            [
                {"id": i, "start": offsets.map(s, side="start"), "end": offsets.map(e, side="end")}
                for i, s, e in sentences
            ],
        )
    sections = session.execute(
        select(Section.id, Section.start, Section.heading_end, Section.end).where(
            Section.document_id == document_id
        )
    ).all()
    if sections:
        moved = []
        for i, s, h, e in sections:
            start, heading_end = offsets.map(s, side="start"), offsets.map(h, side="end")
            title = " ".join(text[start:heading_end].split())
            moved.append(
                {"id": i, "start": start, "heading_end": heading_end,
                 "end": offsets.map(e, side="end"), "title": title}
            )  # fmt: skip
        session.execute(update(Section), moved)
    return renamed

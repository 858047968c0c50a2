"""How coding reacts to changes made by the packages below it (:mod:`toc_studio.events`).

Project and ingest do not import coding: they emit events, and the handlers here keep
coding's rows right in the same transaction. The stored speaker of a coding is worked out
again when the turns or participants it depends on change; codings move with their text
when a document is re-imported; and the lower packages learn what of coding's still
depends on a group or a document before they delete it.

The handlers are subscribed when this module is imported, which the package's
``__init__`` does: importing anything of coding (``db.import_models`` imports its tables)
subscribes them.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlmodel import Session

from toc_studio import events
from toc_studio.coding.models import Code, Coding
from toc_studio.coding.speakers import documents_of_participant, refresh_speakers
from toc_studio.coding.tables import AgreementResolution
from toc_studio.errors import Conflict
from toc_studio.ingest.models import Document


def on_speakers_changed(session: Session, event: events.SpeakersChanged) -> None:
    """The turns or participants of some documents changed: their codings' speakers too."""
    refresh_speakers(session, event.document_ids)


def on_participant_deleting(session: Session, event: events.ParticipantDeleting) -> tuple[int, ...]:
    """The documents where the participant speaks a turn or is a coding's stored speaker."""
    return tuple(documents_of_participant(session, event.participant_id))


def on_group_deleting(session: Session, event: events.GroupDeleting) -> events.Held:
    """The codes in the group's branch (they become shared when the group goes)."""
    codes = session.execute(
        select(func.count()).select_from(Code).where(Code.branch_group_id == event.group_id)
    ).one()[0]
    return events.Held(codes, "code(s) in its branch")


def on_document_deleting(session: Session, event: events.DocumentDeleting) -> events.Held:
    """The codings of the document (the database would delete them with it)."""
    codings = session.execute(
        select(func.count()).select_from(Coding).where(Coding.document_id == event.document_id)
    ).one()[0]
    return events.Held(codings, "coding(s)")


def on_document_counts_wanted(
    session: Session, event: events.DocumentCountsWanted
) -> dict[int, int]:
    """The number of codings of each coded document of the project."""
    return dict(
        session.execute(
            select(Coding.document_id, func.count())
            .join(Document, Document.id == Coding.document_id)
            .where(Document.project_id == event.project_id)
            .group_by(Coding.document_id)
        ).all()
    )


def relocate(old_text: str, new_text: str, start: int, quote: str) -> int | None:
    """Where ``quote`` (coded at ``start`` in ``old_text``) sits in ``new_text``: the
    occurrence nearest its old relative position, or None when it is gone."""
    if new_text[start : start + len(quote)] == quote:
        return start
    expected = start * len(new_text) / max(len(old_text), 1)
    best, position = None, new_text.find(quote)
    while position >= 0:
        if best is None or abs(position - expected) < abs(best - expected):
            best = position
        position = new_text.find(quote, position + 1)
    return best


def on_document_text_replacing(session: Session, event: events.DocumentTextReplacing) -> int:
    """Move every coding of the document to where its text sits in the new version, or
    refuse (changing nothing) when the text of some is gone. Returns how many moved. Their
    speakers are refreshed by the :class:`~toc_studio.events.SpeakersChanged` the new turns
    bring."""
    document = session.get(Document, event.document_id)
    codings = session.execute(
        select(Coding.id, Coding.start, Coding.text).where(Coding.document_id == event.document_id)
    ).all()
    moves, lost = [], 0
    for coding_id, start, quote in codings:
        position = relocate(document.text, event.new_text, start, quote)
        if position is None:
            lost += 1
        else:
            moves.append((coding_id, position, position + len(quote)))
    if lost:
        raise Conflict(
            f"{document.title!r} has {lost} coding(s) whose text is not in the new version, so "
            "replacing it would lose them. Import the file as a new document, or remove those "
            "codings first."
        )
    for coding_id, start, end in moves:
        session.execute(update(Coding).where(Coding.id == coding_id).values(start=start, end=end))
    return len(moves)


def shifted(changes: tuple[tuple[int, int, int], ...], position: int, side: str) -> int:
    """``position`` of the old text in the new one; inside a replaced span it moves to the
    placeholder's start (``side="start"``) or end (``"end"``)."""
    shift = 0
    for start, end, length in changes:
        if position <= start:
            break
        if position < end:
            return start + shift + (0 if side == "start" else length)
        shift += length - (end - start)
    return position + shift


def on_document_text_pseudonymised(
    session: Session, event: events.DocumentTextPseudonymised
) -> int:
    """Move every coding (and settled disagreement) with its text: names in it became
    placeholders, so its quote is read again from the new text."""
    moved = 0
    for coding_id, start, end in session.execute(
        select(Coding.id, Coding.start, Coding.end).where(Coding.document_id == event.document_id)
    ).all():
        new_start = shifted(event.changes, start, "start")
        new_end = shifted(event.changes, end, "end")
        session.execute(
            update(Coding)
            .where(Coding.id == coding_id)
            .values(start=new_start, end=new_end, text=event.new_text[new_start:new_end])
        )
        moved += 1
    for row_id, start, end in session.execute(
        select(AgreementResolution.id, AgreementResolution.start, AgreementResolution.end).where(
            AgreementResolution.document_id == event.document_id
        )
    ).all():
        session.execute(
            update(AgreementResolution)
            .where(AgreementResolution.id == row_id)
            .values(
                start=shifted(event.changes, start, "start"),
                end=shifted(event.changes, end, "end"),
            )
        )
    return moved


events.subscribe(events.SpeakersChanged, on_speakers_changed)
events.subscribe(events.ParticipantDeleting, on_participant_deleting)
events.subscribe(events.GroupDeleting, on_group_deleting)
events.subscribe(events.DocumentDeleting, on_document_deleting)
events.subscribe(events.DocumentTextReplacing, on_document_text_replacing)
events.subscribe(events.DocumentTextPseudonymised, on_document_text_pseudonymised)
events.subscribe(events.DocumentCountsWanted, on_document_counts_wanted)

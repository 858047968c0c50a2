"""The Documents screen's services: the table of documents, speakers and their mapping."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, cast, func, select
from sqlmodel import Session

from toc_studio.coding.models import Coding
from toc_studio.ingest import documents as ingest_documents
from toc_studio.ingest.models import Document, Turn
from toc_studio.ingest.turns import word_count
from toc_studio.project.models import Coder, Participant, Project


@dataclass(frozen=True)
class DocumentRow:
    id: int
    title: str
    kind: str
    participants: list[str]
    groups: list[str]
    words: int
    turns: int
    codings: int
    coders: list[str]


def document_rows(session: Session, project: Project) -> list[DocumentRow]:
    """Every document of the project with what a lead wants to see at a glance."""
    summaries = ingest_documents.list_documents(session, project)
    coders: dict[int, list[str]] = {}
    for doc_id, name in session.execute(
        select(Coding.document_id, Coder.name)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Document, Document.id == Coding.document_id)
        .where(Document.project_id == project.id)
        .distinct()
        .order_by(Coder.name)
    ).all():
        coders.setdefault(doc_id, []).append(name)
    texts = dict(
        session.execute(
            select(Document.id, Document.text).where(Document.project_id == project.id)
        ).all()
    )
    return [
        DocumentRow(
            id=d.id,
            title=d.title,
            kind=d.kind,
            participants=d.participants,
            groups=d.groups,
            words=word_count(texts.get(d.id, "")),
            turns=d.turns,
            codings=d.codings,
            coders=coders.get(d.id, []),
        )
        for d in summaries
    ]


@dataclass(frozen=True)
class Speaker:
    label: str
    turns: int
    participant_id: int | None
    is_interviewer: bool


def speakers(session: Session, document: Document) -> list[Speaker]:
    """The speaker labels of a document's turns, with the participant each is mapped to."""
    rows = session.execute(
        select(
            Turn.speaker_label,
            func.count(),
            func.min(Turn.participant_id),
            func.max(Turn.participant_id),
            func.max(cast(Turn.is_interviewer, Integer)),
        )
        .where(Turn.document_id == document.id)
        .group_by(Turn.speaker_label)
        .order_by(Turn.speaker_label)
    ).all()
    return [
        Speaker(label, count, low if low == high else None, bool(interviewer))
        for label, count, low, high, interviewer in rows
    ]


def map_speaker(
    session: Session, document: Document, label: str, participant: Participant | None
) -> int:
    """Attribute every turn of ``label`` in ``document`` to ``participant`` (None: to
    nobody, e.g. the interviewer). Returns the number of turns changed; the codings in
    those turns change speaker with them (see :func:`toc_studio.ingest.documents.map_speaker`)."""
    return ingest_documents.map_speaker(session, document, label, participant)

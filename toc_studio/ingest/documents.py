"""Documents and their turns: plain functions over a session."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlmodel import Session

from toc_studio import access, events
from toc_studio.errors import Invalid, NotFound, fit
from toc_studio.ingest.models import Document, DocumentKind, Turn
from toc_studio.ingest.turns import DetectedTurn
from toc_studio.project.models import Group, Participant, Project


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_document(
    session: Session,
    project: Project,
    title: str,
    text: str,
    *,
    kind: DocumentKind | str = DocumentKind.INTERVIEW,
    original_filename: str = "",
    encoding: str = "",
    turns: Sequence[DetectedTurn] = (),
    speakers: Mapping[str, int | None] | None = None,
) -> Document:
    """Store a document with its turns. ``speakers`` maps a raw speaker label to a
    participant id (or None for no participant, e.g. the interviewer)."""
    access.require(session, project.id, "lead", "add a document")
    title = " ".join(title.split())
    if not title:
        raise Invalid("A document needs a title.")
    fit(title, TITLE_LIMIT, "A document's title")
    try:
        kind = DocumentKind(kind).value
    except ValueError as exc:
        allowed = ", ".join(k.value for k in DocumentKind)
        raise Invalid(f"Unknown document kind {kind!r}; use one of: {allowed}.") from exc
    document = Document(
        project_id=project.id,
        title=title,
        kind=kind,
        original_filename=original_filename,
        sha256=sha256_text(text),
        encoding=encoding,
        text=text,
    )
    session.add(document)
    session.flush()
    speakers = speakers or {}
    rows = []
    length, document_id = len(text), document.id
    for turn in turns:
        if not 0 <= turn.start < turn.end <= length:
            raise Invalid(
                f"Turn [{turn.start}, {turn.end}) lies outside {title!r} ({len(text)} characters)."
            )
        rows.append(
            (
                document_id,
                turn.start,
                turn.end,
                turn.speaker_label,
                speakers.get(turn.speaker_label),
                turn.timestamp,
                turn.is_interviewer,
            )
        )
    if rows:
        _insert_turns(session, rows)
    return document


_TURN_COLUMNS = (
    "document_id", "start", "end", "speaker_label", "participant_id", "timestamp",
    "is_interviewer",
)  # fmt: skip


def _insert_turns(session: Session, rows: list[tuple]) -> None:
    """Straight through the driver, :data:`TURNS_PER_STATEMENT` rows to one multi-row
    ``INSERT ... VALUES`` (the rest in one shorter statement), in the turns' order, so ids
    come out as one row at a time would give them. SQLAlchemy's per-row parameter
    processing costs more than the insert itself for long transcripts, and one statement
    per row costs SQLite a third more CPU than a hundred rows to a statement."""
    connection = session.connection()
    quote = connection.dialect.identifier_preparer.quote
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    one = f"({', '.join([mark] * len(_TURN_COLUMNS))})"
    head = f"INSERT INTO {quote(Turn.__table__.name)} ({', '.join(map(quote, _TURN_COLUMNS))}) "
    step = TURNS_PER_STATEMENT
    full = len(rows) - len(rows) % step
    if full:
        batches = [
            tuple([value for row in rows[at : at + step] for value in row])
            for at in range(0, full, step)
        ]
        connection.exec_driver_sql(head + "VALUES " + ", ".join([one] * step), batches)
    if full < len(rows):
        rest = [value for row in rows[full:] for value in row]
        connection.exec_driver_sql(
            head + "VALUES " + ", ".join([one] * (len(rows) - full)), tuple(rest)
        )


TURNS_PER_STATEMENT = 100  # 700 parameters: under every SQLite's and PostgreSQL's limit


def get_document(session: Session, project: Project, title_or_id: str | int) -> Document:
    if isinstance(title_or_id, int):
        document = session.get(Document, title_or_id)
        if document is not None and document.project_id != project.id:
            document = None
    else:
        document = (
            session.execute(
                select(Document)
                .where(Document.project_id == project.id, Document.title == title_or_id)
                .order_by(Document.id)
            )
            .scalars()
            .first()
        )
    if document is None:
        raise NotFound(f"Project {project.name!r} has no document {title_or_id!r}.")
    return document


def find_by_sha256(session: Session, project: Project, sha256: str) -> list[Document]:
    """Documents of the project with exactly this content (to offer skip or replace)."""
    return list(
        session.execute(
            select(Document).where(Document.project_id == project.id, Document.sha256 == sha256)
        ).scalars()
    )


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    title: str
    kind: str
    original_filename: str
    characters: int
    turns: int
    codings: int
    participants: list[str]
    groups: list[str]


def list_documents(session: Session, project: Project) -> list[DocumentSummary]:
    """The project's documents with counts, in title order (a fixed number of queries)."""
    docs = session.execute(
        select(
            Document.id,
            Document.title,
            Document.kind,
            Document.original_filename,
            func.length(Document.text),
        )
        .where(Document.project_id == project.id)
        .order_by(Document.title, Document.id)
    ).all()
    turn_counts = dict(
        session.execute(
            select(Turn.document_id, func.count())
            .join(Document, Document.id == Turn.document_id)
            .where(Document.project_id == project.id)
            .group_by(Turn.document_id)
        ).all()
    )
    coding_counts: dict[int, int] = {}  # from coding, which owns the codings
    for counts in events.emit(session, events.DocumentCountsWanted(project.id)):
        for doc_id, count in counts.items():
            coding_counts[doc_id] = coding_counts.get(doc_id, 0) + count
    people: dict[int, set[tuple[str, str | None]]] = {}
    for doc_id, label, group in session.execute(
        select(Turn.document_id, Participant.label, Group.name)
        .join(Participant, Participant.id == Turn.participant_id)
        .outerjoin(Group, Group.id == Participant.group_id)
        .join(Document, Document.id == Turn.document_id)
        .where(Document.project_id == project.id)
        .distinct()
    ).all():
        people.setdefault(doc_id, set()).add((label, group))
    return [
        DocumentSummary(
            id=doc_id,
            title=title,
            kind=kind,
            original_filename=filename,
            characters=length or 0,
            turns=turn_counts.get(doc_id, 0),
            codings=coding_counts.get(doc_id, 0),
            participants=sorted({label for label, _ in people.get(doc_id, ())}),
            groups=sorted({g for _, g in people.get(doc_id, ()) if g}),
        )
        for doc_id, title, kind, filename, length in docs
    ]


def list_turns(session: Session, document: Document) -> list[Turn]:
    return list(
        session.execute(
            select(Turn).where(Turn.document_id == document.id).order_by(Turn.start)
        ).scalars()
    )


def map_speaker(
    session: Session, document: Document, label: str, participant: Participant | None
) -> int:
    """Attribute every turn of ``label`` in ``document`` to ``participant`` (None: to
    nobody, e.g. the interviewer). Returns the number of turns changed. The packages above
    are told (:class:`toc_studio.events.SpeakersChanged`): the codings in those turns change
    speaker in the same transaction."""
    access.require(session, document.project_id, "lead", "say who speaks in a document")
    if participant is not None and participant.project_id != document.project_id:
        raise Invalid(f"{participant.label!r} is not a participant of this project.")
    result = session.execute(
        update(Turn)
        .where(Turn.document_id == document.id, Turn.speaker_label == label)
        .values(participant_id=participant.id if participant else None)
    )
    if not result.rowcount:
        raise Invalid(f"{document.title!r} has no turns spoken by {label!r}.")
    events.emit(session, events.SpeakersChanged((document.id,)))
    session.expire_all()
    return result.rowcount


TITLE_LIMIT = Document.__table__.c.title.type.length


def rename_document(session: Session, document: Document, new_title: str) -> Document:
    access.require(session, document.project_id, "lead", "rename a document")
    new_title = " ".join(new_title.split())
    if not new_title:
        raise Invalid("A document needs a title.")
    document.title = fit(new_title, TITLE_LIMIT, "A document's title")
    session.add(document)
    session.flush()
    return document


KIND_LABELS = {
    "interview": "Interview",
    "focus_group": "Focus group",
    "workshop": "Workshop",
    "survey": "Survey",
    "notes": "Notes",
    "podcast": "Podcast",
    "observation": "Observation",
    "other": "Other",
}  # every DocumentKind, as the screens name it; the kind is the data-collection method


def set_kind(session: Session, document: Document, kind: str) -> Document:
    """Say what kind of source ``document`` is (an interview, a focus group, a podcast...):
    the method its evidence counts for in the strength of evidence and the report."""
    from toc_studio import access

    access.require(session, document.project_id, "lead", "change a document's kind")
    try:
        document.kind = DocumentKind(kind).value
    except ValueError as exc:
        allowed = ", ".join(k.value for k in DocumentKind)
        raise Invalid(f"Unknown document kind {kind!r}; use one of: {allowed}.") from exc
    session.add(document)
    session.flush()
    return document


def set_phase(session: Session, document: Document, phase: str) -> Document:
    """Label ``document`` with its data-collection phase ("Phase 1: interviews"; "" for
    none), so each frozen version of the Theory of Change can say what it drew on."""
    from toc_studio import access

    access.require(session, document.project_id, "lead", "set a document's phase")
    phase = " ".join((phase or "").split())
    if len(phase) > 100:
        raise Invalid("A phase's name is limited to 100 characters; shorten it.")
    document.phase = phase
    session.add(document)
    session.flush()
    return document


def delete_document(session: Session, document: Document) -> None:
    """Delete a document with its turns, codings and memos (database cascades)."""
    access.require(session, document.project_id, "owner", "delete a document")
    said = f"Deleted the document {document.title!r}."
    access.audit(session, document.project_id, "document.delete", said)
    session.execute(delete(Document).where(Document.id == document.id))
    session.expunge_all()

"""Store planned imports: one transaction (savepoint) per file; a failed file leaves the
store as it was and the batch goes on.

Re-importing the same content is skipped unless ``replace`` is asked for; replacing a
document re-anchors its codings on the new text (each coded quote found again) or
refuses, naming how many codings would be lost. Codings are never dropped silently.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from toc_studio import access, events
from toc_studio.errors import Conflict, Invalid, TocStudioError, database_error_sentence
from toc_studio.ingest import documents, keystore, reapply
from toc_studio.ingest.models import Document, Turn
from toc_studio.ingest.pipeline import (
    DocumentPreview,
    FilePreview,
    ImportOptions,
    Upload,
    paused_gc,
    plan,
)
from toc_studio.ingest.sections import section_rows
from toc_studio.ingest.tables import DocumentImport, PseudonymEntry, Section, Sentence
from toc_studio.project import projects
from toc_studio.project.models import Participant, Project
from toc_studio.timeutil import utcnow


@dataclass
class StoredDocument:
    id: int
    title: str
    turns: int
    sentences: int
    speakers: list[str]
    replacements: int
    codings_moved: int = 0


@dataclass
class FileOutcome:
    name: str
    status: str  # imported | replaced | skipped | failed
    documents: list[StoredDocument] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict:
        return {
            "file": self.name,
            "status": self.status,
            "documents": [d.__dict__ for d in self.documents],
            "warnings": self.warnings,
            "error": self.error,
        }


def commit_file(
    session: Session,
    project: Project,
    preview: FilePreview,
    *,
    replace_existing: bool = False,
    terms: Sequence[tuple[str, str]] = (),
) -> FileOutcome:
    """Store one previewed file inside a savepoint; errors become a failed outcome."""
    access.require(session, project.id, "lead", "import documents")
    outcome = FileOutcome(preview.name, "failed", warnings=list(preview.warnings))
    if preview.error:
        outcome.error = preview.error
        return outcome
    if preview.duplicates and not replace_existing:
        outcome.status = "skipped"
        return outcome
    try:
        with paused_gc(), session.begin_nested():
            for term, kind in terms:
                keystore.add_term(session, project, term, kind)
            _save_key(session, project, preview)
            # Earlier documents first: a speaker they share with this file, relabelled there,
            # is then found by its new label and stays one participant.
            outcome.warnings += reapply.apply_earlier(session, preview.earlier)
            outcome.documents = _store_documents(session, project, preview, replace_existing)
    except TocStudioError as exc:
        outcome.error = f"{preview.name}: {exc}"
        outcome.documents = []
        return outcome
    except IntegrityError:
        outcome.error = (
            f"{preview.name} clashes with what was stored meanwhile; preview it again and retry."
        )
        outcome.documents = []
        return outcome
    except DBAPIError as exc:  # the store refused a value: a sentence, never its SQL or text
        outcome.error = f"{preview.name}: {database_error_sentence(exc)}"
        outcome.documents = []
        return outcome
    outcome.status = "replaced" if preview.duplicates else "imported"
    return outcome


def import_batch(
    session: Session,
    project: Project,
    uploads: Sequence[Upload],
    options: ImportOptions,
    *,
    replace_existing: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[FileOutcome]:
    """Plan and store a batch, committing after each file."""
    access.require(session, project.id, "lead", "import documents")
    previews = plan(session, project, uploads, options)
    terms = options.extra_terms if options.pseudonymise else ()
    return commit_previews(
        session, project, previews, replace_existing=replace_existing, terms=terms,
        progress=progress,
    )  # fmt: skip


def commit_previews(
    session: Session,
    project: Project,
    previews: Sequence[FilePreview],
    *,
    replace_existing: bool = False,
    terms: Sequence[tuple[str, str]] = (),
    progress: Callable[[int, int, str], None] | None = None,
) -> list[FileOutcome]:
    access.require(session, project.id, "lead", "import documents")
    outcomes = []
    for index, preview in enumerate(previews):
        outcome = commit_file(
            session, project, preview, replace_existing=replace_existing, terms=terms
        )
        session.commit()
        outcomes.append(outcome)
        if progress is not None:
            progress(index + 1, len(previews), preview.name)
    return outcomes


def _save_key(session: Session, project: Project, preview: FilePreview) -> None:
    if not preview.key_entries:
        return
    stored = set(
        session.execute(
            select(PseudonymEntry.placeholder).where(
                PseudonymEntry.project_id == project.id,
                PseudonymEntry.placeholder.in_([e.placeholder for e in preview.key_entries]),
            )
        ).scalars()
    )
    keystore.save_key_entries(
        session, project, [e for e in preview.key_entries if e.placeholder not in stored]
    )


def _participants(session: Session, project: Project, doc: DocumentPreview) -> dict[str, int]:
    ids: dict[str, int] = {}
    for choice in doc.speakers:
        pid = None
        if choice.participant:
            found = session.execute(
                select(Participant).where(
                    Participant.project_id == project.id, Participant.label == choice.participant
                )
            ).scalar_one_or_none()
            if found is None:
                found = projects.add_participant(
                    session, project, choice.participant, choice.group or None
                )
            if choice.attributes:
                projects.set_attributes(session, found, choice.attributes)
            pid = found.id
            ids[choice.label] = pid
        keystore.remember_speaker(session, project, choice.label, pid, choice.is_interviewer)
    return ids


def _bulk_insert(session: Session, table, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert many rows through the driver's executemany: the import's hot path (SQLAlchemy's
    per-row parameter processing costs more than SQLite's insert itself)."""
    if not rows:
        return
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join([mark] * len(columns))
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)


def _store_turns_and_sentences(session, document, doc: DocumentPreview, speakers) -> None:
    interviewer = {c.label: c.is_interviewer for c in doc.speakers}
    size = len(doc.text)
    rows = []
    for t in doc.turns:
        if not 0 <= t.start < t.end <= size:
            raise Invalid(f"Turn [{t.start}, {t.end}) lies outside {doc.title!r}.")
        rows.append(
            (document.id, t.start, t.end, t.speaker_label, speakers.get(t.speaker_label),
             t.timestamp, interviewer.get(t.speaker_label, t.is_interviewer))
        )  # fmt: skip
    _bulk_insert(session, Turn.__table__, TURN_COLUMNS, rows)
    _bulk_insert(
        session, Sentence.__table__, ("document_id", "start", "end"),
        [(document.id, s, e) for s, e in doc.sentences],
    )  # fmt: skip
    _bulk_insert(
        session, Section.__table__, SECTION_COLUMNS,
        [(document.id, *row) for row in section_rows(doc.headings, doc.text)],
    )  # fmt: skip


SECTION_COLUMNS = ("document_id", "level", "title", "start", "heading_end", "end")
TURN_COLUMNS = (
    "document_id", "start", "end", "speaker_label", "participant_id", "timestamp",
    "is_interviewer",
)  # fmt: skip


def _store_documents(
    session: Session, project: Project, preview: FilePreview, replace_existing: bool
) -> list[StoredDocument]:
    old = {title: doc_id for doc_id, title in preview.duplicates}
    stored = []
    for doc in preview.documents:
        speakers = _participants(session, project, doc)
        target_id = old.pop(doc.title, None)
        if target_id is None and replace_existing and len(preview.documents) == 1 and old:
            target_id = old.pop(next(iter(old)))
        moved = 0
        if target_id is not None:
            document, moved = _replace_text(session, project, target_id, doc, preview.name)
        else:
            document = documents.add_document(
                session, project, doc.title, doc.text, kind=doc.kind,
                original_filename=preview.name[:300], encoding=preview.encoding[:40],
            )  # fmt: skip
        _after_store(session, document, doc, preview, speakers, target_id is not None)
        if target_id is not None:  # re-anchored codings sit in new turns
            events.emit(session, events.SpeakersChanged((document.id,)))
        stored.append(
            StoredDocument(
                document.id, document.title, len(doc.turns), len(doc.sentences),
                [c.label for c in doc.speakers], len(doc.replacements), moved,
            )
        )  # fmt: skip
    for title, doc_id in old.items():  # replaced file made fewer documents than before
        _delete_uncoded(session, project, doc_id, title)
    return stored


def _after_store(session, document, doc, preview, speakers, replaced: bool) -> None:
    _store_turns_and_sentences(session, document, doc, speakers)
    if replaced:
        session.execute(delete(DocumentImport).where(DocumentImport.document_id == document.id))
    session.execute(
        DocumentImport.__table__.insert(),
        [
            {
                "document_id": document.id, "file_format": preview.file_format,
                "encoding": preview.encoding[:40], "file_sha256": preview.file_sha256,
                "file_bytes": preview.size, "pseudonymised": preview.pseudonymised,
                "replacements": len(doc.replacements), "ner_used": preview.ner_used,
                "warnings": json.dumps(preview.warnings, ensure_ascii=False),
                "imported": utcnow(),
            }
        ],
    )  # fmt: skip


def _replace_text(session, project, document_id: int, doc: DocumentPreview, name: str):
    """Put the new text in the document. What is anchored in the old text (codings) is
    moved by its owners, who refuse when some of it would be lost."""
    document = session.get(Document, document_id)
    moved = sum(events.emit(session, events.DocumentTextReplacing(document_id, doc.text)))
    session.execute(delete(Turn).where(Turn.document_id == document_id))
    session.execute(delete(Sentence).where(Sentence.document_id == document_id))
    session.execute(delete(Section).where(Section.document_id == document_id))
    document.text = doc.text
    document.sha256 = documents.sha256_text(doc.text)
    document.kind = doc.kind
    document.original_filename = name[:300]
    session.add(document)
    session.flush()
    return document, moved


def _delete_uncoded(session, project, document_id: int, title: str) -> None:
    if any(held.count for held in events.emit(session, events.DocumentDeleting(document_id))):
        raise Conflict(
            f"Replacing would remove {title!r}, which has codings; import as new documents instead."
        )
    session.execute(delete(Document).where(Document.id == document_id))

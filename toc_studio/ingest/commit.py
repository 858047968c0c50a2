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
from toc_studio.errors import (
    Conflict,
    Invalid,
    TocStudioError,
    database_error_sentence,
    fit,
)
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
from toc_studio.ingest.tables import (
    DocumentImport,
    PseudonymEntry,
    Section,
    Sentence,
    SpeakerMapping,
)
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
    commit_each: bool = True,
) -> list[FileOutcome]:
    """Store the previews one file at a time, each in its savepoint. ``commit_each``: commit
    after every file (a killed run keeps the files done); without it the batch is one
    transaction, which the caller commits, and ``progress`` may raise
    :class:`~toc_studio.errors.Cancelled` between files to leave the store unchanged."""
    access.require(session, project.id, "lead", "import documents")
    outcomes = []
    for index, preview in enumerate(previews):
        outcome = commit_file(
            session, project, preview, replace_existing=replace_existing, terms=terms
        )
        if commit_each:
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


def _participants(
    session: Session, project: Project, docs: Sequence[DocumentPreview]
) -> list[dict[str, int]]:
    """Each document's speaker label -> participant id, the participants found or created
    and the speakers remembered for the whole file at once: a wide survey names the same
    respondents in every column, so this reads once and writes each row once."""
    wanted = {" ".join(c.participant.split()): c for d in docs for c in d.speakers if c.participant}
    found = _participants_named(session, project, list(wanted))
    attributes: dict[str, dict[str, str]] = {}
    for doc in docs:
        for choice in doc.speakers:
            if choice.participant and choice.attributes:
                key = " ".join(choice.participant.split())
                attributes.setdefault(key, {}).update(choice.attributes)
    new = {label: c.group or None for label, c in wanted.items() if label not in found}
    found.update(_add_participants(session, project, new))
    for label, values in attributes.items():
        projects.set_attributes(session, found[label], values)
    ids, remembered, digest, keys = [], {}, keystore.hasher(project), {}
    for doc in docs:
        ids.append({})
        for choice in doc.speakers:
            pid = found[" ".join(choice.participant.split())].id if choice.participant else None
            if pid is not None:
                ids[-1][choice.label] = pid
            key = keys.get(choice.label)
            if key is None:  # a keyed hash: once per label, not once per column
                key = keys[choice.label] = keystore.speaker_key(digest, choice.label)
            remembered[key] = (pid, choice.is_interviewer)
    _remember_speakers(session, project, remembered)
    return ids


def _participants_named(session: Session, project: Project, labels: list[str]) -> dict:
    found: dict[str, Participant] = {}
    for at in range(0, len(labels), 500):
        for row in session.execute(
            select(Participant).where(
                Participant.project_id == project.id,
                Participant.label.in_(labels[at : at + 500]),
            )
        ).scalars():
            found[row.label] = row
    return found


def _add_participants(
    session: Session, project: Project, new: dict[str, str | None]
) -> dict[str, Participant]:
    """projects.add_participant for many at once: one flush (the ORM batches the insert).
    A participant stored meanwhile by another writer makes the file's savepoint fail."""
    if not new:
        return {}
    access.require(session, project.id, "lead", "add a participant")
    groups = {g.name: g.id for g in projects.list_groups(session, project)}
    rows = {}
    for label, group in new.items():
        if not label:
            raise Invalid("A participant needs a name.")
        fit(label, projects.NAME_LIMITS["participant"], "A participant's name")
        if group is not None and group not in groups:
            groups[group] = projects.get_group(session, project, group).id  # or NotFound
        group_id = groups[group] if group is not None else None
        rows[label] = Participant(project_id=project.id, label=label, group_id=group_id)
    session.add_all(rows.values())
    session.flush()
    return rows


def _remember_speakers(
    session: Session, project: Project, speakers: dict[str, tuple[int | None, bool]]
) -> None:
    """keystore.remember_speaker for many labels: one read, one update, one insert."""
    session.flush()  # speakers remembered through the ORM earlier in this transaction
    table, labels = SpeakerMapping.__table__, list(speakers)
    stored: set[str] = set()
    for at in range(0, len(labels), 500):
        stored.update(
            session.execute(
                select(table.c.label).where(
                    table.c.project_id == project.id, table.c.label.in_(labels[at : at + 500])
                )
            ).scalars()
        )
    rows = [(project.id, label, pid, bool(iv)) for label, (pid, iv) in speakers.items()]
    _bulk_insert(session, table, SPEAKER_COLUMNS, [r for r in rows if r[1] not in stored])
    changed = [(r[2], r[3], r[0], r[1]) for r in rows if r[1] in stored]
    if changed:
        connection = session.connection()
        mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        connection.exec_driver_sql(
            f"UPDATE {table.name} SET participant_id = {mark}, is_interviewer = {mark} "
            f"WHERE project_id = {mark} AND label = {mark}",
            changed,
        )
        for row in list(session.identity_map.values()):
            if isinstance(row, SpeakerMapping):
                session.expire(row)


SPEAKER_COLUMNS = ("project_id", "label", "participant_id", "is_interviewer")


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


def _stored_warnings(preview: FilePreview) -> list[str]:
    """The file's warnings as stored: naming the file by its stored name (names replaced)."""
    if not preview.stored_name or preview.stored_name == preview.name:
        return list(preview.warnings)
    return [w.replace(preview.name, preview.stored_name) for w in preview.warnings]


def _store_documents(
    session: Session, project: Project, preview: FilePreview, replace_existing: bool
) -> list[StoredDocument]:
    old = {title: doc_id for doc_id, title in preview.duplicates}
    stored = []
    people = _participants(session, project, preview.documents)
    for doc, speakers in zip(preview.documents, people, strict=True):
        target_id = old.pop(doc.title, None)
        if target_id is None and replace_existing and len(preview.documents) == 1 and old:
            target_id = old.pop(next(iter(old)))
        moved = 0
        if target_id is not None:
            name = preview.stored_name or preview.name
            document, moved = _replace_text(session, project, target_id, doc, name)
        else:
            document = documents.add_document(
                session, project, doc.title, doc.text, kind=doc.kind,
                original_filename=(preview.stored_name or preview.name)[:300],
                encoding=preview.encoding[:40],
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
                "warnings": json.dumps(_stored_warnings(preview), ensure_ascii=False),
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

"""Turning imported REFI-QDA sources and sets into documents, codings and groups."""

from __future__ import annotations

from toc_studio.coding.infer import match_group
from toc_studio.coding.models import Coding
from toc_studio.ingest.documents import add_document
from toc_studio.ingest.models import DocumentKind
from toc_studio.ingest.turns import detect_turns
from toc_studio.project import service as projects
from toc_studio.project.models import Participant
from toc_studio.report import refi_parse as rp
from toc_studio.report.refi_common import KIND_VARIABLE, parse_when
from toc_studio.report.refi_offsets import STANDARD, choose, stored_text

INSERT_BATCH = 5_000
KINDS = {k.value for k in DocumentKind}


def _source_text(importer, rec: rp.SourceRec) -> str | None:
    if rec.content is not None and rec.content.strip():
        return rec.content
    for reference in (rec.plain_path, f"{rec.guid}.txt"):
        text = importer.archive.read_text(reference)
        if text is not None:
            return text
    return None


def import_source(importer, rec: rp.SourceRec) -> None:
    """Store one text source (or a PDF's plain-text representation) with its codings."""
    importer._ensure_project("")
    warn, counts = importer.warn, importer.counts
    title = " ".join(rec.name.split())[:300] or f"Source {len(importer.documents) + 1}"
    codings = sum(len(s.codings) for s in rec.selections) + len(rec.whole_codings)
    if rec.guid in importer.documents:
        warn(f"Source id {rec.guid} appears twice; the second ({title!r}) was skipped.")
        counts["codings skipped"] += codings
        return
    raw = _source_text(importer, rec)
    if raw is None or not raw.strip():
        where = rec.plain_path or "no plainTextPath"
        warn(
            f"Source {title!r}: its text is not in the file ({where}); it and its {codings} "
            "coding(s) were skipped."
        )
        counts["codings skipped"] += codings
        return
    text, _ = stored_text(raw)
    selections = [(s.start, s.end, s.name) for s in rec.selections]
    convention, mapping = choose(raw, selections)
    if selections:
        importer.conventions[convention.label] += 1
        if convention.label != STANDARD:
            warn(f"Source {title!r}: offsets read as {convention.label}, converted to code points.")
    kind = DocumentKind.INTERVIEW.value
    for variable, value in rec.values:
        name = importer.variables.get(variable)
        if name == KIND_VARIABLE and value in KINDS:
            kind = value
        elif name and value:
            warn(
                f"Source {title!r}: variable {name!r} = {value!r} not kept (no document variables)."
            )
    turns = detect_turns(text)
    speakers = {
        t.speaker_label: importer.labels[t.speaker_label.casefold()].id
        for t in turns
        if t.speaker_label.casefold() in importer.labels
    }
    document = add_document(
        importer.session,
        importer.project,
        title,
        text,
        kind=kind,
        original_filename=rec.name[:300],
        encoding="utf-8",
        turns=turns,
        speakers=speakers,
    )
    importer.documents[rec.guid] = document.id
    importer.speakers_of[rec.guid] = set(speakers.values())
    counts["documents"] += 1
    counts["selections"] += len(rec.selections)
    for ref in rec.note_refs:
        importer.notes.target(ref, "document", document.id)
    _store_codings(importer, rec, document, text, mapping, title)
    # The transaction may hold thousands of documents: keep none of their texts in memory.
    importer.session.expunge(document)


def _store_codings(importer, rec, document, text, mapping, title) -> None:
    rows, seen = [], set()
    bad_spans = unknown_codes = 0
    if importer.inserter is None:
        importer.inserter = CodingInserter(importer.session)
    document_id, length = document.id, len(text)
    code_ids = {guid: code.id for guid, code in importer.codes.items()}
    coder_ids: dict[tuple, int] = {}
    dates: dict[str, object] = {}

    def add(coding: rp.CodingRec, start: int, end: int, *users: str) -> tuple | None:
        nonlocal unknown_codes
        code_id = code_ids.get(coding.code)
        if code_id is None:
            unknown_codes += 1
            return None
        who = (coding.user, *users)
        coder_id = coder_ids.get(who)
        if coder_id is None:
            coder_id = coder_ids[who] = importer.coder(*who, importer.default_user).id
        key = (document_id, code_id, coder_id, start, end)
        for ref in coding.note_refs:
            importer.notes.target(ref, "coding", key)
        if key in seen:
            importer.counts["duplicate codings merged"] += 1
            return key
        seen.add(key)
        stamp = coding.created or created_fallback
        created = dates.get(stamp)
        if created is None:
            created = dates[stamp] = importer.inserter.date_value(parse_when(stamp))
        rows.append((document_id, code_id, coder_id, start, end, text[start:end], created))
        if len(rows) >= INSERT_BATCH:
            _flush(importer, rows)
        return key

    for selection in rec.selections:
        start, _ = mapping.to_index(selection.start)
        end, _ = mapping.to_index(selection.end)
        if not (0 <= start < end <= length):
            bad_spans += 1
            continue
        created_fallback = selection.created
        keys = [add(c, start, end, selection.user) for c in selection.codings]
        keys = [k for k in keys if k is not None]
        for ref in selection.note_refs:
            target = ("coding", keys[0]) if keys else ("selection", (document.id, start, end))
            importer.notes.target(ref, *target)
    created_fallback = ""
    for coding in rec.whole_codings:
        add(coding, 0, len(text))
    _flush(importer, rows)
    if bad_spans:
        importer.warn(f"Source {title!r}: {bad_spans} selection(s) fall outside the text; skipped.")
    if unknown_codes:
        importer.warn(
            f"Source {title!r}: {unknown_codes} coding(s) name a code that is not in the "
            "codebook; skipped."
        )


class CodingInserter:
    """Bulk inserts of codings straight through the driver's ``executemany``: at a million
    rows, SQLAlchemy's per-row parameter processing costs more than the insert itself.
    Dates are rendered by the dialect's own DateTime processor, as the ORM would."""

    COLUMNS = ("document_id", "code_id", "coder_id", "start", "end", "text", "created")

    def __init__(self, session) -> None:
        self.connection = session.connection()
        dialect = self.connection.dialect
        quote = dialect.identifier_preparer.quote
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.sql = (
            f"INSERT INTO {quote(Coding.__table__.name)} "
            f"({', '.join(quote(c) for c in self.COLUMNS)}) "
            f"VALUES ({', '.join([mark] * len(self.COLUMNS))})"
        )
        column = Coding.__table__.c.created
        self.date = column.type.dialect_impl(dialect).bind_processor(dialect)

    def date_value(self, moment):
        """A date as this database's driver takes it."""
        return self.date(moment) if self.date is not None else moment

    def insert(self, rows: list[tuple]) -> None:
        self.connection.exec_driver_sql(self.sql, sorted(rows))


def _flush(importer, rows: list[tuple]) -> None:
    if rows:
        importer.inserter.insert(rows)
        importer.counts["codings"] += len(rows)
        rows.clear()


def import_set(importer, rec: rp.SetRec) -> None:
    """A set of sources named after a stakeholder group puts the documents' ungrouped
    participants in that group; another set of sources becomes a participant attribute
    (set name = "yes"). Sets of codes or notes have no equivalent and are reported."""
    name = " ".join(rec.name.split())[:100]
    if rec.codes or rec.notes:
        importer.warn(
            f"Set {name!r}: its {len(rec.codes)} code(s) and {len(rec.notes)} note(s) were "
            "not kept (TOC Studio has no code or note sets)."
        )
    if not rec.sources or not name:
        return
    people = {}
    for source in rec.sources:
        for participant in importer.case_sources.get(source, []):
            people[participant.id] = participant
        for participant_id in importer.speakers_of.get(source, ()):
            if participant_id not in people:
                people[participant_id] = importer.session.get(Participant, participant_id)
    if not people:
        importer.warn(
            f"Set {name!r}: none of its {len(rec.sources)} document(s) has a participant, "
            "so it was not kept."
        )
        return
    group_name = match_group(
        name, [g.name for g in projects.list_groups(importer.session, importer.project)]
    )
    for participant in people.values():
        if group_name is not None:
            if participant.group_id is None:
                participant.group_id = importer.group(group_name).id
                importer.session.add(participant)
        else:
            projects.set_attributes(importer.session, participant, {name: "yes"})
            importer.counts["attributes"] += 1
    importer.session.flush()

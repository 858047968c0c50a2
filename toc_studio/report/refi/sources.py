"""Turning imported REFI-QDA sources (texts, PDF text, transcripts) into documents and
codings."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from operator import itemgetter

from toc_studio.coding.bulk import insert_codings
from toc_studio.ingest.documents import add_document
from toc_studio.ingest.models import DocumentKind
from toc_studio.ingest.readers import clean_controls, controls_warning
from toc_studio.ingest.sections import add_sections
from toc_studio.report.refi import records as rr
from toc_studio.report.refi.common import KIND_VARIABLE, parse_when
from toc_studio.report.refi.offsets import SAMPLE, STANDARD, choose, stored_text
from toc_studio.report.refi.richtext import PLAIN, source_text
from toc_studio.report.refi.speakers import document_speakers

INSERT_BATCH = 50_000  # codings per insert, from one or more sources
KINDS = {k.value for k in DocumentKind}


def import_source(importer, rec: rr.SourceRec) -> None:
    """Store one text source (or a PDF's plain-text representation) with its codings."""
    importer._ensure_project("")
    warn, counts = importer.warn, importer.counts
    title = " ".join(rec.name.split())[:300] or f"Source {len(importer.documents) + 1}"
    if rec.guid in importer.documents:
        codings = _codings_in(rec)
        warn(f"Source id {rec.guid} appears twice; the second ({title!r}) was skipped.")
        counts["codings skipped"] += codings
        return
    found = source_text(importer.archive, rec, title)
    for warning in found.warnings if found else ():
        warn(warning)
    if found is None or not found.raw.strip():
        codings = _codings_in(rec)
        where = rec.plain_path or rec.rich_path or rec.pdf_path or "no plainTextPath"
        warn(
            f"Source {title!r}: its text is not in the file ({where}); it and its {codings} "
            "coding(s) were skipped."
        )
        counts["codings skipped"] += codings
        return
    raw = found.raw
    text, _ = stored_text(raw)
    if not found.cleaned:
        text, replaced = clean_controls(text)  # one for one: the selections' offsets hold
        if replaced:
            warn(controls_warning(f"Source {title!r}", replaced))
    sample = [(s[rr.S_START], s[rr.S_END], s[rr.S_NAME]) for s in rec.selections[:SAMPLE]]
    convention, mapping = choose(raw, sample)
    if sample:
        importer.conventions[convention.label] += 1
        if convention.label != STANDARD:
            warn(f"Source {title!r}: offsets read as {convention.label}, converted to code points.")
    kind = _kind(importer, rec, title)
    who = document_speakers(importer, rec, text, mapping, title)
    turns, speakers = who.turns, who.ids
    if rec.sync_points:
        turns = _timed(turns, rec.sync_points, mapping)
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
    importer.speakers_of[rec.guid] = {i for i in speakers.values() if i is not None}
    sections = importer.folder.sections.get(rec.guid) if importer.folder else None
    add_sections(importer.session, document, found.headings, sections)
    importer.described(document, title, found.origin if found.origin != PLAIN else "", who)
    for guid in (rec.guid, rec.media):  # a transcript stands for its recording too
        if guid:
            importer.documents.setdefault(guid, document.id)
            importer.speakers_of.setdefault(guid, importer.speakers_of[rec.guid])
    counts["documents"] += 1
    counts["transcripts"] += rec.kind == "transcript"
    counts["selections"] += len(rec.selections)
    counts["turns"] += len(turns)
    for ref in rec.note_refs:
        importer.notes.target(ref, "document", document.id)
    _store_codings(importer, rec, document, text, mapping, title)
    # The transaction may hold thousands of documents: keep none of their texts in memory.
    importer.session.expunge(document)


def _codings_in(rec: rr.SourceRec) -> int:
    return sum(map(len, map(itemgetter(rr.S_CODINGS), rec.selections))) + len(rec.whole_codings)


def _kind(importer, rec: rr.SourceRec, title: str) -> str:
    """The document kind TOC Studio's export gave the source (an interview otherwise);
    other source variables are reported, as documents have no variables."""
    kind = DocumentKind.INTERVIEW.value
    for variable, value in rec.values:
        name = importer.variables.get(variable)
        if name == KIND_VARIABLE and value in KINDS:
            kind = value
        elif name and value:
            importer.warn(
                f"Source {title!r}: variable {name!r} = {value!r} not kept (no document variables)."
            )
    return kind


def _timed(turns: list, sync_points: list[tuple[int, int]], mapping) -> list:
    """Turns of a transcript with the time of the first sync point inside each (from
    its label to its end), where the text itself gave none."""
    points = [(mapping.to_index(position)[0], stamp) for position, stamp in sync_points]
    points.sort()
    timed, n = [], 0
    for turn in turns:
        first = turn.label_start if turn.label_start is not None else turn.start
        while n < len(points) and points[n][0] < first:
            n += 1
        if turn.timestamp is None and n < len(points) and points[n][0] < turn.end:
            turn = replace(turn, timestamp=points[n][1] / 1000)
        timed.append(turn)
    return timed


MISSING = object()  # a date not parsed yet


def _store_codings(importer, rec, document, text, mapping, title) -> None:
    """The source's codings, through the coding store's bulk insert (which also stores
    each coding's speaker), each with its date from the file (the time of the import when
    the file has none). The rows go in with later sources' (:func:`flush_codings`): a few
    large inserts cost less than one per source."""
    rows, seen = importer.coding_rows, set()
    dates: dict[str, datetime | None] = {"": None}
    bad_spans = unknown_codes = 0
    document_id, length = document.id, len(text)
    code_ids = {guid: code.id for guid, code in importer.codes.items()}
    coder_ids: dict[tuple, int] = {}
    notes, counts = importer.notes, importer.counts

    def store(codings: list[rr.CodingRec], start: int, end: int, users: tuple) -> tuple | None:
        """Rows for one selection's codings (or the whole text's); the first one's key."""
        nonlocal unknown_codes
        first = None
        for code, user, created, note_refs in codings:
            code_id = code_ids.get(code)
            if code_id is None:
                unknown_codes += 1
                continue
            who = (user, *users)
            coder_id = coder_ids.get(who)
            if coder_id is None:
                coder_id = coder_ids[who] = importer.coder(*who, importer.default_user).id
            key = (document_id, code_id, coder_id, start, end)
            for ref in note_refs:
                notes.target(ref, "coding", key)
            first = first or key
            if key in seen:
                counts["duplicate codings merged"] += 1
                continue
            seen.add(key)
            when = dates.get(created, MISSING)
            if when is MISSING:
                when = dates[created] = parse_when(created)
            rows.append((*key, text[start:end], when))
        return first

    to_index = None if mapping.identity else mapping.to_index
    for _guid, start, end, _name, user, _created, codings, note_refs in rec.selections:
        if to_index is not None:
            start, end = to_index(start)[0], to_index(end)[0]
        if not (0 <= start < end <= length):
            bad_spans += 1
            continue
        key = store(codings, start, end, (user,)) if codings else None
        for ref in note_refs:
            target = ("coding", key) if key else ("selection", (document_id, start, end))
            notes.target(ref, *target)
        if len(rows) >= INSERT_BATCH:
            flush_codings(importer)
    store(rec.whole_codings, 0, length, ())
    if bad_spans:
        importer.warn(f"Source {title!r}: {bad_spans} selection(s) fall outside the text; skipped.")
    if unknown_codes:
        importer.warn(
            f"Source {title!r}: {unknown_codes} coding(s) name a code that is not in the "
            "codebook; skipped."
        )


def flush_codings(importer) -> None:
    """Insert the codings waiting (at the end of the file's sources, or of a batch)."""
    rows = importer.coding_rows
    if rows:
        importer.counts["codings"] += insert_codings(importer.session, rows)
        rows.clear()

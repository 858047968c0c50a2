"""Plan an import: read each file, find turns, sentences and replacements, propose a
speaker -> participant mapping. Nothing is stored here (see :mod:`.commit`).

A batch is planned in one go (:func:`plan`) so that placeholders stay consistent across
its files; each file's :class:`FilePreview` says what would be stored, or why the file
cannot be read. Re-planning with ``skip``/``keep``/``extra_terms`` is how a researcher
undoes a replacement or adds a missed name.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.errors import TocStudioError
from toc_studio.ingest import keystore
from toc_studio.ingest.documents import sha256_text
from toc_studio.ingest.models import Document
from toc_studio.ingest.proposals import (  # noqa: F401 (SpeakerChoice: the preview's)
    SpeakerChoice,
    guess_kind,
    map_heading,
    map_turn,
    propose_speakers,
)
from toc_studio.ingest.pseudonymise import (
    Candidate,
    Key,
    KeyEntry,
    NerFailed,
    Pseudonymiser,
    Replacement,
    apply,
    assign,
)
from toc_studio.ingest.pseudonymise.known import KnownNames
from toc_studio.ingest.pseudonymise.ner import prefetch
from toc_studio.ingest.readers import (
    Heading,
    ReadDocument,
    ReadResult,
    check_limits,
    unreadable,
)
from toc_studio.ingest.readers.dispatch import (  # noqa: F401 (FORMATS: the import screen's)
    DEFAULT_MAX_MB,
    FORMATS,
    file_format,
    read_file,
)
from toc_studio.ingest.readers.survey import SurveyColumns
from toc_studio.ingest.reapply import EarlierChange, plan_earlier
from toc_studio.ingest.segment import sentences_in, split_sentences
from toc_studio.ingest.tables import DocumentImport
from toc_studio.ingest.turns import (
    DetectedTurn,
    detect_turns,
    is_pseudonymous_label,
    word_count,
)
from toc_studio.project.models import Group, Participant, Project


@dataclass
class Upload:
    """One file to import. ``skip``: (document index, start) of replacements undone."""

    name: str
    data: bytes
    survey_columns: SurveyColumns | None = None
    skip: frozenset[tuple[int, int]] = frozenset()
    size: int | None = None  # when ``data`` was not read (a file over the size limit)

    @property
    def byte_size(self) -> int:
        return self.size if self.size is not None else len(self.data)


@dataclass
class ImportOptions:
    pseudonymise: bool = True
    ner: bool | None = None  # None: use NER when a trained pipeline is installed
    group: str | None = None
    kind: str | None = None
    max_mb: float = DEFAULT_MAX_MB
    keep: frozenset[str] = frozenset()  # originals never to replace (undo by term)
    extra_terms: tuple[tuple[str, str], ...] = ()  # (term, kind) missed by the lists
    reapply: bool = True  # replace the batch's new names in documents imported earlier


@dataclass
class DocumentPreview:
    title: str
    kind: str
    text: str
    turns: list[DetectedTurn]
    sentences: list[tuple[int, int]]
    replacements: list[Replacement]  # offsets in ``source_text``
    source_text: str  # normalised, before pseudonymisation: for review only, never stored
    speakers: list[SpeakerChoice]
    headings: list[Heading] = field(default_factory=list)  # offsets in ``text``
    # Lone names that could be several people: name -> the full names it could be.
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def words(self) -> int:
        """Words without non-speech markers (computed when shown, not on the import path)."""
        return word_count(self.text)


@dataclass
class FilePreview:
    name: str
    file_format: str = ""
    encoding: str = ""
    size: int = 0
    file_sha256: str = ""
    documents: list[DocumentPreview] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # (document id, title)
    pseudonymised: bool = False
    ner_used: bool = False
    survey_columns: SurveyColumns | None = None
    survey_headers: list[str] = field(default_factory=list)
    key_entries: list[KeyEntry] = field(default_factory=list)  # placeholders this file uses
    stored_name: str = ""  # the file's name as stored: its names replaced too
    earlier: list[EarlierChange] = field(default_factory=list)  # in documents stored before


@dataclass
class ProjectContext:
    project_id: int
    participants: dict[str, tuple[str, str | None]]  # folded label -> (label, group)
    participant_labels: dict[int, str]
    remembered: dict[str, tuple[int | None, bool]]
    key: Key
    pseudonymiser: Pseudonymiser | None
    file_hashes: dict[str, list[tuple[int, str]]]
    text_hashes: dict[str, list[tuple[int, str]]]
    known: KnownNames | None = None  # the key's and the lists' names, by their hashes


def load_context(session: Session, project: Project, options: ImportOptions) -> ProjectContext:
    people = session.execute(
        select(Participant.id, Participant.label, Group.name)
        .outerjoin(Group, Group.id == Participant.group_id)
        .where(Participant.project_id == project.id)
    ).all()
    pseudonymiser = None
    digest = keystore.hasher(project)
    if options.pseudonymise:
        # The project's own lists are sealed: found by their hashes (context.known).
        terms = list(options.extra_terms)
        # Participants' labels are not kept as such: one made from a speaker's real name
        # (before names were replaced, or imported as it was) must not shield that name.
        # Codes and roles ("Mentor B1") are never names; a chosen pseudonym is kept by
        # listing it (toc-studio names keep).
        keep = set(options.keep) | set(keystore.kept_words(session, project))
        places = keystore.places_policy(session, project) == "replace"
        pseudonymiser = Pseudonymiser(terms, keep=keep, use_ner=options.ner, places=places)
    file_hashes: dict[str, list[tuple[int, str]]] = {}
    for sha, doc_id, title in session.execute(
        select(DocumentImport.file_sha256, Document.id, Document.title)
        .join(Document, Document.id == DocumentImport.document_id)
        .where(Document.project_id == project.id)
    ).all():
        file_hashes.setdefault(sha, []).append((doc_id, title))
    text_hashes: dict[str, list[tuple[int, str]]] = {}
    for sha, doc_id, title in session.execute(
        select(Document.sha256, Document.id, Document.title).where(
            Document.project_id == project.id
        )
    ).all():
        text_hashes.setdefault(sha, []).append((doc_id, title))
    return ProjectContext(
        project_id=project.id,
        participants={label.casefold(): (label, group) for _, label, group in people},
        participant_labels={pid: label for pid, label, _ in people},
        remembered=keystore.remembered_speakers(session, project),
        key=keystore.load_key(session, project, digest) if options.pseudonymise else Key(),
        pseudonymiser=pseudonymiser,
        file_hashes=file_hashes,
        text_hashes=text_hashes,
        known=keystore.known_names(session, project, digest) if options.pseudonymise else None,
    )


def read_upload(upload: Upload, max_mb: float = DEFAULT_MAX_MB) -> ReadResult:
    """Read one file with the reader for its format (no store involved)."""
    return read_file(upload.name, upload.data, upload.byte_size, max_mb, upload.survey_columns)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while one file is processed.

    A transcript makes ~100,000 small objects (turns, sentence spans, rows) and no cycles;
    with the collector running, its repeated passes over everything alive cost more than
    the import itself. Reference counting still frees memory; the collector resumes after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def plan(
    session: Session,
    project: Project,
    uploads: Sequence[Upload],
    options: ImportOptions,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[FilePreview]:
    """Preview every file of a batch; a file that cannot be read gets an error, not an
    exception, and the others go on. Names are gathered over the whole batch first, so a
    name found in one file is replaced in all of them. ``progress(done, total, text)`` is
    told before each file is read, each document's names are searched and each file is
    checked; whatever it raises (a cancelled preview) stops the plan."""
    report = progress or (lambda done, total, text: None)
    total = 3 * len(uploads)
    context = load_context(session, project, options)
    files = []
    for number, upload in enumerate(uploads):
        report(number, total, f"Reading {upload.name}")
        with paused_gc():
            files.append((upload, *_read_file(upload, context, options)))
    steps = {p.name: len(uploads) + n for n, (_, p, _) in enumerate(files)}
    index = _name_index(
        [(p, docs) for _, p, docs in files],
        context,
        lambda name: report(steps[name], total, f"Finding names in {name}"),
    )
    previews = []
    for number, (upload, preview, documents) in enumerate(files):
        report(2 * len(uploads) + number, total, f"Checking {upload.name}")
        with paused_gc():
            previews.append(_finish_file(upload, preview, documents, context, options, index))
    if options.reapply:
        batch = {doc_id for p in previews for doc_id, _ in p.duplicates}
        plan_earlier(session, project.id, previews, index, context.key, batch)
    return previews


def preview_upload(upload: Upload, context: ProjectContext, options: ImportOptions) -> FilePreview:
    """Preview one file on its own (its names with the project's key and lists)."""
    preview, documents = _read_file(upload, context, options)
    index = _name_index([(preview, documents)], context)
    return _finish_file(upload, preview, documents, context, options, index)


@dataclass
class _Read:
    """A document read and split into turns, not yet pseudonymised."""

    read: ReadDocument
    turns: list[DetectedTurn]
    candidates: list[Candidate] = field(default_factory=list)


def _read_file(
    upload: Upload, context: ProjectContext, options: ImportOptions
) -> tuple[FilePreview, list[_Read]]:
    preview = FilePreview(name=upload.name, size=upload.byte_size)
    preview.file_sha256 = hashlib.sha256(upload.data).hexdigest()
    try:
        if file_format(upload.name) in ("csv", "xlsx") and upload.byte_size <= options.max_mb * 1e6:
            # Headers first, so that columns can be chosen even when the guess fails.
            _describe_survey(upload, preview)
        result = read_upload(upload, options.max_mb)
        check_limits(result, upload.name)
    except TocStudioError as exc:
        preview.error = str(exc)
        return preview, []
    except Exception as exc:  # a library choking on a damaged file: a sentence, and the log
        preview.error = unreadable(upload.name, exc)
        return preview, []
    preview.file_format, preview.encoding = result.file_format, result.encoding
    preview.warnings = list(result.warnings)
    documents = []
    for read in result.documents:
        known = set(read.known_labels) | set(context.remembered)
        turns = read.turns if read.turns is not None else detect_turns(read.text, known)
        documents.append(_Read(read, turns))
    return preview, documents


def _name_index(
    files: list[tuple[FilePreview, list[_Read]]],
    context: ProjectContext,
    step: Callable[[str], None] | None = None,
):
    """The names of a batch: each document's candidates (NER runs here, once per text),
    clustered with the project's key and lists. A file whose names cannot be searched
    gets an error and none of its text is stored. ``step(file name)`` is told before each
    document (it may raise to stop)."""
    pseudonymiser = context.pseudonymiser
    if pseudonymiser is None:
        return None
    candidates = []
    texts = [document.read.text for _, documents in files for document in documents]
    first = files[0][0].name if files else ""
    # NER over the whole batch at once, on every core; candidates() below reads its finds.
    prefetch(pseudonymiser.nlp_ner, texts, (lambda: step(first)) if step is not None else None)
    for preview, documents in files:
        try:
            for document in documents:
                if step is not None:
                    step(preview.name)
                labels = {t.speaker_label for t in document.turns if t.speaker_label}
                document.candidates = pseudonymiser.candidates(document.read.text, labels)
                if context.known:
                    document.candidates += context.known.candidates(document.read.text)
                    document.candidates += context.known.candidates(document.read.title)
            if context.known and documents:  # a name known only from the file's name
                documents[0].candidates += context.known.candidates(preview.name)
        except NerFailed as exc:
            preview.error = f"{preview.name}: {exc}."
            documents.clear()
            continue
        candidates += [c for document in documents for c in document.candidates]
    index = pseudonymiser.index(candidates, context.key)
    if context.known:
        context.known.flag(index.clusters)
    return index


def _finish_file(upload, preview, documents, context, options, index) -> FilePreview:
    if preview.error:
        return preview
    pseudonymiser = context.pseudonymiser
    preview.pseudonymised = pseudonymiser is not None
    preview.ner_used = bool(pseudonymiser and pseudonymiser.ner_used)
    for number, document in enumerate(documents):
        skip = {start for doc_index, start in upload.skip if doc_index == number}
        preview.documents.append(_preview_document(document, context, options, skip, index))
    used = {r.placeholder for d in preview.documents for r in d.replacements}
    for document in preview.documents:  # titles and the file's name hold no name either
        document.title, found = _hide_names(document.title, context, index)
        used.update(r.placeholder for r in found)
    preview.stored_name, found = _hide_names(preview.name, context, index)
    used.update(r.placeholder for r in found)
    preview.key_entries = [e for e in context.key.entries.values() if e.placeholder in used]
    seen = set(context.file_hashes.get(preview.file_sha256, []))
    for document in preview.documents:
        seen.update(context.text_hashes.get(sha256_text(document.text), []))
    preview.duplicates = sorted(seen)
    if preview.duplicates:
        titles = ", ".join(repr(t) for _, t in preview.duplicates)
        preview.warnings.append(
            f"{upload.name} has the same content as {titles}: skip it, or replace."
        )
    return preview


def _hide_names(text: str, context: ProjectContext, index) -> tuple[str, list[Replacement]]:
    """``text`` (a title, a file's name) with the batch's and the project's names replaced,
    and the replacements made."""
    if context.pseudonymiser is None or index is None or not text:
        return text, []
    found = assign(context.pseudonymiser.find(text, index=index), context.key)
    return (apply(text, found)[0], found) if found else (text, [])


def _describe_survey(upload: Upload, preview: FilePreview) -> None:
    from toc_studio.ingest.readers.survey import load_table, propose_columns

    table = load_table(upload.data, upload.name, file_format(upload.name))
    preview.survey_headers = table.headers
    preview.survey_columns = upload.survey_columns or propose_columns(table)


def _preview_document(
    document: _Read, context: ProjectContext, options: ImportOptions, skip: set[int], index
) -> DocumentPreview:
    read, turns = document.read, document.turns
    source = read.text
    text, replacements, headings = source, [], list(read.headings)
    if context.pseudonymiser is not None:
        roles = {t.speaker_label for t in turns if is_pseudonymous_label(t.speaker_label)}
        found = context.pseudonymiser.find(source, skip, roles, index=index)
        replacements = assign(found, context.key)
        if replacements:
            text, offsets = apply(source, replacements)
            turns = [map_turn(t, offsets, text) for t in turns]
            headings = [map_heading(h, offsets, text) for h in headings]
    regions = [(t.start, t.end) for t in turns]
    sentences = sentences_in(text, regions) if regions else split_sentences(text)
    speakers = propose_speakers(turns, read, context, options.group)
    kind = options.kind or read.kind or guess_kind(turns)
    return DocumentPreview(
        title=read.title,
        kind=kind,
        text=text,
        turns=turns,
        sentences=sentences,
        replacements=replacements,
        source_text=source,
        speakers=speakers,
        headings=headings,
        ambiguous=index.ambiguous() if index is not None else {},
    )

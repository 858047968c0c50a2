"""Import a REFI-QDA project (``.qdpx``, bare ``.qde``) or codebook (``.qdc``) as a new
project, in one transaction: a file that fails imports nothing and says why.

What other tools' exports really look like is handled here (see the tests' fixtures):
NVivo's UTF-16 offsets over text with a BOM and CRLF (see ``refi_offsets``), ``Sources/``
or ``sources/``, any project file name, ``plainTextPath`` as ``internal://x.txt``, a bare
name or missing, GUIDs in any case and repeated across element types, one selection per
coding or several codings per selection, selections that only anchor notes, parent codes
that are not codable, empty names and descriptions. Transcripts of audio and video
sources become documents (their sync points time the turns); pictures, recordings without
a transcript and selections of an area or a stretch of time are reported with what they
carried. Anything that cannot be carried over is reported in ``ImportResult.warnings``.

Cases become participants linked to what they said (``refi.cases``, ``refi.speakers``);
a source whose plain text is empty is read from its ``.docx`` or PDF (``refi.richtext``);
TOC Studio's own ``toc-studio/`` folder brings back exact turns, sections and Theory of
Change versions (``refi.extension``). ``ImportResult.mapping`` says what became of what
(``refi.mapping``).
"""

from __future__ import annotations

import gc
import threading
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding.analysis import tally
from toc_studio.coding.codebook import create_code
from toc_studio.coding.infer import infer_toc
from toc_studio.coding.models import Code
from toc_studio.coding.toc_marker import split_marker
from toc_studio.errors import Conflict, Invalid
from toc_studio.project import projects
from toc_studio.project.models import Coder, Group, Participant, Project
from toc_studio.report.refi import apart
from toc_studio.report.refi import parse as rp
from toc_studio.report.refi import records as rr
from toc_studio.report.refi.archive import open_refi
from toc_studio.report.refi.cases import CaseKeeper
from toc_studio.report.refi.extension import read_folder
from toc_studio.report.refi.mapping import Mapping
from toc_studio.report.refi.notes import NoteKeeper
from toc_studio.report.refi.sets import import_set
from toc_studio.report.refi.sources import flush_codings, import_source

FALLBACK_CODER = "REFI-QDA import"
PROGRESS_EVERY = 2_000  # records (sources, codings, cases...) between progress reports
PROGRESS_BYTES = 8 << 20  # and bytes of the project file read (a source may hold 100,000s)
Progress = Callable[[int, int, str], None]


@dataclass
class ImportResult:
    project: str
    counts: dict[str, int] = field(default_factory=dict)
    offset_conventions: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # What the file's things became: cases -> participants, variable -> group, where each
    # document's text and speakers came from, the ToC versions (see refi.mapping).
    mapping: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "project": self.project,
            "counts": self.counts,
            "offset_conventions": self.offset_conventions,
            "mapping": self.mapping,
            "warnings": self.warnings,
        }


class _Importer:
    def __init__(
        self, session: Session, archive, name: str | None, group_variable: str | None = None
    ) -> None:
        self.session = session
        self.archive = archive
        self.wanted_name = name
        self.project: Project | None = None
        self.result = ImportResult(project="")
        self.warn = self.result.warnings.append
        self.counts: Counter = Counter()
        self.users: dict[str, str] = {}  # guid -> name
        self.coders: dict[str, Coder] = {}  # name -> coder
        self.default_user = ""
        self.code_recs: list[rr.CodeRec] = []
        self.codes: dict[str, Code] = {}
        self.inferred: set[str] = set()  # codes whose ToC meaning was inferred from paths
        self.variables: dict[str, str] = {}
        self.groups: dict[str, Group] = {}
        self.labels: dict[str, Participant] = {}  # casefolded label -> participant
        self.case_sources: dict[str, list[Participant]] = defaultdict(list)
        self.documents: dict[str, int] = {}  # source guid -> document id
        self.speakers_of: dict[str, set[int]] = {}  # source guid -> participant ids
        self.coding_rows: list[tuple] = []  # codings read, waiting for their insert
        self.notes = NoteKeeper(self)
        self.group_order: list[str] = []
        self.conventions: Counter = Counter()
        self.mapping: dict[str, object] = {}
        self.cases = CaseKeeper(self, group_variable)
        self.folder = read_folder(archive)
        self.map = Mapping(self)
        self.described = self.map.document

    # --- records -----------------------------------------------------------------------

    def run(self, stream: BinaryIO, progress: Progress | None = None) -> ImportResult:
        told = _Told(stream, self.archive.project_size, progress) if progress else None
        with _reading(stream, self.archive.project_size, told) as found:
            for number, record in enumerate(found, 1):
                if progress is not None and number % PROGRESS_EVERY == 0:
                    progress(number, 0, f"Read {number:,} parts of the project")  # may cancel
                if self.cases.recs and isinstance(record, rr.SourceRec | rr.SetRec):
                    self.cases.finish()  # a file without the end of its Cases
                handler = getattr(self, "_" + type(record).__name__)
                handler(record)
        flush_codings(self)
        self._ensure_project("")
        if self.code_recs:
            self._CodeBookEnd(None)
        self.cases.finish()
        self.notes.finish()
        self.map.versions()
        self._order_groups()
        self.map.finish()
        tally.refresh_session(self.session)  # the first assembly after the import is fast
        self.result.mapping = self.mapping
        self.result.project = self.project.name
        self.result.counts = {k: v for k, v in sorted(self.counts.items()) if v}
        self.result.offset_conventions = dict(self.conventions)
        self.result.warnings.extend(self.archive.warnings)
        return self.result

    def _ensure_project(self, name: str) -> None:
        if self.project is not None:
            return
        name = " ".join((self.wanted_name or name or Path(self.archive.name).stem).split())
        name = name or "Imported project"
        if self.session.execute(select(Project.id).where(Project.name == name)).first():
            raise Conflict(
                f"A project called {name!r} already exists; import under another name "
                "(--project NAME, or the name field on the Projects page)."
            )
        self.project = projects.create_project(self.session, name)

    def _ProjectStart(self, rec: rr.ProjectStart) -> None:
        self._ensure_project(rec.name)
        self.default_user = rec.creating_user

    def _ProjectEnd(self, rec: rr.ProjectEnd) -> None:
        description, marker = split_marker(rec.description)
        self.project.description = description
        self.session.add(self.project)
        self.group_order = [str(g) for g in marker.get("groups", []) if str(g).strip()]
        for ref in rec.note_refs:
            self.notes.target(ref, "project", None)

    def _UserRec(self, rec: rr.UserRec) -> None:
        name = " ".join(rec.name.split()) or f"User {rec.guid[:8]}"
        if rec.guid in self.users and self.users[rec.guid] != name:
            self.warn(f"User id {rec.guid} is used twice; kept {self.users[rec.guid]!r}.")
            return
        self.users[rec.guid] = name

    def coder(self, guid: str, *fallbacks: str) -> Coder:
        name = next((self.users[g] for g in (guid, *fallbacks) if g in self.users), None)
        name = name or FALLBACK_CODER
        if name not in self.coders:
            self.coders[name] = projects.get_or_create_coder(self.session, name)
            self.counts["coders"] += 1
        return self.coders[name]

    def group(self, name: str) -> Group:
        key = name.casefold()
        if key not in self.groups:
            existing = projects.list_groups(self.session, self.project)
            found = next((g for g in existing if g.name.casefold() == key), None)
            self.groups[key] = found or projects.add_group(self.session, self.project, name)
            self.counts["groups"] += found is None
        return self.groups[key]

    # --- codebook ----------------------------------------------------------------------

    def _CodeRec(self, rec: rr.CodeRec) -> None:
        self.code_recs.append(rec)

    def _CodeBookEnd(self, _rec: rr.CodeBookEnd | None) -> None:
        self._ensure_project("")
        recs, children = {}, defaultdict(list)
        for rec in self.code_recs:
            if rec.guid in recs:
                self.warn(
                    f"Code id {rec.guid} appears twice; the second ({rec.name!r}) was merged."
                )
                continue
            recs[rec.guid] = rec
        for rec in recs.values():
            children[rec.parent if rec.parent in recs else ""].append(rec)
        self.code_recs = []
        stack = [(rec, None, []) for rec in reversed(children[""])]
        while stack:
            rec, parent, path = stack.pop()
            code = self._create_code(rec, parent, path)
            self.codes[rec.guid] = code
            for child in reversed(children[rec.guid]):
                stack.append((child, code, [*path, code.name]))

    def _create_code(self, rec: rr.CodeRec, parent: Code | None, path: list[str]) -> Code:
        name = " ".join(rec.name.split())
        if not name:
            name = "Unnamed code"
            self.warn(f"A code with no name (id {rec.guid}) was called {name!r}.")
        elif name != rec.name.strip():
            self.warn(f"The code {rec.name.strip()!r} is now called {name!r} (spaces tidied).")
        siblings = {
            c.name.casefold()
            for c in self.codes.values()
            if c.parent_id == (parent.id if parent else None)
        }
        base, n = name, 2
        while name.casefold() in siblings:
            name, n = f"{base} ({n})", n + 1
        if name != base and rec.name.strip():
            self.warn(f"Two codes under the same parent are called {base!r}; one is now {name!r}.")
        definition, meaning = split_marker(rec.description)
        if not meaning:
            self.inferred.add(rec.guid)  # code Sets may still say what it means
            inferred = infer_toc([*path, name], [g.name for g in self.groups.values()])
            meaning = {"category": inferred.category, "branch": inferred.branch}
            meaning["domain"] = inferred.domain
        branch = meaning.get("branch")
        colour = rec.colour.strip()
        if len(colour) == 4 and colour.startswith("#"):
            colour = "#" + "".join(ch * 2 for ch in colour[1:])
        if len(colour) != 7:
            colour = "#888888"
        code = create_code(
            self.session,
            self.project,
            name,
            parent=parent,
            definition=definition,
            colour=colour,
            category=meaning.get("category"),
            branch=self.group(str(branch)).name if branch else None,
            domain=meaning.get("domain"),
        )
        self.counts["codes"] += 1
        self.counts["codes not codable in the source tool"] += not rec.codable
        for ref in rec.note_refs:
            self.notes.target(ref, "code", code.id)
        return code

    # --- variables, cases ---------------------------------------------------------------

    def _VariableRec(self, rec: rr.VariableRec) -> None:
        self.variables[rec.guid] = " ".join(rec.name.split())[:100] or f"Variable {rec.guid[:8]}"

    def _CaseRec(self, rec: rr.CaseRec) -> None:
        self._ensure_project("")
        self.cases.add(rec)

    def _CasesEnd(self, _rec: rr.CasesEnd) -> None:
        self.cases.finish()

    # --- sources -----------------------------------------------------------------------

    def _SkippedRec(self, rec: rr.SkippedRec) -> None:
        parts = [f"{rec.selections} selection(s)"] if rec.selections else []
        parts += [f"{rec.codings} coding(s)"] if rec.codings else []
        carried = f" ({', '.join(parts)})" if parts else ""
        why = f"{rec.why}; " if rec.why else ""
        self.warn(
            f"Skipped {rec.what} {rec.name!r}{carried}: {why}TOC Studio imports text only "
            "(text sources, the text of PDFs, transcripts of recordings)."
        )
        self.counts["codings skipped"] += rec.codings

    def _SourceRec(self, rec: rr.SourceRec) -> None:
        import_source(self, rec)

    def _NoteRec(self, rec: rr.NoteRec) -> None:
        self.notes.add(rec)

    def _SetRec(self, rec: rr.SetRec) -> None:
        import_set(self, rec)

    def _order_groups(self) -> None:
        for name in self.group_order:
            self.group(name)
        order = {name.casefold(): i for i, name in enumerate(self.group_order)}
        groups = projects.list_groups(self.session, self.project)
        groups.sort(key=lambda g: (order.get(g.name.casefold(), len(order)), g.position, g.id))
        for position, group in enumerate(groups):
            group.position = position
            self.session.add(group)
        self.session.flush()


class _Told:
    """The project file read, telling progress (bytes read of the file's size) every few
    megabytes: a large project's records are few and big, so counting them alone left the
    progress bar (and Cancel, which it answers) still for most of the import."""

    def __init__(self, stream: BinaryIO, size: int, progress: Progress) -> None:
        self.stream, self.size, self.progress = stream, size, progress
        self.done = 0
        self.next = PROGRESS_BYTES

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.note(self.done + len(data))
        return data

    def note(self, done: int) -> None:
        """``done`` bytes of the file are read (here, or by the reading process)."""
        self.done = done
        if self.done >= self.next:
            self.next = self.done + PROGRESS_BYTES
            total = max(self.size, self.done)
            read = f"{self.done / 1e6:,.1f} of {total / 1e6:,.1f} MB"
            self.progress(self.done, total, f"Read {read} of the project file")  # may cancel


@contextmanager
def _reading(stream: BinaryIO, size: int, told: _Told | None) -> Iterator[Iterator[object]]:
    """The file's records: read in another process while this one stores them when the
    file is large (``refi.apart``; the child is stopped however the import ends), else
    read here."""
    reader = apart.ApartReader(stream, told.note if told else None)
    if apart.worth_it(size) and reader.start():
        try:
            yield iter(reader)
        finally:
            reader.close()
    else:  # a small file, one core, or no process can be started here
        yield rp.records(told or stream)


def import_refi(
    session: Session,
    source: str | Path | BinaryIO,
    *,
    project_name: str | None = None,
    file_name: str = "",
    group_variable: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a ``.qdpx``, ``.qde`` or ``.qdc`` file as a new project. ``progress(done, 0,
    text)`` is told every few thousand parts read; it may raise
    :class:`~toc_studio.errors.Cancelled`, and then nothing is kept.

    Everything is added in ``session``'s transaction; on any error (raised as
    :class:`toc_studio.errors.Invalid` or :class:`~toc_studio.errors.Conflict`) the caller
    rolls back and the store is as it was. ``group_variable`` names the case variable
    that gives each participant's group (by default TOC Studio's own, else one whose
    values are the project's group names).
    """
    access.require_admin("import a project")
    archive = open_refi(source, file_name)
    try:
        importer = _Importer(session, archive, project_name, group_variable)
        with archive.open_project() as stream, _fewer_collections(), _small_cache(session):
            result = importer.run(stream, progress)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a damaged part, found late
        raise Invalid(
            f"{file_name or 'The file'} is a damaged zip archive: a part of it cannot be read."
        ) from exc
    finally:
        archive.close()
    session.flush()
    return result


GC_THRESHOLD = 100_000  # allocations between young collections while importing (700 by default)
_gc_lock = threading.Lock()
_gc_users: list[tuple[int, ...]] = []  # the thresholds to restore, one entry per running import


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """The cyclic garbage collector run less often while a file is read: an import makes
    millions of small records that are all freed by reference counting, and the default
    thresholds made the collector scan the heap again and again (30% of an import's CPU at
    100,000 codings). Restored when the last running import ends."""
    with _gc_lock:
        _gc_users.append(gc.get_threshold())
        if len(_gc_users) == 1:
            gc.set_threshold(max(GC_THRESHOLD, _gc_users[0][0]), *_gc_users[0][1:])
    try:
        yield
    finally:
        with _gc_lock:
            first = _gc_users[0]
            _gc_users.pop()
            if not _gc_users:
                gc.set_threshold(*first)


IMPORT_CACHE_KIB = 32_768  # SQLite page cache of the importing connection (db.py: 256 MiB)


@contextmanager
def _small_cache(session: Session) -> Iterator[None]:
    """SQLite's page cache held at 32 MiB on the importing connection while it imports,
    then set back: at 256 MiB a million codings grew the process to 485 MB (236 MB at 32
    MiB) to save ~1% of its CPU; at 16 MiB (188 MB) the import's best wall time under
    load grew ~20% (benchmarks/README.md). Untouched on PostgreSQL."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    connection = session.connection()
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar())
    connection.exec_driver_sql(f"PRAGMA cache_size=-{int(IMPORT_CACHE_KIB)}")
    try:
        yield
    except BaseException:
        with suppress(SQLAlchemyError):  # a broken connection keeps the first error
            connection.exec_driver_sql(f"PRAGMA cache_size={before}")
        raise
    connection.exec_driver_sql(f"PRAGMA cache_size={before}")

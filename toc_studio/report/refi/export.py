"""Export a project to REFI-QDA (``.qdpx``): the exchange format of NVivo, ATLAS.ti,
MAXQDA, QualCoder and others.

The archive holds ``project.qde`` (valid against the REFI-QDA Project schema) and one UTF-8
``.txt`` per document under ``sources/``. The XML is written as a stream (lxml's
``xmlfile``) while the codings are read in batches, so memory stays flat however many
codings a project has. Codings of the same span become one selection with several codings.

Speakers travel in REFI's terms: each participant's turn is a selection without codings,
and the participant's case refers to it (``SelectionRef``) and to the documents it speaks
in (``SourceRef``). What REFI has no element for (every turn exactly, sections, Theory of
Change versions) goes in a ``toc-studio/`` folder described by a project note (see
``refi.extension``).
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import quoteattr

from lxml import etree
from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.codebook import list_codes
from toc_studio.coding.models import Coding, Memo
from toc_studio.coding.toc_marker import with_marker
from toc_studio.ingest.models import Document, Turn
from toc_studio.project.models import Coder, Group, Project
from toc_studio.project.projects import list_groups, list_participants
from toc_studio.report.refi.common import (
    GROUP_VARIABLE,
    KIND_VARIABLE,
    ORIGIN,
    PROJECT_NS,
    guid_factory,
    xml_safe,
)
from toc_studio.report.refi.extension import NOTE_NAME, note_text, project_turns, write_folder
from toc_studio.report.refi.stream import FastGuids, Offloaded

BATCH = 10_000


@dataclass(frozen=True)
class ExportSummary:
    documents: int
    codes: int
    selections: int
    codings: int
    participants: int
    memos: int
    coders: int
    turns: int
    versions: int


def _q(tag: str) -> str:
    return f"{{{PROJECT_NS}}}{tag}"


def _when(moment: datetime | None) -> str:
    if moment is None:
        moment = datetime.now(UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds") + "Z"


def _leaf(xf, tag: str, **attrs: str) -> None:
    with xf.element(_q(tag), **attrs):
        pass


def _text_element(xf, tag: str, text: str) -> None:
    with xf.element(_q(tag)):
        xf.write(xml_safe(text))


class _Exporter:
    def __init__(self, session: Session, project: Project) -> None:
        self.session = session
        self.project = project
        self.guid = guid_factory(f"{project.id}:{_when(project.created)}")
        self.groups = list_groups(session, project)
        self.group_names = {g.id: g.name for g in self.groups}
        self.codes = list_codes(session, project)
        self.participants = list_participants(session, project)
        self.documents = session.execute(
            select(Document.id, Document.title, Document.kind, Document.created)
            .where(Document.project_id == project.id)
            .order_by(Document.id)
        ).all()
        self.memos = list(
            session.execute(
                select(Memo).where(Memo.project_id == project.id).order_by(Memo.created, Memo.id)
            ).scalars()
        )
        self.memo_refs: dict[tuple[str, int | None], list[str]] = defaultdict(list)
        for memo in self.memos:
            if memo.coding_id is not None:
                key = ("coding", memo.coding_id)
            elif memo.code_id is not None:
                key = ("code", memo.code_id)
            elif memo.document_id is not None:
                key = ("document", memo.document_id)
            else:
                key = ("project", None)
            self.memo_refs[key].append(self.guid("memo", memo.id))
        coder_ids = set(
            session.execute(
                select(Coding.coder_id)
                .join(Document, Document.id == Coding.document_id)
                .where(Document.project_id == project.id)
                .distinct()
            ).scalars()
        ) | {m.author_id for m in self.memos if m.author_id is not None}
        self.coders = list(
            session.execute(
                select(Coder).where(Coder.id.in_(coder_ids)).order_by(Coder.name)
            ).scalars()
        )
        self.sources_of: dict[int, list[int]] = defaultdict(list)
        for participant_id, document_id in session.execute(
            select(Turn.participant_id, Turn.document_id)
            .join(Document, Document.id == Turn.document_id)
            .where(Document.project_id == project.id, Turn.participant_id.is_not(None))
            .distinct()
            .order_by(Turn.document_id)
        ).all():
            self.sources_of[participant_id].append(document_id)
        self.turns = project_turns(session, project)
        self.folder: list[str] = []
        self.attribute_names = sorted({n for p in self.participants for n in p.attributes})
        self.coding_refs = {key for kind, key in self.memo_refs if kind == "coding"}
        self.fast = FastGuids(self.guid)
        self.selections = 0
        self.codings = 0

    # --- the archive ------------------------------------------------------------------

    def write(self, archive: zipfile.ZipFile) -> None:
        for document_id, *_ in self.documents:
            text = self.session.execute(
                select(Document.text).where(Document.id == document_id)
            ).scalar_one()
            archive.writestr(f"sources/{self.guid('document', document_id)}.txt", text)
        self.folder = write_folder(archive, self.session, self.project, self.turns, self.guid)
        with (
            archive.open("project.qde", "w", force_zip64=True) as handle,
            ThreadPoolExecutor(1) as compressor,
        ):
            # lxml writes the structure unbuffered into one buffer, so that the selections
            # (the bulk, made only of GUIDs, numbers and dates) can be written between its
            # calls as preformatted text, in order. The buffer is compressed in another
            # thread (zlib lets go of the interpreter lock) while the next one is written.
            sink = Offloaded(handle, compressor)
            self.out = io.BufferedWriter(sink, buffer_size=1 << 20)
            with etree.xmlfile(self.out, encoding="utf-8", buffered=False) as xf:
                xf.write_declaration()
                self._project(xf)
            self.out.flush()
            self.out.detach()
            sink.finish()

    def _project(self, xf) -> None:
        project = self.project
        description = with_marker(project.description, {"groups": [g.name for g in self.groups]})
        attrs = {"name": xml_safe(project.name), "origin": ORIGIN}
        attrs["creationDateTime"] = _when(project.created)
        attrs["modifiedDateTime"] = _when(None)
        with xf.element(_q("Project"), nsmap={None: PROJECT_NS}, **attrs):
            self._users(xf)
            self._codebook(xf)
            self._variables(xf)
            self._cases(xf)
            self._sources(xf)
            self._notes(xf)
            self._sets(xf)
            if description:
                _text_element(xf, "Description", description)
            for ref in self.memo_refs.get(("project", None), []):
                _leaf(xf, "NoteRef", targetGUID=ref)
            _leaf(xf, "NoteRef", targetGUID=self.guid("extension", 0))

    def _users(self, xf) -> None:
        if not self.coders:
            return
        with xf.element(_q("Users")):
            for coder in self.coders:
                _leaf(xf, "User", guid=self.guid("coder", coder.id), name=xml_safe(coder.name))

    def _codebook(self, xf) -> None:
        if not self.codes:
            return
        children: dict[int | None, list] = defaultdict(list)
        for code in self.codes:
            children[code.parent_id].append(code)

        def write_code(code) -> None:
            attrs = {"guid": self.guid("code", code.id), "name": xml_safe(code.name)}
            attrs.update(isCodable="true", color=code.colour.upper())
            with xf.element(_q("Code"), **attrs):
                meaning = {
                    "category": code.category,
                    "branch": self.group_names.get(code.branch_group_id),
                    "domain": code.domain,
                }
                description = with_marker(code.definition, meaning)
                if description:
                    _text_element(xf, "Description", description)
                for ref in self.memo_refs.get(("code", code.id), []):
                    _leaf(xf, "NoteRef", targetGUID=ref)
                for child in children.get(code.id, []):
                    write_code(child)

        with xf.element(_q("CodeBook")), xf.element(_q("Codes")):
            for root in children[None]:
                write_code(root)

    def _variables(self, xf) -> None:
        with xf.element(_q("Variables")):
            for name in [GROUP_VARIABLE, KIND_VARIABLE, *self.attribute_names]:
                attrs = {"guid": self.guid("variable", name), "name": xml_safe(name)}
                _leaf(xf, "Variable", typeOfVariable="Text", **attrs)

    def _value(self, xf, name: str, value: str) -> None:
        with xf.element(_q("VariableValue")):
            _leaf(xf, "VariableRef", targetGUID=self.guid("variable", name))
            _text_element(xf, "TextValue", value)

    def _cases(self, xf) -> None:
        if not self.participants:
            return
        with xf.element(_q("Cases")):
            for person in self.participants:
                attrs = {"guid": self.guid("participant", person.id), "name": person.label}
                with xf.element(_q("Case"), **{k: xml_safe(v) for k, v in attrs.items()}):
                    if person.group:
                        self._value(xf, GROUP_VARIABLE, person.group)
                    for name, value in sorted(person.attributes.items()):
                        self._value(xf, name, value)
                    for document_id in self.sources_of.get(person.id, []):
                        _leaf(xf, "SourceRef", targetGUID=self.guid("document", document_id))
                    for turn_id in self.turns.of_participant.get(person.id, []):
                        _leaf(xf, "SelectionRef", targetGUID=f"{self.fast.turn}{turn_id:012x}")

    def _coding_rows(self, document_id: int) -> Iterator[tuple]:
        """One document's codings in span order, as plain tuples (id, start, end, code,
        coder, created): a query per document keeps the sort (and so the database's
        memory) to one document's size."""
        stmt = (
            select(
                Coding.id,
                Coding.start,
                Coding.end,
                Coding.code_id,
                Coding.coder_id,
                Coding.created,
            )
            .where(Coding.document_id == document_id)
            .order_by(Coding.start, Coding.end, Coding.id)
        )
        result = self.session.connection().execute(stmt.execution_options(stream_results=True))
        while batch := result.fetchmany(BATCH):
            yield from batch

    def _sources(self, xf) -> None:
        if not self.documents:
            return
        with xf.element(_q("Sources")):
            for document_id, title, kind, created in self.documents:
                guid = self.guid("document", document_id)
                attrs = {"guid": guid, "name": xml_safe(title)}
                attrs.update(plainTextPath=f"internal://{guid}.txt")
                attrs["creationDateTime"] = _when(created)
                with xf.element(_q("TextSource"), **attrs):
                    self._turn_selections(document_id)
                    chunks: list[str] = []
                    span: list = []
                    for row in self._coding_rows(document_id):
                        if span and (row[1] != span[0][1] or row[2] != span[0][2]):
                            self._selection(chunks, span)
                            span = []
                            if len(chunks) > 2_000:
                                self.out.write("".join(chunks).encode("utf-8"))
                                chunks.clear()
                        span.append(row)
                    if span:
                        self._selection(chunks, span)
                    self.out.write("".join(chunks).encode("utf-8"))
                    for ref in self.memo_refs.get(("document", document_id), []):
                        _leaf(xf, "NoteRef", targetGUID=ref)
                    self._value(xf, KIND_VARIABLE, kind)

    def _turn_selections(self, document_id: int) -> None:
        """The participants' turns as selections without codings, named by the speaker's
        label (escaped here: written as text, like the codings' selections); each
        participant's case refers to them (NVivo's case coding of speakers)."""
        prefix, chunks, names = self.fast.turn, [], {}
        for turn_id, start, end, label, person, *_ in self.turns.by_document.get(document_id, []):
            if person is not None:
                name = names.get((label, person))
                if name is None:
                    name = names[label, person] = quoteattr(xml_safe(label or person))
                chunks.append(
                    f'<PlainTextSelection guid="{prefix}{turn_id:012x}" name={name} '
                    f'startPosition="{start}" endPosition="{end}"/>'
                )
        self.out.write("".join(chunks).encode("utf-8"))

    def _selection(self, chunks: list[str], span: list) -> None:
        """One selection with its codings, as text: every value is a GUID, a number or a
        date made here, so nothing needs escaping."""
        coding_id, start, end, _code, coder_id, created = span[0]
        fast = self.fast
        when = _when(created)
        chunks.append(
            f'<PlainTextSelection guid="{fast.selection}{self.selections:012x}" '
            f'startPosition="{start}" endPosition="{end}" '
            f'creatingUser="{fast.coder[coder_id]}" creationDateTime="{when}">'
        )
        self.selections += 1
        self.codings += len(span)
        coding_refs = self.coding_refs
        for coding_id, _s, _e, code_id, coder_id, created in span:
            if created is not span[0][5]:
                when = _when(created)
            chunks.append(
                f'<Coding guid="{fast.coding}{coding_id:012x}" '
                f'creatingUser="{fast.coder[coder_id]}" creationDateTime="{when}">'
                f'<CodeRef targetGUID="{fast.code[code_id]}"/>'
            )
            if coding_id in coding_refs:
                for ref in self.memo_refs[("coding", coding_id)]:
                    chunks.append(f'<NoteRef targetGUID="{ref}"/>')
            chunks.append("</Coding>")
        chunks.append("</PlainTextSelection>")

    def _notes(self, xf) -> None:
        with xf.element(_q("Notes")):
            attrs = {"guid": self.guid("extension", 0), "name": NOTE_NAME}
            with xf.element(_q("Note"), **attrs, creationDateTime=_when(None)):
                _text_element(xf, "PlainTextContent", note_text(self.folder))
            for memo in self.memos:
                attrs = {"guid": self.guid("memo", memo.id), "name": xml_safe(memo.title)}
                if memo.author_id is not None:
                    attrs["creatingUser"] = self.guid("coder", memo.author_id)
                attrs["creationDateTime"] = _when(memo.created)
                attrs["modifiedDateTime"] = _when(memo.updated)
                with xf.element(_q("Note"), **attrs):
                    _text_element(xf, "PlainTextContent", memo.text)

    def _sets(self, xf) -> None:
        members: dict[int, set[int]] = defaultdict(set)
        for person in self.participants:
            group = next((g for g in self.groups if g.name == person.group), None)
            if group is not None:
                members[group.id].update(self.sources_of.get(person.id, []))
        groups: list[Group] = [g for g in self.groups if members.get(g.id)]
        if not groups:
            return
        with xf.element(_q("Sets")):
            for group in groups:
                attrs = {"guid": self.guid("group", group.id), "name": xml_safe(group.name)}
                with xf.element(_q("Set"), **attrs):
                    _text_element(xf, "Description", f"Documents with {group.name} participants")
                    for document_id in sorted(members[group.id]):
                        _leaf(xf, "MemberSource", targetGUID=self.guid("document", document_id))


def export_qdpx(session: Session, project: Project, out: str | Path | BinaryIO) -> ExportSummary:
    """Write ``project`` as a REFI-QDA ``.qdpx`` archive to a path or a binary file."""
    exporter = _Exporter(session, project)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        exporter.write(archive)
    return ExportSummary(
        documents=len(exporter.documents),
        codes=len(exporter.codes),
        selections=exporter.selections,
        codings=exporter.codings,
        participants=len(exporter.participants),
        memos=len(exporter.memos),
        coders=len(exporter.coders),
        turns=sum(len(rows) for rows in exporter.turns.by_document.values()),
        versions=sum(name.startswith("toc-studio/versions/") for name in exporter.folder),
    )

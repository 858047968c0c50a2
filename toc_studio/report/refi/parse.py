"""Reading a REFI-QDA project file as a stream of plain records, with ``defusedxml``.

Imported files are untrusted. They are read by ``defusedxml``'s expat reader (SAX) with
document types forbidden (``forbid_dtd``), entity declarations forbidden and external
references refused: no XML bombs, no external entities, nothing fetched; such a file
imports nothing and says why. The reader is fed the file in chunks and hands the
records over chunk by chunk, so memory holds one source's selections at most.

The small elements (users, codes, cases, notes, sets, a source's own children) are kept
as light nodes until their end tag and dropped once read. The bulk of a file, the text
selections with their codings, become records straight from the parser's events.
Namespaces are ignored (files use ``urn:QDA-XML:project:1.0``, ``urn:QDA-XML:codebook:1.0``
or the older ``urn:QDA-XML:codebook:0:4``, with or without a prefix) and ids are
normalised (case, braces) but not required to be GUIDs.

Why this reader (the 1-million-coding benchmark file, 432 MB of XML, each reader alone,
CPU seconds; ``benchmarks/report_bench.py --parsers``, see benchmarks/README.md): this
one, defusedxml's expat reader with the element events handed straight to the reader,
12.8-16.5 s; the same behind the full SAX layer (``defusedxml.sax`` with a plain
``ContentHandler``: an attributes object and a wrapper call per element) 13.5-20.6 s;
``defusedxml.ElementTree.iterparse`` 14.8 s before building a single record (its parser
is the pure-Python one); the earlier path (an expat pass refusing a DTD in the prolog,
then lxml's ``iterparse``, records built from lxml elements) 25.7 s. So the file is read
once, by defusedxml, faster than before.

Audio and video sources bring their transcripts (``<Transcript>`` with ``SyncPoint``s,
``TranscriptSelection``s between sync points, or ``PlainTextSelection``s); a PDF brings
its plain-text ``Representation``. Each is handed over when its source ends, with the
source's own codings, notes and variables. Pictures, recordings without a transcript and
selections of an area or a stretch of time become :class:`SkippedRec` with their counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml import expatreader
from defusedxml.common import DefusedXmlException

from toc_studio.errors import Invalid
from toc_studio.report.refi.common import normalise_id
from toc_studio.report.refi.nodes import (
    LOCAL,
    VALUE_TAGS,
    Node,
    children,
    coding_of,
    local_name,
    ref_id,
    refs,
    text_of,
    values_of,
    whole,
    whole_number,
)
from toc_studio.report.refi.records import (
    C_CODE,
    C_NOTES,
    S_CODINGS,
    S_END,
    S_NOTES,
    S_START,
    CaseRec,
    CasesEnd,
    CodeBookEnd,
    CodeRec,
    CodingRec,
    NoteRec,
    ProjectEnd,
    ProjectStart,
    SelectionRec,
    SetRec,
    SkippedRec,
    SourceRec,
    UserRec,
    VariableRec,
)

REFUSED = (
    "The project file declares a document type (and with it, possibly XML entities), "
    "which is refused for safety; nothing was imported."
)
CHUNK = 1 << 18
TEXT_TAGS = VALUE_TAGS | {"Description", "PlainTextContent"}
TEXT_PARENTS = {"TextSource", "Representation", "Transcript"}
SELECTIONS = {"PlainTextSelection", "TranscriptSelection"}
HOLDERS = {"PDFSource", "AudioSource", "VideoSource"}  # hand their texts over at their end
DETACH = {"User", "Code", "Variable", "Case", "TextSource", "Note", "Set", "Transcript"}
DETACH |= HOLDERS | {"PictureSource", "Graph", "Link"}


class _Reader(ContentHandler):
    """SAX events in, records out (``self.out``, emptied by :func:`records`)."""

    def __init__(self) -> None:
        super().__init__()
        self.out: list[object] = []
        self.node: Node | None = None  # the innermost open node
        self.text_parts: list[str] | None = None
        self.selections: list[SelectionRec] = []  # of the open text, representation, transcript
        self.between: list[tuple[SelectionRec, str, str]] = []  # TranscriptSelections
        self.held: list[SourceRec] = []  # texts of the open PDF, audio or video source
        self.selection: SelectionRec | None = None
        self.coding: CodingRec | None = None
        self.depth = 0
        self.dates: dict[str, str] = {}  # each date string once (codings share few dates)
        # expat's parser when the reader is driven by it directly (_DefusedReader): inside
        # a selection its element handlers are the selection's own (no test per element)
        self.expat = None

    # --- the bulk: selections and their codings ----------------------------------------

    def startElement(self, name: str, attrs) -> None:  # noqa: N802 - SAX's name
        if self.selection is not None:
            self._inner_start(name, attrs)
            return
        tag = LOCAL.get(name) or local_name(name)
        node = self.node
        if tag in SELECTIONS and node is not None and node.tag in TEXT_PARENTS:
            self._start_selection(tag, attrs)
            return
        new = Node(tag, attrs, node)
        if node is not None:
            node.children.append(new)
        elif tag == "Project":
            self.out.append(
                ProjectStart(attrs.get("name") or "", normalise_id(attrs.get("creatingUserGUID")))
            )
        self.node = new
        if tag in TEXT_TAGS:
            self.text_parts = []

    def _start_selection(self, tag: str, attrs) -> None:
        if tag == "PlainTextSelection":
            try:
                start, end = int(attrs["startPosition"]), int(attrs["endPosition"])
            except (KeyError, ValueError):  # whole_number says which, and why
                start = whole_number(attrs, "startPosition")
                end = whole_number(attrs, "endPosition")
        else:
            start = end = -1  # set from the transcript's sync points at its end
        guid = attrs.get("guid")
        selection: SelectionRec = [
            guid.strip().strip("{}").lower() if guid else "",  # normalise_id, inlined
            start,
            end,
            attrs.get("name") or "",
            ref_id(attrs.get("creatingUser")),
            self._date(attrs.get("creationDateTime")),
            [],
            (),
        ]
        if tag == "PlainTextSelection":
            self.selections.append(selection)
        else:
            ends = (
                normalise_id(attrs.get("fromSyncPoint")),
                normalise_id(attrs.get("toSyncPoint")),
            )
            self.between.append((selection, *ends))
        self.selection, self.depth = selection, 1
        if self.expat is not None:  # the selection's own elements, straight to their handlers
            self.expat.StartElementHandler = self._inner_start
            self.expat.EndElementHandler = self._inner_end

    def _inner_start(self, name: str, attrs) -> None:
        depth = self.depth = self.depth + 1
        if depth == 2:
            tag = LOCAL.get(name) or local_name(name)
            if tag == "Coding":
                created = attrs.get("creationDateTime")
                self.coding = [
                    "",
                    ref_id(attrs.get("creatingUser")),
                    self.dates.get(created) or self._date(created),
                    (),
                ]
                self.selection[S_CODINGS].append(self.coding)
            elif tag == "NoteRef":
                self.selection[S_NOTES] += (normalise_id(attrs.get("targetGUID")),)
        elif depth == 3 and self.coding is not None:
            tag = LOCAL.get(name) or local_name(name)
            if tag == "CodeRef":
                if not self.coding[C_CODE]:
                    self.coding[C_CODE] = ref_id(attrs.get("targetGUID"))
            elif tag == "NoteRef":
                self.coding[C_NOTES] += (normalise_id(attrs.get("targetGUID")),)

    def _date(self, value: str | None) -> str:
        """The date string, one object per distinct value (a file's codings share few
        dates; sent to the importing process once per batch, not once per coding)."""
        if not value:
            return ""
        found = self.dates.get(value)
        if found is None:
            if len(self.dates) > 100_000:
                self.dates.clear()
            found = self.dates[value] = value
        return found

    def _inner_end(self, _name: str) -> None:
        depth = self.depth = self.depth - 1
        if depth == 1:
            self.coding = None
        elif depth == 0:
            self.selection = None
            if self.expat is not None:
                self.expat.StartElementHandler = self.startElement
                self.expat.EndElementHandler = self.endElement

    def characters(self, content: str) -> None:
        if self.text_parts is not None:
            self.text_parts.append(content)

    def endElement(self, name: str) -> None:  # noqa: N802 - SAX's name
        if self.selection is not None:
            self._inner_end(name)
            return
        node = self.node
        parent = self.node = node.parent
        if self.text_parts is not None:
            node.text, self.text_parts = "".join(self.text_parts), None
        self._on_end(node, node.tag, parent, parent.tag if parent is not None else "")
        if node.tag in TEXT_PARENTS:
            self.selections, self.between = [], []
        if parent is not None and node.tag in DETACH:
            parent.children.pop()  # an ending node is always its parent's last child

    # --- the small elements -----------------------------------------------------------

    def _on_end(self, el: Node, tag: str, parent_el: Node | None, parent: str) -> None:
        out = self.out.append
        guid = normalise_id(el.get("guid"))
        if tag == "User":
            out(UserRec(guid, (el.get("name") or el.get("id") or "").strip()))
        elif tag == "Code" and parent in ("Codes", "Code"):
            out(
                CodeRec(
                    guid=guid,
                    name=el.get("name") or "",
                    colour=el.get("color") or "",
                    description=text_of(el, "Description") or "",
                    parent=normalise_id(parent_el.get("guid")) if parent == "Code" else "",
                    codable=(el.get("isCodable") or "true").strip().lower() not in ("false", "0"),
                    note_refs=refs(el),
                )
            )
        elif tag == "CodeBook":
            out(CodeBookEnd())
        elif tag == "Variable":
            out(VariableRec(guid, el.get("name") or ""))
        elif tag == "Case":
            sources, codes = refs(el, "SourceRef"), len(children(el, "CodeRef"))
            out(CaseRec(guid, el.get("name") or "", values_of(el), sources, codes))
            self.out[-1].selections = refs(el, "SelectionRef")
        elif tag == "Cases":
            out(CasesEnd())
        elif tag == "TextSource" and parent == "Sources":
            out(self._text_source(el, "text", guid))
        elif tag == "Representation" and parent == "PDFSource":
            self.held.append(self._text_source(el, "pdf", guid))
        elif tag == "Transcript" and parent in ("AudioSource", "VideoSource"):
            self.held.append(self._transcript(el, guid))
        elif tag in HOLDERS and parent == "Sources":
            self._holder_end(el, tag, guid)
        elif tag == "PictureSource":
            selections = children(el, "PictureSelection")
            codings = sum(len(children(s, "Coding")) for s in selections)
            codings += len(children(el, "Coding"))
            out(SkippedRec("picture source", el.get("name") or "", codings, len(selections)))
        elif tag == "Note" and parent == "Notes":
            out(
                NoteRec(
                    guid=guid,
                    name=el.get("name") or "",
                    text=text_of(el, "PlainTextContent"),
                    plain_path=el.get("plainTextPath") or "",
                    user=normalise_id(el.get("creatingUser")),
                    created=el.get("creationDateTime") or "",
                    modified=el.get("modifiedDateTime") or "",
                )
            )
        elif tag == "Set":
            codes, sources = refs(el, "MemberCode"), refs(el, "MemberSource")
            out(SetRec(guid, el.get("name") or "", codes, sources, refs(el, "MemberNote")))
        elif tag == "Project" and parent_el is None:
            out(ProjectEnd(text_of(el, "Description") or "", refs(el)))

    def _text_source(self, el: Node, kind: str, guid: str) -> SourceRec:
        record = SourceRec(
            guid=guid,
            name=el.get("name") or "",
            kind=kind,
            plain_path=el.get("plainTextPath") or "",
            content=text_of(el, "PlainTextContent"),
            selections=self.selections,
            whole_codings=[coding_of(c) for c in children(el, "Coding")],
            note_refs=refs(el),
            values=values_of(el),
        )
        record.rich_path = el.get("richTextPath") or ""
        return record

    def _transcript(self, el: Node, guid: str) -> SourceRec:
        points: dict[str, tuple[int | None, int | None]] = {}
        for point in children(el, "SyncPoint"):
            position, stamp = whole(point.get("position")), whole(point.get("timeStamp"))
            points[normalise_id(point.get("guid"))] = (position, stamp)
        for selection, first, last in self.between:
            start, end = points.get(first, (None, None))[0], points.get(last, (None, None))[0]
            if start is not None and end is not None:
                selection[S_START], selection[S_END] = start, end
            self.selections.append(selection)
        record = self._text_source(el, "transcript", guid)
        record.sync_points = sorted(
            (position, stamp)
            for position, stamp in points.values()
            if position is not None and stamp is not None
        )
        return record

    def _holder_end(self, el: Node, tag: str, guid: str) -> None:
        """A PDF, audio or video source ends: hand over its texts with its own codings,
        notes and variables, and report what has no text."""
        name, kind = el.get("name") or "", tag.removesuffix("Source")
        label = "PDF" if kind == "PDF" else kind.lower()
        texts, self.held = self.held, []
        areas = children(el, f"{kind}Selection")
        if areas:
            codings = sum(len(children(s, "Coding")) for s in areas)
            what = "area" if kind == "PDF" else "time"
            out = SkippedRec(f"{what} selections of {label} source", name, codings, len(areas))
            self.out.append(out)
        own = [coding_of(c) for c in children(el, "Coding")]
        if not texts and kind == "PDF" and el.get("path"):  # the text of the PDF itself
            texts = [SourceRec(guid, name, "pdf", "", None, pdf_path=el.get("path"))]
        for text in texts:
            text.pdf_path = (el.get("path") or "") if kind == "PDF" else ""
        if not texts:
            missing = "plain-text representation" if kind == "PDF" else "transcript"
            why = f"it has no {missing}"
            self.out.append(SkippedRec(f"{label} source", name, len(own), why=why))
            return
        for n, record in enumerate(texts):
            record.values = values_of(el)
            if kind == "PDF":
                record.name, record.guid = name or record.name, guid or record.guid
            elif len(texts) > 1:
                record.name = f"{name} – {record.name or f'transcript {n + 1}'}"
            else:
                record.name = name or record.name
            if n == 0:
                record.media = guid
                record.whole_codings = own + record.whole_codings
                record.note_refs = refs(el) + record.note_refs
            self.out.append(record)


class _DefusedReader(expatreader.DefusedExpatParser):
    """defusedxml's expat reader, its guards kept, handing the element events to the
    content handler without the SAX layer's per-element wrapper (an attributes object and
    a call each way: 5-25% of the reading time at a million selections)."""

    def reset(self) -> None:
        super().reset()  # a new expat parser, with defusedxml's guards installed
        self._parser.StartElementHandler = self._cont_handler.startElement
        self._parser.EndElementHandler = self._cont_handler.endElement
        self._cont_handler.expat = self._parser


def records(stream: BinaryIO) -> Iterator[object]:
    """The records of a project (or codebook) file, in file order (the texts of a PDF,
    audio or video source when that source ends)."""
    reader = _Reader()
    parser = _DefusedReader(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(reader)
    try:
        empty = True
        while data := stream.read(CHUNK):
            empty = False
            parser.feed(data)
            if reader.out:
                found, reader.out = reader.out, []
                yield from found
        if empty:  # expat says nothing about a stream it was never fed
            raise Invalid("The project file is empty or not XML; nothing was imported.")
        parser.close()
        yield from reader.out
    except DefusedXmlException as exc:
        raise Invalid(REFUSED) from exc
    except SAXParseException as exc:
        raise Invalid(
            f"The project file is not well-formed XML ({exc.getMessage()}, line "
            f"{exc.getLineNumber()}); nothing was imported."
        ) from exc

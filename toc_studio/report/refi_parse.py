"""Reading a REFI-QDA project file as a stream of plain records.

First :func:`check_prolog` lets expat read the prolog only and refuses any document type
or entity declaration (the stance of ``defusedxml``'s ``forbid_dtd``: no XML bombs, no
external entities). Then lxml's ``iterparse`` reads the file with entity substitution,
DTD loading and network access off (and checks again for a document type). Elements
are dropped as soon as they are read, so memory holds one source's
selections at most. Namespaces are ignored (files use ``urn:QDA-XML:project:1.0``,
``urn:QDA-XML:codebook:1.0`` or the older ``urn:QDA-XML:codebook:0:4``) and ids are
normalised (case, braces) but not required to be GUIDs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.parsers import expat

from lxml import etree
from lxml.etree import _Element as Element

from toc_studio.errors import Invalid
from toc_studio.report.refi_common import normalise_id


@dataclass(slots=True)
class ProjectStart:
    name: str
    creating_user: str


@dataclass(slots=True)
class ProjectEnd:
    description: str
    note_refs: list[str]


@dataclass(slots=True)
class UserRec:
    guid: str
    name: str


@dataclass(slots=True)
class CodeRec:
    guid: str
    name: str
    colour: str
    description: str
    parent: str
    codable: bool
    note_refs: list[str]


@dataclass(slots=True)
class CodeBookEnd:
    pass


@dataclass(slots=True)
class VariableRec:
    guid: str
    name: str


@dataclass(slots=True)
class CaseRec:
    guid: str
    name: str
    values: list[tuple[str, str]]
    sources: list[str]
    other_refs: int


@dataclass(slots=True)
class CodingRec:
    guid: str
    code: str
    user: str
    created: str
    note_refs: list[str]


@dataclass(slots=True)
class SelectionRec:
    guid: str
    start: int
    end: int
    name: str
    user: str
    created: str
    codings: list[CodingRec]
    note_refs: list[str]


@dataclass(slots=True)
class SourceRec:
    guid: str
    name: str
    kind: str  # "text" or "pdf"
    plain_path: str
    content: str | None
    selections: list[SelectionRec] = field(default_factory=list)
    whole_codings: list[CodingRec] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class NoteRec:
    guid: str
    name: str
    text: str | None
    plain_path: str
    user: str
    created: str
    modified: str


@dataclass(slots=True)
class SetRec:
    guid: str
    name: str
    codes: list[str]
    sources: list[str]
    notes: list[str]


@dataclass(slots=True)
class SkippedRec:
    what: str
    name: str


REFUSED = (
    "The project file declares a document type (and with it, possibly XML entities), "
    "which is refused for safety; nothing was imported."
)
VALUE_TAGS = {"TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue"}
VALUE_TAGS.add("DateTimeValue")
DETACH = {"User", "Code", "Variable", "Case", "TextSource", "PDFSource", "Note", "Set"}
DETACH |= {"PlainTextSelection", "PictureSource", "AudioSource", "VideoSource", "Graph", "Link"}


_LOCAL: dict[str, str] = {}


def _local(tag) -> str:
    name = _LOCAL.get(tag)
    if name is None:
        name = _LOCAL[tag] = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
    return name


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: Element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name:
            return child.text or ""
    return None


def _refs(element: Element, name: str = "NoteRef") -> list[str]:
    return [normalise_id(c.get("targetGUID") or c.get("guid")) for c in _children(element, name)]


def _int(element: Element, name: str) -> int:
    value = element.get(name)
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Invalid(f"A selection has {name}={value!r}, which is not a whole number.") from exc


_IDS: dict[str, str] = {}


def _ref_id(value: str | None) -> str:
    """normalise_id for values that repeat (users, codes), remembered."""
    if not value:
        return ""
    found = _IDS.get(value)
    if found is None:
        if len(_IDS) > 100_000:
            _IDS.clear()
        found = _IDS[value] = normalise_id(value)
    return found


def _coding(element: Element) -> CodingRec:
    code, notes = "", []
    for child in element:
        name = _local(child.tag)
        if name == "CodeRef" and not code:
            code = _ref_id(child.get("targetGUID"))
        elif name == "NoteRef":
            notes.append(normalise_id(child.get("targetGUID")))
    return CodingRec(
        guid=element.get("guid") or "",
        code=code,
        user=_ref_id(element.get("creatingUser")),
        created=element.get("creationDateTime") or "",
        note_refs=notes,
    )


def _selection(el: Element) -> SelectionRec:
    codings, notes = [], []
    for child in el:
        name = _local(child.tag)
        if name == "Coding":
            codings.append(_coding(child))
        elif name == "NoteRef":
            notes.append(normalise_id(child.get("targetGUID")))
    return SelectionRec(
        guid=el.get("guid") or "",
        start=_int(el, "startPosition"),
        end=_int(el, "endPosition"),
        name=el.get("name") or "",
        user=_ref_id(el.get("creatingUser")),
        created=el.get("creationDateTime") or "",
        codings=codings,
        note_refs=notes,
    )


def _values(element: Element) -> list[tuple[str, str]]:
    found = []
    for value in _children(element, "VariableValue"):
        refs = _children(value, "VariableRef")
        text = next((c.text or "" for c in value if _local(c.tag) in VALUE_TAGS), "")
        if refs:
            found.append((normalise_id(refs[0].get("targetGUID")), text.strip()))
    return found


def _source(element: Element, kind: str, name: str, guid: str) -> SourceRec:
    return SourceRec(
        guid=guid,
        name=name,
        kind=kind,
        plain_path=element.get("plainTextPath") or "",
        content=_text(element, "PlainTextContent"),
        whole_codings=[_coding(c) for c in _children(element, "Coding")],
        note_refs=_refs(element),
        values=_values(element),
    )


class _RefusedDoctype(Exception):
    pass


class _RootReached(Exception):
    pass


def check_prolog(stream: BinaryIO, chunk: int = 1 << 16) -> None:
    """Refuse a file whose prolog declares a document type or entities, before any
    full parser sees it: expat reads up to the first element and stops (any encoding)."""
    parser = expat.ParserCreate()

    def refuse(*_args) -> None:
        raise _RefusedDoctype

    def stop(*_args) -> None:
        raise _RootReached

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = stop
    try:
        while data := stream.read(chunk):
            parser.Parse(data, False)
        parser.Parse(b"", True)
    except _RootReached:
        return
    except _RefusedDoctype as exc:
        raise Invalid(REFUSED) from exc
    except expat.ExpatError as exc:
        raise Invalid(
            f"The project file is not well-formed XML ({exc}); nothing was imported."
        ) from exc


WANTED = DETACH | {"CodeBook", "Representation", "Project"}


def records(stream: BinaryIO) -> Iterator[object]:
    """The records of a project (or codebook) file, in file order.

    Only the elements that make a record raise an event (``tag`` filter); their small
    children (references, values, descriptions) are read from them, then they are removed
    from the tree.
    """
    selections: list[SelectionRec] = []
    started = False
    events = etree.iterparse(
        stream,
        events=("end",),
        tag=[f"{{*}}{name}" for name in sorted(WANTED)],
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for _event, element in events:
            if not started:
                started = True
                tree = element.getroottree()
                info = tree.docinfo
                if info.doctype or info.internalDTD is not None:
                    raise _RefusedDoctype
                root = tree.getroot()
                if _local(root.tag) == "Project":
                    creator = normalise_id(root.get("creatingUserGUID"))
                    yield ProjectStart(root.get("name") or "", creator)
            tag = _local(element.tag)
            parent_el = element.getparent()
            parent = _local(parent_el.tag) if parent_el is not None else ""
            if tag == "PlainTextSelection":  # the bulk of a file: kept on a short path
                if parent in ("TextSource", "Representation"):
                    selections.append(_selection(element))
                parent_el.remove(element)
                continue
            yield from _on_end(tag, element, parent, parent_el, selections)
            if tag in ("TextSource", "Representation"):
                selections = []
            if tag in DETACH and parent_el is not None:
                parent_el.remove(element)
    except _RefusedDoctype as exc:
        raise Invalid(REFUSED) from exc
    except etree.XMLSyntaxError as exc:
        raise Invalid(
            f"The project file is not well-formed XML ({exc}); nothing was imported."
        ) from exc


def _on_end(tag: str, el: Element, parent: str, parent_el, selections: list):
    guid = normalise_id(el.get("guid"))
    if tag == "User":
        yield UserRec(guid, (el.get("name") or el.get("id") or "").strip())
    elif tag == "Code" and parent in ("Codes", "Code"):
        parent_guid = normalise_id(parent_el.get("guid")) if parent == "Code" else ""
        yield CodeRec(
            guid=guid,
            name=el.get("name") or "",
            colour=el.get("color") or "",
            description=_text(el, "Description") or "",
            parent=parent_guid,
            codable=(el.get("isCodable") or "true").strip().lower() not in ("false", "0"),
            note_refs=_refs(el),
        )
    elif tag == "CodeBook":
        yield CodeBookEnd()
    elif tag == "Variable":
        yield VariableRec(guid, el.get("name") or "")
    elif tag == "Case":
        other = len(_children(el, "SelectionRef")) + len(_children(el, "CodeRef"))
        yield CaseRec(guid, el.get("name") or "", _values(el), _refs(el, "SourceRef"), other)
    elif tag == "TextSource" and parent == "Sources":
        source = _source(el, "text", el.get("name") or "", guid)
        source.selections = selections
        yield source
    elif tag == "Representation" and parent == "PDFSource":
        pdf = parent_el
        source = _source(el, "pdf", pdf.get("name") or el.get("name") or "", guid)
        source.guid = normalise_id(pdf.get("guid")) or guid
        source.note_refs += _refs(pdf)
        source.selections = selections
        yield source
    elif tag == "PDFSource" and not _children(el, "Representation"):
        yield SkippedRec("PDF source without a plain-text representation", el.get("name") or "")
    elif tag in ("PictureSource", "AudioSource", "VideoSource"):
        yield SkippedRec(tag.replace("Source", "").lower() + " source", el.get("name") or "")
    elif tag == "Note" and parent == "Notes":
        yield NoteRec(
            guid=guid,
            name=el.get("name") or "",
            text=_text(el, "PlainTextContent"),
            plain_path=el.get("plainTextPath") or "",
            user=normalise_id(el.get("creatingUser")),
            created=el.get("creationDateTime") or "",
            modified=el.get("modifiedDateTime") or "",
        )
    elif tag == "Set":
        codes = _refs(el, "MemberCode")
        yield SetRec(
            guid, el.get("name") or "", codes, _refs(el, "MemberSource"), _refs(el, "MemberNote")
        )
    elif tag == "Project" and parent_el is None:
        yield ProjectEnd(_text(el, "Description") or "", _refs(el))

"""Reading a REFI-QDA project file as a stream of plain records.

``defusedxml`` parses (entity declarations and external references are refused: no XML
bombs); elements are dropped as soon as they are read, so memory holds one source's
selections at most. Namespaces are ignored (files use ``urn:QDA-XML:project:1.0``,
``urn:QDA-XML:codebook:1.0`` or the older ``urn:QDA-XML:codebook:0:4``) and ids are
normalised (case, braces) but not required to be GUIDs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from toc_studio.errors import Invalid
from toc_studio.report.refi_common import normalise_id


@dataclass
class ProjectStart:
    name: str
    creating_user: str


@dataclass
class ProjectEnd:
    description: str
    note_refs: list[str]


@dataclass
class UserRec:
    guid: str
    name: str


@dataclass
class CodeRec:
    guid: str
    name: str
    colour: str
    description: str
    parent: str
    codable: bool
    note_refs: list[str]


@dataclass
class CodeBookEnd:
    pass


@dataclass
class VariableRec:
    guid: str
    name: str


@dataclass
class CaseRec:
    guid: str
    name: str
    values: list[tuple[str, str]]
    sources: list[str]
    other_refs: int


@dataclass
class CodingRec:
    guid: str
    code: str
    user: str
    created: str
    note_refs: list[str]


@dataclass
class SelectionRec:
    guid: str
    start: int
    end: int
    name: str
    user: str
    created: str
    codings: list[CodingRec]
    note_refs: list[str]


@dataclass
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


@dataclass
class NoteRec:
    guid: str
    name: str
    text: str | None
    plain_path: str
    user: str
    created: str
    modified: str


@dataclass
class SetRec:
    guid: str
    name: str
    codes: list[str]
    sources: list[str]
    notes: list[str]


@dataclass
class SkippedRec:
    what: str
    name: str


VALUE_TAGS = {"TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue"}
VALUE_TAGS.add("DateTimeValue")
DETACH = {"User", "Code", "Variable", "Case", "TextSource", "PDFSource", "Note", "Set"}
DETACH |= {"PlainTextSelection", "PictureSource", "AudioSource", "VideoSource", "Graph", "Link"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


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


def _coding(element: Element) -> CodingRec:
    refs = _children(element, "CodeRef")
    return CodingRec(
        guid=normalise_id(element.get("guid")),
        code=normalise_id(refs[0].get("targetGUID")) if refs else "",
        user=normalise_id(element.get("creatingUser")),
        created=element.get("creationDateTime") or "",
        note_refs=_refs(element),
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


def records(stream: BinaryIO) -> Iterator[object]:
    """The records of a project (or codebook) file, in file order."""
    stack: list[Element] = []
    selections: list[SelectionRec] = []
    try:
        for event, element in iterparse(stream, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                stack.append(element)
                if tag == "Project" and len(stack) == 1:
                    creator = normalise_id(element.get("creatingUserGUID"))
                    yield ProjectStart(element.get("name") or "", creator)
                elif tag in ("TextSource", "Representation"):
                    selections = []
                continue
            stack.pop()
            parent = _local(stack[-1].tag) if stack else ""
            yield from _on_end(tag, element, parent, stack, selections)
            if tag in DETACH and stack:
                stack[-1].remove(element)
    except (DefusedXmlException, ParseError) as exc:
        raise Invalid(_parse_message(exc)) from exc


def _on_end(tag: str, el: Element, parent: str, stack: list[Element], selections: list):
    guid = normalise_id(el.get("guid"))
    if tag == "User":
        yield UserRec(guid, (el.get("name") or el.get("id") or "").strip())
    elif tag == "Code" and parent in ("Codes", "Code"):
        parent_guid = normalise_id(stack[-1].get("guid")) if parent == "Code" else ""
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
    elif tag == "PlainTextSelection" and parent in ("TextSource", "Representation"):
        selections.append(
            SelectionRec(
                guid=guid,
                start=_int(el, "startPosition"),
                end=_int(el, "endPosition"),
                name=el.get("name") or "",
                user=normalise_id(el.get("creatingUser")),
                created=el.get("creationDateTime") or "",
                codings=[_coding(c) for c in _children(el, "Coding")],
                note_refs=_refs(el),
            )
        )
    elif tag == "TextSource" and parent == "Sources":
        source = _source(el, "text", el.get("name") or "", guid)
        source.selections = selections
        yield source
    elif tag == "Representation" and parent == "PDFSource":
        pdf = stack[-1]
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
    elif tag == "Project" and not stack:
        yield ProjectEnd(_text(el, "Description") or "", _refs(el))


def _parse_message(exc: Exception) -> str:
    if isinstance(exc, DefusedXmlException):
        return (
            "The project file declares XML entities or external references, which are refused "
            f"for safety ({exc.__class__.__name__}); nothing was imported."
        )
    return f"The project file is not well-formed XML ({exc}); nothing was imported."

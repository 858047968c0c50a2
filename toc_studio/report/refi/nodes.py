"""The light nodes the REFI-QDA reader keeps for small elements, and what is read off
them (see :mod:`toc_studio.report.refi.parse`)."""

from __future__ import annotations

from toc_studio.errors import Invalid
from toc_studio.report.refi.common import normalise_id
from toc_studio.report.refi.records import CodingRec

VALUE_TAGS = {"TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue"}
VALUE_TAGS.add("DateTimeValue")


class Node:
    """A small element kept until its end tag: local name, attributes, children, text."""

    __slots__ = ("tag", "attrs", "children", "text", "parent")

    def __init__(self, tag: str, attrs, parent: Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[Node] = []
        self.text: str | None = None
        self.parent = parent

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)


LOCAL: dict[str, str] = {}


def local_name(name: str) -> str:
    tag = LOCAL.get(name)
    if tag is None:
        tag = LOCAL[name] = name.rpartition(":")[2]
    return tag


def children(node: Node, name: str) -> list[Node]:
    return [child for child in node.children if child.tag == name]


def text_of(node: Node, name: str) -> str | None:
    for child in node.children:
        if child.tag == name:
            return child.text or ""
    return None


def refs(node: Node, name: str = "NoteRef") -> list[str]:
    return [normalise_id(c.get("targetGUID") or c.get("guid")) for c in children(node, name)]


def whole_number(attrs, name: str) -> int:
    value = attrs.get(name)
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Invalid(f"A selection has {name}={value!r}, which is not a whole number.") from exc


IDS: dict[str, str] = {}


def ref_id(value: str | None) -> str:
    """normalise_id for values that repeat (users, codes), remembered."""
    if not value:
        return ""
    found = IDS.get(value)
    if found is None:
        if len(IDS) > 100_000:
            IDS.clear()
        found = IDS[value] = normalise_id(value)
    return found


def coding_of(node: Node) -> CodingRec:
    code = next((ref_id(c.get("targetGUID")) for c in children(node, "CodeRef")), "")
    return [
        code,
        ref_id(node.get("creatingUser")),
        node.get("creationDateTime") or "",
        refs(node),
    ]


def values_of(node: Node) -> list[tuple[str, str]]:
    found = []
    for value in children(node, "VariableValue"):
        variable = children(value, "VariableRef")
        text = next((c.text or "" for c in value.children if c.tag in VALUE_TAGS), "")
        if variable:
            found.append((normalise_id(variable[0].get("targetGUID")), text.strip()))
    return found


def whole(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None

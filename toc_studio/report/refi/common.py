"""What the REFI-QDA export and import share: names, GUIDs, XML-safe text.

TOC Studio keeps meaning that REFI-QDA has no element for (a code's ToC category, branch
and domain; the order of stakeholder groups) in one line at the end of a description:
``TOC Studio: {"category": "outcome", "branch": "Mentee", "domain": "Social"}``. Other
tools show and keep descriptions, so the meaning survives a trip through them.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = "TOC Studio"
GROUP_VARIABLE = "Stakeholder group"
KIND_VARIABLE = "Document kind"
SCHEMA_LOCATION = "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"

# Characters XML 1.0 cannot carry (C0 controls other than tab, newline, carriage return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the control characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


def guid_factory(seed: str):
    """A function giving stable GUIDs for (kind, id) pairs of one export.

    Each kind gets a prefix from a name-based UUID of (seed, kind); whole-number ids go in
    the last twelve hex digits, so a GUID costs one string format, not one hash.
    """
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"toc-studio:{seed}")
    prefixes: dict[str, str] = {}

    def make(kind: str, key: object) -> str:
        if isinstance(key, int) and 0 <= key < 16**12:
            prefix = prefixes.get(kind)
            if prefix is None:
                prefix = prefixes[kind] = str(uuid.uuid5(namespace, kind))[:24]
            return f"{prefix}{key:012x}"
        return str(uuid.uuid5(namespace, f"{kind}:{key}"))

    return make


def normalise_id(value: str | None) -> str:
    """A GUID or other id as a lookup key: trimmed, braces dropped, lower case."""
    if not value:
        return ""
    return value.strip().strip("{}").lower()


def parse_when(value: str) -> datetime:
    """An xsd:dateTime from a file as an aware datetime (now, when missing or unreadable)."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

"""Browser offsets (UTF-16 code units) to Unicode code points over stored text, and back.

Browsers count positions in UTF-16 units: a character outside the Basic Multilingual
Plane (most emoji) takes two units but is one code point in Python. Stored spans are code
points, so every offset that crosses the browser boundary goes through this module.
Stored text has already had CRLF and BOM normalised away by the ingest, so nothing else
needs translating here.
"""

from __future__ import annotations

from toc_studio.errors import Invalid

_ASTRAL = "\U00010000"


def utf16_length(text: str) -> int:
    """The length of ``text`` in UTF-16 code units (what JavaScript's ``length`` says)."""
    return len(text) + sum(1 for ch in text if ch >= _ASTRAL)


def utf16_to_codepoint(text: str, offset: int) -> int:
    """Convert a UTF-16 offset into ``text`` to a code-point offset.

    An offset that falls between the two halves of a surrogate pair (no browser selection
    does this, but a hand-made request might) is rounded down to the start of that
    character, so a span never splits one.
    """
    if not 0 <= offset <= utf16_length(text):
        raise Invalid(
            f"Position {offset} is outside this text of {utf16_length(text)} UTF-16 units."
        )
    if max(text, default="") < _ASTRAL:
        return offset
    units = 0
    for index, ch in enumerate(text):
        width = 2 if ch >= _ASTRAL else 1
        if units + width > offset:
            return index
        units += width
    return len(text)


def codepoint_to_utf16(text: str, offset: int) -> int:
    """Convert a code-point offset into ``text`` to a UTF-16 offset (the inverse)."""
    if not 0 <= offset <= len(text):
        raise Invalid(f"Position {offset} is outside this text of {len(text)} characters.")
    return utf16_length(text[:offset])

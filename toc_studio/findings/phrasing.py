"""A strength of evidence in words, as the register, the screens and the report show it:
"most participants (5 of 7): Mentee 3 of 4, Mentor 2 of 3; 6 passages in 3 documents
(interview, workshop)", followed by its warnings ("One participant carries this
evidence.")."""

from __future__ import annotations

from typing import Any

from toc_studio.coding.analysis.wording import count


def strength_phrase(strength: Any) -> str:
    """One line for a :class:`toc_studio.coding.analysis.strength.Strength` ("" for none)."""
    if strength is None or not getattr(strength, "passages", 0):
        return "No coded evidence yet."
    people = f"{strength.wording} participants" if strength.wording != "one" else "one participant"
    head = f"{people[:1].upper()}{people[1:]} ({strength.participants} of {strength.of})"
    groups = ", ".join(f"{g.group} {g.n} of {g.of}" for g in strength.by_group)
    body = f"{count(strength.passages, 'passage')} in {count(strength.documents, 'document')}"
    methods = ", ".join(strength.methods)
    line = head + (f": {groups}" if groups else "") + f"; {body}"
    line += f" ({methods})." if methods else "."
    flags = " ".join(getattr(strength, "flags", ()))
    return f"{line} {flags}".strip()

"""Sections of a document: each heading and the text it heads.

A section runs from its heading to the next heading of the same or a higher level (a
lower number: a Heading 2 section ends at the next Heading 1 or 2), or to the end of the
document, blank space at its end left out. Offsets are code points over the stored text.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import access
from toc_studio.errors import Invalid
from toc_studio.ingest.models import Document
from toc_studio.ingest.readers import Heading
from toc_studio.ingest.tables import Section


def section_rows(headings: Sequence[Heading], text: str) -> list[tuple[int, str, int, int, int]]:
    """(level, title, start, heading_end, end) for each heading of ``text``, in order."""
    ordered = sorted(headings, key=lambda h: h.start)
    rows = []
    for index, heading in enumerate(ordered):
        if not 0 <= heading.start < heading.end <= len(text):
            raise Invalid(f"Heading {heading.title!r} lies outside the document's text.")
        limit = len(text)
        for later in ordered[index + 1 :]:
            if later.level <= heading.level:
                limit = later.start
                break
        end = max(heading.end, len(text[:limit].rstrip()))
        rows.append((heading.level, heading.title, heading.start, heading.end, end))
    return rows


def list_sections(session: Session, document: Document) -> list[Section]:
    """The document's sections in text order."""
    return list(
        session.execute(
            select(Section).where(Section.document_id == document.id).order_by(Section.start)
        ).scalars()
    )


def add_sections(
    session: Session,
    document: Document,
    headings: Sequence[Heading] = (),
    rows: Sequence[Sequence] | None = None,
) -> int:
    """Store the sections of a newly added document: from its ``headings``, or as given
    ``rows`` of (level, title, start, heading_end, end), each checked against the text.
    Returns how many were stored."""
    access.require(session, document.project_id, "lead", "add sections to a document")
    if rows is None:
        rows = section_rows(headings, document.text)
    length = len(document.text)
    for row in rows:
        try:
            level, title, start, heading_end, end = row
            fits = 0 <= int(start) < int(heading_end) <= int(end) <= length
        except (TypeError, ValueError) as exc:
            raise Invalid(f"A section of {document.title!r} is not readable.") from exc
        if not fits or not isinstance(title, str) or not isinstance(level, int):
            raise Invalid(f"A section of {document.title!r} lies outside its text.")
        session.add(
            Section(
                document_id=document.id,
                level=level,
                title=title,
                start=int(start),
                heading_end=int(heading_end),
                end=int(end),
            )
        )
    return len(rows)

"""Documents prepared for the Code screen, straight from the store.

:func:`document_view` builds the "view model" the transcript component draws: one page of
blocks with highlight segments, the codes they use, and paging facts. It reads only the
document's own turns and the codings overlapping the page, so its cost does not grow with
the rest of the project.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding import blind
from toc_studio.coding.codebook import code_paths, list_codes
from toc_studio.coding.models import Code, Coding
from toc_studio.coding.spans import merge_spans
from toc_studio.errors import Invalid
from toc_studio.ingest.models import Document, Turn
from toc_studio.project.models import Group, Participant, Project
from toc_studio.workspace import highlight
from toc_studio.workspace.highlight import Block, CodingRow, TurnRow
from toc_studio.workspace.offsets import utf16_to_codepoint


@dataclass(frozen=True)
class Layout:
    """A document cut into blocks and pages (cheap to rebuild; no codings needed)."""

    document: Document
    blocks: list[Block]
    pages: list[tuple[int, int]]

    def page_span(self, page: int) -> tuple[int, int]:
        first, last = self.pages[page]
        if first == last:
            return 0, 0
        return self.blocks[first].start, self.blocks[last - 1].end


def turn_rows(session: Session, document: Document) -> list[TurnRow]:
    rows = session.execute(
        select(
            Turn.id,
            Turn.start,
            Turn.end,
            Turn.speaker_label,
            Participant.label,
            Group.name,
            Group.position,
            Turn.timestamp,
            Turn.is_interviewer,
        )
        .outerjoin(Participant, Participant.id == Turn.participant_id)
        .outerjoin(Group, Group.id == Participant.group_id)
        .where(Turn.document_id == document.id)
        .order_by(Turn.start)
    ).all()
    return [TurnRow(*row) for row in rows]


def layout(session: Session, document: Document) -> Layout:
    blocks = highlight.document_blocks(document.text, turn_rows(session, document))
    return Layout(document, blocks, highlight.paginate(blocks))


def coding_rows(
    session: Session,
    document: Document,
    start: int,
    end: int,
    coders: Collection[int] | None = None,
    codes: Collection[int] | None = None,
) -> list[CodingRow]:
    """Codings of ``document`` overlapping [start, end), optionally only some coders' or
    codes' (ids)."""
    stmt = select(Coding.id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end).where(
        Coding.document_id == document.id, Coding.start < end, Coding.end > start
    )
    if coders is not None:
        stmt = stmt.where(Coding.coder_id.in_(list(coders)))
    if codes is not None:
        stmt = stmt.where(Coding.code_id.in_(list(codes)))
    # blind coding: a signed-in coder sees only their own codings of a blind document
    hidden = blind.visible(session, document.project_id, Coding.coder_id, Coding.document_id)
    stmt = stmt.where(*hidden)
    return [CodingRow(*row) for row in session.execute(stmt.order_by(Coding.start, Coding.id))]


def codebook_entries(session: Session, project: Project) -> dict[int, dict]:
    """Every code as the component and pickers show it: name, path, colour, order."""
    paths = code_paths(session, project)
    return {
        code.id: {"name": code.name, "path": paths[code.id], "colour": code.colour, "order": i}
        for i, code in enumerate(list_codes(session, project))
    }


def document_view(
    session: Session,
    document: Document,
    page: int = 0,
    *,
    coders: Collection[int] | None = None,
    codes: Collection[int] | None = None,
    shape: Layout | None = None,
    codebook: dict[int, dict] | None = None,
) -> dict:
    """The view model of one page of ``document`` (see the component for its use)."""
    shape = shape or layout(session, document)
    if not 0 <= page < len(shape.pages):
        raise Invalid(f"{document.title!r} has {len(shape.pages)} page(s); there is no {page + 1}.")
    if codebook is None:
        project = session.get(Project, document.project_id)
        codebook = codebook_entries(session, project)
    first, last = shape.pages[page]
    start, end = shape.page_span(page)
    rows = coding_rows(session, document, start, end, coders, codes) if end > start else []
    order = {code_id: entry["order"] for code_id, entry in codebook.items()}
    base, blocks = highlight.view_blocks(document.text, shape.blocks[first:last], rows, order)
    used = {row.code_id for row in rows}
    return {
        "document": document.id,
        "title": document.title,
        "page": page,
        "pages": len(shape.pages),
        "base": base,
        "end": end,
        "blocks": blocks,
        "codes": {
            str(code_id): {"name": codebook[code_id]["name"], "colour": codebook[code_id]["colour"]}
            for code_id in sorted(used)
            if code_id in codebook
        },
        "codings": len(rows),
    }


def span_from_browser(
    document: Document, base: int, end: int, u_start: int, u_end: int
) -> tuple[int, int]:
    """Turn a selection reported by the browser (UTF-16 units from the page's ``base``)
    into a stored span [start, end) in code points, trimmed of surrounding spaces."""
    page_text = document.text[base:end]
    lo, hi = sorted((u_start, u_end))
    start = base + utf16_to_codepoint(page_text, lo)
    stop = base + utf16_to_codepoint(page_text, hi)
    piece = document.text[start:stop]
    start += len(piece) - len(piece.lstrip())
    stop -= len(piece) - len(piece.rstrip())
    if stop <= start:
        raise Invalid("Select some words of the transcript first.")
    return start, stop


def point_from_browser(document: Document, base: int, end: int, unit: int) -> int:
    """A caret position reported by the browser, as a code point of the document."""
    return base + utf16_to_codepoint(document.text[base:end], unit)


def get_codes(session: Session, project: Project, ids: Collection[int]) -> list[Code]:
    """The project's codes with these ids, in the order given."""
    found = {
        code.id: code
        for code in session.execute(
            select(Code).where(Code.project_id == project.id, Code.id.in_(list(ids)))
        ).scalars()
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise Invalid("A chosen code no longer exists; pick again from the codebook.")
    return [found[i] for i in ids]


def next_uncoded_block(session: Session, shape: Layout, after: int) -> Block | None:
    """The first block (turn) starting after code point ``after`` that no coding touches;
    wraps round to the start of the document. None when every block is coded."""
    document = shape.document
    hidden = blind.visible(session, document.project_id, Coding.coder_id, Coding.document_id)
    spans = session.execute(
        select(Coding.start, Coding.end).where(Coding.document_id == document.id, *hidden)
    ).all()
    merged = merge_spans(spans)
    starts = [s for s, _ in merged]
    ordered = [b for b in shape.blocks if b.start > after] + [
        b for b in shape.blocks if b.start <= after
    ]
    for block in ordered:
        index = bisect.bisect_left(starts, block.end) - 1
        if index < 0 or merged[index][1] <= block.start:
            return block
    return None

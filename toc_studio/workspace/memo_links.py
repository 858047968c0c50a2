"""What each memo is attached to, said in words, with where to open it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.codebook import code_paths
from toc_studio.coding.models import Coding, Memo
from toc_studio.ingest.models import Document
from toc_studio.project.models import Coder, Project


@dataclass(frozen=True)
class MemoCard:
    id: int
    title: str
    text: str
    author: str
    updated: datetime
    attached_to: str  # "the project", "document …", "code …", "a coding of …"
    document_id: int | None  # where to open it in the Code screen
    position: int | None  # code point to show there


def memo_cards(session: Session, project: Project, memos: Sequence[Memo]) -> list[MemoCard]:
    """Describe ``memos`` with their targets (a fixed number of queries)."""
    coding_ids = {m.coding_id for m in memos if m.coding_id}
    codings = {
        c.id: c for c in session.execute(select(Coding).where(Coding.id.in_(coding_ids))).scalars()
    }
    doc_ids = {m.document_id for m in memos if m.document_id} | {
        c.document_id for c in codings.values()
    }
    titles = dict(
        session.execute(select(Document.id, Document.title).where(Document.id.in_(doc_ids))).all()
    )
    authors = dict(
        session.execute(
            select(Coder.id, Coder.name).where(Coder.id.in_({m.author_id for m in memos}))
        ).all()
    )
    paths = code_paths(session, project) if any(m.code_id or m.coding_id for m in memos) else {}
    cards = []
    for m in memos:
        doc_id, position = None, None
        if m.coding_id and m.coding_id in codings:
            c = codings[m.coding_id]
            quote = " ".join(c.text.split())
            quote = quote if len(quote) <= 80 else quote[:79] + "…"
            target = (
                f"a coding of “{titles.get(c.document_id, '?')}” with "
                f"{paths.get(c.code_id, '?')}: “{quote}”"
            )
            doc_id, position = c.document_id, c.start
        elif m.document_id:
            target = f"the document “{titles.get(m.document_id, '?')}”"
            doc_id = m.document_id
        elif m.code_id:
            target = f"the code {paths.get(m.code_id, '?')}"
        else:
            target = "the project"
        cards.append(
            MemoCard(
                m.id,
                m.title,
                m.text,
                authors.get(m.author_id, ""),
                m.updated,
                target,
                doc_id,
                position,
            )
        )
    return cards

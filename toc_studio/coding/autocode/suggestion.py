"""One auto-coding suggestion: a span proposed for coding with the rule that proposed it,
and the suggestions for spans given as (document id, start, end), each text read once.
Every rule kind (:mod:`~toc_studio.coding.autocode.speaker`,
:mod:`~toc_studio.coding.autocode.structure`, :mod:`~toc_studio.coding.autocode.patterns`)
proposes these; :mod:`toc_studio.coding.autocode.suggestions` accepts them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.ingest.models import Document

READ_BATCH = 500  # documents read at a time


@dataclass(frozen=True)
class Suggestion:
    """A span proposed for coding, with the rule that proposed it."""

    document_id: int
    document: str
    start: int
    end: int
    text: str
    rule: str

    def as_dict(self) -> dict:
        return asdict(self)


def suggestions_for(session: Session, rows: Sequence, rule: str) -> list[Suggestion]:
    """Suggestions for (document id, start, end) rows, each document's text read once."""
    texts: dict[int, tuple[str, str]] = {}
    ids = sorted({row[0] for row in rows})
    for part in range(0, len(ids), READ_BATCH):
        texts.update(
            (doc_id, (title, text))
            for doc_id, title, text in session.execute(
                select(Document.id, Document.title, Document.text).where(
                    Document.id.in_(ids[part : part + READ_BATCH])
                )
            )
        )
    return [Suggestion(d, texts[d][0], s, e, texts[d][1][s:e], rule) for d, s, e in rows]

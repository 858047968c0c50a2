"""Sentence boundaries of a document, for coding a sentence and for agreement by sentence.

The stored boundaries (the ingest package's ``sentence`` table) are used when a document
has them; otherwise the ingest package's splitter (``toc_studio.ingest.segment``) finds them.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.spans import Span
from toc_studio.ingest.models import Document


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of ``text`` in code points (the ingest package's splitter)."""
    from toc_studio.ingest.segment import split_sentences as split

    return [(s, e) for s, e in split(text)]


def stored_sentences(session: Session, document: Document) -> list[Span]:
    """The document's stored sentence spans (empty when the ingest pipeline stored none)."""
    from toc_studio.ingest.tables import Sentence

    return [
        (s, e)
        for s, e in session.execute(
            select(Sentence.start, Sentence.end)
            .where(Sentence.document_id == document.id)
            .order_by(Sentence.start)
        ).all()
    ]


def document_sentences(session: Session, document: Document) -> list[Span]:
    """Sentence spans of ``document``: stored ones when present, else split here. A
    sentence that begins with a speaker label starts where the turn's speech starts."""
    return sentences_by_document(session, [document.id], {document.id: document.text})[document.id]


def sentences_by_document(
    session: Session, document_ids: Sequence[int], texts: dict[int, str] | None = None
) -> dict[int, list[Span]]:
    """:func:`document_sentences` of several documents at once: stored sentences and turns
    read in one statement each per 500 documents; the texts (``texts`` by id, else read)
    only of documents that have no stored sentences."""
    from toc_studio.ingest.models import Turn
    from toc_studio.ingest.tables import Sentence

    ids = sorted(set(document_ids))
    found: dict[int, list[Span]] = {i: [] for i in ids}
    turns: dict[int, list[Span]] = {i: [] for i in ids}
    for part in range(0, len(ids), 500):
        chunk = ids[part : part + 500]
        for table, into in ((Sentence, found), (Turn, turns)):
            rows = session.execute(
                select(table.document_id, table.start, table.end)
                .where(table.document_id.in_(chunk))
                .order_by(table.document_id, table.start)
            )
            for doc_id, start, end in rows:
                into[doc_id].append((start, end))
    texts = dict(texts or {})
    unread = [i for i in ids if not found[i] and i not in texts]
    for part in range(0, len(unread), 100):
        chunk = unread[part : part + 100]
        texts.update(
            session.execute(select(Document.id, Document.text).where(Document.id.in_(chunk))).all()
        )
    return {i: _clip(found[i] or split_sentences(texts[i]), turns[i]) for i in ids}


def _clip(sentences: list[Span], turns: list[Span]) -> list[Span]:
    """A sentence that begins before a turn's speech (its speaker label) starts with it."""
    starts = [s for s, _ in turns]
    clipped = []
    for start, end in sentences:
        index = bisect.bisect_right(starts, end - 1) - 1
        if index >= 0 and start < starts[index] < end:
            start = starts[index]
        clipped.append((start, end))
    return clipped


def sentence_at(sentences: list[Span], offset: int) -> Span | None:
    """The sentence containing ``offset``, or None (e.g. white space between sentences)."""
    index = bisect.bisect_right([s for s, _ in sentences], offset) - 1
    if index >= 0 and sentences[index][0] <= offset < sentences[index][1]:
        return sentences[index]
    return None

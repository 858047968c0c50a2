"""Sentence boundaries of a document, for coding a sentence and for agreement by sentence.

The stored boundaries (the ingest package's ``sentence`` table) are used when a document
has them; otherwise the ingest package's splitter (``toc_studio.ingest.segment``) finds them.
"""

from __future__ import annotations

import bisect

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
    from toc_studio.ingest.models import Turn

    sentences = stored_sentences(session, document) or split_sentences(document.text)
    turns = session.execute(
        select(Turn.start, Turn.end).where(Turn.document_id == document.id).order_by(Turn.start)
    ).all()
    starts = [t.start for t in turns]
    clipped = []
    for start, end in sentences:
        index = bisect.bisect_right(starts, end - 1) - 1
        if index >= 0 and start < turns[index].start < end:
            start = turns[index].start
        clipped.append((start, end))
    return clipped


def sentence_at(sentences: list[Span], offset: int) -> Span | None:
    """The sentence containing ``offset``, or None (e.g. white space between sentences)."""
    index = bisect.bisect_right([s for s, _ in sentences], offset) - 1
    if index >= 0 and sentences[index][0] <= offset < sentences[index][1]:
        return sentences[index]
    return None

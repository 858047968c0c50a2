"""Sentence boundaries of a document, for coding a sentence and for agreement by sentence.

The stored boundaries (the ingest package's ``sentence`` table) are used when a document
has them; otherwise :func:`split_sentences`, a pure function over the text, finds them.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.spans import Span
from toc_studio.ingest.models import Document

# A sentence ends at . ! ? or … (with closing quotes/brackets), before white space; a
# blank line or a line break before a speaker label also ends one.
_END = re.compile(r"[.!?…]+[\"'’”)\]]*(?=\s)|\n\s*\n")


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of ``text`` in code points, without surrounding white space."""
    spans: list[Span] = []
    begin = 0
    for match in _END.finditer(text):
        _add(text, begin, match.end(), spans)
        begin = match.end()
    _add(text, begin, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[Span]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))


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
    """Sentence spans of ``document``: stored ones when present, else split here."""
    return stored_sentences(session, document) or split_sentences(document.text)


def sentence_at(sentences: list[Span], offset: int) -> Span | None:
    """The sentence containing ``offset``, or None (e.g. white space between sentences)."""
    import bisect

    index = bisect.bisect_right([s for s, _ in sentences], offset) - 1
    if index >= 0 and sentences[index][0] <= offset < sentences[index][1]:
        return sentences[index]
    return None

"""How :mod:`.framework` reads the passages of a matrix without holding every coding.

**From the evidence tally** (:mod:`.tally`: passages and codings per code, document and
speaker, kept fresh by the store's triggers) when the scope is the whole project, nothing
hidden (not blind) and the store knows several coders, as the Theory of Change's
evidence is (:mod:`toc_studio.theory.evidence`): each tally row is one (code, document,
speaker) with its passages, so a cell (a code or its family × a speaker's column) sums its
rows' passages and codings and counts their distinct speakers and documents. Identical
numbers to forming the passages: the tally forms them by the same rule, and a pair it
still sees stale (a session that only reads, a refresh under way) is recounted here in
memory in place of its tally rows.

**Streamed by document** otherwise: the project's documents are listed, then their
codings in scope are read :data:`DOCUMENTS` documents at a time and formed into passages
(a passage never spans two documents), so memory holds one batch of codings, not the
scope's every coding.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from operator import itemgetter

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.analysis import passages as ps
from toc_studio.coding.analysis import tally
from toc_studio.coding.analysis.tables import NOBODY
from toc_studio.coding.models import Coding
from toc_studio.ingest.models import Document

DOCUMENTS = 50  # documents read at a time when streaming (~2,000 codings each at most)


class Counter:
    """Cells and totals of a matrix being counted: per (row, column) passages, speakers,
    documents and codings."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, str], list] = {}
        self.totals: dict[int, list] = {}
        self.seen: set[str] = set()

    def add(self, key: int, labels: Sequence[str], speaker, document: int,
            passages: int, codings: int) -> None:  # fmt: skip
        """``passages`` (of ``codings`` codings) of row ``key`` by ``speaker`` (None: nobody)
        in ``document``, counted in the columns ``labels`` and in the row's total."""
        self.seen.update(labels)
        for bucket in (
            *(self._bucket(self.cells, (key, label)) for label in labels),
            self._bucket(self.totals, key),
        ):
            bucket[0] += passages
            bucket[3] += codings
            if speaker is not None:
                bucket[1].add(speaker)
            bucket[2].add(document)

    @staticmethod
    def _bucket(buckets: dict, key) -> list:
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = [0, set(), set(), 0]
        return bucket

    def counted(self, cell) -> tuple[dict, dict, set[str]]:
        """(row -> column -> ``cell(...)``), (row -> total ``cell(...)``), columns seen."""
        cells: dict[int, dict] = {}
        for (key, label), (n, people, docs, codings) in self.cells.items():
            cells.setdefault(key, {})[label] = cell(n, len(people), len(docs), codings)
        totals = {key: cell(n, len(people), len(docs), codings)
                  for key, (n, people, docs, codings) in self.totals.items()}  # fmt: skip
        return cells, totals, self.seen


def tally_serves(session: Session, whole: bool) -> bool:
    """Whether the tally can count this matrix: the whole project, nothing hidden, and
    several coders (with one, every coding is a passage and the codings count as fast)."""
    return whole and tally.several_coders(session)


def from_tally(
    session: Session,
    of_code: Mapping[int, Sequence[int]],
    labels_of: Mapping[int, tuple[str, ...]],
    none: tuple[str, ...],
    counter: Counter,
) -> None:
    """Count into ``counter`` the tally rows of the codes of ``of_code`` (code -> the rows
    it counts for), each in its speaker's columns (``labels_of``; ``none`` without)."""
    if not of_code:
        return
    stale = tally.fresh(session)
    connection = session.connection()
    listed = ", ".join(str(int(c)) for c in sorted(of_code))
    found = connection.exec_driver_sql(
        "SELECT code_id, document_id, participant_id, passages, codings FROM evidence_tally "
        f"WHERE code_id IN ({listed})"
    )
    rows: Iterator = iter(found)
    if stale:
        recounted = tally.recount(connection, {p for p in stale if p[1] in of_code})
        kept = (r for r in found if (r[1], r[0]) not in stale)
        rows = iter([*kept, *((*k, *v) for k, v in recounted.items())])
    for code, document, speaker, passages, codings in rows:
        speaker = None if speaker == NOBODY else speaker
        labels = none if speaker is None else labels_of.get(speaker, none)
        for key in of_code[code]:
            counter.add(key, labels, speaker, document, passages, codings)


def streamed(
    session: Session, project_id: int, code_ids: Sequence[int], filters: list
) -> Iterator[ps.Passage]:
    """The passages of the codings of ``code_ids`` that pass ``filters`` (WHERE clauses on
    the coding table), formed :data:`DOCUMENTS` of the project's documents at a time, in
    document order. (The documents are listed from the document table: finding those with
    codings in scope first would read every coding twice.)"""
    if not code_ids:
        return
    c = Coding.__table__.c
    session.flush()
    chosen = [c.code_id.in_(sorted(code_ids)), *filters]
    listed = select(Document.id).where(Document.project_id == project_id).order_by(Document.id)
    documents = list(session.execute(listed).scalars())
    columns = (c.id, c.code_id, c.document_id, c.coder_id, c.start, c.end, c.participant_id)
    for i in range(0, len(documents), DOCUMENTS):
        batch = documents[i : i + DOCUMENTS]
        stmt = select(*columns).where(c.document_id.in_(batch), *chosen)
        read = sorted(map(tuple, session.execute(stmt)), key=itemgetter(1, 2, 4, 0))
        yield from ps.from_rows(read)
        del read

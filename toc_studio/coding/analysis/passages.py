"""Passages: the pieces of evidence, counted once whoever coded them.

Several coders code the same material so that their agreement can be checked; evidence
(the Theory of Change's, the framework matrix's counts, captions such as "12 excerpts
from 5 participants", the Word report) must not count the same words twice for that.

**The rule.** Codings of the *same code* in the *same document* by *different coders*
that *overlap* (share at least one code point: ``a.start < b.end and b.start < a.end``)
belong to one passage, and so, transitively, does everything overlapping any of them by
another coder: a chain of three coders' overlapping codings is one passage. Codings
that only touch (one ends where the other starts) do not overlap. Two codings by the
same coder stay as stored (two passages) unless another coder's coding overlaps both.
Codings of different codes are different passages, even over the same words.

A passage spans from its earliest start to its latest end. Its *representative* coding
(the quote shown for it) is the one starting first, the longest of those, then the
oldest; its participant is the representative's stored speaker (see
:mod:`toc_studio.coding.speakers`), else the first speaker among its other codings.
Codings per coder stay as they are for agreement (:mod:`.agreement`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.models import Code

BATCH = 2_000  # ids per IN list


class Passage(NamedTuple):
    """One piece of evidence: the codings of one code that form it (representative
    first), its span, its document and its speaker. (A named tuple: a million are made
    in a second.)"""

    code_id: int
    document_id: int
    start: int
    end: int
    participant_id: int | None
    coding_ids: tuple[int, ...]
    coder_ids: tuple[int, ...]

    @property
    def coding_id(self) -> int:
        """The representative coding (the quote shown for the passage)."""
        return self.coding_ids[0]


# a coding as read: id, code, document, coder, start, end, participant
_Row = tuple[int, int, int, int, int, int, int | None]


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def group_rows(rows: Sequence[_Row]) -> list[Passage]:
    """The passages of ``rows`` (codings of one code in one document, by start): a sweep
    keeping the codings still open, joining each coding to every open one of another
    coder (union-find), so the work is the number of overlaps, not all pairs."""
    parent = list(range(len(rows)))
    open_: list[tuple[int, int]] = []  # (end, index) of codings not yet ended
    for i, row in enumerate(rows):
        start = row[4]
        while open_ and open_[0][0] <= start:
            heapq.heappop(open_)
        for _, j in open_:
            if rows[j][3] != row[3]:
                a, b = _find(parent, i), _find(parent, j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        heapq.heappush(open_, (row[5], i))
    members: dict[int, list[int]] = {}
    for i in range(len(rows)):
        members.setdefault(_find(parent, i), []).append(i)
    found = []
    for indexes in members.values():
        ordered = sorted(indexes, key=lambda k: (rows[k][4], -rows[k][5], rows[k][0]))
        speaker = next((rows[k][6] for k in ordered if rows[k][6] is not None), None)
        found.append(
            Passage(
                code_id=rows[ordered[0]][1],
                document_id=rows[ordered[0]][2],
                start=min(rows[k][4] for k in ordered),
                end=max(rows[k][5] for k in ordered),
                participant_id=speaker,
                coding_ids=tuple(rows[k][0] for k in ordered),
                coder_ids=tuple(sorted({rows[k][3] for k in ordered})),
            )
        )
    found.sort(key=lambda p: (p.start, p.coding_id))
    return found


# Read through the driver (SQLAlchemy's row processing costs more than the read); the
# ids are integers, written into the statement
READ_SQL = (
    'SELECT id, code_id, document_id, coder_id, "start", "end", participant_id FROM coding '
    "WHERE {column} IN ({ids})"
)


def read_codings(
    session: Session, code_ids: Iterable[int] = (), coding_ids: Iterable[int] = ()
) -> list[_Row]:
    """The codings of ``code_ids`` and the codings ``coding_ids``, once each, ordered by
    code, document and start."""
    session.flush()
    cursor = session.connection().connection.dbapi_connection.cursor()
    rows: dict[int, _Row] = {}
    try:
        for ids, column in ((code_ids, "code_id"), (coding_ids, "id")):
            ids = sorted({int(i) for i in ids})
            for i in range(0, len(ids), BATCH):
                listed = ", ".join(map(str, ids[i : i + BATCH]))
                cursor.execute(READ_SQL.format(column=column, ids=listed))
                rows.update((row[0], tuple(row)) for row in cursor.fetchall())
    finally:
        cursor.close()
    return sorted(rows.values(), key=itemgetter(1, 2, 4, 0))


def _two(a: _Row, b: _Row) -> list[Passage]:
    """The passages of two overlapping codings (``a`` starting first): one, by two
    coders; two, by one coder (as :func:`group_rows` finds them)."""
    if a[3] == b[3]:
        return [Passage(r[1], r[2], r[4], r[5], r[6], (r[0],), (r[3],)) for r in (a, b)]
    first, second = sorted((a, b), key=lambda r: (r[4], -r[5], r[0]))
    speaker = first[6] if first[6] is not None else second[6]
    return [
        Passage(
            first[1], first[2], first[4], max(a[5], b[5]), speaker,
            (first[0], second[0]), tuple(sorted((a[3], b[3]))),
        )
    ]  # fmt: skip


def apart(group: Sequence[_Row]) -> bool:
    """Whether no two of one (code, document)'s codings, in start order, overlap (then
    each coding is a passage of its own)."""
    reach = -1
    for row in group:
        if row[4] < reach:
            return False
        reach = max(reach, row[5])
    return True


def from_rows(rows: Iterable[_Row]) -> list[Passage]:
    """Passages of codings read by :func:`read_codings` (in code, document, start order).
    A document's codings of a code that do not overlap at all (the common case) are a
    passage each, without the sweep."""
    found: list[Passage] = []
    add = found.append
    for _, group in groupby(rows, key=itemgetter(1, 2)):
        group = list(group)
        separate = apart(group)
        if not separate and len(group) == 2:  # two overlapping (the double-coded quote)
            found.extend(_two(*group))
            continue
        if not separate:
            found.extend(group_rows(group))
            continue
        for r in group:
            add(Passage(r[1], r[2], r[4], r[5], r[6], (r[0],), (r[3],)))
    return found


def passages_of(
    session: Session,
    project_id: int | None = None,
    *,
    code_ids: Iterable[int] = (),
    coding_ids: Iterable[int] = (),
) -> list[Passage]:
    """The passages formed by the codings of ``code_ids`` together with the codings
    ``coding_ids`` (only those: a quote list's passages are among its own quotes), by the
    rule above, ordered by code, document and start. With ``project_id`` and neither,
    every passage of the project."""
    code_ids, coding_ids = list(code_ids), list(coding_ids)
    if project_id is not None and not code_ids and not coding_ids:
        code_ids = list(
            session.execute(select(Code.id).where(Code.project_id == project_id)).scalars()
        )
    return from_rows(read_codings(session, code_ids, coding_ids))


def passage_of_coding(passages: Iterable[Passage]) -> dict[int, Passage]:
    """Each coding's passage, by coding id."""
    return {cid: p for p in passages for cid in p.coding_ids}


# documents of the project where more than one coder coded: one pass over the covering
# index of the unique span (document, start, end, code, coder)
_SHARED_SQL = (
    "SELECT d.id FROM document d JOIN coding c ON c.document_id = d.id "
    "WHERE d.project_id = {project} GROUP BY d.id HAVING min(c.coder_id) <> max(c.coder_id)"
)
_CODERS_SQL = "SELECT count(*) FROM (SELECT id FROM coder LIMIT 2) AS two"


def merged(
    session: Session, project_id: int, code_ids: Iterable[int]
) -> tuple[list[Passage], dict[int, int | None]]:
    """The passages of ``code_ids`` that hold more than one coding, by the rule above
    (every other coding of those codes is a passage of its own), and the stored speaker of
    each coding read. Only documents where more than one coder coded can hold one, so only
    their codings are read (none when the store knows a single coder)."""
    session.flush()
    codes = {int(c) for c in code_ids}
    cursor = session.connection().connection.dbapi_connection.cursor()
    try:
        cursor.execute(_CODERS_SQL)
        if cursor.fetchone()[0] < 2 or not codes:
            return [], {}
        cursor.execute(_SHARED_SQL.format(project=int(project_id)))
        documents = sorted(row[0] for row in cursor.fetchall())
        rows: list[_Row] = []
        for i in range(0, len(documents), BATCH):
            listed = ", ".join(map(str, documents[i : i + BATCH]))
            cursor.execute(READ_SQL.format(column="document_id", ids=listed))
            rows.extend(tuple(row) for row in cursor.fetchall() if row[1] in codes)
    finally:
        cursor.close()
    rows.sort(key=itemgetter(1, 2, 4, 0))
    speakers = {row[0]: row[6] for row in rows}
    return [p for p in from_rows(rows) if len(p.coding_ids) > 1], speakers


_FIRST_SQL = (
    'SELECT id, code_id, document_id, coder_id, "start", "end", participant_id FROM coding '
    'WHERE code_id = {code} ORDER BY document_id, "start" LIMIT {limit}'
)


def first_passages(session: Session, code_id: int, count: int) -> list[Passage]:
    """The first ``count`` passages of code ``code_id`` (as :func:`passages_of` orders
    them), reading the code's codings in document order only as far as needed: whole
    documents, since a passage never leaves its document."""
    session.flush()
    cursor = session.connection().connection.dbapi_connection.cursor()
    limit = max(64, 8 * count)
    try:
        while True:
            cursor.execute(_FIRST_SQL.format(code=int(code_id), limit=limit))
            rows = [tuple(row) for row in cursor.fetchall()]
            every = len(rows) < limit
            if not every:  # the last document may go on beyond the limit
                rows = [row for row in rows if row[2] != rows[-1][2]]
            rows.sort(key=itemgetter(1, 2, 4, 0))
            found = from_rows(rows)
            if every or len(found) >= count:
                return found[:count]
            limit *= 4
    finally:
        cursor.close()

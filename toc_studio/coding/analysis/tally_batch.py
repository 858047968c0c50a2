"""The evidence tally's recount of a large batch (an import, a migration, a bulk insert):
fast, and in memory that does not grow with the batch. See :mod:`.tally`.

Only a coding that overlaps another coding of the same pair (code, document) can share a
passage; every other coding is a passage of its own. So SQL first sets apart the codings
that may share one, and counts all the others in the same pass (a passage and a coding
each, by speaker, ``INSERT ... SELECT ... GROUP BY``):

- SQLite: the codings with an overlap by another coder, found by looking each coding's
  span up in the unique span's index (document, start, ...): one probe per coding;
- PostgreSQL: the codings in a run of overlapping ones, found in one statement by window
  functions over the pairs' documents, read once (the furthest end before each coding in
  its pair and the next start: a coding starting at or after the one and ending at or
  before the other overlaps nothing). An index probe per coding would visit the heap a
  million times there (three times slower).

Only the codings set apart (2-3% of an import of three coders' random spans) are formed in
Python: read in (document, code, start) order through a cursor that fetches a few
thousand rows at a time (server-side on PostgreSQL) and swept once. An *island* there is
a maximal run of a pair's codings each overlapping the span of those before it (touching
is not overlapping); no passage crosses an island's edge. An island of codings by
different coders (every overlap then joins) is one passage; only an island holding two
codings of one coder is formed by the exact sweep of :func:`.passages.group_rows`. A
passage's speaker is decided as there: its first coding's (by start, longest, oldest),
else the first speaker among its others. Those rows are added to the tally a few
documents at a time, so what is held is one fetch, one island and those documents' rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Column, Integer, MetaData, Table

from toc_studio.coding.analysis import passages as ps
from toc_studio.coding.analysis.tables import NOBODY

Tally = dict[tuple[int, int, int], list[int]]  # (code, document, speaker) -> [passages, codings]
Row = tuple  # a coding as passages.READ_SQL reads it: id, code, document, coder, start, end,
# speaker

FETCH = 5_000  # rows per fetch of the sweep's cursor
FLUSH = 20_000  # tally rows held before they are written (at a document's end)

_META = MetaData()
_PAIRS = Table(  # the pairs a large refresh recounts ...
    "tally_pairs",
    _META,
    Column("document_id", Integer, primary_key=True),
    Column("code_id", Integer, primary_key=True),
    prefixes=["TEMPORARY"],
)
_COLUMNS = ("id", "code_id", "document_id", "coder_id", "start", "end", "participant_id")
_JOINED = Table(  # ... and their codings that may share a passage
    "tally_joined",
    _META,
    *(Column(name, Integer, primary_key=name == "id") for name in _COLUMNS),
    prefixes=["TEMPORARY"],
)
_OVERLAPS = Table(
    "tally_overlaps", _META, Column("a", Integer), Column("b", Integer), prefixes=["TEMPORARY"]
)
_TABLES = (_PAIRS, _JOINED, _OVERLAPS)
SPEAKER = f"COALESCE(participant_id, {NOBODY})"
READ = 'id, code_id, document_id, coder_id, "start", "end", participant_id'

# SQLite. Every (a, b) of the pairs' codings where b starts within a and another coder
# made it: one probe of the unique span's index (document, start, ...) per coding
OVERLAPS_SQL = (
    "INSERT INTO tally_overlaps (a, b) SELECT a.id, b.id "
    "FROM (SELECT DISTINCT document_id FROM tally_pairs) d "
    "JOIN coding a ON a.document_id = d.document_id "
    "JOIN coding b ON b.code_id = a.code_id AND b.document_id = a.document_id "
    'AND b."start" >= a."start" AND b."start" < a."end" AND b.coder_id <> a.coder_id '
    "WHERE EXISTS (SELECT 1 FROM tally_pairs p "
    "WHERE p.document_id = a.document_id AND p.code_id = a.code_id)"
)
JOINED_SQL = (
    f"INSERT INTO tally_joined SELECT {READ} FROM coding WHERE id IN "
    "(SELECT a FROM tally_overlaps UNION SELECT b FROM tally_overlaps)"
)
# ... and the pairs' other codings, a passage each (CROSS JOIN: SQLite reads the pairs
# first, not every coding, whatever it guesses of the temporary tables' sizes)
ALONE_SQL = (
    "INSERT INTO evidence_tally (code_id, document_id, participant_id, passages, codings) "
    f"SELECT c.code_id, c.document_id, {SPEAKER}, count(*), count(*) FROM tally_pairs p "
    "CROSS JOIN coding c WHERE c.code_id = p.code_id AND c.document_id = p.document_id "
    "AND NOT EXISTS (SELECT 1 FROM tally_joined j WHERE j.id = c.id) "
    f"GROUP BY c.code_id, c.document_id, {SPEAKER}"
)
# PostgreSQL, in one statement: the pairs' documents' codings read once (sequentially, or
# by document), each marked by window functions with the furthest end before it in its
# pair and the next start; a coding that starts at or after the one and ends at or before
# the other overlaps nothing and is a passage of its own; the rest may share one. (An
# index probe per coding, as on SQLite, visits the heap a million times: 3x slower.)
WINDOWED_SQL = f"""WITH w AS MATERIALIZED (
  SELECT {READ},
    max("end") OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach,
    lead("start") OVER w AS next
  FROM {{source}}
  WINDOW w AS (PARTITION BY document_id, code_id ORDER BY "start", id)
), c AS MATERIALIZED (
  SELECT w.* FROM w JOIN tally_pairs p ON p.document_id = w.document_id AND p.code_id = w.code_id
), joined AS (
  INSERT INTO tally_joined SELECT {READ} FROM c
  WHERE "start" < reach OR next < "end"
)
INSERT INTO evidence_tally (code_id, document_id, participant_id, passages, codings)
SELECT code_id, document_id, {SPEAKER}, count(*), count(*) FROM c
WHERE (reach IS NULL OR "start" >= reach) AND (next IS NULL OR next >= "end")
GROUP BY code_id, document_id, {SPEAKER}"""
# what it reads: every coding of the pairs' documents (most of their pairs are stale: an
# import's), or the pairs' own codings through the index on (code, document, start)
DOCUMENTS = "coding WHERE document_id IN (SELECT document_id FROM tally_pairs)"
PAIRS = (
    f"(SELECT {', '.join('c.' + name for name in READ.split(', '))} FROM tally_pairs p "
    "JOIN coding c ON c.code_id = p.code_id AND c.document_id = p.document_id) AS c"
)
DENSE = 20  # stale pairs per document from which every coding of the documents is read
SORT_MEMORY = "64MB"  # PostgreSQL's work_mem for that statement (its sort, in memory)
# the codings that may share a passage, in the sweep's order
SWEEP_SQL = f'SELECT {READ} FROM tally_joined ORDER BY document_id, code_id, "start"'
# their tally rows, added to those of the same speaker counted above
MERGE = (
    " ON CONFLICT (code_id, document_id, participant_id) DO UPDATE SET "
    "passages = evidence_tally.passages + excluded.passages, "
    "codings = evidence_tally.codings + excluded.codings"
)


def add(counted: Tally, key: tuple[int, int, int], passages: int, codings: int) -> None:
    """Add ``passages`` and ``codings`` to the tally row ``key``."""
    found = counted.get(key)
    if found is None:
        counted[key] = [passages, codings]
    else:
        found[0] += passages
        found[1] += codings


def insert_rows(connection, counted: Tally, merge: bool = False) -> None:
    """Insert the rows of ``counted`` into ``evidence_tally`` (whose rows of those keys
    were deleted; with ``merge``, added to the rows already there)."""
    rows = [(*key, *value) for key, value in counted.items()]
    if not rows:
        return
    tail = MERGE if merge else ""
    if connection.dialect.name == "postgresql":
        columns = [list(column) for column in zip(*rows, strict=True)]
        connection.exec_driver_sql(
            "INSERT INTO evidence_tally (code_id, document_id, participant_id, passages, "
            "codings) SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[], "
            f"%s::int[]){tail}",
            tuple(columns),
        )
        return
    connection.exec_driver_sql(
        "INSERT INTO evidence_tally (code_id, document_id, participant_id, passages, codings) "
        f"VALUES (?, ?, ?, ?, ?){tail}",
        rows,
    )


def refresh_many(connection, pairs: set[tuple[int, int]]) -> None:
    """Replace the tally rows of ``pairs`` ((document, code), many) by their recount, in the
    open transaction of ``connection``."""
    pg = connection.dialect.name == "postgresql"
    for table in _TABLES:
        table.create(connection, checkfirst=True)
        connection.execute(table.delete())
    if pg:
        documents, codes = [d for d, _ in pairs], [c for _, c in pairs]
        connection.exec_driver_sql(
            "INSERT INTO tally_pairs SELECT * FROM unnest(%s::int[], %s::int[])", (documents, codes)
        )
        connection.exec_driver_sql("ANALYZE tally_pairs")
    else:
        connection.exec_driver_sql("INSERT INTO tally_pairs VALUES (?, ?)", sorted(pairs))
    connection.exec_driver_sql(
        "DELETE FROM evidence_tally WHERE EXISTS (SELECT 1 FROM tally_pairs p "
        "WHERE p.code_id = evidence_tally.code_id AND p.document_id = evidence_tally.document_id)"
    )
    if pg:
        memory = connection.exec_driver_sql("SELECT current_setting('work_mem')").scalar()
        connection.exec_driver_sql(f"SELECT set_config('work_mem', '{SORT_MEMORY}', true)")
        dense = len(pairs) >= DENSE * len({d for d, _ in pairs})
        connection.exec_driver_sql(WINDOWED_SQL.format(source=DOCUMENTS if dense else PAIRS))
        connection.exec_driver_sql("SELECT set_config('work_mem', %s, true)", (memory,))
    else:
        connection.exec_driver_sql(OVERLAPS_SQL)
        connection.exec_driver_sql(JOINED_SQL)
        connection.exec_driver_sql(ALONE_SQL)
    raw = connection.connection.dbapi_connection
    cursor = raw.cursor(name="tally_sweep") if pg else raw.cursor()
    try:
        cursor.execute(SWEEP_SQL)
        for counted in sweep(_fetched(cursor)):
            insert_rows(connection, counted, merge=True)
    finally:
        cursor.close()
    for table in _TABLES:
        connection.execute(table.delete())


def _fetched(cursor) -> Iterator[tuple]:
    while chunk := cursor.fetchmany(FETCH):
        yield from chunk


def sweep(rows: Iterable[Row], flush: int = FLUSH) -> Iterator[Tally]:
    """The tally rows of ``rows`` (codings in (document, code, start) order), yielded a few
    whole documents at a time (each time ``flush`` rows or more are held, and at the end)."""
    counted: Tally = {}
    island: list = []
    code = document = None
    reach = 0
    for row in rows:
        if row[4] < reach and row[1] == code and row[2] == document:
            island.append(row)  # overlaps the island so far
            if row[5] > reach:
                reach = row[5]
            continue
        if island:
            _close(island, counted)
        if row[2] != document and len(counted) >= flush:
            yield counted
            counted = {}
        island = [row]
        code, document, reach = row[1], row[2], row[5]
    if island:
        _close(island, counted)
    if counted:
        yield counted


def _close(island: list, counted: Tally) -> None:
    """Count the passages of ``island`` (codings of one pair, in start order, joined by
    overlaps whoever coded them) into ``counted``."""
    if len({row[3] for row in island}) == len(island):  # every overlap joins: one passage
        ordered = sorted(island, key=lambda r: (r[4], -r[5], r[0]))
        speaker = next((r[6] for r in ordered if r[6] is not None), None)
        add(counted, (island[0][1], island[0][2], speaker or NOBODY), 1, len(island))
        return
    for p in ps.group_rows(island):
        add(counted, (p.code_id, p.document_id, p.participant_id or NOBODY), 1, len(p.coding_ids))

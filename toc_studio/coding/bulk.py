"""Fast bulk insertion of codings, skipping exact duplicates already stored.

SQLite: one prepared ``INSERT ... ON CONFLICT DO NOTHING`` run with ``executemany``.
PostgreSQL: ``COPY`` into a temporary table, then one ``INSERT ... SELECT ... ON CONFLICT
DO NOTHING``. Both go below SQLAlchemy's per-row parameter processing, which costs more
than the insert itself at a million rows. The rows must have been checked already.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from toc_studio.coding.models import Coding
from toc_studio.timeutil import utcnow

Row = tuple[int, int, int, int, int, str]  # document, code, coder, start, end, text
COLUMNS = 'document_id, code_id, coder_id, "start", "end", text, created'


def insert_codings(session: Session, rows: Sequence[Row]) -> int:
    """Insert ``rows``; those that duplicate a stored coding (same document, code, coder
    and span) are skipped. Returns how many were inserted."""
    if not rows:
        return 0
    session.flush()  # rows may point at codes or coders the session has not written yet
    connection = session.connection()
    dialect = connection.dialect
    column_type = Coding.__table__.c.created.type.dialect_impl(dialect)
    created = column_type.bind_processor(dialect)  # SQLite stores a string, as ORM does
    now = created(utcnow()) if created else utcnow()
    rows = sorted(rows)  # key order: each row's index pages are mostly the ones just used
    if dialect.name == "postgresql":
        return _postgres(connection, rows, now)
    sql = f"INSERT INTO coding ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
    result = connection.exec_driver_sql(sql, [(*row, now) for row in rows])
    return result.rowcount


def _postgres(connection, rows: Sequence[Row], now) -> int:
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS coding_load (document_id int, code_id int, "
            'coder_id int, "start" int, "end" int, text text) ON COMMIT DELETE ROWS'
        )
        with cursor.copy(
            'COPY coding_load (document_id, code_id, coder_id, "start", "end", text) FROM STDIN'
        ) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO coding ({COLUMNS}) "
            'SELECT document_id, code_id, coder_id, "start", "end", text, %s FROM coding_load '
            'ORDER BY document_id, code_id, coder_id, "start", "end" ON CONFLICT DO NOTHING',
            (now,),
        )
        inserted = cursor.rowcount
        cursor.execute("TRUNCATE coding_load")
    return inserted

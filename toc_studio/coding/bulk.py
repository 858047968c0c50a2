"""Fast bulk insertion of codings, skipping exact duplicates already stored.

Each coding gets its speaker (``participant_id``, by the one rule of
:mod:`toc_studio.coding.speakers`), found in Python from the documents' turns
(:class:`~toc_studio.coding.speakers.SpeakerLookup`: a bisect per row, cheaper than the
rule's correlated seeks in the statement).

SQLite: one prepared ``INSERT ... ON CONFLICT DO NOTHING`` run with ``executemany``.
PostgreSQL: ``COPY`` straight into the table inside a savepoint; when that meets a stored
duplicate, the rows go through a temporary table and one ``INSERT ... SELECT ... ON
CONFLICT DO NOTHING`` instead. Both go below SQLAlchemy's per-row parameter processing,
which costs more than the insert itself at a million rows. The rows must have been
checked already.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from operator import itemgetter

from sqlmodel import Session

from toc_studio.coding.models import Coding
from toc_studio.coding.speakers import speaker_lookup
from toc_studio.timeutil import utcnow

Row = tuple[int, int, int, int, int, str]  # document, code, coder, start, end, text
# ... optionally followed by when the coding was made (an aware datetime; None means now),
# for codings that come from another tool with their dates
DatedRow = tuple[int, int, int, int, int, str, datetime | None]
SPAN_ORDER = itemgetter(0, 3, 4, 1, 2)  # document, start, end, code, coder
COLUMNS = 'document_id, code_id, coder_id, "start", "end", text, participant_id, created'
SQLITE_INSERT = (
    f"INSERT INTO coding ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT DO NOTHING"
)


def insert_codings(session: Session, rows: Sequence[Row] | Sequence[DatedRow]) -> int:
    """Insert ``rows``; those that duplicate a stored coding (same document, code, coder
    and span) are skipped. Rows without a date are stamped with the time of the insert.
    Returns how many were inserted."""
    if not rows:
        return 0
    session.flush()  # rows may point at codes, coders or turns not written yet
    connection = session.connection()
    dialect = connection.dialect
    column_type = Coding.__table__.c.created.type.dialect_impl(dialect)
    created = column_type.bind_processor(dialect)  # SQLite stores a string, as ORM does
    moment = utcnow()
    now = created(moment) if created else moment
    if rows and len(rows[0]) == 7:
        rows = _with_dates(rows, moment, created)
    # key order (the unique span's): each row's index pages are mostly the ones just used.
    # Duplicates inside the batch are left to ON CONFLICT DO NOTHING, as stored ones are.
    ordered = sorted(rows, key=SPAN_ORDER)
    speaker = speaker_lookup(session, {row[0] for row in ordered})
    if dialect.name == "postgresql":
        return _postgres(connection, ordered, now, speaker)
    if len(ordered[0]) == 7:  # each row brings its date
        spoken = [(d, c, k, s, e, t, speaker(d, s, e), w) for d, c, k, s, e, t, w in ordered]
        return connection.exec_driver_sql(SQLITE_INSERT, spoken).rowcount
    # the one timestamp goes into the statement as a literal (it is ours, not the user's):
    # a parameter would mean one more value in every row's tuple
    stamp = "'" + str(now).replace("'", "''") + "'"
    spoken = [(d, c, k, s, e, t, speaker(d, s, e)) for d, c, k, s, e, t in ordered]
    result = connection.exec_driver_sql(SQLITE_INSERT.replace("?8", stamp), spoken)
    return result.rowcount


def _with_dates(rows: Sequence[DatedRow], now: datetime, convert) -> list[tuple]:
    """Rows whose date is ready for the driver (None becomes ``now``); a file's codings
    share few distinct dates, so each is converted once."""
    converted: dict[datetime | None, object] = {}
    out = []
    for *fields, when in rows:
        value = converted.get(when)
        if value is None:
            moment = now if when is None else when.astimezone(UTC)  # SQLite keeps no zone
            value = converted[when] = convert(moment) if convert else moment
        out.append((*fields, value))
    return out


# COPY's text format: backslash, tab and line breaks escaped; NULL written as \N
_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def _copy_text(rows: Sequence[Row], now, speaker) -> str:
    """The rows as COPY text, formatted here in one pass (psycopg's per-value adaptation
    costs more than the database's insert)."""
    stamp = now.isoformat()
    lines = []
    for document, code, coder, start, end, text, *dated in rows:
        when = dated[0].isoformat() if dated else stamp
        person = speaker(document, start, end)
        if "\\" in text or "\t" in text or "\n" in text or "\r" in text:  # 4 scans in C
            text = text.translate(_ESCAPE)  # are cheaper than translating every text
        lines.append(
            f"{document}\t{code}\t{coder}\t{start}\t{end}\t{text}\t"
            f"{_NULL if person is None else person}\t{when}\n"
        )
    return "".join(lines)


def _postgres(connection, rows: Sequence[Row], now, speaker) -> int:
    import psycopg

    data = _copy_text(rows, now, speaker)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute("SAVEPOINT coding_copy")
        try:
            with cursor.copy(f"COPY coding ({COLUMNS}) FROM STDIN") as copy:
                copy.write(data)
        except psycopg.errors.UniqueViolation:
            cursor.execute("ROLLBACK TO SAVEPOINT coding_copy")
        else:
            cursor.execute("RELEASE SAVEPOINT coding_copy")
            return len(rows)
        cursor.execute("RELEASE SAVEPOINT coding_copy")
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS coding_batch (document_id int, code_id int, "
            'coder_id int, "start" int, "end" int, text text, participant_id int, '
            "created timestamptz) ON COMMIT DELETE ROWS"
        )
        with cursor.copy(f"COPY coding_batch ({COLUMNS}) FROM STDIN") as copy:
            copy.write(data)
        cursor.execute(
            f"INSERT INTO coding ({COLUMNS}) SELECT {COLUMNS} FROM coding_batch "
            'ORDER BY document_id, "start", "end", code_id, coder_id ON CONFLICT DO NOTHING'
        )
        inserted = cursor.rowcount
        cursor.execute("TRUNCATE coding_batch")
    return inserted

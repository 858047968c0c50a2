"""Fast bulk insertion of codings, skipping exact duplicates already stored.

Each coding gets its speaker (``participant_id``, by the one rule of
:mod:`toc_studio.coding.speakers`).

SQLite: one prepared ``INSERT ... ON CONFLICT DO NOTHING`` run with ``executemany``. The
speaker comes as a parameter where the document alone decides it (its turns name one
participant, or none: :func:`~toc_studio.coding.speakers.document_people`, one read of the
turns' covering index per batch); for a document with several participants the
statement works it out (:data:`~toc_studio.coding.speakers.SPEAKER_SQL`: one seek on the
turns' index per row, the fallbacks only for rows that need them). A large batch goes
without migration 0018's row-level tally trigger, which is dropped and re-created in the
same savepoint, the distinct pairs marked stale in one statement (:data:`UNTRIGGERED`).
PostgreSQL: speakers found in Python from the documents' turns
(:class:`~toc_studio.coding.speakers.SpeakerLookup`, a bisect per row, once per document
where the span does not matter), then binary ``COPY`` straight into the table inside a
savepoint, the rows packed by psycopg's C code and sent as its buffer fills so that the
server inserts while Python sorts and packs the next documents' rows; when that meets a
stored duplicate, the rows go through a temporary table and one
``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` instead. Both go below SQLAlchemy's
per-row parameter processing, which costs more than the insert itself at a million rows.
The rows must have been checked already.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime
from functools import cache
from operator import itemgetter

from sqlmodel import Session

from toc_studio.coding.models import Coding
from toc_studio.coding.speakers import SPEAKER_SQL, document_people, speaker_lookup
from toc_studio.timeutil import utcnow

Row = tuple[int, int, int, int, int, str]  # document, code, coder, start, end, text
# ... optionally followed by when the coding was made (an aware datetime; None means now),
# for codings that come from another tool with their dates
DatedRow = tuple[int, int, int, int, int, str, datetime | None]


def _document_order(row) -> int:
    """Sort key: document, then start, as one integer (a tuple key costs 3× as much to
    build and compare; rows with the same start keep their order)."""
    return (row[0] << 32) | row[3]


_START = itemgetter(3)

COLUMNS = 'document_id, code_id, coder_id, "start", "end", text, participant_id, created'
# The speaker parameter {person}: the document's one participant, NOBODY for a document
# without participants, or SEVERAL, where the rule's seeks on the turns decide
NOBODY, SEVERAL = 0, -1  # participant ids are positive
SQLITE_INSERT = (
    f"INSERT INTO coding ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
    f"CASE {{person}} WHEN {SEVERAL} THEN "
    + SPEAKER_SQL.format(document="?1", start="?4", end="?5").replace("{", "{{").replace("}", "}}")
    + f" WHEN {NOBODY} THEN NULL ELSE {{person}} END, {{created}}) ON CONFLICT DO NOTHING"
)

# SQLite: from this many rows, the insert goes without the evidence tally's row-level
# trigger and marks the pairs itself (_sqlite_untriggered): a wash at 5,000 rows, up to
# a quarter less CPU from 20,000 (benchmarks/README.md, "SQLite bulk insert without the
# tally's per-row trigger"); below, the drop and re-creation cost more than the trigger
UNTRIGGERED = 5_000
TALLY_TRIGGER = "tr_coding_tally_insert"  # migration 0018_evidence_tally's


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
    if dialect.name == "postgresql":
        # rows by document, each document's sorted while COPY runs (see _copy)
        by_document: dict[int, list] = defaultdict(list)
        for row in rows:
            by_document[row[0]].append(row)
        speaker = speaker_lookup(session, by_document)
        return _postgres(connection, by_document, now, speaker, len(rows))
    # document order (the unique span's): each row's index pages are mostly the ones just used.
    # Duplicates inside the batch are left to ON CONFLICT DO NOTHING, as stored ones are.
    ordered = sorted(rows, key=_document_order)
    # the speaker as a parameter where the document alone decides it (one participant or
    # none): that spares most rows the rule's seeks on the turns
    sole, several = document_people(connection, {row[0] for row in ordered})
    person = dict.fromkeys(several, SEVERAL) | sole
    if len(ordered[0]) == 7:  # each row brings its date
        statement = SQLITE_INSERT.format(person="?8", created="?7")
    else:
        # the one timestamp goes into the statement as a literal (it is ours, not the user's)
        stamp = "'" + str(now).replace("'", "''") + "'"
        statement = SQLITE_INSERT.format(person="?7", created=stamp)
    params = [(*row, person.get(row[0], NOBODY)) for row in ordered]
    if len(params) < UNTRIGGERED:
        return connection.exec_driver_sql(statement, params).rowcount
    return _sqlite_untriggered(connection, statement, params)


def _sqlite_untriggered(connection, statement: str, params: list) -> int:
    """The SQLite insert without migration 0018's row-level trigger, with the same marks.

    The trigger marks each inserted coding's (document, code) pair stale, one row per
    coding. Here, inside a savepoint: its SQL is read from ``sqlite_master``, the trigger
    dropped, the rows inserted, the distinct pairs of the codings actually inserted (ids
    above the largest before: ``coding.id`` is the rowid, so new rows take larger ones)
    marked, one row a pair, and the trigger created again from its own SQL.
    SQLite's DDL is transactional: if anything fails, the savepoint's rollback takes the
    rows, the marks and the drop back with it, and the trigger is there as before. Other
    connections never see the table without its trigger (they see committed states only,
    and a writer waits for this one's transaction). Pairs: the batch's own where every
    row went in, else those of the new ids (read by rowid: the covering index on code
    and document would scan the whole table)."""
    trigger = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (TALLY_TRIGGER,)
    ).scalar()
    if trigger is None:  # a store without the tally's trigger: nothing to mark
        return connection.exec_driver_sql(statement, params).rowcount
    connection.exec_driver_sql("SAVEPOINT coding_bulk")
    try:
        last = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM coding").scalar()
        connection.exec_driver_sql(f"DROP TRIGGER {TALLY_TRIGGER}")
        inserted = connection.exec_driver_sql(statement, params).rowcount
        if inserted == len(params):  # every row went in: the batch's own pairs
            pairs = {(row[0], row[1]) for row in params}
            connection.exec_driver_sql(
                "INSERT INTO evidence_stale (document_id, code_id) VALUES (?, ?)", list(pairs)
            )
        elif inserted:
            connection.exec_driver_sql(
                "INSERT INTO evidence_stale (document_id, code_id) SELECT DISTINCT "
                "document_id, code_id FROM coding NOT INDEXED WHERE id > ?",
                (last,),
            )
        connection.exec_driver_sql(trigger)
    except BaseException:
        # an error that ended the whole transaction (SQLite does so for a full disk, say)
        # took the savepoint, the drop and the rows with it: nothing is left to roll back
        with suppress(Exception):
            connection.exec_driver_sql("ROLLBACK TO SAVEPOINT coding_bulk")
            connection.exec_driver_sql("RELEASE SAVEPOINT coding_bulk")
        raise
    connection.exec_driver_sql("RELEASE SAVEPOINT coding_bulk")
    return inserted


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


@cache
def _copy_types() -> list[str]:
    """The PostgreSQL types of :data:`COLUMNS`, from the model (binary COPY sends each
    value in its column's own format, so they must be exact: ``integer``, ``text``...)."""
    from sqlalchemy.dialects import postgresql

    dialect = postgresql.dialect()
    names = [name.strip().strip('"') for name in COLUMNS.split(",")]
    return [Coding.__table__.c[name].type.compile(dialect=dialect).lower() for name in names]


def _copy(cursor, table: str, by_document: dict[int, list], now, speaker) -> None:
    """``COPY ... FROM STDIN (FORMAT BINARY)``, each row given to psycopg's ``write_row``,
    whose C code packs the values and sends them as its buffer fills, so the server
    inserts while the rest are packed. Binary spares both sides the text format:
    nothing to escape here, no integer or timestamp to parse on the server.

    Rows go in document order (the unique span's: each row's index pages are mostly the
    ones just used); each document's rows are sorted by start only when its turn comes,
    so the sorting, like the packing, runs while the server inserts the rows before.
    A document whose speaker does not depend on the span (one participant, or none)
    gets it once."""
    with cursor.copy(f"COPY {table} ({COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(_copy_types())
        write = copy.write_row
        for document in sorted(by_document):
            group = by_document[document]
            group.sort(key=_START)  # stable: rows with the same start keep their order
            person = speaker.sole.get(document)
            dated = len(group[0]) == 7  # each row brings its (ready) date
            if person is not None or document not in speaker.turns:
                if dated:
                    for *row, when in group:
                        write((*row, person, when))
                else:
                    for row in group:
                        write((*row, person, now))
            elif dated:
                for *row, when in group:
                    write((*row, speaker(document, row[3], row[4]), when))
            else:
                for row in group:
                    write((*row, speaker(document, row[3], row[4]), now))


def _postgres(connection, rows: dict[int, list], now, speaker, count: int) -> int:
    import psycopg

    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute("SAVEPOINT coding_copy")
        try:
            _copy(cursor, "coding", rows, now, speaker)
        except psycopg.errors.UniqueViolation:
            cursor.execute("ROLLBACK TO SAVEPOINT coding_copy")
        else:
            cursor.execute("RELEASE SAVEPOINT coding_copy")
            return count
        cursor.execute("RELEASE SAVEPOINT coding_copy")
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS coding_batch (document_id int, code_id int, "
            'coder_id int, "start" int, "end" int, text text, participant_id int, '
            "created timestamptz) ON COMMIT DELETE ROWS"
        )
        _copy(cursor, "coding_batch", rows, now, speaker)
        cursor.execute(
            f"INSERT INTO coding ({COLUMNS}) SELECT {COLUMNS} FROM coding_batch "
            'ORDER BY document_id, "start", "end", code_id, coder_id ON CONFLICT DO NOTHING'
        )
        inserted = cursor.rowcount
        cursor.execute("TRUNCATE coding_batch")
    return inserted

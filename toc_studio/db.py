"""Engine and sessions: SQLite by default, PostgreSQL by URL, one code path for both.

The schema is owned by Alembic (``toc_studio/migrations``); :func:`init_db` upgrades any
store, new or old, to the newest revision. The SQLModel tables live beside the code that
uses them; :func:`import_models` loads every one so that ``SQLModel.metadata`` is complete.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, create_engine

from toc_studio import config, events
from toc_studio.schema_version import MIGRATIONS_DIR, migration_heads

SQLITE_BUSY_TIMEOUT_MS = 10_000
# A write transaction waits for the lock up to this many busy timeouts (a minute) in all.
SQLITE_WRITE_ATTEMPTS = 6
# Execution option marking a connection that only reads (see read_scope).
READ_ONLY_OPTION = "toc_studio_read_only"


def import_models() -> type[SQLModel]:
    """Import every package's tables so that ``SQLModel.metadata`` knows them all (and,
    with them, every package's event subscribers)."""
    from toc_studio.accounts import models as _accounts  # noqa: F401
    from toc_studio.accounts import subscribers as _accounts_subscribers  # noqa: F401
    from toc_studio.coding import models as _coding  # noqa: F401
    from toc_studio.coding import subscribers as _coding_subscribers  # noqa: F401
    from toc_studio.coding import tables as _coding_tables  # noqa: F401
    from toc_studio.coding.analysis import tables as _coding_analysis_tables  # noqa: F401
    from toc_studio.findings import models as _findings  # noqa: F401
    from toc_studio.findings import subscribers as _findings_subscribers  # noqa: F401
    from toc_studio.ingest import models as _ingest  # noqa: F401
    from toc_studio.ingest import tables as _ingest_tables  # noqa: F401
    from toc_studio.outcomes import models as _outcomes  # noqa: F401
    from toc_studio.outcomes import subscribers as _outcomes_subscribers  # noqa: F401
    from toc_studio.project import models as _project  # noqa: F401
    from toc_studio.report import models as _report  # noqa: F401
    from toc_studio.report import subscribers as _report_subscribers  # noqa: F401
    from toc_studio.theory import models as _theory  # noqa: F401
    from toc_studio.theory import subscribers as _theory_subscribers  # noqa: F401
    from toc_studio.theory import tables as _theory_tables  # noqa: F401

    return SQLModel


# Each package's handlers subscribe to toc_studio.events when import_models loads them:
# the first event a process emits loads them all, whichever packages it imported itself.
events.add_loader(import_models)


def _normalise_url(url: str) -> str:
    """Let users write ``postgresql://`` and still get the psycopg 3 driver."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` (default: :func:`toc_studio.config.database_url`).

    SQLite gets WAL journaling, foreign keys and a busy timeout on every connection; the
    folder of the database file is created when missing.
    """
    url = _normalise_url(config.database_url(url))
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the sqlite3 module, open transactions: otherwise SAVEPOINTs
    # (used to turn one failed insert into a clear error) do not work.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Page cache of up to 256 MiB per connection (default 2 MiB; pages are taken only as
    # used): bulk coding inserts and large queries touch index pages all over a big store.
    cursor.execute("PRAGMA cache_size=-262144")
    # Checkpoint the WAL every 20,000 pages (80 MiB; default 1,000): a bulk insert's index
    # pages, changed again by every batch, are then copied into the database far less often
    # (1M codings committed in 50k batches: 6.8 s of checkpoints -> 4.6 s).
    cursor.execute("PRAGMA wal_autocheckpoint=20000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # BEGIN IMMEDIATE takes the write lock up front, waiting up to the busy timeout for
    # another writer to finish. A deferred BEGIN that reads and then writes cannot wait: once
    # another connection has committed since its first read, SQLite refuses the upgrade at
    # once ("database is locked"), and the work is lost. Sessions opened by read_scope say
    # they only read; they keep the deferred BEGIN and never wait (WAL readers take no lock).
    if connection.get_execution_options().get(READ_ONLY_OPTION, False):
        connection.exec_driver_sql("BEGIN")
    else:
        _begin_immediate(connection)
    # what this connection had changed when the transaction began: see writes_pending
    connection.info["changes_at_begin"] = connection.connection.driver_connection.total_changes


def _begin_immediate(connection) -> None:
    """BEGIN IMMEDIATE, asked again when the busy timeout runs out: SQLite's lock is not
    fair, and with many writers one may lose every race for longer than the timeout. No
    work is lost by asking again, as the transaction has not started."""
    for attempt in range(1, SQLITE_WRITE_ATTEMPTS + 1):
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if attempt == SQLITE_WRITE_ATTEMPTS or "locked" not in str(exc.orig):
                raise


def writes_pending(connection) -> bool:
    """Whether the open transaction of ``connection`` (a SQLAlchemy Connection) has
    written anything, which other connections cannot see until it commits. Temporary
    tables count as writes on SQLite. Unsure means yes."""
    if connection.dialect.name == "sqlite":
        began = connection.info.get("changes_at_begin")
        return began is None or connection.connection.driver_connection.total_changes != began
    if connection.dialect.name == "postgresql":
        assigned = _xact_id(connection)
        if assigned is None:
            return False
        if assigned != connection.info.get("scratch_xact"):
            return True  # written before any scratch block of this transaction, or outside
        # the transaction's id came from scratch writes: rows written since to a table
        # that is not temporary show in the transaction's statistics
        return connection.exec_driver_sql(PG_TABLES_WRITTEN).scalar()
    return True


# PostgreSQL: whether the open transaction has written a row of a table that is not
# temporary (counts of this transaction so far; a row written in a savepoint rolled back
# still counts: unsure means yes)
PG_TABLES_WRITTEN = (
    "SELECT EXISTS (SELECT 1 FROM pg_stat_xact_user_tables s JOIN pg_class c ON c.oid = s.relid "
    "WHERE c.relpersistence <> 't' AND s.n_tup_ins + s.n_tup_upd + s.n_tup_del > 0)"
)


def _xact_id(connection) -> str | None:
    """PostgreSQL: the open transaction's id, None until it writes."""
    found = connection.exec_driver_sql("SELECT pg_current_xact_id_if_assigned()::text")
    return found.scalar()


@contextmanager
def scratch_writes(connection) -> Iterator[None]:
    """Writes to temporary tables inside this block do not count as pending writes (see
    :func:`writes_pending`): nobody else could see them anyway. On PostgreSQL the first
    write gives the transaction an id, which would read as pending writes ever after: a
    transaction that had none before the block is marked, and asked row counts instead."""
    sqlite = connection.dialect.name == "sqlite"
    driver = connection.connection.driver_connection if sqlite else None
    before = driver.total_changes if driver is not None else 0
    unwritten = connection.dialect.name == "postgresql" and _xact_id(connection) is None
    try:
        yield
    finally:
        if driver is not None and "changes_at_begin" in connection.info:
            connection.info["changes_at_begin"] += driver.total_changes - before
    if unwritten:  # (not after a failure: the transaction then stays unmarked, "written")
        connection.info["scratch_xact"] = _xact_id(connection)


def shares_across_connections(engine: Engine) -> bool:
    """Whether a new connection of ``engine`` sees the same database (not so for an
    in-memory SQLite database, which each connection has to itself)."""
    if engine.dialect.name != "sqlite":
        return True
    database = engine.url.database
    return bool(database) and database != ":memory:" and "mode=memory" not in str(engine.url)


def checkpoint(engine: Engine) -> None:
    """Copy SQLite's write-ahead log into the database file and empty it (nothing to do on
    PostgreSQL). Runs outside any transaction: SQLite refuses it inside a write one."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    finally:
        raw.close()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def alembic_config(engine: Engine):
    """An Alembic config that runs the packaged migrations on ``engine``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def init_db(engine: Engine) -> str:
    """Create the schema, or upgrade an existing store in place. Returns the revision(s).

    Migrations form one chain (see :mod:`toc_studio.schema_version`).
    """
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
    return ", ".join(sorted(current_revisions(engine)))


def current_revisions(engine: Engine) -> set[str]:
    """The revision(s) the store is at; empty for a store that was never set up."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return set()
        return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}


def schema_is_current(engine: Engine) -> bool:
    """True when the store is at the newest migration (so the app can use it)."""
    return current_revisions(engine) == migration_heads()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def read_only(engine: Engine) -> Engine:
    """``engine`` for connections that only read: on SQLite they do not take the write
    lock, so they never wait for a writer (nor it for them)."""
    return engine.execution_options(**{READ_ONLY_OPTION: True})


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A session for reading only; it never commits (whatever it changed is rolled back).

    On SQLite its transactions do not take the write lock, so readers never wait for
    writers or for one another, while every other session takes the lock as its transaction
    begins. On PostgreSQL it is an ordinary session.
    """
    session = Session(read_only(engine), expire_on_commit=False)
    try:
        yield session
    finally:
        session.rollback()
        session.close()

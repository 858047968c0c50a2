"""A plain DB-API connection for read-only commands that must start fast.

SQLAlchemy and SQLModel take most of half a second to import; listing projects needs two
small queries. The same URLs as :func:`toc_studio.db.make_engine` are accepted.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from urllib.parse import unquote

from toc_studio import config
from toc_studio.errors import TocStudioError

SQLITE_PREFIXES = ("sqlite:///", "sqlite+pysqlite:///")
POSTGRES_PREFIXES = ("postgresql+psycopg://", "postgresql://", "postgres://")


def connect(url: str | None = None):
    """Open a DB-API connection for ``url``; None when the store does not exist yet."""
    url = config.database_url(url)
    for prefix in SQLITE_PREFIXES:
        if url.startswith(prefix):
            import sqlite3

            path = unquote(url[len(prefix) :].split("?", 1)[0])
            if path != ":memory:" and not Path(path).exists():
                return None
            conn = sqlite3.connect(path, timeout=10)
            conn.execute("PRAGMA foreign_keys=ON")
            return conn
    for prefix in POSTGRES_PREFIXES:
        if url.startswith(prefix):
            import psycopg

            return psycopg.connect("postgresql://" + url[len(prefix) :])
    raise TocStudioError(
        f"Unsupported database URL {url!r}: use sqlite:///path or postgresql+psycopg://..."
    )


def has_table(conn, name: str) -> bool:
    import sqlite3

    if isinstance(conn, sqlite3.Connection):
        sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
    else:
        sql = "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = %s"
    with closing(conn.cursor()) as cur:
        cur.execute(sql, (name,))
        return cur.fetchone()[0] > 0


def current_revisions(conn) -> set[str]:
    """The store's schema revisions (empty when it was never set up)."""
    if not has_table(conn, "alembic_version"):
        return set()
    return {row[0] for row in fetch_all(conn, "SELECT version_num FROM alembic_version")}


def fetch_all(conn, sql: str) -> list[tuple]:
    with closing(conn.cursor()) as cur:
        cur.execute(sql)
        return [tuple(row) for row in cur.fetchall()]

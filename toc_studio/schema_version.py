"""The newest schema revision, named here so that the command-line tool can check a store
at every start without importing Alembic or SQLAlchemy.

Migrations form one linear chain from ``0009_one_chain`` on: a new migration revises
:data:`HEAD` and this constant moves to it (``tests/test_db.py`` checks it against
Alembic's own reading of the migration files).
"""

from __future__ import annotations

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

HEAD = "0018_evidence_tally"


def migration_heads() -> set[str]:
    """The revision a current store is at (kept as a set: ``alembic_version`` is a table)."""
    return {HEAD}

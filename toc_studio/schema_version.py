"""The newest schema revision, read from the migration files without importing Alembic or
SQLAlchemy (the command-line tool checks it at every start)."""

from __future__ import annotations

import re
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision[^=]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^(?:down_revision|depends_on)[^=]*=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def migration_heads() -> set[str]:
    """Revisions that no other revision builds on or depends on (Alembic keeps only those
    in ``alembic_version``)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision = _REVISION.search(source)
        if revision:
            revisions.add(revision.group(1))
        for down in _DOWN.finditer(source):
            parents.update(_QUOTED.findall(down.group(1)))
    return revisions - parents

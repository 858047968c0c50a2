"""The other copy a merge reads: a project in a scratch SQLite store, whatever the file.

- ``FILE.db``: another TOC Studio SQLite store. It is never written: SQLite's backup API
  copies it, through a read-only connection (its write-ahead log included), into a scratch
  file, which is brought to the current schema if the copy is older. The project read is
  the one named ``from_project``, else the one with the target's name, else the store's
  only project.
- ``FILE.qdpx`` (or ``.qde``): read by the REFI-QDA importer (every offset convention and
  quirk it copes with) into a fresh scratch store, as one project.

The scratch store is deleted when the block ends.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import access, db
from toc_studio.errors import Invalid, NotFound
from toc_studio.project.models import Project

REFI_SUFFIXES = (".qdpx", ".qde")


@dataclass
class Source:
    """The other copy's project, open in ``session`` (a scratch store)."""

    session: Session
    project: Project
    file_name: str
    kind: str  # "store" or "qdpx"
    warnings: list[str]


def _copy_store(path: Path, scratch: Path) -> None:
    if not path.is_file():
        raise NotFound(f"There is no file {path.name!r} to merge.")
    other = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    copy = sqlite3.connect(scratch)
    try:
        other.backup(copy)
    except sqlite3.DatabaseError as exc:
        raise Invalid(
            f"{path.name!r} is not a TOC Studio store (an SQLite file) that can be read."
        ) from exc
    finally:
        copy.close()
        other.close()


def _pick(session: Session, wanted: str | None, target_name: str, file_name: str) -> Project:
    names = list(session.execute(select(Project.name).order_by(Project.name)).scalars())
    name = wanted or (target_name if target_name in names else None)
    if name is None and len(names) == 1:
        name = names[0]
    if name is None or name not in names:
        listed = ", ".join(repr(n) for n in names) or "none"
        what = f"no project {wanted!r}" if wanted else f"no project called {target_name!r}"
        raise NotFound(
            f"{file_name} has {what}; name the one to merge with --from-project (it has: {listed})."
        )
    return session.execute(select(Project).where(Project.name == name)).scalars().one()


@contextmanager
def open_source(
    path: str | Path, target_name: str, from_project: str | None = None
) -> Iterator[Source]:
    """The project to merge from ``path`` (a ``.db`` store or a ``.qdpx``/``.qde``)."""
    path = Path(path)
    caller = access.current()  # who merges: the scratch store's work runs as nobody, not this
    with tempfile.TemporaryDirectory(prefix="toc-merge-") as folder:
        scratch = Path(folder) / "copy.db"
        engine = db.make_engine(f"sqlite:///{scratch}")
        try:
            with access.acting_as(None):  # the scratch store is ours alone
                if path.suffix.lower() in REFI_SUFFIXES:
                    source = _from_refi(engine, path, scratch)
                else:
                    _copy_store(path, scratch)
                    db.init_db(engine)  # an older copy is brought up to date (the copy only)
                    source = None
                with Session(engine, expire_on_commit=False) as session:
                    if source is None:
                        project = _pick(session, from_project, target_name, path.name)
                        source = Source(session, project, path.name, "store", [])
                    else:
                        source.session = session
                        source.project = session.get(Project, source.project.id)
                    with access.acting_as(caller):  # merging into the project is checked
                        yield source
        finally:
            engine.dispose()


def _from_refi(engine, path: Path, scratch: Path) -> Source:
    from toc_studio.report.refi.importer import import_refi

    if not path.is_file():
        raise NotFound(f"There is no file {path.name!r} to merge.")
    db.init_db(engine)
    with db.session_scope(engine) as session:
        result = import_refi(session, path, file_name=path.name)
        project = (
            session.execute(select(Project).where(Project.name == result.project)).scalars().one()
        )
    return Source(None, project, path.name, "qdpx", list(result.warnings))  # type: ignore[arg-type]

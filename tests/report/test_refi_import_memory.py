"""A REFI-QDA import holds SQLite's page cache small on its connection while it imports
(so a million codings do not grow the process by the cache's 256 MiB) and gives the
connection back as it was, whether the import finishes, fails or is cancelled."""

from __future__ import annotations

import io

import pytest
from sqlmodel import Session

from toc_studio.demo import load_demo
from toc_studio.errors import Cancelled
from toc_studio.project import projects
from toc_studio.report.refi import importer
from toc_studio.report.refi.export import export_qdpx


def _demo_qdpx(engine) -> bytes:
    buffer = io.BytesIO()
    with Session(engine) as s:
        export_qdpx(s, load_demo(s), buffer)
        s.commit()
    return buffer.getvalue()


def _cache_size(session: Session) -> int | None:
    if session.get_bind().dialect.name != "sqlite":
        return None
    return int(session.connection().exec_driver_sql("PRAGMA cache_size").scalar())


def test_the_import_holds_the_page_cache_small_and_restores_it(engine, monkeypatch):
    data = _demo_qdpx(engine)
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 50)
    sqlite = engine.dialect.name == "sqlite"
    with Session(engine) as session:
        before = _cache_size(session)
        assert before == (-262144 if sqlite else None)  # toc_studio/db.py's setting
        during: list[int | None] = []
        result = importer.import_refi(
            session, io.BytesIO(data), project_name="Small cache", file_name="demo.qdpx",
            progress=lambda *_: during.append(_cache_size(session)),
        )  # fmt: skip
        assert during and set(during) == ({-importer.IMPORT_CACHE_KIB} if sqlite else {None})
        assert _cache_size(session) == before
        session.commit()
        assert _cache_size(session) == before
    assert result.counts["codings"] == 173
    with Session(engine) as s:
        assert {p.name: p.codings for p in projects.list_projects(s)}["Small cache"] == 173


@pytest.mark.parametrize("failure", [Cancelled, RuntimeError])
def test_a_cancelled_or_failed_import_restores_the_page_cache(engine, monkeypatch, failure):
    data = _demo_qdpx(engine)
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 50)

    def progress(done, _total, _text):
        if done == 100:
            raise failure("Stopped by the test.")

    with Session(engine) as session:
        before = _cache_size(session)
        with pytest.raises(failure):
            importer.import_refi(
                session, io.BytesIO(data), project_name="Stopped", file_name="demo.qdpx",
                progress=progress,
            )  # fmt: skip
        assert _cache_size(session) == before  # the same connection, before its rollback
        session.rollback()
    with Session(engine) as s:
        assert "Stopped" not in {p.name for p in projects.list_projects(s)}

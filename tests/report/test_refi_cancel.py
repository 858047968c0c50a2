"""A REFI-QDA import reports its progress and can be cancelled: nothing of it is kept."""

from __future__ import annotations

import io

from sqlmodel import Session

from toc_studio.demo import load_demo
from toc_studio.project import projects
from toc_studio.report.refi import importer
from toc_studio.report.refi.export import export_qdpx
from toc_studio.ui.background import Job


def _demo_qdpx(engine) -> bytes:
    buffer = io.BytesIO()
    with Session(engine) as s:
        export_qdpx(s, load_demo(s), buffer)
        s.commit()
    return buffer.getvalue()


def test_a_cancelled_refi_import_keeps_nothing_and_a_finished_one_reports(engine, monkeypatch):
    data = _demo_qdpx(engine)
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 50)
    told = []

    def run(job: Job, cancel_at: int | None) -> Job:
        def progress(done, total, text):
            told.append(text)
            if done == cancel_at:
                job.cancel()
            job.progress(done, total, text)

        job.run(engine, None, lambda s, _: importer.import_refi(
            s, io.BytesIO(data), project_name="From NVivo", file_name="demo.qdpx",
            progress=progress,
        ))  # fmt: skip
        return job

    cancelled = run(Job("The REFI-QDA import"), cancel_at=100)
    assert cancelled.cancelled and told == [
        "Read 50 parts of the project",
        "Read 100 parts of the project",
    ]
    with Session(engine) as s:
        assert "From NVivo" not in {p.name for p in projects.list_projects(s)}

    done = run(Job("The REFI-QDA import"), cancel_at=None)
    assert done.succeeded and done.result.project == "From NVivo"
    with Session(engine) as s:
        assert {p.name: p.codings for p in projects.list_projects(s)}["From NVivo"] == 173

"""A REFI-QDA import reports its progress and can be cancelled: nothing of it is kept."""

from __future__ import annotations

import gc
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


def test_a_refi_import_tells_how_much_of_the_file_is_read_and_cancels_there(engine, monkeypatch):
    """A large project is a few records each holding 100,000s of codings: progress (and
    Cancel) follows the bytes of the project file read, not only the records."""
    data = _demo_qdpx(engine)
    monkeypatch.setattr(importer, "PROGRESS_BYTES", 1)  # every read of the file
    thresholds = gc.get_threshold()  # the import collects less often, then restores them
    seen: list[tuple[int, int, str]] = []

    def run(cancel: bool, name: str) -> Job:
        job = Job("The REFI-QDA import")

        def progress(done, total, text):
            seen.append((done, total, text))
            if cancel and "MB of the project file" in text:
                job.cancel()
            job.progress(done, total, text)

        job.run(engine, None, lambda s, _: importer.import_refi(
            s, io.BytesIO(data), project_name=name, file_name="demo.qdpx",
            progress=progress,
        ))  # fmt: skip
        return job

    done = run(cancel=False, name="Read in bytes")
    assert done.succeeded
    told = [(d, t) for d, t, text in seen if "MB of the project file" in text]
    assert told and told[-1][0] == told[-1][1] > 0  # the whole file, of its size
    assert all(a[0] < b[0] for a, b in zip(told, told[1:], strict=False))
    assert 0 < done.fraction <= 1

    seen.clear()
    cancelled = run(cancel=True, name="Cancelled while reading")
    assert cancelled.cancelled
    assert sum("MB of the project file" in text for _, _, text in seen) == 1
    with Session(engine) as s:
        names = {p.name for p in projects.list_projects(s)}
    assert "Read in bytes" in names and "Cancelled while reading" not in names
    assert gc.get_threshold() == thresholds

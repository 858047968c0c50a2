"""Long work off the script thread (toc_studio.ui.background): progress and Cancel on the
Import and Export pages; a cancelled import stores nothing, a finished one shows its result.
The tests wait on the work's state (events), never on a clock."""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlmodel import Session

from tests.screens.conftest import run_on, settle
from toc_studio import db
from toc_studio.errors import Invalid
from toc_studio.ingest.models import Document
from toc_studio.ingest.pipeline import Upload
from toc_studio.project import projects
from toc_studio.project.models import Participant
from toc_studio.ui.background import Job

PAGE = "screens/import_files.py"
FILES = [
    Upload("a.txt", b"Interviewer: Hi.\n\nCarer A1: The group helped me.\n"),
    Upload("b.txt", b"Interviewer: Hello.\n\nCarer A2: I trust people again.\n"),
]


def _project(database_url) -> int:
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project_id = projects.create_project(s, "Carers", ["Carer"]).id
        s.commit()
    engine.dispose()
    return project_id


def _stored(database_url) -> tuple[int, int]:
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        counts = tuple(
            s.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Document, Participant)
        )
    engine.dispose()
    return counts


def _page(app, database_url, monkeypatch):
    monkeypatch.setenv("TOC_STUDIO_SPACY_MODEL", "no_such_pipeline")
    project_id = _project(database_url)
    at = app(PAGE)
    at.session_state["import_uploads"] = {u.name: u for u in FILES}
    return settle(run_on(at, project_id)), project_id  # the preview is planned in a job too


def _held_after_first_file(monkeypatch):
    """The real import, held after its first file (stored, not committed) until the test
    lets it go on: the test can then cancel at a known point."""
    from toc_studio.ingest import commit

    real, reached, release = commit.commit_previews, threading.Event(), threading.Event()

    def held(*args, progress, **kwargs):
        def report(done, total, name):
            if done == 1:
                reached.set()
                assert release.wait(120)
            progress(done, total, name)

        return real(*args, progress=report, **kwargs)

    monkeypatch.setattr(commit, "commit_previews", held)
    return reached, release


def test_a_cancelled_import_leaves_the_store_as_it_was(app, database_url, monkeypatch):
    reached, release = _held_after_first_file(monkeypatch)
    at, project_id = _page(app, database_url, monkeypatch)
    [b for b in at.button if b.label == "Import 2 file(s)"][0].click()
    at.run()
    assert reached.wait(120)  # a.txt is in the open transaction
    at.run()
    assert not at.exception, at.exception
    assert [b.label for b in at.button] == ["Cancel"]  # the page ends at the progress bar
    assert len(at.get("progress")) == 1
    at.button[0].click()
    at.run()
    release.set()
    settle(at)
    shown = " ".join(i.value for i in at.info)
    assert "The import was cancelled; nothing was changed" in shown
    assert _stored(database_url) == (0, 0)
    assert sorted(at.session_state["import_uploads"]) == ["a.txt", "b.txt"]  # kept, to retry
    assert [b for b in at.button if b.label == "Import 2 file(s)"]


def test_a_finished_import_shows_its_result_and_empties_the_queue(app, database_url, monkeypatch):
    reached, release = _held_after_first_file(monkeypatch)
    at, _ = _page(app, database_url, monkeypatch)
    [b for b in at.button if b.label == "Import 2 file(s)"][0].click()
    at.run()
    assert reached.wait(120)
    at.run()
    assert len(at.get("progress")) == 1 and not at.success
    release.set()
    settle(at)
    assert "Import finished: 2 file(s)." in at.success[0].value
    assert _stored(database_url) == (2, 2)
    assert "import_uploads" not in at.session_state or not at.session_state["import_uploads"]


def test_pages_that_only_read_do_not_wait_behind_a_running_import(app, database_url, monkeypatch):
    reached, release = _held_after_first_file(monkeypatch)
    at, project_id = _page(app, database_url, monkeypatch)
    [b for b in at.button if b.label == "Import 2 file(s)"][0].click()
    at.run()
    assert reached.wait(120)  # the import holds SQLite's write lock from here on
    for page, title in (("screens/projects.py", "Projects"), ("screens/export.py", "Export")):
        at.switch_page(page)
        run_on(at, project_id)  # sign-in check, picker and page read without the lock
        assert at.title[0].value == title
    release.set()
    at.switch_page(PAGE)
    settle(at)
    assert "Import finished: 2 file(s)." in at.success[0].value


def test_a_job_says_its_error_as_a_sentence_and_a_cancelled_one_does_nothing(engine):
    def refused(session, progress):
        progress(1, 2, "half way")
        raise Invalid("That file is not a transcript.")

    failed = Job("The import")
    failed.run(engine, None, refused)
    assert failed.error == "That file is not a transcript." and not failed.succeeded

    ran = []
    cancelled = Job("The import")
    cancelled.cancel()
    cancelled.run(engine, None, lambda session, progress: ran.append(1))
    assert cancelled.cancelled and ran == [] and cancelled.finished.is_set()

    crashed = Job("The report")
    crashed.run(engine, None, lambda session, progress: 1 / 0)
    assert "error id" in crashed.error and "ZeroDivision" not in crashed.error


def test_the_report_is_built_in_the_background_and_offered(app, database_url):
    from toc_studio.demo import load_demo

    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project_id = load_demo(s).id
        s.commit()
    engine.dispose()
    at = run_on(app("screens/export.py"), project_id)
    [b for b in at.button if b.label == "Build report"][0].click()
    at.run()
    settle(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the report (.docx)" in labels


def test_a_cancelled_report_build_stops_between_sections(engine):
    from toc_studio.demo import load_demo
    from toc_studio.report.preview import report_bytes
    from toc_studio.report.templates import ReportChoices

    with Session(engine) as s:
        load_demo(s)
        s.commit()
    told = []
    job = Job("Writing the report")

    def progress(done, total, text):
        told.append(text)
        if done == 1:
            job.cancel()
        job.progress(done, total, text)

    def build(session, _):
        project = projects.get_project(session, "Peer Mentoring Evaluation (demo)")
        return report_bytes(session, project, ReportChoices(), progress)

    job.run(engine, None, build)
    assert job.cancelled and job.result is None
    assert told == ["Writing title", f"Writing {ReportChoices().sections[1]}"]
    finished = Job("Writing the report")
    finished.run(engine, None, lambda s, p: report_bytes(
        s, projects.get_project(s, "Peer Mentoring Evaluation (demo)"), ReportChoices(), p
    ))  # fmt: skip
    assert finished.succeeded and finished.fraction > 0.5
    assert finished.result[0][:2] == b"PK"  # a .docx

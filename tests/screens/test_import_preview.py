"""The Import page's preview (reading the files, finding names) runs off the script thread:
while it runs the page ends at its progress bar and Cancel; a cancelled preview keeps the
files and offers to read them again; files removed meanwhile are not previewed; an
unexpected error is a sentence. The tests hold the real plan at a known step (events),
never on a clock."""

from __future__ import annotations

import threading

from sqlmodel import Session

from tests.screens.conftest import run_on, settle
from toc_studio import db
from toc_studio.ingest import pipeline
from toc_studio.ingest.pipeline import Upload
from toc_studio.project import projects
from toc_studio.workspace.markdown import md

PAGE = "screens/import_files.py"
FILES = {
    "a.txt": b"Interviewer: Hi.\n\nCarer A1: The group helped me.\n",
    "b.txt": b"Interviewer: Hello.\n\nCarer A2: I trust people again.\n",
}


def _project(database_url) -> int:
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project_id = projects.create_project(s, "Carers", ["Carer"]).id
        s.commit()
    engine.dispose()
    return project_id


def _held(monkeypatch):
    """The real plan, held when it reports its second step (reading the second file) until
    the test lets it go on; the names of the files each plan was asked for."""
    real, reached, release, asked = pipeline.plan, threading.Event(), threading.Event(), []

    def held(session, project, uploads, options, progress):
        asked.append([u.name for u in uploads])

        def report(done, total, text):
            if done == 1:
                reached.set()
                assert release.wait(120)
            progress(done, total, text)

        return real(session, project, uploads, options, progress=report)

    monkeypatch.setattr(pipeline, "plan", held)
    return reached, release, asked


def _page(app, database_url, monkeypatch):
    monkeypatch.setenv("TOC_STUDIO_SPACY_MODEL", "no_such_pipeline")
    project_id = _project(database_url)
    at = app(PAGE)
    at.session_state["import_project"] = project_id
    at.file_uploader[0].set_value([(name, data, "text/plain") for name, data in FILES.items()])
    return run_on(at, project_id)


def _previewed(at) -> list[str]:
    return list(at.dataframe[0].value["File"]) if at.dataframe else []


def test_the_preview_runs_in_the_background_with_progress_and_cancel(
    app, database_url, monkeypatch
):
    reached, release, _ = _held(monkeypatch)
    at = _page(app, database_url, monkeypatch)
    assert reached.wait(120)  # a.txt read, b.txt next
    at.run()
    assert [b.label for b in at.button] == ["Cancel"]  # the page ends at the progress bar
    assert len(at.get("progress")) == 1 and not at.dataframe
    release.set()
    settle(at)
    assert _previewed(at) == ["a.txt", "b.txt"]
    assert [b.label for b in at.button if b.label.startswith("Import ")] == ["Import 2 file(s)"]


def test_a_cancelled_preview_keeps_the_files_and_reads_them_again(app, database_url, monkeypatch):
    reached, release, asked = _held(monkeypatch)
    at = _page(app, database_url, monkeypatch)
    assert reached.wait(120)
    at.run()
    at.button[0].click()  # Cancel
    at.run()
    release.set()
    settle(at)
    assert not at.exception, at.exception
    assert any("Reading the files was cancelled" in i.value for i in at.info)
    assert not at.dataframe and not any(b.label.startswith("Import ") for b in at.button)
    assert sorted(at.session_state["import_uploads"]) == ["a.txt", "b.txt"]
    settle(at.run())  # a rerun does not start it again by itself
    assert any("Reading the files was cancelled" in i.value for i in at.info)
    assert asked == [["a.txt", "b.txt"]]
    [b for b in at.button if b.label == "Read the files again"][0].click()
    settle(at.run())
    assert _previewed(at) == ["a.txt", "b.txt"]


def test_a_file_removed_while_its_preview_runs_is_not_previewed(app, database_url, monkeypatch):
    reached, release, asked = _held(monkeypatch)
    at = _page(app, database_url, monkeypatch)
    assert reached.wait(120)
    at.file_uploader[0].set_value([("a.txt", FILES["a.txt"], "text/plain")])  # b.txt's ×
    at.run()
    release.set()
    settle(at)
    assert _previewed(at) == ["a.txt"]
    assert asked == [["a.txt", "b.txt"], ["a.txt"]]  # the first one stopped, not shown
    assert [b.label for b in at.button if b.label.startswith("Import ")] == ["Import 1 file(s)"]


def test_an_unreadable_file_is_named_and_the_others_are_previewed(app, database_url, monkeypatch):
    monkeypatch.setenv("TOC_STUDIO_SPACY_MODEL", "no_such_pipeline")
    at = app(PAGE)
    at.session_state["import_project"] = _project(database_url)
    at.session_state["import_uploads"] = {
        "a.txt": Upload("a.txt", FILES["a.txt"]),
        "broken.pdf": Upload("broken.pdf", b"%PDF-1.4 not really"),
    }
    settle(run_on(at, at.session_state["import_project"]))
    assert _previewed(at) == ["a.txt", "broken.pdf"]
    assert any(md("broken.pdf") in e.value for e in at.error)
    assert not any("Traceback" in e.value for e in at.error)
    assert [b.label for b in at.button if b.label.startswith("Import ")] == ["Import 1 file(s)"]


def test_an_unexpected_failure_is_a_sentence_with_an_error_id(app, database_url, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("SELECT text FROM document -- I met Dana Price in Hull")

    monkeypatch.setattr(pipeline, "plan", broken)
    at = _page(app, database_url, monkeypatch)
    settle(at)
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in at.error)
    assert "error id" in shown and "Dana" not in shown and "SELECT" not in shown
    assert [b.label for b in at.button] == ["Read the files again"]

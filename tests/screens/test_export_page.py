"""The Export page: build the report, preview tables, prepare the .qdpx; and the import
path on the Projects page."""

from __future__ import annotations

from sqlmodel import Session

from tests.screens.conftest import run_on, settle
from toc_studio import db
from toc_studio.demo import load_demo
from toc_studio.project import projects
from toc_studio.report.templates import list_templates

PAGE = "screens/export.py"
DEMO = "Peer Mentoring Evaluation (demo)"


def _demo(database_url: str) -> int:
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project_id = load_demo(s).id
        s.commit()
    engine.dispose()
    return project_id


def _run(at, project_id: int):
    return settle(run_on(at, project_id))


def test_without_a_project_the_page_says_what_to_do(app):
    at = app(PAGE)
    assert "Choose or create a project" in at.info[0].value


def test_building_the_report_offers_a_download_and_an_outline(app, database_url):
    project_id = _demo(database_url)
    at = app(PAGE)
    at.multiselect[0].set_value(["methods", "findings"])
    [t for t in at.text_input if t.label.startswith("Save these")][0].input("Methods only")
    [b for b in at.button if b.label == "Build report"][0].click()
    _run(at, project_id)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the report (.docx)" in labels
    outline = at.expander[0].markdown[0].value
    assert "- Methods" in outline and "- Findings" in outline and "Theory of Change" not in outline
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project = projects.get_project(s, DEMO)
        assert [t.name for t in list_templates(s, project)] == ["Methods only"]
    engine.dispose()


def test_tables_are_previewed_with_their_downloads(app, database_url):
    _demo(database_url)
    at = app(PAGE)
    headers = [h.value for h in at.subheader]
    assert "Quote bank (173 excerpts)" in headers
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"Quote bank (.csv)", "Matrix (.csv)", "Both (.xlsx)"} <= set(labels)


def test_the_qdpx_is_prepared_on_request(app, database_url):
    project_id = _demo(database_url)
    at = app(PAGE)
    next(b for b in at.button if b.label == "Prepare the .qdpx").click()
    _run(at, project_id)
    assert any("173 codings" in c.value for c in at.caption)
    assert "Download .qdpx" in [b.proto.label for b in at.get("download_button")]


def test_the_projects_page_offers_the_refi_import(app):
    # AppTest cannot upload a file; the import itself is tested through the same service
    # (tests/report) and in the browser test of the Projects page.
    at = app()
    assert "Import a project from another tool" in [h.value for h in at.subheader]
    assert "Import project" in [b.label for b in at.button]

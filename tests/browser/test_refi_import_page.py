"""Importing a REFI-QDA project from the Projects page, in a real browser."""

from sqlmodel import Session

from tests.browser.conftest import wait_for_app
from toc_studio import db
from toc_studio.demo import load_demo
from toc_studio.project import projects
from toc_studio.report.refi.export import export_qdpx


def test_uploading_a_qdpx_imports_it_as_a_new_project(app_server, page, tmp_path):
    engine = db.make_engine(app_server.database_url)
    qdpx = tmp_path / "demo.qdpx"
    with Session(engine) as s:
        export_qdpx(s, load_demo(s), qdpx)
        s.commit()

    page.goto(app_server.url)
    wait_for_app(page)
    form = page.locator('[data-testid="stForm"]').filter(has_text="REFI-QDA file")
    form.locator('input[type="file"]').set_input_files(str(qdpx))
    form.get_by_text("demo.qdpx").wait_for()
    form.get_by_role("textbox", name="Name of the new project").fill("From NVivo")
    form.get_by_role("button", name="Import project").click()
    page.get_by_text("Imported 'From NVivo'").wait_for(timeout=60_000)

    with Session(engine) as s:
        by_name = {p.name: p for p in projects.list_projects(s)}
    assert by_name["From NVivo"].codings == 173
    assert by_name["From NVivo"].groups == ["Mentor", "Mentee"]
    engine.dispose()

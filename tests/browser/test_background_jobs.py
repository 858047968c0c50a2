"""Long work off the script thread, in a real browser: the Import screen's import shows its
progress bar and then its result; the store holds what was imported."""

import re

from sqlalchemy import func, select
from sqlmodel import Session

from tests.browser.conftest import wait_for_app
from toc_studio import db
from toc_studio.ingest.models import Document
from toc_studio.project import projects

INTERVIEWS = {
    f"interview-{n}.txt": f"Interviewer: How was it?\n\nMentee C{n}: The group met every week.\n"
    for n in range(1, 4)
}


def test_an_import_runs_in_the_background_and_shows_its_result(app_server, page, tmp_path):
    engine = db.make_engine(app_server.database_url)
    with Session(engine) as s:
        projects.create_project(s, "Carers", ["Carer"])
        s.commit()
    files = []
    for name, text in INTERVIEWS.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        files.append(str(path))

    page.goto(app_server.url + "/import_files")
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files)
    page.get_by_role("button", name="Import 3 file(s)").wait_for()
    wait_for_app(page)
    page.get_by_role("button", name="Import 3 file(s)").click()
    page.get_by_text(re.compile(r"Import finished: 3 file\(s\)\.")).wait_for()
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(Document)).scalar_one() == 3
    engine.dispose()

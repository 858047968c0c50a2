"""The Auto-code screen in a real browser: suggest by speaker group, accept, see the count."""

import re

from sqlalchemy import func, select
from sqlmodel import Session

from tests.browser.conftest import screenshot, wait_for_app
from tests.builders import build_mentoring_project
from toc_studio import db
from toc_studio.coding.models import Coding
from toc_studio.project.models import Coder


def test_accepting_speaker_suggestions_codes_them_as_the_rule(app_server, page):
    engine = db.make_engine(app_server.database_url)
    with Session(engine) as s:
        build_mentoring_project(s)
        s.commit()

    page.goto(app_server.url + "/autocode")
    wait_for_app(page)
    page.get_by_role("button", name="Suggest").click()
    page.get_by_text(re.compile(r"\d+ suggestion\(s\)")).wait_for()
    page.locator('[data-testid="stDataFrame"]').wait_for()
    wait_for_app(page)
    screenshot(page, "autocode")
    page.get_by_role("button", name=re.compile(r"^Code \d+ chosen$")).click()
    added = page.get_by_text(re.compile(r"Added \d+ coding\(s\)"))
    added.wait_for()
    count = int(re.search(r"Added (\d+)", added.inner_text()).group(1))
    page.get_by_role("button", name=re.compile("^Undo: auto-code")).wait_for()

    with Session(engine) as s:
        stored = s.execute(
            select(func.count())
            .select_from(Coding)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name == "rule: speaker group Mentor")
        ).scalar_one()
    assert count > 0 and stored == count
    engine.dispose()

"""Signing in, in Chromium: nothing of the project before sign-in, a wrong password
refused with a sentence, then a coder codes a passage and it is stored under their name;
signing out shows the form again."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.workspace_helpers import choose, drag_select, nav_link
from tests.builders import build_mentoring_project
from toc_studio import db
from toc_studio.accounts import members, users
from toc_studio.coding.models import Coding
from toc_studio.project.models import Coder

PASSWORD = "correct horse battery"


def _setup(database_url: str):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
        users.add_user(s, "Cody Peer", PASSWORD)
        members.add_member(s, built.project, "Cody Peer", "coder")
        s.commit()
    return engine, built


def _sign_in(page, name: str, password: str) -> None:
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_sign_in_refuses_a_wrong_password_then_a_coder_codes_as_themselves(app_server, page):
    engine, built = _setup(app_server.database_url)
    page.goto(app_server.url + "/code")  # a bookmarked screen: the sign-in form first
    page.get_by_role("heading", name="Sign in to TOC Studio").wait_for()
    page.get_by_text("Password", exact=True).wait_for()
    wait_for_app(page)
    body = page.locator("body").inner_text()
    assert "Mentoring" not in body and "Project" not in body and "Codebook" not in body
    screenshot(page, "signin")

    _sign_in(page, "Cody Peer", "not the password at all")
    page.get_by_text("That name and password do not match an account here").wait_for()
    wait_for_app(page)
    screenshot(page, "signin_refused")
    assert "Mentoring" not in page.locator("body").inner_text()

    _sign_in(page, "Cody Peer", PASSWORD)
    page.get_by_role("heading", name="TOC Studio").wait_for()
    page.get_by_text("Signed in as Cody Peer").wait_for()
    wait_for_app(page)
    nav_link(page, "Code").click()
    page.get_by_role("heading", name="Code", exact=True).first.wait_for()
    page.wait_for_selector(".tocw-root .tocw-seg")
    wait_for_app(page)
    choose(page, "Document", "Mentee C1 interview")
    page.get_by_text("I trust people again").first.wait_for()
    coding_as = page.get_by_label("Coding as", exact=True)
    assert coding_as.input_value() == "Cody Peer" and coding_as.is_disabled()

    quote = "I trust people again"
    assert drag_select(page, quote) == quote
    page.get_by_role("button", name="Apply to selection").wait_for()
    choose(page, "Codes to apply", "Mentee/Outcomes/Personal/Trust")
    page.get_by_role("button", name="Apply to selection").click()
    page.get_by_text("Coded the selection").wait_for()
    wait_for_app(page)
    with Session(engine) as s:
        stored = s.execute(
            select(Coder.name)
            .join(Coding, Coding.coder_id == Coder.id)
            .where(Coding.document_id == built.mentee_doc.id, Coding.text == quote)
        ).scalars()
        assert list(stored) == ["Cody Peer"]

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to TOC Studio").wait_for()
    page.get_by_text("You are signed out").wait_for()
    assert "Mentoring" not in page.locator("body").inner_text()
    engine.dispose()

"""The Code screen in a real browser: select with the mouse, apply, remove, code a turn."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.workspace_helpers import choose, click_text, drag_select, open_code_screen
from tests.builders import build_mentoring_project
from toc_studio import db
from toc_studio.coding.models import Coding
from toc_studio.project.models import Coder


def _setup(database_url: str):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
    return engine, built


def _codings(engine, document_id: int) -> list[Coding]:
    with Session(engine) as s:
        return list(
            s.execute(
                select(Coding).where(Coding.document_id == document_id).order_by(Coding.id)
            ).scalars()
        )


def test_a_mouse_selection_with_an_emoji_and_curly_quotes_is_stored_exactly(app_server, page):
    engine, built = _setup(app_server.database_url)
    before = {c.id for c in _codings(engine, built.mentee_doc.id)}
    open_code_screen(page, app_server.url)
    choose(page, "Document", "Mentee C1 interview")
    page.get_by_text("I trust people again").first.wait_for()
    choose(page, "Coding as", "Ben")

    quote = "again 🙂 and I’ve started"
    selected = drag_select(page, quote)
    assert selected == quote
    page.get_by_role("button", name="Apply to selection").wait_for()
    choose(page, "Codes to apply", "Mentee/Outcomes/Personal/Trust")
    page.get_by_role("button", name="Apply to selection").click()
    page.get_by_text("Coded the selection").wait_for()
    wait_for_app(page)
    screenshot(page, "code_selection")

    new = [c for c in _codings(engine, built.mentee_doc.id) if c.id not in before]
    assert [(c.text, c.code_id) for c in new] == [
        (quote, built.codes["Mentee/Outcomes/Personal/Trust"].id)
    ]
    text = built.mentee_doc.text
    assert text[new[0].start : new[0].end] == selected
    drawn = page.locator(f'.tocw-seg.tocw-coded[data-c*="{new[0].id}"]')
    drawn.last.wait_for()  # the text is drawn again after the run that stored the coding
    assert "".join(drawn.all_text_contents()) == quote
    engine.dispose()


def test_clicking_a_highlight_lets_you_remove_it_and_undo_brings_it_back(app_server, page):
    engine, built = _setup(app_server.database_url)
    open_code_screen(page, app_server.url)
    choose(page, "Document", "Mentor B1 interview")
    choose(page, "Coding as", "Asha")
    click_text(page, "The induction gave me confidence.")
    page.get_by_text("Highlights here").wait_for()
    page.get_by_role("button", name="Remove").first.click()
    page.get_by_text("Removed the highlight").wait_for()
    wait_for_app(page)
    texts = [c.text for c in _codings(engine, built.mentor_doc.id)]
    assert "The induction gave me confidence." not in texts

    page.get_by_role("button", name="Undo: remove a highlight").click()
    page.get_by_text("Undone: remove a highlight").wait_for()
    texts = [c.text for c in _codings(engine, built.mentor_doc.id)]
    assert "The induction gave me confidence." in texts
    engine.dispose()


def test_code_the_whole_turn_under_the_cursor(app_server, page):
    engine, built = _setup(app_server.database_url)
    open_code_screen(page, app_server.url)
    choose(page, "Document", "Mentor B1 interview")
    choose(page, "Coding as", "Asha")
    click_text(page, "the sessions clashed")
    page.get_by_role("button", name="Code this turn").wait_for()
    choose(page, "Codes to apply", "Activities")
    page.get_by_role("button", name="Code this turn").click()
    page.get_by_text("Coded the whole turn").wait_for()
    turn_text = "Supervision was hard to reach; the sessions clashed with my shifts."
    with Session(engine) as s:
        asha = s.execute(select(Coder).where(Coder.name == "Asha")).scalar_one()
    coded = [
        c.text
        for c in _codings(engine, built.mentor_doc.id)
        if c.code_id == built.codes["Activities"].id and c.coder_id == asha.id
    ]
    assert coded == [turn_text]
    engine.dispose()

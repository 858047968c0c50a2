"""The Findings and Case studies screens in a real browser: add an entry with its quote,
remove and restore it; draft a case study, edit it, redraft without losing the edit."""

from playwright.sync_api import expect
from sqlmodel import Session

from tests.browser.conftest import screenshot, wait_for_app
from tests.builders import build_mentoring_project
from toc_studio import db
from toc_studio.findings import cases, register


def _project(app_server):
    engine = db.make_engine(app_server.database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
        s.commit()
    return engine, built


def _choose(page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.press_sequentially(option[:12])  # typing opens the menu even when a click only focused
    page.get_by_role("option", name=option).click()
    wait_for_app(page)


def test_a_finding_is_added_with_its_quote_removed_and_restored(app_server, page):
    engine, built = _project(app_server)
    page.goto(app_server.url + "/findings")
    wait_for_app(page)
    page.get_by_role("heading", name="Findings", exact=True).wait_for()
    wait_for_app(page)
    page.get_by_placeholder("What did the evaluation find?").fill("Mentees trust people again.")
    _choose(page, "Codes behind it", "Mentee/Outcomes/Personal/Trust")
    page.keyboard.press("Escape")
    # the page has run again with the code's quotes on offer
    expect(page.get_by_text("Choose a code to list its quotes")).to_have_count(0)
    wait_for_app(page)
    _choose(page, "Quotes behind it", "Mentee C1: I trust people again 🙂")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("Added F1.").wait_for()
    wait_for_app(page)
    expect(page.get_by_text("One participant (1 of 3)")).to_be_visible()
    screenshot(page, "findings")
    with Session(engine) as s:
        (view,) = register.list_findings(s, built.project)
    assert view.text == "Mentees trust people again."
    assert [q.text for q in view.quotes] == ["I trust people again 🙂"]

    page.get_by_role("button", name="Remove", exact=True).click()
    page.get_by_text("Removed F1.").wait_for()
    wait_for_app(page)
    page.get_by_text("Removed entries (1)").click()
    page.get_by_role("button", name="Restore").click()
    page.get_by_text("Restored as F1.").wait_for()
    with Session(engine) as s:
        assert [v.number for v in register.list_findings(s, built.project)] == ["F1"]
    engine.dispose()


def test_a_case_study_is_drafted_edited_and_redrafted_without_losing_the_edit(app_server, page):
    engine, built = _project(app_server)
    page.goto(app_server.url + "/case_studies")
    page.get_by_role("heading", name="Case studies", exact=True).wait_for()
    wait_for_app(page)
    _choose(page, "Whose story", "Mentee C1")
    page.get_by_role("button", name="Draft", exact=True).click()
    page.get_by_text("Drafted “Mentee C1's story”").wait_for()
    wait_for_app(page)
    text = page.get_by_role("textbox", name="Text")
    expect(text).to_contain_text("I trust people again")
    text.fill("Mentee C1 trusts people again, and sees her sister.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved the case study.").wait_for()
    wait_for_app(page)
    page.get_by_role("button", name="Redraft").click()
    page.get_by_text("your edits are kept").wait_for()
    wait_for_app(page)
    expect(page.get_by_role("textbox", name="Text")).to_have_value(
        "Mentee C1 trusts people again, and sees her sister."
    )
    screenshot(page, "case_studies")
    with Session(engine) as s:
        (case,) = cases.list_case_studies(s, built.project)
    assert cases.edited(case) and "I trust people again" in case.draft
    engine.dispose()

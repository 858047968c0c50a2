"""The Projects page in a real browser: create a project through the UI."""

from playwright.sync_api import expect
from sqlmodel import Session

from tests.browser.conftest import screenshot, wait_for_app
from toc_studio import db
from toc_studio.demo import load_demo
from toc_studio.project import projects


def test_creating_a_project_in_the_browser_stores_it_with_its_groups(app_server, page):
    engine = db.make_engine(app_server.database_url)
    with Session(engine) as s:
        load_demo(s)
        s.commit()

    page.goto(app_server.url)
    wait_for_app(page)
    page.get_by_role("cell", name="Peer Mentoring Evaluation (demo)").wait_for()

    page.get_by_role("textbox", name="Name", exact=True).fill("Carers' support 2026")
    page.get_by_role("textbox", name="Stakeholder groups, in branch order").fill("Carer, Staff")
    page.get_by_role("button", name="Create project").click()
    page.get_by_text('Created project "Carers\' support 2026".').wait_for()
    wait_for_app(page)
    # the new project is now the current one in the sidebar's picker
    picker = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Project")
    expect(picker).to_have_value("Carers' support 2026")
    screenshot(page, "projects")

    with Session(engine) as s:
        by_name = {p.name: p for p in projects.list_projects(s)}
    assert by_name["Carers' support 2026"].groups == ["Carer", "Staff"]
    assert by_name["Peer Mentoring Evaluation (demo)"].codings == 173
    engine.dispose()


def test_a_bookmarked_screen_opens_with_navigation_and_the_project_picker(app_server, page):
    engine = db.make_engine(app_server.database_url)
    with Session(engine) as s:
        load_demo(s)
        s.commit()
    engine.dispose()

    page.goto(app_server.url + "/memos")
    wait_for_app(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    picker = sidebar.get_by_role("combobox", name="Project")
    expect(picker).to_have_value("Peer Mentoring Evaluation (demo)")
    # the navigation is app.py's (titles), not a list of file names
    expect(sidebar.get_by_role("link", name="Theory of Change")).to_be_visible()
    expect(page.get_by_role("heading", name="Memos")).to_be_visible()

"""The Key screen in a real browser, signed in: a lead cannot open the key; an owner is
refused with a wrong passphrase (typed in a password field) and sees it with theirs."""

from playwright.sync_api import expect
from sqlmodel import Session

from tests.browser.conftest import wait_for_app
from toc_studio import db
from toc_studio.accounts import members, users
from toc_studio.ingest import keystore, vault
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.project import projects

PASSPHRASE = "the owners' long passphrase"
PASSWORD = "correct horse battery"


def _store(database_url: str) -> int:
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        project = projects.create_project(s, "Sealed study", ["Mentee"])
        keystore.add_term(s, project, "Maureen Ellis")
        body = b"Interviewer: Who?\n\nMentee C1: Maureen Ellis helped.\n"
        import_batch(s, project, [Upload("c1.txt", body)], ImportOptions(ner=False))
        vault.set_first_passphrase(s, project, PASSPHRASE)
        for name, role in (("Lena", "lead"), ("Olive", "owner")):
            users.add_user(s, name, PASSWORD)
            members.add_member(s, project, name, role)
        s.commit()
    engine.dispose()
    return project.id


def _sign_in_on_the_key_page(page, url: str, name: str) -> None:
    page.goto(url)
    wait_for_app(page)
    field = page.get_by_role("textbox", name="Name", exact=True)
    field.wait_for(state="visible", timeout=60_000)
    expect(field).to_be_editable(timeout=60_000)
    field.fill(name)
    page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in to TOC Studio")).to_have_count(0)
    wait_for_app(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("more", exact=False).first.click()  # the navigation's "View N more"
    sidebar.get_by_role("link", name="Key", exact=True).click()
    page.get_by_role("heading", name="Pseudonymisation key").wait_for()
    wait_for_app(page)


def test_a_lead_cannot_open_the_key_and_an_owner_needs_the_passphrase(app_server, chromium):
    project_id = _store(app_server.database_url)
    url = f"{app_server.url}/?project={project_id}"
    for name in ("Lena", "Olive"):
        context = chromium.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        _sign_in_on_the_key_page(page, url, name)
        if name == "Lena":
            expect(page.get_by_text("Only the project's owners can open the key")).to_be_visible()
            expect(page.get_by_role("textbox", name="Your passphrase")).to_have_count(0)
        else:
            field = page.get_by_role("textbox", name="Your passphrase")
            expect(field).to_have_attribute("type", "password")
            field.fill("not the passphrase")
            page.get_by_role("button", name="Open the key").click()
            expect(page.get_by_text("does not open the key")).to_be_visible()
            field.fill(PASSPHRASE)
            page.get_by_role("button", name="Open the key").click()
            expect(page.get_by_text("The key is open for this page only")).to_be_visible()
            expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible()
        assert "Maureen" not in page.content() or name == "Olive"
        context.close()

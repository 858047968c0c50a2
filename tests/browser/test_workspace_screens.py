"""Codebook, Explore, Documents and Memos in a real browser; untrusted transcripts stay text."""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlmodel import Session

from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.workspace_helpers import choose, open_code_screen, open_screen
from tests.builders import build_mentoring_project
from toc_studio import db
from toc_studio.coding import codebook, codings
from toc_studio.coding.models import Code, Coding
from toc_studio.demo import load_demo
from toc_studio.ingest import documents
from toc_studio.ingest.turns import detect_turns

HOSTILE = (
    "Interviewer: Did anything odd happen?\n\n"
    'Mentee C1: Someone typed <script>window.__pwned = "script"</script> into the form,\n'
    "and <img src=x onerror=\"window.__pwned = 'img'\"> too. Strange."
)


def _demo(database_url: str):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        project = load_demo(s)
        s.commit()
    return engine, project


def test_merging_two_codes_in_the_codebook_screen(app_server, page):
    engine = db.make_engine(app_server.database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
    source = built.codes["Mentee/Outcomes/Social/Family contact"]
    target = built.codes["Mentee/Outcomes/Personal/Trust"]
    open_screen(page, app_server.url, "Codebook")
    page.get_by_role("tab", name="Merge").click()
    choose(page, "Merge this code…", "Mentee/Outcomes/Social/Family contact")
    choose(page, "…into this code", "Mentee/Outcomes/Personal/Trust")
    page.get_by_role("button", name="Merge codes").click()
    page.get_by_text("1 coding(s) moved").wait_for()
    wait_for_app(page)
    screenshot(page, "codebook")
    with Session(engine) as s:
        assert s.get(Code, source.id) is None
        moved = s.execute(select(Coding.text).where(Coding.code_id == target.id)).scalars()
        assert set(moved) == {"I trust people again 🙂", "I’ve started seeing my sister"}
    engine.dispose()


def test_a_framework_matrix_cell_opens_its_quotes(app_server, page):
    engine, _ = _demo(app_server.database_url)
    open_screen(page, app_server.url, "Explore")
    page.get_by_role("tab", name="Framework matrix").click()
    wait_for_app(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    box = grid.bounding_box()
    # The glide grid is a canvas: click the row's first cell, then walk right to "Mentee".
    page.mouse.click(box["x"] + 60, box["y"] + 35 + 7 * 35 + 17)
    wait_for_app(page)
    for _ in range(2):
        page.keyboard.press("ArrowRight")
        time.sleep(0.3)
    page.get_by_text("Activities/Matching on lived experience · Mentee").wait_for()
    wait_for_app(page)
    # The caption can be drawn by the last run while the quotes of the one before are
    # still shown (two arrow presses, two runs): wait on the quotes themselves.
    deadline = time.monotonic() + 60
    while True:
        quotes = page.locator('[data-testid="stCode"]').all_inner_texts()
        if (quotes and all("— Mentee" in q for q in quotes[:-1])) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert quotes and all("— Mentee" in q for q in quotes[:-1])
    screenshot(page, "explore")
    engine.dispose()


def test_a_hostile_transcript_is_shown_as_text_and_runs_nothing(app_server, page):
    engine = db.make_engine(app_server.database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
        doc = documents.add_document(
            s, built.project, "Odd interview", HOSTILE, turns=detect_turns(HOSTILE)
        )
        code = codebook.create_code(
            s, built.project, "<img src=x onerror=\"window.__pwned='code'\">", colour="#aa3377"
        )
        start = HOSTILE.index("<script>")
        codings.add_coding(s, doc, code, built.asha, start, start + 30)
        s.commit()
    open_code_screen(page, app_server.url)
    choose(page, "Document", "Odd interview")
    page.get_by_text("<script>window.__pwned", exact=False).first.wait_for()
    wait_for_app(page)
    shown = page.locator(".tocw-root").inner_text()
    assert '<script>window.__pwned = "script"</script>' in shown
    assert "<img src=x onerror=" in shown
    assert page.locator(".tocw-root script, .tocw-root img").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    page.get_by_text("Codebook").last.click()
    assert page.evaluate("() => window.__pwned") is None
    engine.dispose()


def test_the_demo_on_the_code_documents_and_memos_screens(app_server, page):
    engine, _ = _demo(app_server.database_url)
    open_code_screen(page, app_server.url)
    choose(page, "Coding as", "Asha")
    page.locator(".tocw-coded").nth(3).click()
    page.get_by_text("Highlights here").wait_for()
    wait_for_app(page)
    screenshot(page, "code")
    open_screen(page, app_server.url, "Documents")
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    choose(page, "Open a document", "Interview – Mentee C1")
    page.get_by_text("Who speaks").wait_for()
    wait_for_app(page)
    screenshot(page, "documents")
    open_screen(page, app_server.url, "Memos")
    page.get_by_text("memo(s)").first.wait_for()
    wait_for_app(page)
    screenshot(page, "memos")
    engine.dispose()

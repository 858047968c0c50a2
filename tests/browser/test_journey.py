"""A day of research work in Chromium, as a person does it, on the demo project: upload two
transcripts and remove one with its ×, import the other with its speaker mapped to a
participant, create a code with its ToC meaning from the Code screen, make ten codings,
write a memo, freeze the Theory of Change, make workshop edits, compare the versions and
download the Word report (opened with python-docx).

With ``TOC_STUDIO_SCREENSHOTS=1`` (``make screenshots``) each step's screenshot goes to
``docs/screenshots/journey-NN-*.png``; otherwise to a scratch folder. Every step waits on
the page's state (generous limits only stop a hung run): nothing depends on the clock."""

from __future__ import annotations

import re

from docx import Document as WordDocument
from sqlalchemy import func, select
from sqlmodel import Session

from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.workspace_helpers import choose, drag_select, nav_link
from toc_studio import db
from toc_studio.coding.models import Coding
from toc_studio.demo import load_demo

HUNG = 300_000  # ms: only a hung run takes this long
CODED = """(quote) => Array.from(document.querySelectorAll('.tocw-seg.tocw-coded'))
  .some((s) => s.textContent === quote)"""
ONE_POPOVER = """(name) => Array.from(document.querySelectorAll(
  '[data-testid="stPopoverButton"]')).filter((b) => b.innerText.includes(name)).length === 1"""
GONE = "(text) => !document.querySelector('[data-testid=\"stMain\"]').innerText.includes(text)"
SHOWN = """(quote) => Array.from(document.querySelectorAll('.tocw-seg'))
  .some((s) => s.textContent.includes(quote))"""
# Ten passages of the new interview, each coded with the code(s) beside it.
NEW_CODE = "Sleeping better"
CONFIDENCE = "Mentee/Outcomes/Personal/Confidence and hope"
INTERVIEW = (
    "Interviewer: How have the last months been?\n\n"
    "R: I sleep through the night now. Before the sessions I was up until four most days.\n\n"
    "Interviewer: What helped?\n\n"
    "R: Having someone who had been there. My mentor knew what the waiting felt like. "
    "We set small goals every week. The first goal was a walk to the shop.\n\n"
    "Interviewer: And now?\n\n"
    "R: I feel more hopeful about the future. I rang the housing office on my own. "
    "I go to the group on Thursdays. I would like to mentor someone one day.\n\n"
    "Interviewer: Anything that did not work?\n\n"
    "R: Ten sessions went quickly. I worried about what happens when they stop."
)
PASSAGES = [
    ("I sleep through the night now", [NEW_CODE]),
    ("Before the sessions I was up until four most days", [NEW_CODE]),
    ("Having someone who had been there", [CONFIDENCE]),
    ("We set small goals every week", [CONFIDENCE]),
    ("The first goal was a walk to the shop", [CONFIDENCE]),
    ("I feel more hopeful about the future", [CONFIDENCE, NEW_CODE]),
    ("I rang the housing office on my own", [CONFIDENCE]),
    ("I go to the group on Thursdays", [CONFIDENCE]),
    ("I would like to mentor someone one day", [CONFIDENCE]),
    ("I worried about what happens when they stop", [NEW_CODE]),
]


def go(page, link: str, heading: str) -> None:
    nav_link(page, link).click()
    page.get_by_role("heading", name=heading, exact=True).first.wait_for()
    wait_for_app(page)


def pick_in_popover(page, label: str, option: str) -> None:
    """Choose ``option`` in a select box inside an open popover (without clicking outside
    it, which would close it)."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).first.click()


def open_popover(page, button: str, inside: str) -> None:
    """Open the popover ``button`` until the field ``inside`` shows: a click that lands
    while the page redraws itself can be undone by that redrawing."""
    field = page.get_by_label(inside, exact=True)
    for _ in range(5):
        wait_for_app(page)
        page.wait_for_function(ONE_POPOVER, arg=button)  # not a copy left by a redrawing
        page.get_by_role("button", name=button).click()
        try:
            field.wait_for(timeout=15_000)
            return
        except Exception:  # not open yet: the state is what is waited on, not the clock
            close_popover(page)
    field.wait_for()


def shown(page, label: str) -> str:
    """What the select box labelled ``label`` shows as chosen."""
    box = page.get_by_label(label, exact=True)
    return box.input_value() or box.evaluate(
        "(e) => e.closest('[data-baseweb=\"select\"]').innerText.trim()"
    )


def close_popover(page) -> None:
    """Close an open popover with Escape, as a person would, if one is open."""
    body = page.locator('[data-testid="stPopoverBody"]')
    if body.count():
        page.keyboard.press("Escape")
        body.first.wait_for(state="hidden")


def upload_remove_import(page, tmp_path) -> None:
    kept, dropped = tmp_path / "Interview Mentee C9.txt", tmp_path / "Notes to drop.txt"
    kept.write_text(INTERVIEW, encoding="utf-8")
    dropped.write_text("Notes: nothing to import here.\n", encoding="utf-8")
    go(page, "Import", "Import transcripts")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [str(kept), str(dropped)]
    )
    page.get_by_role("button", name="Import 2 file(s)").wait_for()
    wait_for_app(page)
    screenshot(page, "journey-01-two-files-queued")
    chip = page.locator('[data-testid="stFileChip"]').filter(has_text="Notes to drop")
    chip.locator('[data-testid="stFileChipDeleteBtn"]').click()
    page.get_by_role("button", name="Import 1 file(s)").wait_for()
    wait_for_app(page)
    page.wait_for_function(GONE, arg="Notes to drop.txt")  # gone from the whole page
    choose(page, "Group for new participants", "Mentee")
    who = page.get_by_label(re.compile(r"^R \(\d+ turns\) is participant"))
    who.fill("Mentee C9")
    who.press("Enter")
    wait_for_app(page)
    screenshot(page, "journey-02-speaker-mapped")
    page.get_by_role("button", name="Import 1 file(s)").click()
    page.get_by_text("Import finished: 1 file(s).").wait_for()
    wait_for_app(page)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stFileChip\"]')")
    page.get_by_text("Upload one or more files").wait_for()
    page.wait_for_function(GONE, arg="imported before")
    screenshot(page, "journey-03-imported")


def create_code_on_code_screen(page) -> None:
    go(page, "Code", "Code")
    choose(page, "Document", "Interview Mentee C9.txt")
    page.wait_for_function(SHOWN, arg=PASSAGES[0][0])  # its turns drawn
    if page.get_by_label("Coding as", exact=True).count():
        choose(page, "Coding as", "Asha")
    open_popover(page, "New code", "Name of the new code")
    page.get_by_label("Name of the new code", exact=True).fill(NEW_CODE)
    pick_in_popover(page, "ToC category", "outcome")
    pick_in_popover(page, "Branch", "Mentee")
    page.get_by_label("Outcome domain", exact=True).fill("Health")
    screenshot(page, "journey-04-new-code")
    page.get_by_role("button", name="Add code").click()
    page.get_by_text(f"Added '{NEW_CODE}'.").first.wait_for()
    wait_for_app(page)
    close_popover(page)  # it stays open for another code


def apply_until_coded(page, quote: str) -> None:
    """Click "Apply to selection" until ``quote`` shows as coded: a click that lands while
    the page redraws itself can be lost (applying twice codes once: the second is skipped
    as already there). A refusal shown on the page fails the test with its words."""
    apply = page.get_by_role("button", name="Apply to selection")
    for _ in range(5):
        apply.wait_for()
        wait_for_app(page)
        apply.click()
        try:
            page.wait_for_function(CODED, arg=quote, timeout=30_000)
            break
        except Exception:  # not drawn yet: look at the state again
            refused = page.locator('[data-testid="stAlert"]').filter(has_text="Choose")
            assert not refused.count(), refused.first.inner_text()
            if not apply.is_visible():
                page.wait_for_function(CODED, arg=quote)
                break
    wait_for_app(page)


def code_ten_passages(page) -> None:
    for quote, codes in PASSAGES:
        for code in codes:
            choose(page, "Codes to apply", code)
        assert drag_select(page, quote) == quote
        apply_until_coded(page, quote)
    # "Codes to apply" cleared after each passage (not pinned)
    assert page.get_by_label("Codes to apply", exact=True).input_value() == ""
    screenshot(page, "journey-05-ten-codings")


def write_memo(page) -> None:
    open_popover(page, "Memo on this document", "Title")
    page.get_by_label("Title", exact=True).fill("Sleep as a first sign")
    page.get_by_label("Memo", exact=True).fill("Sleep comes up before confidence: ask others.")
    page.keyboard.press("Tab")  # the memo's text is sent (a rerun may close the popover)
    wait_for_app(page)
    if not page.get_by_label("Memo", exact=True).is_visible():
        open_popover(page, "Memo on this document", "Title")
    assert page.get_by_label("Memo", exact=True).input_value().startswith("Sleep comes up")
    screenshot(page, "journey-06-memo")
    page.get_by_role("button", name="Save document memo").click()
    page.get_by_text("Saved the memo.").first.wait_for()
    wait_for_app(page)
    close_popover(page)


def freeze_then_edit(page) -> None:
    go(page, "Theory of Change", "Theory of Change")
    page.get_by_role("tab", name="Workshop").click()
    wait_for_app(page)
    open_popover(page, "Freeze this version", "Name")
    page.get_by_label("Name", exact=True).fill("After the first day")
    page.get_by_label("Note: what changed and why", exact=True).fill("C9's interview coded")
    page.get_by_role("button", name="Freeze", exact=True).click()
    page.get_by_text("Froze 'After the first day'.").first.wait_for()
    wait_for_app(page)
    close_popover(page)
    assert shown(page, "Version").startswith("After the first day (frozen")
    page.get_by_text("This version is frozen").wait_for()  # still on the Workshop tab
    screenshot(page, "journey-07-frozen")
    choose(page, "Version", "Working draft (working draft)")
    assert shown(page, "Version") == "Working draft (working draft)"
    page.get_by_text("Add an element").wait_for()  # the Workshop tab stayed
    page.get_by_label("Label", exact=True).fill("Mentees sleep better")
    page.get_by_label("Outcome domain", exact=True).first.fill("Health")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("Added 'Mentees sleep better'.").first.wait_for()
    wait_for_app(page)
    assert page.get_by_role("tab", name="Workshop").get_attribute("aria-selected") == "true"
    page.get_by_text("Add an element").wait_for()  # its content drawn again
    wait_for_app(page)
    screenshot(page, "journey-08-workshop-edit")


def compare(page) -> None:
    page.get_by_role("tab", name="Compare").click()
    wait_for_app(page)
    assert shown(page, "Before") == "After the first day"
    assert shown(page, "After") == "Working draft"
    page.locator('[data-testid="stCode"]').filter(has_text="Mentees sleep better").wait_for()
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stTable\"]').length === 2"
    )  # Before and After, one under the other
    tables = page.locator('[data-testid="stTable"]')
    width = page.viewport_size["width"]
    for n in range(2):
        table = tables.nth(n)
        header = table.get_by_role("columnheader", name="Outcomes")
        header.scroll_into_view_if_needed()
        box = header.bounding_box()
        assert box and box["x"] + box["width"] <= width  # no sideways scrolling for it
        assert table.evaluate("(t) => t.scrollWidth <= t.clientWidth + 1")
    screenshot(page, "journey-09-compare")


def export_report(page, tmp_path) -> None:
    go(page, "Export", "Export")
    page.get_by_role("button", name="Build report").click()
    download_button = page.get_by_role("button", name="Download the report (.docx)")
    download_button.wait_for()
    wait_for_app(page)
    screenshot(page, "journey-10-report")
    with page.expect_download() as info:
        download_button.click()
    path = tmp_path / "report.docx"
    info.value.save_as(path)
    text = "\n".join(p.text for p in WordDocument(str(path)).paragraphs)
    tables = "\n".join(
        cell.text
        for table in WordDocument(str(path)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "Peer Mentoring Evaluation (demo)" in text
    assert "After the first day" in text + tables  # the newest frozen version's diagram
    assert NEW_CODE in text + tables


def test_a_day_of_research_work(app_server, chromium, tmp_path):
    engine = db.make_engine(app_server.database_url)
    with Session(engine) as s:
        load_demo(s)
        s.commit()
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(HUNG)
    try:
        page.goto(app_server.url)
        page.get_by_role("heading", name="TOC Studio").wait_for()
        wait_for_app(page)
        upload_remove_import(page, tmp_path)
        create_code_on_code_screen(page)
        code_ten_passages(page)
        write_memo(page)
        freeze_then_edit(page)
        compare(page)
        export_report(page, tmp_path)
    finally:
        context.close()
    with Session(engine) as s:
        coded = s.execute(
            select(func.count(func.distinct(Coding.start))).where(
                Coding.document_id.in_(
                    select(Coding.document_id).where(Coding.text == PASSAGES[0][0])
                )
            )
        ).scalar_one()
    engine.dispose()
    assert coded == 10

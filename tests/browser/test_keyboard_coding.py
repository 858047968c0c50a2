"""Coding with the keyboard alone, in Chromium: Tab to a turn, move the word cursor with
the arrow keys, select words with Shift, press Enter, choose a code and Apply; the stored
coding covers exactly those words (code points, with emoji and text that came with CRLF
line ends) and its highlight is drawn over them."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.workspace_helpers import choose, open_code_screen
from tests.builders import build_mentoring_project
from toc_studio import db
from toc_studio.coding.models import Coding
from toc_studio.ingest import documents
from toc_studio.ingest.pipeline import Upload, read_upload
from toc_studio.ingest.turns import detect_turns
from toc_studio.project import projects

# A file with Windows line ends, astral characters (emoji, a flag, a skin tone) and a line
# break inside a turn.
CRLF_FILE = (
    "Interviewer: Tell me about the group.\r\n\r\n"
    "Mentee C2: The group 👩🏽 made me laugh 😂 again\r\nand I came back every week 🇬🇧.\r\n"
).encode()

LIVE = "[data-testid='tocw-live']"
KEY_SELECTION = """() => { const h = CSS.highlights.get('tocw-keysel');
  return h ? Array.from(h).map((r) => r.toString()).join('|') : ''; }"""
CURSOR = """() => { const h = CSS.highlights.get('tocw-cursor');
  return h ? Array.from(h).map((r) => r.toString()).join('|') : ''; }"""


def _setup(database_url: str):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
        read = read_upload(Upload("group.txt", CRLF_FILE)).documents[0]
        c2 = projects.get_participant(s, built.project, "Mentee C2")
        crlf = documents.add_document(
            s,
            built.project,
            "Mentee C2 group",
            read.text,
            turns=detect_turns(read.text),
            speakers={"Mentee C2": c2.id},
        )
        s.commit()
    return engine, built, crlf


def _codings(engine, document_id: int) -> list[Coding]:
    with Session(engine) as s:
        return list(
            s.execute(
                select(Coding).where(Coding.document_id == document_id).order_by(Coding.id)
            ).scalars()
        )


def tab_to(page, target, limit: int = 400) -> None:
    """Press Tab until ``target`` has the focus (the keyboard's way there)."""
    for _ in range(limit):
        if target.evaluate("(e) => e === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def cursor_to(page, word: str, limit: int = 60) -> None:
    """Press the right arrow until the word cursor is on ``word``."""
    for _ in range(limit):
        page.keyboard.press("ArrowRight")
        if page.evaluate(CURSOR) == word:
            return
    raise AssertionError(f"the cursor never reached {word!r}")


def said(page, words: str) -> None:
    """Wait until the transcript's live region (read out by screen readers) says ``words``."""
    page.wait_for_function(
        f'(w) => document.querySelector("{LIVE}").textContent.includes(w)', arg=words
    )


def turn_with(page, quote: str):
    return page.locator(".tocw-text", has_text=quote).first


def test_words_selected_with_the_keyboard_are_coded_exactly(app_server, page):
    engine, built, _ = _setup(app_server.database_url)
    open_code_screen(page, app_server.url)
    choose(page, "Document", "Mentee C1 interview")
    page.get_by_text("I trust people again").first.wait_for()
    choose(page, "Coding as", "Ben")

    turn = turn_with(page, "I trust people again")
    tab_to(page, turn)
    cursor_to(page, "again")
    for _ in range(5):  # the first Shift+Right takes the word under the cursor
        page.keyboard.press("Shift+ArrowRight")
    quote = "again 🙂 and I’ve started"
    said(page, "5 words")
    assert page.evaluate(KEY_SELECTION) == quote
    assert quote in page.locator(LIVE).text_content()
    screenshot(page, "keyboard-selection")
    page.keyboard.press("Enter")
    apply = page.get_by_role("button", name="Apply to selection")
    apply.wait_for()
    wait_for_app(page)
    assert page.get_by_text(quote, exact=True).count() == 1  # "Selected" shows it

    codes = page.get_by_label("Codes to apply", exact=True)
    tab_to(page, codes)
    page.keyboard.type("Trust")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_for_app(page)
    tab_to(page, apply)
    page.keyboard.press("Enter")
    page.get_by_text("Coded the selection").wait_for()
    wait_for_app(page)

    new = _codings(engine, built.mentee_doc.id)[-1]
    start = built.mentee_doc.text.index(quote)
    assert (new.start, new.end, new.text) == (start, start + len(quote), quote)
    assert new.code_id == built.codes["Mentee/Outcomes/Personal/Trust"].id
    drawn = page.locator(f'.tocw-seg.tocw-coded[data-c*="{new.id}"]')
    drawn.last.wait_for()
    assert "".join(drawn.all_text_contents()) == quote
    screenshot(page, "keyboard-coding")
    engine.dispose()


def test_a_keyboard_selection_over_crlf_text_and_astral_characters_is_exact(app_server, page):
    engine, built, crlf = _setup(app_server.database_url)
    open_code_screen(page, app_server.url)
    choose(page, "Document", "Mentee C2 group")
    page.get_by_text("made me laugh").first.wait_for()
    choose(page, "Coding as", "Ben")
    choose(page, "Codes to apply", "Mentee/Outcomes/Social/Family contact")

    turn = turn_with(page, "made me laugh")
    tab_to(page, turn)
    cursor_to(page, "👩🏽")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Escape")  # clears the selection
    said(page, "cleared")
    assert page.evaluate(KEY_SELECTION) == ""
    cursor_to(page, "laugh")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+End")  # to the turn's last word: across the line break
    quote = "laugh 😂 again\nand I came back every week 🇬🇧."
    page.wait_for_function(f"(q) => ({KEY_SELECTION})() === q", arg=quote)
    page.keyboard.press("Tab")  # leaving the turn reports the selection, as Enter does
    apply = page.get_by_role("button", name="Apply to selection")
    apply.wait_for()
    wait_for_app(page)
    apply.click()
    page.get_by_text("Coded the selection").wait_for()
    wait_for_app(page)

    new = _codings(engine, crlf.id)[-1]
    start = crlf.text.index(quote)
    assert "\r" not in crlf.text
    assert (new.start, new.end, new.text) == (start, start + len(quote), quote)
    drawn = page.locator(f'.tocw-seg.tocw-coded[data-c*="{new.id}"]')
    drawn.last.wait_for()
    assert "".join(drawn.all_text_contents()) == quote
    engine.dispose()


def test_enter_on_a_word_puts_the_caret_there_for_code_this_sentence(app_server, page):
    engine, built, _ = _setup(app_server.database_url)
    open_code_screen(page, app_server.url)
    choose(page, "Document", "Mentor B1 interview")
    choose(page, "Coding as", "Asha")
    choose(page, "Codes to apply", "Activities")
    tab_to(page, page.locator(".tocw-text").first)
    page.keyboard.press("ArrowDown")  # Down: the next turn
    mentor = turn_with(page, "The induction gave me confidence.")
    assert mentor.evaluate("(e) => e === document.activeElement")
    cursor_to(page, "ready")
    page.keyboard.press("Enter")
    sentence = page.get_by_role("button", name="Code this sentence")
    sentence.wait_for()
    wait_for_app(page)
    sentence.click()
    page.get_by_text("Coded the sentence").wait_for()
    texts = [c.text for c in _codings(engine, built.mentor_doc.id)]
    assert "I felt ready to listen — really listen." in texts
    engine.dispose()

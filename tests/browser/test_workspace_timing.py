"""A 300,000-character transcript with 2,000 codings in the Code screen: it opens on its
first page, and a passage coded with the mouse shows as a highlight.

Nothing here depends on the machine's speed: every step waits for the page to reach the
state it expects (the transcript drawn, the highlight there), with a generous limit that
only stops a hung run. The times a person feels are measured in ``benchmarks/``, never
asserted in a test."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from benchmarks.workspace_corpus import TITLE, big_document
from tests.browser.conftest import wait_for_app
from tests.browser.workspace_helpers import choose, drag_select, open_code_screen
from toc_studio import db
from toc_studio.coding.models import Coding
from toc_studio.demo import load_demo

HUNG = 300_000  # ms: a run this slow has hung; a slow machine is still far inside it
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
SHOWS = """([first, count]) => {
  const root = document.querySelector('.tocw-root');
  if (!root || document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const block = root.querySelector('.tocw-block .tocw-text');
  return !!block && block.textContent.startsWith(first)
    && root.querySelectorAll('.tocw-seg').length >= count;
}"""
CODED = """(quote) => Array.from(document.querySelectorAll('.tocw-seg.tocw-coded'))
  .some((s) => s.textContent === quote)"""


def test_a_long_coded_transcript_opens_and_takes_new_codes(app_server, page):
    page.set_default_timeout(HUNG)
    engine = db.make_engine(app_server.database_url)
    with Session(engine, expire_on_commit=False) as s:
        project = load_demo(s)
        s.commit()
        doc = big_document(s, project)
        stored = s.execute(
            select(func.count()).select_from(Coding).where(Coding.document_id == doc.id)
        ).scalar_one()
    engine.dispose()
    assert len(doc.text) >= 300_000 and stored >= 1_990
    other = "Interview – Mentee C1"
    long_first = doc.text[doc.text.index("Interviewer: ") + 13 :][:20]

    open_code_screen(page, app_server.url)
    if page.get_by_label("Coding as", exact=True).count():
        choose(page, "Coding as", "Asha")
    for _ in range(2):  # away and back: the long transcript opens on its first page each time
        choose(page, "Document", other)
        page.wait_for_function(IDLE, timeout=HUNG)
        choose(page, "Document", TITLE)
        page.wait_for_function(SHOWS, arg=[long_first, 40], timeout=HUNG)

    turns = page.locator(".tocw-block .tocw-text")
    for number in (1, 3, 5):
        choose(page, "Codes to apply", "Mentee/Outcomes/Personal/Confidence and hope")
        words = turns.nth(number).inner_text().split(". ")[0]
        quote = words[: max(12, len(words) // 2)].strip()
        assert drag_select(page, quote) == quote
        apply = page.get_by_role("button", name="Apply to selection")
        apply.wait_for()
        page.wait_for_function(IDLE, timeout=HUNG)
        apply.click()
        page.wait_for_function(CODED, arg=quote, timeout=HUNG)
        wait_for_app(page)

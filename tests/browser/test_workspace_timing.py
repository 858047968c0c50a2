"""A 300,000-character transcript with 2,000 codings in the Code screen: it opens, and a
new code shows as a highlight. The times are measured and printed (run with ``-s``) for
benchmarks/README.md; they are never asserted."""

from __future__ import annotations

import statistics
import time

from sqlalchemy import func, select
from sqlmodel import Session

from benchmarks.workspace_corpus import TITLE, big_document
from tests.browser.conftest import wait_for_app
from tests.browser.workspace_helpers import choose, drag_select, open_code_screen
from toc_studio import db
from toc_studio.coding.models import Coding
from toc_studio.demo import load_demo

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
    engine = db.make_engine(app_server.database_url)
    with Session(engine, expire_on_commit=False) as s:
        project = load_demo(s)
        s.commit()
        doc = big_document(s, project)
        stored = s.execute(
            select(func.count()).select_from(Coding).where(Coding.document_id == doc.id)
        ).scalar_one()
    assert len(doc.text) >= 300_000 and stored >= 1_990
    other = "Interview – Mentee C1"
    long_first = doc.text[doc.text.index("Interviewer: ") + 13 :][:20]

    open_code_screen(page, app_server.url)
    choose(page, "Coding as", "Asha")
    opening = []
    for _ in range(3):
        choose(page, "Document", other)
        page.wait_for_function(IDLE)
        box = page.get_by_label("Document", exact=True)
        box.click()
        box.fill(TITLE)
        option = page.get_by_role("option", name=TITLE, exact=True).first
        began = time.perf_counter()
        option.click()
        page.wait_for_function(SHOWS, arg=[long_first, 40])
        opening.append(time.perf_counter() - began)

    choose(page, "Codes to apply", "Mentee/Outcomes/Personal/Confidence and hope")
    highlighting = []
    turns = page.locator(".tocw-block .tocw-text")
    for number in (1, 3, 5):
        words = turns.nth(number).inner_text().split(". ")[0]
        quote = words[: max(12, len(words) // 2)].strip()
        assert drag_select(page, quote) == quote
        apply = page.get_by_role("button", name="Apply to selection")
        apply.wait_for()
        page.wait_for_function(IDLE)
        began = time.perf_counter()
        apply.click()
        page.wait_for_function(CODED, arg=quote)
        highlighting.append(time.perf_counter() - began)
        wait_for_app(page)

    print(
        f"\nWORKSPACE BROWSER: open {len(doc.text):,} chars / {stored} codings: "
        f"median {statistics.median(opening):.2f} s, max {max(opening):.2f} s; "
        f"apply→highlight median {statistics.median(highlighting):.2f} s, "
        f"max {max(highlighting):.2f} s"
    )
    engine.dispose()

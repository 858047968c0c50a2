"""Driving the Code screen in Chromium: open a document, drag-select a quote, pick codes."""

from __future__ import annotations

from tests.browser.conftest import wait_for_app

# Every screen: its link in the navigation -> its heading (the browser checks walk them all).
SCREENS = {
    "Projects": "Projects",
    "Import": "Import transcripts",
    "Documents": "Documents",
    "Code": "Code",
    "Codebook": "Codebook",
    "Auto-code": "Auto-code",
    "Explore": "Explore",
    "Outcomes": "Outcomes",
    "Memos": "Memos",
    "Theory of Change": "Theory of Change",
    "Findings": "Findings",
    "Case studies": "Case studies",
    "Compare projects": "Compare projects",
    "Members": "Members",
    "Key": "Pseudonymisation key",
    "Audit log": "Audit log",
    "Export": "Export",
}

# The rectangle of one character (UTF-16 index ``at``) of the first text node of the
# transcript that contains ``quote``.
_CHAR_BOX = """([quote, which]) => {
  const segs = Array.from(document.querySelectorAll('.tocw-seg'));
  const full = segs.map((s) => s.textContent).join('');
  let at = full.indexOf(quote);
  if (at < 0) return null;
  const index = which === 'first' ? at : at + quote.length - 1;
  let offset = 0;
  for (const seg of segs) {
    const len = seg.textContent.length;
    if (index < offset + len) {
      if (which === 'first') seg.scrollIntoView({block: 'center'});
      const range = document.createRange();
      let i = index - offset;
      const text = seg.firstChild;
      let j = i + 1;
      if (j < text.length && /[\\uDC00-\\uDFFF]/.test(text.data[j])) j += 1;
      range.setStart(text, i);
      range.setEnd(text, j);
      const r = range.getClientRects()[0];
      return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    }
    offset += len;
  }
  return null;
}"""


def nav_link(page, name: str):
    """The navigation's link to the screen ``name``, showing the whole list first when
    Streamlit has folded its tail under "View N more"."""
    more = page.get_by_test_id("stSidebarNavViewButton")
    if more.count() and more.inner_text().startswith("View ") and "more" in more.inner_text():
        more.click()
    return page.get_by_role("link", name=name, exact=True)


def open_screen(page, url: str, name: str) -> None:
    """Open the app, wait for its own navigation (not Streamlit's provisional page list)
    and go to the screen called ``name``."""
    page.goto(url)
    page.get_by_role("heading", name="TOC Studio").wait_for()
    wait_for_app(page)
    nav_link(page, name).click()
    page.get_by_role("heading", name=name, exact=True).first.wait_for()
    wait_for_app(page)


def open_code_screen(page, url: str) -> None:
    open_screen(page, url, "Code")
    page.wait_for_selector(".tocw-root .tocw-seg")


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box or multiselect labelled ``label``."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).first.click()
    page.locator("h1").first.click()  # a multiselect stays open after a pick
    wait_for_app(page)


def drag_select(page, quote: str) -> str:
    """Select ``quote`` in the transcript with the mouse; return what the browser selected."""
    first = page.evaluate(_CHAR_BOX, [quote, "first"])
    last = page.evaluate(_CHAR_BOX, [quote, "last"])
    assert first and last, f"{quote!r} is not on the page"
    y1 = (first["top"] + first["bottom"]) / 2
    y2 = (last["top"] + last["bottom"]) / 2
    page.mouse.move(first["left"] + 0.5, y1)
    page.mouse.down()
    page.mouse.move((first["left"] + last["right"]) / 2, (y1 + y2) / 2, steps=5)
    page.mouse.move(last["right"] - 0.5, y2, steps=5)
    page.mouse.up()
    return page.evaluate("() => window.getSelection().toString()")


def click_text(page, quote: str) -> None:
    """Click (without selecting) in the middle of the first character of ``quote``."""
    box = page.evaluate(_CHAR_BOX, [quote, "first"])
    page.mouse.click((box["left"] + box["right"]) / 2, (box["top"] + box["bottom"]) / 2)

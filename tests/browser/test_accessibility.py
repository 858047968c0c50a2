"""Accessibility in Chromium, with the demo project: axe-core (bundled with
axe-playwright-python: no network) finds no serious or critical violation on any screen,
in the page or in its frames (the transcript, the diagram); focus is visible; the text
size setting is honoured; and a passage can be coded with the keyboard alone."""

from __future__ import annotations

import json

from axe_playwright_python.base import AXE_SCRIPT
from sqlmodel import Session

from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.workspace_helpers import SCREENS, nav_link
from toc_studio import db
from toc_studio.demo import load_demo

SERIOUS = ("serious", "critical")
RUN_AXE = """async () => {
  const found = await axe.run(document, {resultTypes: ['violations'], iframes: false});
  return found.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + n.html.slice(0, 160)),
  }));
}"""


def _demo(database_url: str) -> None:
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        load_demo(s)
        s.commit()
    engine.dispose()


def open_screen(page, url: str, link: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name="TOC Studio").wait_for()
    wait_for_app(page)
    nav_link(page, link).click()
    page.get_by_role("heading", name=SCREENS[link], exact=True).first.wait_for()
    wait_for_app(page)


def violations(page) -> list[dict]:
    """axe-core's serious and critical violations in the page and in each of its frames."""
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")
    found = []
    for frame in page.frames:
        if frame.is_detached() or frame.url in ("", "about:blank") and frame != page.main_frame:
            continue
        frame.evaluate(AXE_SCRIPT)
        for v in frame.evaluate(RUN_AXE):
            if v["impact"] in SERIOUS:
                found.append({**v, "frame": frame.url[-60:]})
    return found


def test_no_serious_or_critical_violation_on_any_screen(app_server, page):
    _demo(app_server.database_url)
    found = {}
    for link in SCREENS:
        open_screen(page, app_server.url, link)
        if bad := violations(page):
            found[link] = bad
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def _project_id(database_url: str) -> int:
    from toc_studio.project import projects

    engine = db.make_engine(database_url)
    with Session(engine) as s:
        found = projects.get_project(s, "Peer Mentoring Evaluation (demo)").id
    engine.dispose()
    return found


def tab_to(page, target, limit: int = 600) -> None:
    """Press Tab until ``target`` has the focus (the keyboard's way there)."""
    for _ in range(limit):
        if target.evaluate("(e) => e === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def focus_ring(page) -> str:
    """The focused element's outline, as drawn."""
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle === 'none' ? '' : s.outlineWidth + ' ' + s.outlineStyle; }"
    )


UNCODED_TURN = """() => Array.from(document.querySelectorAll('.tocw-text')).findIndex(
  (p) => p.textContent.length > 40 && !p.querySelector('.tocw-coded'))"""
ALL_CODED = """(i) => { const p = document.querySelectorAll('.tocw-text')[i];
  return !!p && Array.from(p.querySelectorAll('.tocw-seg')).every(
    (s) => s.classList.contains('tocw-coded') || !s.textContent.trim()); }"""


def test_a_passage_is_coded_with_the_keyboard_alone_and_focus_shows(app_server, page):
    _demo(app_server.database_url)
    page.set_default_timeout(300_000)
    page.goto(f"{app_server.url}/code?project={_project_id(app_server.database_url)}")
    page.wait_for_selector(".tocw-root .tocw-seg")
    wait_for_app(page)
    coder = page.get_by_label("Coding as", exact=True)
    if coder.count() and coder.is_enabled():
        tab_to(page, coder)
        page.keyboard.type("Asha")
        page.keyboard.press("Enter")
        wait_for_app(page)
    index = page.evaluate(UNCODED_TURN)
    assert index >= 0
    turn = page.locator(".tocw-text").nth(index)
    tab_to(page, turn)
    assert focus_ring(page).startswith("3px")  # a visible focus ring on the turn
    page.keyboard.press("Enter")  # the caret at the turn's start
    code_turn = page.get_by_role("button", name="Code this turn")
    code_turn.wait_for()
    wait_for_app(page)
    codes = page.get_by_label("Codes to apply", exact=True)
    tab_to(page, codes)
    page.keyboard.type("Confidence and hope")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_for_app(page)
    tab_to(page, code_turn)
    assert focus_ring(page).startswith("3px")  # and on a button
    page.keyboard.press("Enter")
    page.wait_for_function(ALL_CODED, arg=index)
    wait_for_app(page)
    screenshot(page, "accessibility-keyboard-coding")


SIZES = """() => [getComputedStyle(document.documentElement).fontSize,
  getComputedStyle(document.querySelector('h1')).fontSize,
  getComputedStyle(document.querySelector('[data-testid="stSidebar"] label p')).fontSize,
  document.documentElement.scrollWidth - document.documentElement.clientWidth]"""


def test_the_text_size_setting_is_honoured_on_every_screen(app_server, page):
    """The sidebar's Text size, set once, holds on every screen (page text, headings, the
    sidebar, the transcript), nothing spills sideways at the largest size, and a reload
    keeps it (it is in the address)."""
    _demo(app_server.database_url)
    page.set_default_timeout(300_000)
    open_screen(page, app_server.url, "Projects")
    slider = page.get_by_role("slider", name="Text size")
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # Normal (17) -> 20 -> 24 -> Largest (28)
    page.wait_for_function("() => getComputedStyle(document.documentElement).fontSize === '27px'")
    wait_for_app(page)
    for link in SCREENS:
        nav_link(page, link).click()
        page.get_by_role("heading", name=SCREENS[link], exact=True).first.wait_for()
        wait_for_app(page)
        root, h1, sidebar, spill = page.evaluate(SIZES)
        assert root == "27px", (link, root)
        assert float(h1.removesuffix("px")) > 40, (link, h1)  # 2.75rem: 44 px at 16 px
        assert float(sidebar.removesuffix("px")) > 20, (link, sidebar)  # 14 px at 16 px
        assert spill <= 0, f"{link}: the page is {spill} px wider than the window"
        if link == "Code":
            page.wait_for_selector(".tocw-root .tocw-seg")
            assert (
                page.evaluate(
                    "() => getComputedStyle(document.querySelector('.tocw-seg')).fontSize"
                )
                == "28px"
            )
    screenshot(page, "accessibility-large-text")
    page.reload()
    page.get_by_role("heading", name="Export", exact=True).first.wait_for()
    page.wait_for_function("() => getComputedStyle(document.documentElement).fontSize === '27px'")


# Each screen's main action (with the demo project): Tab reaches it, with a focus ring.
MAIN_ACTIONS = {
    "Projects": "Create project",
    "Code": "Next uncoded turn",
    "Memos": "Save memo",
    "Findings": "Add",
    "Export": "Build report",
}


def test_each_screens_main_action_is_reached_by_tab_with_a_visible_focus_ring(app_server, page):
    _demo(app_server.database_url)
    page.set_default_timeout(120_000)
    for link, action in MAIN_ACTIONS.items():
        open_screen(page, app_server.url, link)
        button = page.get_by_role("button", name=action, exact=True).first
        button.wait_for()
        page.locator("h1").first.click()  # start from the heading, as a reader would
        tab_to(page, button)
        assert focus_ring(page).startswith("3px"), (link, action)

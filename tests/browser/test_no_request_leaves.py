"""Stored names are text, never Markdown or HTML: a project whose every name carries an
image pointing at a local address is opened on every screen in Chromium, and no request
for that address (or any address but the app's) leaves the page."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlmodel import Session

from tests.browser.conftest import wait_for_app
from tests.browser.workspace_helpers import SCREENS, choose, nav_link
from tests.screens.hostile import MARK, build_hostile_project
from toc_studio import db
from toc_studio.coding import codebook
from toc_studio.project import projects


class Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (the http.server name)
        Recorder.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def _watch(page, app_url: str) -> tuple[list[str], list[str]]:
    """Every request the page makes; those for another address are refused and kept."""
    seen: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: seen.append(request.url))

    def refuse(route):
        refused.append(route.request.url)
        route.abort()

    page.route(lambda url: not url.startswith(app_url), refuse)
    return seen, refused


def _open(page, url: str, link: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name="TOC Studio").wait_for()
    wait_for_app(page)
    nav_link(page, link).click()
    page.get_by_role("heading", name=SCREENS[link], exact=True).first.wait_for()
    wait_for_app(page)


# Every asset the page names or has loaded (favicon, fonts, scripts, styles, images): its
# address, unless it is the app's own or inline (data:, blob:). The favicon is set by
# script and fetched by the browser itself, out of sight of a request listener.
_ASSETS = """(app) => {
  const named = [
    ...Array.from(document.querySelectorAll('link[href]'), (l) => l.href),
    ...Array.from(document.querySelectorAll('img[src], script[src], iframe[src]'), (e) => e.src),
    ...performance.getEntriesByType('resource').map((r) => r.name),
  ];
  return named.filter((u) => u && !u.startsWith(app) && !/^(data|blob|about):/.test(u));
}"""


def _assets_elsewhere(page, app_url: str) -> list[str]:
    return page.evaluate(_ASSETS, app_url)


def _interact(page, screen: str, names: dict[str, str], code_path: str) -> None:
    """Bring the stored names onto the screen where a choice is needed to see them."""
    if screen == "Projects":
        choose(page, "Project to delete", names["project"])
    elif screen == "Documents":
        choose(page, "Open a document", names["doc"])
        page.get_by_role("heading", name="Who speaks").wait_for()
    elif screen == "Explore":
        choose(page, "Code", code_path)
        page.get_by_text("1 excerpt(s)").wait_for()
    elif screen == "Export":
        page.get_by_role("button", name="Build report").click()
        page.get_by_text("Download the report (.docx)").wait_for()
        wait_for_app(page)


def test_no_stored_name_makes_the_browser_fetch_anything(app_server, page):
    page.set_default_timeout(300_000)  # waits on the page's state; only a hung run ends it
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    engine = db.make_engine(app_server.database_url)
    with Session(engine, expire_on_commit=False) as s:
        hostile = build_hostile_project(s, base)
        project = projects.get_project(s, hostile.project_id)
        code_path = codebook.code_paths(s, project)[hostile.code_id]
    engine.dispose()
    seen, refused = _watch(page, app_server.url)
    try:
        for screen in SCREENS:
            _open(page, app_server.url, screen)
            _interact(page, screen, hostile.names, code_path)
            leaks = [url for url in seen if MARK in url]
            assert not leaks, (screen, leaks)
            assert not _assets_elsewhere(page, app_server.url), screen
        # the names were on the screens, as typed
        _open(page, app_server.url, "Memos")
        page.get_by_text(f"![memo]({base}{MARK}-memo.png)").first.wait_for()
        assert page.locator("img[src*='leak']").count() == 0
        # the watch works: an image really put on the page is seen and refused
        with page.expect_event("requestfailed", lambda r: "control" in r.url):
            page.evaluate(
                "(u) => { const i = new Image(); i.src = u; document.body.append(i); }",
                f"{base}{MARK}-control.png",
            )
        assert [u for u in seen if MARK in u] == [f"{base}{MARK}-control.png"]
        assert refused == [f"{base}{MARK}-control.png"]  # nothing else left the app
        assert Recorder.hits == []  # and nothing reached the address
    finally:
        server.shutdown()

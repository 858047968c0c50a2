"""Real-browser fixtures: ``streamlit run app.py`` on a free port, driven by Playwright in
Debian's headless Chromium (``/usr/bin/chromium``; ``playwright install`` cannot download).

Use ``app_server`` (a running app on a fresh store, with the store's URL) and ``page`` (a
Chromium page). Screenshots for the README and docs go to ``docs/screenshots/`` only on
request (``make screenshots``, which sets ``TOC_STUDIO_SCREENSHOTS=1``); otherwise to a
temporary folder, so that ``make test`` leaves the checkout as it found it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    url: str
    database_url: str
    log: Path


def start_streamlit(
    database_url: str, log: Path, timeout: float = 60
) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run app.py`` against ``database_url``; wait until it answers."""
    port = free_port()
    env = {
        **os.environ,
        "TOC_STUDIO_DATABASE_URL": database_url,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        # NER in the server's own process: a worker per test server (160 MB, a model load)
        # only competes with Chromium for the two cores (tests/ingest covers the workers)
        "TOC_STUDIO_NER_PROCESSES": os.environ.get("TOC_STUDIO_NER_PROCESSES", "1"),
    }
    handle = log.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return proc, url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError(f"streamlit did not answer within {timeout} s:\n{log.read_text()}")


@pytest.fixture
def app_server(database_url: str, tmp_path: Path) -> Iterator[AppServer]:
    proc, url = start_streamlit(database_url, tmp_path / "streamlit.log")
    try:
        yield AppServer(url, database_url, tmp_path / "streamlit.log")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def wait_for_app(pg) -> None:
    """Wait until Streamlit has finished running the script."""
    pg.wait_for_selector('[data-testid="stApp"]')
    pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def screenshot_folder() -> Path:
    """docs/screenshots when asked for (``TOC_STUDIO_SCREENSHOTS=1``), else a scratch folder."""
    if os.environ.get("TOC_STUDIO_SCREENSHOTS") == "1":
        return SCREENSHOTS
    return Path(tempfile.gettempdir()) / "toc-studio-screenshots"


def screenshot(pg, name: str) -> Path:
    folder = screenshot_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    pg.screenshot(path=str(path), full_page=False)
    return path

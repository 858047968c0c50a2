"""AppTest fixtures: the real app script on a fresh store of the test's backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def app(database_url: str, monkeypatch: pytest.MonkeyPatch):
    """A function that starts the app (optionally on another page) on this test's store."""
    monkeypatch.setenv("TOC_STUDIO_DATABASE_URL", database_url)

    def run(page: str | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        if page is not None:
            at.switch_page(page)
            at.run()
        assert not at.exception, at.exception
        return at

    yield run
    import streamlit as st

    st.cache_resource.clear()  # drop the cached engine bound to this test's store


def run_on(at: AppTest, project_id: int) -> AppTest:
    """Choose ``project_id`` in the sidebar's project picker and run the app again."""
    at.session_state["project_id"] = project_id
    at.run()
    assert not at.exception, at.exception
    return at


def settle(at: AppTest) -> AppTest:
    """Run the app until no background job (toc_studio.ui.background) is left running:
    each round waits for the jobs to finish (on their state, not a clock), then runs."""
    from toc_studio.ui.background import Job

    for _ in range(20):
        jobs = [v for k in list(at.session_state) if isinstance(v := at.session_state[k], Job)]
        if not jobs:
            return at
        for job in jobs:
            assert job.finished.wait(120), f"{job.title} did not finish"
        at.run()
        assert not at.exception, at.exception
    raise AssertionError("background jobs kept starting")

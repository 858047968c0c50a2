"""Errors that leak nothing: the user sees a sentence (and, for an unexpected error, an
error id); the traceback, SQL and its parameters go to the server's log only."""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from tests.builders import build_mentoring_project, span_of
from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.project import projects
from toc_studio.workspace import actions

ROOT = Path(__file__).resolve().parents[2]
SECRET = "I told my mentor about the overdose"  # transcript text that must not be shown


def _shown(at) -> str:
    return " ".join(e.value for e in at.error)


def _error_id(text: str) -> str:
    found = re.search(r"error id ([0-9a-f]{8})", text, re.IGNORECASE)
    assert found, text
    return found.group(1)


def test_the_app_is_configured_to_show_no_traceback():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def test_an_unexpected_error_in_an_action_shows_a_sentence_and_an_id(app, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError(f"/srv/toc/store.py line 12: {SECRET}")

    monkeypatch.setattr(projects, "create_project", broken)
    at = app()
    at.text_input[0].input("Carers study")
    with caplog.at_level(logging.ERROR, logger="toc_studio.ui"):
        at.button[0].click().run()
    assert not at.exception, at.exception
    shown = _shown(at)
    assert "Something unexpected went wrong" in shown
    assert SECRET not in shown and "/srv/toc" not in shown and "RuntimeError" not in shown
    error_id = _error_id(shown)
    [record] = [r for r in caplog.records if error_id in r.getMessage()]
    assert SECRET in str(record.exc_info[1])  # the details stay on the server
    assert at.title[0].value == "Projects"  # the rest of the page is still drawn


def test_an_unexpected_error_outside_any_action_is_caught_for_the_whole_page(
    app, monkeypatch, caplog
):
    at = app()

    def broken(*args, **kwargs):
        raise KeyError(SECRET)

    monkeypatch.setattr(projects, "list_projects", broken)
    with caplog.at_level(logging.ERROR, logger="toc_studio.ui"):
        at.run()
    assert not at.exception, at.exception
    shown = _shown(at)
    assert SECRET not in shown and "KeyError" not in shown
    assert any(_error_id(shown) in r.getMessage() for r in caplog.records)


def test_a_database_error_says_what_happened_without_its_sql(app, monkeypatch, caplog):
    def locked(*args, **kwargs):
        raise OperationalError(
            "INSERT INTO turn (text) VALUES (?)", (SECRET,), Exception("database is locked")
        )

    monkeypatch.setattr(projects, "create_project", locked)
    at = app()
    at.text_input[0].input("Carers study")
    with caplog.at_level(logging.ERROR, logger="toc_studio.ui"):
        at.button[0].click().run()
    assert not at.exception, at.exception
    shown = _shown(at)
    assert "busy" in shown
    assert SECRET not in shown and "INSERT" not in shown
    assert any(_error_id(shown) in r.getMessage() for r in caplog.records)


def test_an_unexpected_error_in_a_code_screen_action_shows_an_id(
    app, database_url, monkeypatch, caplog
):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
    engine.dispose()

    def broken(*args, **kwargs):
        raise ValueError(SECRET)

    monkeypatch.setattr(actions, "apply_codes", broken)
    at = app("screens/code.py")
    at.selectbox(key="code_doc").select(built.mentee_doc.id)
    at.selectbox(key="coder_name").select("Ben")
    run_on(at, built.project.id)
    start, end = span_of(built.mentee_doc, "Ten sessions felt short")
    at.session_state["code_selection"] = {"start": start, "end": end}
    at.multiselect(key="code_pick").set_value([built.codes["Activities"].id])
    run_on(at, built.project.id)
    with caplog.at_level(logging.ERROR, logger="toc_studio.ui"):
        next(b for b in at.button if b.label == "Apply to selection").click()
        run_on(at, built.project.id)
    shown = _shown(at)
    assert SECRET not in shown and "ValueError" not in shown
    assert any(_error_id(shown) in r.getMessage() for r in caplog.records)

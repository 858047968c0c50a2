"""The sidebar's Text size: one setting for every page (the Code screen's transcript
included), kept in the session across pages and in the address for a reload."""

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from tests.builders import build_mentoring_project
from tests.screens.conftest import APP, run_on
from toc_studio import db
from toc_studio.accounts import users


def _root_size(at) -> str:
    """The page's root font size, as the shared page style sets it."""
    style = next(h.proto.body for h in at.get("html") if "html { font-size" in h.proto.body)
    return style.split("html { font-size: ")[1].split(";")[0]


def test_a_size_chosen_in_the_sidebar_holds_on_every_page_and_in_the_address(app, database_url):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
    engine.dispose()
    at = app()
    assert at.select_slider(key="ui_text_size").value == 17
    assert _root_size(at) == "16px" and "text" not in at.query_params
    at.select_slider(key="ui_text_size").set_value(24).run()
    assert _root_size(at) == "23px"
    assert at.query_params["text"] in ("24", ["24"])
    for page in ("screens/code.py", "screens/codebook.py", "screens/memos.py"):
        at.switch_page(page)
        run_on(at, built.project.id)
        assert at.select_slider(key="ui_text_size").value == 24, page
        assert _root_size(at) == "23px", page
    assert not [s for s in at.select_slider if s.key != "ui_text_size"]  # one setting only
    at.select_slider(key="ui_text_size").set_value(17).run()
    assert _root_size(at) == "16px" and "text" not in at.query_params


def test_a_reload_takes_the_size_from_the_address_and_ignores_a_strange_one(app):
    app()  # the store, as every screen test has it
    for asked, shown in (("28", 28), ("99", 17), ("big", 17)):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["text"] = asked
        at.run()
        assert not at.exception, at.exception
        assert at.select_slider(key="ui_text_size").value == shown, asked
        assert _root_size(at) == f"{shown - 1}px", asked


def test_the_sign_in_page_follows_the_size_in_the_address(app, database_url):
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        users.add_user(s, "Cody", "correct horse battery")
        s.commit()
    engine.dispose()
    app()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["text"] = "24"
    at.run()
    assert not at.exception, at.exception
    assert [t.label for t in at.text_input] == ["Name", "Password"]  # the sign-in page
    assert _root_size(at) == "23px"

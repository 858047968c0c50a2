"""Where am I: the current project is in the address (?project=<id>), so a reload or a
bookmark lands on it; a project the address names but the person may not open is said."""

from pathlib import Path

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from toc_studio import db
from toc_studio.project import projects

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _projects(database_url: str) -> dict[str, int]:
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        made = {n: projects.create_project(s, n, ["Mentor"]).id for n in ("Alpha", "Zeta")}
        s.commit()
    engine.dispose()
    return made


def _open(app, address: str | None) -> AppTest:
    app()  # the fixture points the app at this test's store
    at = AppTest.from_file(APP, default_timeout=60)
    if address is not None:
        at.query_params["project"] = address
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_address_names_the_project_and_a_reload_lands_on_it(app, database_url):
    made = _projects(database_url)
    at = _open(app, None)
    assert at.session_state["project_id"] == made["Alpha"]
    assert at.query_params["project"] == str(made["Alpha"])
    at.sidebar.selectbox[0].select(made["Zeta"]).run()
    assert at.query_params["project"] == str(made["Zeta"])
    reloaded = _open(app, str(made["Zeta"]))  # a new session with the same address
    assert reloaded.session_state["project_id"] == made["Zeta"]


def test_an_address_naming_a_project_not_on_offer_is_said(app, database_url):
    made = _projects(database_url)
    for address in ("999", "not-a-number"):
        at = _open(app, address)
        assert at.session_state["project_id"] is None
        assert any("not one you can open here" in e.value for e in at.error)
        at.sidebar.selectbox[0].select(made["Zeta"]).run()
        assert not at.error
        assert at.query_params["project"] == str(made["Zeta"])


def test_the_codebooks_undo_offers_only_the_current_projects_actions(app, database_url):
    from tests.builders import build_mentoring_project
    from tests.screens.conftest import run_on
    from toc_studio.coding import codebook, restructure

    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        first = build_mentoring_project(s)
        second = build_mentoring_project(s, "Second site")
        restructure.delete_code(
            s, codebook.get_code(s, first.project, first.codes["Activities"].id), drop_codings=True
        )
        s.commit()
        ids = first.project.id, second.project.id
    engine.dispose()
    at = run_on(app("screens/codebook.py"), ids[1])
    assert not [b for b in at.button if b.label.startswith("Undo")]
    run_on(at, ids[0])
    offered = [b.label for b in at.button if b.label.startswith("Undo")]
    assert offered == ["Undo: delete 'Activities'"]

"""The Code screen's undo is per project: after switching projects, the other project's
last action is not offered; switching back offers it again."""

from sqlalchemy import select
from sqlmodel import Session

from tests.builders import build_mentoring_project, span_of
from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.coding.models import Coding


def _undo_button(at):
    return next(b for b in at.button if b.label == "Undo" or b.label.startswith("Undo:"))


def test_switching_project_does_not_offer_the_other_projects_undo(app, database_url):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        first = build_mentoring_project(s)
        second = build_mentoring_project(s, "Second site")
    at = app("screens/code.py")
    run_on(at, first.project.id)
    at.selectbox(key="code_doc").select(first.mentee_doc.id)
    run_on(at, first.project.id)
    at.selectbox(key="coder_name").select("Ben")
    run_on(at, first.project.id)
    start, end = span_of(first.mentee_doc, "Ten sessions felt short")
    at.session_state["code_selection"] = {"start": start, "end": end}
    at.multiselect(key="code_pick").set_value([first.codes["Activities"].id])
    run_on(at, first.project.id)
    at.button[[b.label for b in at.button].index("Apply to selection")].click()
    run_on(at, first.project.id)
    assert _undo_button(at).label == "Undo: apply Activities"

    run_on(at, second.project.id)
    assert _undo_button(at).label == "Undo"
    assert _undo_button(at).disabled

    run_on(at, first.project.id)
    undo = _undo_button(at)
    assert undo.label == "Undo: apply Activities" and not undo.disabled
    undo.click()
    run_on(at, first.project.id)
    with Session(engine) as s:
        texts = s.execute(select(Coding.text).where(Coding.document_id == first.mentee_doc.id))
        assert "Ten sessions felt short" not in list(texts.scalars())
    engine.dispose()

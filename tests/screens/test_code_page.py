"""The Code screen's logic under AppTest; the component's state is injected through the
session state keys the page keeps (``code_selection``, ``code_caret``, ``code_clicked``)."""

from sqlalchemy import select
from sqlmodel import Session

from tests.builders import build_mentoring_project, span_of
from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.coding.models import Coding


def rerun(at, built) -> None:
    run_on(at, built.project.id)


def _build(database_url: str):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
    return engine, built


def _texts(engine, document_id: int) -> list[str]:
    with Session(engine) as s:
        return list(
            s.execute(select(Coding.text).where(Coding.document_id == document_id)).scalars()
        )


def _open(app, built, title: str):
    at = app("screens/code.py")
    at.selectbox(key="code_doc").select(
        built.mentee_doc.id if title == "mentee" else built.mentor_doc.id
    )
    rerun(at, built)
    at.selectbox(key="coder_name").select("Ben")
    rerun(at, built)
    return at


def test_a_selection_is_coded_with_the_picked_codes_and_undone(app, database_url):
    engine, built = _build(database_url)
    at = _open(app, built, "mentee")
    start, end = span_of(built.mentee_doc, "Ten sessions felt short")
    at.session_state["code_selection"] = {"start": start, "end": end}
    rerun(at, built)
    assert "Ten sessions felt short" in [t.value for t in at.text]
    trust = built.codes["Mentee/Outcomes/Personal/Trust"].id
    family = built.codes["Mentee/Outcomes/Social/Family contact"].id
    at.multiselect(key="code_pick").set_value([trust, family])
    rerun(at, built)
    at.button[[b.label for b in at.button].index("Apply to selection")].click()
    rerun(at, built)
    assert not at.exception
    assert _texts(engine, built.mentee_doc.id).count("Ten sessions felt short") == 2

    undo = next(b for b in at.button if b.label.startswith("Undo:"))
    undo.click()
    rerun(at, built)
    assert "Ten sessions felt short" not in _texts(engine, built.mentee_doc.id)
    engine.dispose()


def test_coding_needs_a_name_and_a_code(app, database_url):
    engine, built = _build(database_url)
    at = app("screens/code.py")
    start, end = span_of(built.mentor_doc, "Supervision was hard")
    at.selectbox(key="code_doc").select(built.mentor_doc.id)
    rerun(at, built)
    at.session_state["code_selection"] = {"start": start, "end": end}
    rerun(at, built)
    at.multiselect(key="code_pick").set_value([built.codes["Activities"].id])
    rerun(at, built)
    at.button[[b.label for b in at.button].index("Apply to selection")].click()
    rerun(at, built)
    assert "Choose your name" in at.error[0].value
    at.selectbox(key="coder_name").select("Ben")
    rerun(at, built)
    at.session_state["code_selection"] = {"start": start, "end": end}
    at.multiselect(key="code_pick").set_value([])
    rerun(at, built)
    at.button[[b.label for b in at.button].index("Apply to selection")].click()
    rerun(at, built)
    assert "at least one code" in at.error[0].value
    assert "Supervision was hard" not in _texts(engine, built.mentor_doc.id)
    engine.dispose()


def test_a_clicked_highlight_can_be_recoded(app, database_url):
    engine, built = _build(database_url)
    at = _open(app, built, "mentor")
    with Session(engine) as s:
        coding = s.execute(
            select(Coding).where(Coding.text == "The induction gave me confidence.")
        ).scalar_one()
    at.session_state["code_clicked"] = [coding.id]
    rerun(at, built)
    assert any("Activities/Induction training" in m.value for m in at.markdown)
    activities = built.codes["Activities"].id
    at.selectbox(key=f"recode_{coding.id}").select(activities)
    rerun(at, built)
    at.button(key=f"do_recode_{coding.id}").click()
    rerun(at, built)
    with Session(engine) as s:
        assert s.get(Coding, coding.id).code_id == activities
    engine.dispose()


def test_the_turn_under_the_caret_can_be_coded(app, database_url):
    engine, built = _build(database_url)
    at = _open(app, built, "mentor")
    at.session_state["code_caret"] = built.mentor_doc.text.index("ready to listen")
    rerun(at, built)
    at.multiselect(key="code_pick").set_value([built.codes["Activities"].id])
    rerun(at, built)
    at.button[[b.label for b in at.button].index("Code this sentence")].click()
    rerun(at, built)
    assert "I felt ready to listen — really listen." in _texts(engine, built.mentor_doc.id)
    engine.dispose()


def test_the_document_and_coder_survive_a_visit_to_another_page(app, database_url):
    engine, built = _build(database_url)
    at = _open(app, built, "mentor")
    at.switch_page("screens/memos.py")
    rerun(at, built)
    at.switch_page("screens/code.py")
    rerun(at, built)
    assert at.selectbox(key="code_doc").value == built.mentor_doc.id
    assert at.selectbox(key="coder_name").value == "Ben"
    assert not at.warning
    engine.dispose()


def test_memos_go_on_a_clicked_highlight_and_on_the_document(app, database_url):
    from toc_studio.coding.models import Memo

    engine, built = _build(database_url)
    at = _open(app, built, "mentor")
    with Session(engine) as s:
        coding = s.execute(
            select(Coding).where(Coding.text == "Supervision was hard to reach")
        ).scalar_one()
    at.session_state["code_clicked"] = [coding.id]
    rerun(at, built)
    at.text_area(key=f"memo_text_{coding.id}").input("Ask about the rota.")
    at.button(key=f"memo_{coding.id}").click()
    rerun(at, built)
    at.text_input(key="doc_memo_title").input("Tone")
    at.text_area(key="doc_memo_text").input("Calm, open.")
    at.button[[b.label for b in at.button].index("Save document memo")].click()
    rerun(at, built)
    with Session(engine) as s:
        memos = {(m.text, m.coding_id, m.document_id) for m in s.execute(select(Memo)).scalars()}
    assert memos == {
        ("Ask about the rota.", coding.id, None),
        ("Calm, open.", None, built.mentor_doc.id),
    }
    engine.dispose()

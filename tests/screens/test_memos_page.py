"""The Memos screen: every memo with what it is attached to, search, edit, delete."""

from sqlalchemy import select
from sqlmodel import Session

from tests.builders import build_mentoring_project
from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.coding import memos
from toc_studio.coding.models import Coding, Memo
from toc_studio.workspace.markdown import md


def _build(database_url: str):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
        coding = s.execute(
            select(Coding).where(Coding.text == "Supervision was hard to reach")
        ).scalar_one()
        memos.add_memo(s, built.project, "Shifts again: ask the coordinator.", coding=coding)
        memos.add_memo(
            s, built.project, "Quiet interview.", title="Tone", document=built.mentee_doc
        )
        memos.add_memo(s, built.project, "Agree the codebook by Friday.", author=built.asha)
        s.commit()
    return engine, built


def rerun(at, built) -> None:
    run_on(at, built.project.id)


def test_every_memo_says_what_it_is_attached_to(app, database_url):
    engine, _ = _build(database_url)
    at = app("screens/memos.py")
    captions = " | ".join(c.value for c in at.caption)
    assert md("a coding of “Mentor B1 interview” with Mentor/Challenges/Access to supervision") in (
        captions
    )
    assert md("the document “Mentee C1 interview”") in captions
    assert "the project · Asha" in captions
    engine.dispose()


def test_search_finds_memos_with_every_word(app, database_url):
    engine, built = _build(database_url)
    at = app("screens/memos.py")
    at.text_input(key="memos_query").input("coordinator shifts")
    rerun(at, built)
    assert [t.value for t in at.text] == ["Shifts again: ask the coordinator."]
    engine.dispose()


def test_a_memo_can_be_edited_and_deleted(app, database_url):
    engine, built = _build(database_url)
    at = app("screens/memos.py")
    with Session(engine) as s:
        memo = s.execute(select(Memo).where(Memo.title == "Tone")).scalar_one()
    at.text_area(key=f"text_{memo.id}").input("Quiet, then opened up.")
    at.button(key=f"save_{memo.id}").click()
    rerun(at, built)
    with Session(engine) as s:
        assert s.get(Memo, memo.id).text == "Quiet, then opened up."
    at.button(key=f"delete_{memo.id}").click()
    rerun(at, built)
    with Session(engine) as s:
        assert s.get(Memo, memo.id) is None
    engine.dispose()

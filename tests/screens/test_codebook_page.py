"""The Codebook screen: the tree with counts per group, edit, merge, delete, undo."""

from sqlalchemy import select
from sqlmodel import Session

from tests.builders import build_mentoring_project
from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.coding.models import Code, Coding
from toc_studio.workspace.markdown import md


def _build(database_url: str):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
    return engine, built


def rerun(at, built) -> None:
    run_on(at, built.project.id)


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_the_tree_shows_counts_per_group(app, database_url):
    engine, _ = _build(database_url)
    at = app("screens/codebook.py")
    frame = at.dataframe[0].value
    trust = frame[frame["Code"].str.strip() == "Trust"].iloc[0]
    assert trust["Codings"] == 1
    assert trust["Mentee"] == "1 · 1p · 1d"
    assert trust["Mentor"] == ""
    assert trust["Branch"] == "Mentee"
    engine.dispose()


def test_editing_a_code_changes_its_definition_and_colour(app, database_url):
    engine, built = _build(database_url)
    code = built.codes["Activities/Induction training"]
    at = app("screens/codebook.py")
    at.selectbox(key="edit_code").select(code.id)
    rerun(at, built)
    at.text_area[0].input("Training before the first match.")
    at.color_picker[0].pick("#00aa55")
    _button(at, "Save code").click()
    rerun(at, built)
    with Session(engine) as s:
        stored = s.get(Code, code.id)
        assert (stored.definition, stored.colour) == ("Training before the first match.", "#00aa55")
    engine.dispose()


def test_merging_moves_codings_and_undo_restores_the_code(app, database_url):
    engine, built = _build(database_url)
    source = built.codes["Mentee/Outcomes/Social/Family contact"]
    target = built.codes["Mentee/Outcomes/Personal/Trust"]
    at = app("screens/codebook.py")
    at.selectbox(key="merge_source").select(source.id)
    rerun(at, built)
    at.selectbox(key="merge_target").select(target.id)
    rerun(at, built)
    _button(at, "Merge codes").click()
    rerun(at, built)
    assert md("1 coding(s) moved") in at.success[0].value
    with Session(engine) as s:
        assert s.get(Code, source.id) is None
        assert len(s.execute(select(Coding).where(Coding.code_id == target.id)).all()) == 2
    next(b for b in at.button if b.label.startswith("Undo: ")).click()
    rerun(at, built)
    with Session(engine) as s:
        assert s.get(Code, source.id) is not None
    engine.dispose()


def test_deleting_a_coded_code_with_refuse_explains_and_keeps_it(app, database_url):
    engine, built = _build(database_url)
    code = built.codes["Mentor/Challenges/Access to supervision"]
    at = app("screens/codebook.py")
    at.selectbox(key="delete_code").select(code.id)
    rerun(at, built)
    at.radio(key="delete_choice").set_value("refuse")
    rerun(at, built)
    _button(at, "Delete code").click()
    rerun(at, built)
    assert md("coding(s)") in at.error[0].value
    with Session(engine) as s:
        assert s.get(Code, code.id) is not None
    engine.dispose()

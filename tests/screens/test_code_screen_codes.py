"""The Code screen makes codes with their ToC meaning, and "Codes to apply" clears after
applying unless pinned; the Codebook's Add form takes the ToC meaning too."""

from sqlmodel import Session

from tests.builders import build_mentoring_project, span_of
from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.coding import codebook
from toc_studio.coding.palette import OKABE_ITO
from toc_studio.project import projects


def _build(database_url: str):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
    return engine, built


def _code(engine, built, path: str):
    with Session(engine) as s:
        code = codebook.get_code_by_path(s, built.project, path)
        groups = {g.id: g.name for g in projects.list_groups(s, built.project)}
        return code.category, groups.get(code.branch_group_id), code.domain, code.colour


def _fill_new_code(at, key: str, name: str, under: int | None, category, branch, domain):
    at.text_input(key=f"{key}_name").input(name)
    at.selectbox(key=f"{key}_under").set_value(under)
    at.selectbox(key=f"{key}_category").set_value(category)
    at.selectbox(key=f"{key}_branch").set_value(branch)
    at.text_input(key=f"{key}_domain").input(domain)
    next(b for b in at.button if b.label == "Add code").click()


def test_a_code_with_its_toc_meaning_is_made_from_the_code_screen(app, database_url):
    engine, built = _build(database_url)
    at = run_on(app("screens/code.py"), built.project.id)
    _fill_new_code(
        at, "code_new_code", "Sleeping better", None, "outcome", "Mentee", "Health"
    )
    run_on(at, built.project.id)
    assert not at.exception, at.exception
    category, branch, domain, colour = _code(engine, built, "Sleeping better")
    assert (category, branch, domain) == ("outcome", "Mentee", "Health")
    assert colour in OKABE_ITO
    engine.dispose()


def test_the_codebooks_add_form_takes_category_branch_and_domain(app, database_url):
    engine, built = _build(database_url)
    at = run_on(app("screens/codebook.py"), built.project.id)
    trust = built.codes["Mentee/Outcomes/Personal/Trust"].id
    _fill_new_code(at, "add_code", "Early trust", trust, "enabler", "shared", "")
    run_on(at, built.project.id)
    assert not at.exception, at.exception
    category, branch, domain, _ = _code(engine, built, "Mentee/Outcomes/Personal/Trust/Early trust")
    assert (category, branch, domain) == ("enabler", None, "Personal")  # domain: its parent's
    _fill_new_code(at, "add_code", "Later trust", trust, "as its parent", "as its parent", "")
    run_on(at, built.project.id)
    category, branch, _, _ = _code(engine, built, "Mentee/Outcomes/Personal/Trust/Later trust")
    assert (category, branch) == ("outcome", "Mentee")
    engine.dispose()


def _apply(at, built, quote: str, codes: list[int]) -> None:
    start, end = span_of(built.mentee_doc, quote)
    at.session_state["code_selection"] = {"start": start, "end": end}
    run_on(at, built.project.id)
    if codes:
        at.multiselect(key="code_pick").set_value(codes)
        run_on(at, built.project.id)
    at.button[[b.label for b in at.button].index("Apply to selection")].click()
    run_on(at, built.project.id)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_codes_to_apply_clear_after_applying_unless_pinned(app, database_url):
    engine, built = _build(database_url)
    at = app("screens/code.py")
    at.selectbox(key="code_doc").select(built.mentee_doc.id)
    run_on(at, built.project.id)
    if any(s.key == "coder_name" for s in at.selectbox):
        at.selectbox(key="coder_name").select("Ben")
        run_on(at, built.project.id)
    trust = built.codes["Mentee/Outcomes/Personal/Trust"].id
    _apply(at, built, "Ten sessions felt short", [trust])
    assert at.multiselect(key="code_pick").value == []
    at.toggle(key="code_pin").set_value(True)
    run_on(at, built.project.id)
    _apply(at, built, "Ten sessions", [trust])
    assert at.multiselect(key="code_pick").value == [trust]
    engine.dispose()

"""The Theory of Change page: diagram, table, evidence, workshop edits, freeze, compare."""

from sqlmodel import Session

from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.demo import load_demo
from toc_studio.project import projects
from toc_studio.theory import versions
from toc_studio.workspace.markdown import md

PAGE = "screens/theory.py"


def _demo(database_url: str) -> int:
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project_id = load_demo(s).id
        s.commit()
    engine.dispose()
    return project_id


def _run(at, project_id: int):
    return run_on(at, project_id)


def _versions(database_url: str) -> dict:
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project = projects.get_project(s, "Peer Mentoring Evaluation (demo)")
        found = {
            v.name: (v.frozen, len(versions.edit_log(s, v)))
            for v in versions.list_versions(s, project)
        }
    engine.dispose()
    return found


def test_without_a_project_the_page_says_what_to_do(app):
    at = app(PAGE)
    assert "Choose or create a project" in at.info[0].value


def test_the_demo_shows_its_diagram_table_and_versions(app, database_url):
    _demo(database_url)
    at = app(PAGE)
    assert at.title[0].value == "Theory of Change"
    assert [t.label for t in at.tabs] == [
        "Diagram",
        "Table",
        "Evidence",
        "Workshop",
        "Compare",
        "Versions",
    ]
    assert at.selectbox(key="toc_version").value is not None
    table = at.dataframe[0].value
    assert list(table["Branch"]) == ["Shared", "Mentor", "Mentee"]
    compare = "\n".join(c.value for c in at.code)
    assert "renamed 'Trust in mentor'" in compare or "From 'Working draft'" in compare


def test_a_workshop_edit_is_logged_and_undone(app, database_url):
    project_id = _demo(database_url)
    at = app(PAGE)
    at.text_input(key="toc_author").input("Facilitator")
    form_inputs = [t for t in at.text_input if t.label == "Label"]
    form_inputs[0].input("Mentors sleep better")
    [t for t in at.text_input if t.label == "Outcome domain"][0].input("Personal")
    [b for b in at.button if b.label == "Add"][0].click()
    _run(at, project_id)
    assert _versions(database_url)["Working draft"] == (False, 5)
    assert md("Added 'Mentors sleep better'") in at.success[0].value
    [b for b in at.button if b.label == "Undo the last edit"][0].click()
    _run(at, project_id)
    assert md("Undone: Added outcome 'Mentors sleep better'") in at.success[0].value


def test_freezing_from_the_page_starts_a_new_working_version(app, database_url):
    project_id = _demo(database_url)
    at = app(PAGE)
    [t for t in at.text_input if t.label == "Name"][0].input("After the mentee workshop")
    [t for t in at.text_area if t.label.startswith("Note")][0].input("Wording agreed")
    [b for b in at.button if b.label == "Freeze"][0].click()
    _run(at, project_id)
    found = _versions(database_url)
    assert found["After the mentee workshop"] == (True, 4)
    assert found["Working draft"] == (False, 0)


def test_moving_an_element_keeps_what_was_not_changed(app, database_url):
    from toc_studio.coding import codebook
    from toc_studio.coding.models import Code

    project_id = _demo(database_url)
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project = projects.get_project(s, project_id)
        code_id = codebook.get_code_by_path(
            s, project, "Mentee/Outcomes/Practical/Housing and finances"
        ).id
    at = app(PAGE)
    at.selectbox(key="toc_el").set_value(f"code:{code_id}")
    _run(at, project_id)
    assert at.selectbox(key=f"toc_el_cat_code:{code_id}").value == "outcome"
    assert at.selectbox(key=f"toc_el_branch_code:{code_id}").value == "Mentee"
    at.text_input(key=f"toc_el_domain_code:{code_id}").input("Social")
    [b for b in at.button if b.label == "Move"][0].click()
    _run(at, project_id)
    with Session(engine) as s:
        code = s.get(Code, code_id)
        assert (code.category, code.domain) == ("outcome", "Social")
        assert code.branch_group_id is not None
    engine.dispose()


def test_the_evidence_panel_shows_an_outcomes_indicator_with_its_quotes(app, database_url):
    from toc_studio.theory import indicators
    from toc_studio.theory.assemble import assemble

    project_id = _demo(database_url)
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project = projects.get_project(s, project_id)
        graph = assemble(s, project)
        element = next(
            n
            for n, a in graph.nodes(data=True)
            if a["category"] == "outcome" and a["evidence"].codings
        )
        indicators.add_indicator(s, project, element, "Outcomes Star")
        s.commit()
    engine.dispose()
    at = _run(app(PAGE), project_id)
    at.selectbox(key="toc_evidence").select(element).run()
    assert not at.exception, at.exception
    figures = next(d.value for d in at.dataframe if "Indicator" in d.value.columns)
    [row] = figures.to_dict("records")
    assert row["Indicator"] == "Homelessness Outcomes Star" and row["n"] > 0
    assert row["Improved"] + row["Declined"] + row["Same"] == row["n"]
    assert isinstance(row["Mean change"], float)
    assert at.markdown and any(m.value.startswith("> ") for m in at.markdown)  # its quotes


def test_after_a_freeze_the_version_box_names_the_version_shown(app, database_url):
    project_id = _demo(database_url)
    at = app(PAGE)
    working = at.selectbox(key="toc_version").value
    [t for t in at.text_input if t.label == "Name"][0].input("Draft 3")
    [b for b in at.button if b.label == "Freeze"][0].click()
    _run(at, project_id)
    box = at.selectbox(key="toc_version")
    assert box.value == working  # the version just frozen, shown on the page
    assert box.format_func(box.value).startswith("Draft 3 (frozen ")
    assert any("This version is frozen" in i.value for i in at.info)
    draft = [o for o in box.options if o.endswith("(working draft)")]
    assert draft == ["Working draft (working draft)"]
    box.set_value(_working_id(database_url))
    _run(at, project_id)
    box = at.selectbox(key="toc_version")
    assert box.format_func(box.value) == "Working draft (working draft)"
    assert not any("This version is frozen" in i.value for i in at.info)
    before = at.selectbox(key="toc_a")
    assert before.format_func(before.value) == "Draft 3"  # Compare: the newest frozen


def _working_id(database_url: str) -> int:
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project = projects.get_project(s, "Peer Mentoring Evaluation (demo)")
        found = versions.working_version(s, project).id
    engine.dispose()
    return found


def test_the_chosen_tab_stays_after_a_workshop_action(app, database_url):
    project_id = _demo(database_url)
    at = app(PAGE)
    at.session_state["toc_tab"] = "Workshop"
    _run(at, project_id)
    [t for t in at.text_input if t.label == "Label"][0].input("Mentors sleep better")
    [b for b in at.button if b.label == "Add"][0].click()
    _run(at, project_id)
    assert at.session_state["toc_tab"] == "Workshop"
    at.text_input(key="toc_author").input("Facilitator")
    _run(at, project_id)
    assert at.session_state["toc_tab"] == "Workshop"


def test_compare_starts_on_the_last_frozen_version_against_the_draft(app, database_url):
    _demo(database_url)
    at = app(PAGE)
    before, after = at.selectbox(key="toc_a"), at.selectbox(key="toc_b")
    assert before.value != after.value
    assert before.format_func(before.value) == "Draft 1"
    assert after.format_func(after.value) == "Working draft"
    assert len(at.table) == 2
    for shown in at.table:
        assert "Outcomes" in shown.value.columns


def test_the_evidence_panel_shows_the_strength_of_evidence(app, database_url):
    project_id = _demo(database_url)
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project = projects.get_project(s, project_id)
        graph = versions.version_graph(s, project, versions.working_version(s, project))
        ids = {a["label"]: n for n, a in graph.nodes(data=True)}
    engine.dispose()
    at = _run(app(PAGE), project_id)
    at.selectbox(key="toc_evidence").select(ids["Community participation"]).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Participants"] == "4 of 24" and metrics["Methods"] == "2"
    strength = next(m.value for m in at.markdown if m.value.startswith("**Strength of evidence"))
    assert "Most of the Mentee group \\(4 of 5\\)" in strength  # escaped: shown as typed
    table = next(d.value for d in at.dataframe if "Wording" in d.value.columns)
    row = table.to_dict("records")[0]
    assert (row["Group"], row["Participants"], row["Of"], row["Wording"]) == (
        "Mentee",
        4,
        5,
        "most",
    )
    at.selectbox(key="toc_evidence").select(ids["Housing and finances"]).run()
    assert any(w.value == "One participant carries this evidence." for w in at.warning)

"""The Theory of Change page: indicators and questions on an element, assumptions on a
link, and the version told in words."""

from sqlmodel import Session

from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.demo import load_demo
from toc_studio.project import projects
from toc_studio.theory import annotations, indicators, versions
from toc_studio.theory.models import STRUCTURE

PAGE = "screens/theory.py"


def _demo(database_url: str) -> tuple[int, dict]:
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project = load_demo(s)
        document = versions.version_document(s, project, versions.working_version(s, project))
        s.commit()
        found = project.id
    engine.dispose()
    return found, document


def _stored(database_url: str, project_id: int):
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project = projects.get_project(s, project_id)
        found = (
            [(q.element, q.text) for q in annotations.list_questions(s, project)],
            [(i.element, i.text) for i in indicators.list_indicators(s, project)],
            [
                (a.source, a.target, a.text, a.status)
                for a in annotations.list_assumptions(s, project)
            ],
        )
    engine.dispose()
    return found


def test_an_element_gets_a_question_and_an_indicator_from_the_evidence_tab(app, database_url):
    project_id, document = _demo(database_url)
    element = next(n["id"] for n in document["nodes"] if n["category"] == "activity")
    at = run_on(app(PAGE), project_id)
    at.selectbox(key="toc_evidence").select(element).run()
    at.radio[0].set_value("Evaluation question")
    at.text_area[0].input("Did every mentee <b>meet</b> weekly?")
    at.button[0].click().run()
    assert not at.exception, at.exception
    questions, _, _ = _stored(database_url, project_id)
    assert questions == [(element, "Did every mentee <b>meet</b> weekly?")]
    at.selectbox(key="toc_evidence").select(element).run()
    shown = [m.value for m in at.markdown if "Question:" in m.value]
    assert shown and "<b>" not in shown[0]  # escaped, not rendered


def test_an_assumption_is_added_to_a_link_from_the_workshop_tab(app, database_url):
    project_id, document = _demo(database_url)
    link = next(e for e in document["edges"] if e["kind"] != STRUCTURE)
    at = run_on(app(PAGE), project_id)
    at.selectbox(key="toc_assumption_link").select(f"{link['source']}|{link['target']}")
    at.text_area(key="toc_assumption_text").input("Mentors stay at least a year")
    at.radio(key="toc_assumption_status").set_value("supported")
    at.button(key="toc_assumption_go").click().run()
    assert not at.exception, at.exception
    _, _, assumptions = _stored(database_url, project_id)
    assert assumptions == [
        (link["source"], link["target"], "Mentors stay at least a year", "supported")
    ]
    table = next(d.value for d in at.dataframe if "Assumption" in d.value.columns)
    assert table["Assumption"].tolist() == ["Mentors stay at least a year"]


def test_the_table_tab_tells_the_version_in_words(app, database_url):
    project_id, _ = _demo(database_url)
    at = run_on(app(PAGE), project_id)
    assert not at.exception, at.exception
    headings = [m.value for m in at.markdown if m.value.startswith("####")]
    assert "#### Resources" in headings and "#### Outcomes" in headings
    labels = [b.label for b in at.get("download_button")]
    assert "Download in words (Markdown)" in labels and "Download in words (Word)" in labels

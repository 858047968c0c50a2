"""The Explore screen's Survey tab: closed questions as bars (count and % per answer);
a bar clicked, or an answer picked without a mouse, shows those respondents' open answers."""

from __future__ import annotations

from sqlmodel import Session

from tests.outcomes.test_survey import SURVEY
from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.coding import codebook
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.outcomes.survey_import import import_survey_answers
from toc_studio.project import projects

PAGE = "screens/explore.py"


def _survey_project(database_url) -> int:
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        project = projects.create_project(s, "Survey", ["Mentor", "Mentee"])
        codebook.create_code(s, project, "Trust")  # Explore needs a codebook
        import_batch(s, project, [Upload("survey.csv", SURVEY.encode())], ImportOptions(ner=False))
        import_survey_answers(s, project, SURVEY.encode(), "survey.csv")
        s.commit()
    engine.dispose()
    return project.id


def _charts(at) -> list:
    """The Survey tab's charts (the Charts tab has three of its own)."""
    return [c for c in at.get("vega_lite_chart") if (c.key or "").startswith("survey_")]


def test_closed_questions_are_charted_and_lead_to_open_answers(app, database_url):
    project_id = _survey_project(database_url)
    at = run_on(app(PAGE), project_id)
    assert len(_charts(at)) == 4  # role, listened, recommend, contact (sessions: a median)
    assert at.selectbox(key="survey_by").value == "Everyone"
    at.selectbox(key="survey_question").select(("survey.csv", "Would recommend"))
    run_on(at, project_id)
    at.selectbox(key="survey_value").select("no")
    run_on(at, project_id)
    texts = [t.value for t in at.text]
    assert texts == ["The training days and meeting the other mentors each month"]


def test_the_bars_split_by_group(app, database_url):
    project_id = _survey_project(database_url)
    at = run_on(app(PAGE), project_id)
    at.selectbox(key="survey_by").select("attribute:Role")  # a column of the survey
    run_on(at, project_id)
    medians = [c.value for c in at.caption if c.value.startswith("Median")]
    assert any("Mentor" in m and "Mentee" in m for m in medians), medians

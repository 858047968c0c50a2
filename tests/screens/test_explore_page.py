"""The Explore screen on the demo project: quotes, matrix cells, co-occurrence,
agreement and the disagreement walk, charts."""

import pytest
from sqlmodel import Session

from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.coding.codebook import get_code_by_path
from toc_studio.demo import load_demo


@pytest.fixture
def demo(database_url):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        project = load_demo(s)
        s.commit()
        codes = {
            path: get_code_by_path(s, project, path).id
            for path in ["Mentee", "Mentee/Outcomes", "Activities"]
        }
    yield project, codes
    engine.dispose()


def rerun(at, project) -> None:
    run_on(at, project.id)


def test_quotes_carry_the_participant_label_ready_to_copy(app, demo):
    project, codes = demo
    at = app("screens/explore.py")
    at.selectbox(key="quotes_code").select(codes["Mentee/Outcomes"])
    rerun(at, project)
    quotes = [c.value for c in at.code]
    assert quotes, "no quotes shown"
    assert all(q.startswith("“") for q in quotes[:-1])
    assert any(q.endswith("— Mentee C1") for q in quotes)


def test_a_matrix_cell_shows_its_quotes(app, demo):
    project, codes = demo
    at = app("screens/explore.py")
    frame = at.dataframe[0].value
    assert {"Code", "Mentor", "Mentee", "Total"} <= set(frame.columns)
    at.session_state["matrix_cell"] = (codes["Mentee/Outcomes"], "Mentee")
    rerun(at, project)
    cell_quotes = [c.value for c in at.code if "— Mentee" in c.value]
    assert cell_quotes
    assert not any("— Mentor" in c.value for c in at.code)


def test_agreement_and_the_disagreement_walk(app, demo):
    project, _ = demo
    at = app("screens/explore.py")
    from toc_studio.demo import demo_spec

    coders = [c["name"] for c in demo_spec()["coders"]][:2]
    at.multiselect(key="agree_coders").set_value(coders)
    rerun(at, project)
    tables = [d.value for d in at.dataframe]
    assert any("Kappa" in t.columns for t in tables)
    walk = [c.value for c in at.caption if c.value.startswith("Disagreement 1 of")]
    assert walk


def test_the_matrix_can_run_by_a_participant_attribute(app, demo):
    project, _ = demo
    at = app("screens/explore.py")
    assert "Site" in at.selectbox(key="matrix_by").options
    at.selectbox(key="matrix_by").set_value("attribute:site")
    rerun(at, project)
    frame = at.dataframe[0].value
    assert {"B", "C"} <= set(frame.columns)
    assert "Mentor" not in frame.columns


def test_the_matrix_groups_a_number_attribute_into_ranges(app, demo):
    project, _ = demo
    at = app("screens/explore.py")
    at.selectbox(key="matrix_by").set_value("attribute:months_in_programme")
    rerun(at, project)
    at.text_input(key="matrix_bins").input("0,6,12,24")
    rerun(at, project)
    frame = at.dataframe[0].value
    assert [c for c in frame.columns if c[0].isdigit()] == ["0–5", "6–11", "12–24"]
    at.selectbox(key="matrix_by").set_value("attribute:site")
    rerun(at, project)
    assert any("number attribute" in e.value for e in at.error)  # and the plain matrix
    assert {"B", "C"} <= set(at.dataframe[0].value.columns)

"""The Outcomes screen: change by group with its charts, contacts against change, the
profile and closed survey answers; names from the store shown as typed."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.outcomes.test_survey import SURVEY
from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.coding import codebook
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.outcomes import attributes, contacts, readings
from toc_studio.outcomes.attributes import attribute_types
from toc_studio.outcomes.charts import CAVEAT
from toc_studio.outcomes.survey_import import import_survey_answers
from toc_studio.project import projects
from toc_studio.theory import indicators
from toc_studio.workspace.markdown import md

HOSTILE = "**Mentored** <b>x</b>"


@pytest.fixture
def built(database_url):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        project = projects.create_project(s, "Housing", [HOSTILE, "Not mentored"])
        people = ["label,group,destination"]
        lines = ["participant,date,Work,Home management,Social leisure,Private leisure,"
                 "Close relationships"]  # fmt: skip
        visits = ["participant,date"]
        for n in range(8):
            group = HOSTILE if n % 2 else "Not mentored"
            people.append(f'C{n},"{group}",{"Employment" if n < 3 else "Still supported"}')
            lines += [f"C{n},2025-01-01,6,6,6,6,6", f"C{n},2025-06-01,{6 - n % 4},5,5,4,{n % 3}"]
            visits += [f"C{n},2025-0{m + 1}-03" for m in range(1 + n % 5)]
        attributes.import_participants(s, project, "\n".join(people).encode(), "p.csv")
        readings.import_readings(s, project, "WSAS", "\n".join(lines).encode(), "w.csv")
        contacts.import_contacts(s, project, "\n".join(visits).encode(), "c.csv")
        import_survey_answers(s, project, SURVEY.encode(), "survey.csv", invited=5)
        s.commit()
    yield project
    engine.dispose()


def _frames(at):
    return [d.value for d in at.dataframe]


def test_change_table_charts_and_comparison_by_group(app, built):
    at = run_on(app("screens/outcomes.py"), built.id)
    assert at.selectbox(key="outcomes_instrument").value == "WSAS"
    table = _frames(at)[0]
    assert list(table["Group"]) == ["All"] and list(table["n"]) == [8]
    assert int(table["Improved"][0]) + int(table["Declined"][0]) + int(table["Same"][0]) == 8
    assert [m.value for m in at.metric][:2] == ["80", "8"]
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 4  # three on the change tab, the contacts scatter
    at.selectbox(key="outcomes_by").select("Stakeholder group")
    run_on(at, built.id)
    table = _frames(at)[0]
    assert list(table["Group"]) == [HOSTILE, "Not mentored"]  # as data, not Markdown
    captions = " ".join(c.value for c in at.caption)
    assert md(CAVEAT) in captions
    assert "\\*\\*Mentored\\*\\* \\<b\\>x\\</b\\>" in captions  # escaped in the sentence
    assert "<b>" not in captions.replace("\\<b\\>", "")


def test_one_item_and_no_exceptions_on_every_tab(app, built):
    at = run_on(app("screens/outcomes.py"), built.id)
    at.selectbox(key="outcomes_item").select("Work")
    run_on(at, built.id)
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Spearman's rho" in captions  # contacts tab
    assert "12 participants" in captions  # profile tab: 8 clients, 4 survey respondents
    assert md("survey.csv: 4 respondents of 5 invited (80%)") in captions
    frames = _frames(at)
    destination = next(f for f in frames if "Value" in f and "Employment" in list(f["Value"]))
    assert list(destination["Count"]) == [3, 5]


def test_a_project_without_readings_says_what_to_do(app, database_url):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        project = projects.create_project(s, "Empty", [])
        s.commit()
    at = run_on(app("screens/outcomes.py"), project.id)
    assert any("No readings yet" in i.value for i in at.info)
    engine.dispose()


def test_an_attribute_is_typed_from_the_screen_and_a_bad_order_changes_nothing(
    app, built, database_url
):
    at = run_on(app("screens/outcomes.py"), built.id)
    at.selectbox(key="type_attribute").select("destination")
    at.selectbox(key="type_kind").select("ordinal")
    at.text_input(key="type_order").input("Still supported")
    at.button(key="type_set").click()
    run_on(at, built.id)
    assert any("is not one of Still supported" in e.value for e in at.error)
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        assert attribute_types(s, built)["destination"].kind == "category"
    at.text_input(key="type_order").input("Employment, Still supported")
    at.button(key="type_set").click()
    run_on(at, built.id)
    assert any("destination is now ordinal" in m.value for m in at.success)
    with Session(engine) as s:
        assert attribute_types(s, built)["destination"].levels == ("Employment", "Still supported")
    engine.dispose()


def test_a_score_is_linked_to_an_outcome_element(app, built, database_url):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        code = codebook.create_code(s, built, "Back in work", category="outcome")
        s.commit()
    at = run_on(app("screens/outcomes.py"), built.id)
    at.selectbox(key="indicator_element").select(f"code:{code.id}")
    at.button(key="indicator_add").click()
    run_on(at, built.id)
    assert any("WSAS now measures the element" in m.value for m in at.success)
    assert "Back in work ← total" in [t.value for t in at.text]
    with Session(engine) as s:
        [link] = indicators.list_indicators(s, built)
        assert (link.element, link.instrument) == (f"code:{code.id}", "WSAS")
    engine.dispose()


def test_a_closed_answer_opens_the_open_answers_of_those_respondents(app, database_url):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        project = projects.create_project(s, "Survey only", [])
        import_batch(s, project, [Upload("survey.csv", SURVEY.encode())], ImportOptions(ner=False))
        import_survey_answers(s, project, SURVEY.encode(), "survey.csv")
        s.commit()
    at = run_on(app("screens/outcomes.py"), project.id)
    at.selectbox(key="open_question").select(("survey.csv", "Would recommend"))
    run_on(at, project.id)
    at.selectbox(key="open_value").select("no")
    run_on(at, project.id)
    texts = [t.value for t in at.text]
    assert "The training days and meeting the other mentors each month" in texts
    assert "Having someone who had been there before me" not in texts
    engine.dispose()


def test_every_chart_is_valid_vega_lite_described_and_drawn_without_altair(app, built, monkeypatch):
    """The charts are Vega-Lite specifications written as dicts (toc_studio/ui/vega.py):
    each one valid against the Vega-Lite schema Altair carries, with a description for
    screen readers; a name from the store is data in it, and the survey's bars still
    select an answer."""
    import altair as alt

    from toc_studio.ui import vega

    specs, real = [], vega.spec
    monkeypatch.setattr(vega, "spec", lambda *a, **k: specs.append(real(*a, **k)) or specs[-1])
    at = run_on(app("screens/outcomes.py"), built.id)
    at.selectbox(key="outcomes_by").select("Stakeholder group")
    specs.clear()
    run_on(at, built.id)
    # three on the change tab, the scatter, the survey's bars
    assert len(specs) == len(at.get("vega_lite_chart")) >= 5
    for spec in specs:
        alt.Chart.from_dict(spec, validate=True)  # raises on an invalid specification
        assert spec["description"] and spec["config"]["view"]["continuousWidth"] == 300
    outcomes = next(s for s in specs if s["encoding"].get("color", {}).get("field") == "Outcome")
    assert outcomes["encoding"]["color"]["sort"] == ["Improved", "Same", "Declined"]
    assert HOSTILE in {row["Group"] for row in outcomes["data"]["values"]}  # as typed
    survey = [s for s in specs if s.get("params")]
    assert survey and all(s["params"][0]["select"]["fields"] == ["Answer"] for s in survey)


def test_a_chart_is_the_specification_altair_would_give():
    import altair as alt

    from toc_studio.ui import vega

    rows = [{"Change": 1.5, "Group": "A"}]
    ours = vega.spec(
        rows, "bar", "Histogram", x=vega.channel("Change:Q", bin={"maxbins": 20}),
        y="count():Q", color="Group:N",
    )  # fmt: skip
    theirs = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(x=alt.X("Change:Q", bin=alt.Bin(maxbins=20)), y="count():Q", color="Group:N")
        .properties(description="Histogram")
        .to_dict()
    )
    theirs.pop("$schema")
    assert ours == theirs

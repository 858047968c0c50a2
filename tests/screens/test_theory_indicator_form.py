"""The ToC screen's Evidence tab: an outcome element is linked to an instrument's score
with a small form (what `toc indicator add` does on the command line)."""

from __future__ import annotations

from sqlmodel import Session

from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.demo import load_demo
from toc_studio.project import projects
from toc_studio.theory import indicators
from toc_studio.theory.assemble import assemble


def test_an_outcome_element_is_linked_to_an_instrument_item_from_the_evidence_tab(
    app, database_url
):
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project = load_demo(s)
        s.commit()
        project_id = project.id
        graph = assemble(s, project)
        element = next(
            n for n, a in graph.nodes(data=True)
            if a["category"] == "outcome" and not indicators_of(s, project, n)
        )  # fmt: skip
    at = run_on(app("screens/theory.py"), project_id)
    at.selectbox(key="toc_evidence").select(element).run()
    assert not at.exception, at.exception
    at.selectbox(key=f"toc_ind_instrument_{element}").select("Homelessness Outcomes Star").run()
    item = at.selectbox(key=f"toc_ind_item_{element}")
    assert item.options[0] == "Total"
    item.select_index(1).run()
    chosen = item.value
    at.text_input(key=f"toc_ind_text_{element}").input("Stable housing at the last review")
    at.button(key=f"toc_ind_add_{element}").click()
    run_on(at, project_id)
    assert not at.exception, at.exception
    with Session(engine) as s:
        project = projects.get_project(s, project_id)
        [link] = indicators_of(s, project, element)
        assert (link.instrument, link.item) == ("Homelessness Outcomes Star", chosen)
        assert link.text == "Stable housing at the last review"
    engine.dispose()


def indicators_of(session, project, element):
    return [i for i in indicators.list_indicators(session, project) if i.element == element]

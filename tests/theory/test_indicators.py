"""Indicators: an outcome instrument linked to a ToC outcome element, with its figures in
the version's JSON form; a frozen version keeps the figures it was frozen with."""

from __future__ import annotations

import json

import pytest

from toc_studio.cli import main
from toc_studio.demo import load_demo
from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.outcomes.change import change
from toc_studio.outcomes.readings import import_readings
from toc_studio.theory import indicators, versions
from toc_studio.theory.assemble import assemble
from toc_studio.theory.picture import html, image
from toc_studio.theory.picture.scene import evidence_line


def _outcome(session, project) -> str:
    graph = assemble(session, project)
    return next(n for n, a in graph.nodes(data=True) if a["category"] == "outcome")


def test_an_indicator_carries_the_instrument_figures_into_the_json(session):
    project = load_demo(session)
    element = _outcome(session, project)
    link = indicators.add_indicator(session, project, element, "Outcomes Star")
    assert link.instrument == "Homelessness Outcomes Star" and link.item is None
    working = versions.working_version(session, project)
    document = versions.version_document(session, project, working)
    node = next(n for n in document["nodes"] if n["id"] == element)
    everyone = change(session, project, "Outcomes Star")["groups"][0]
    assert node["indicators"] == [{
        "text": "", "instrument": "Homelessness Outcomes Star", "item": None, "n": everyone["n"],
        "mean_change": everyone["mean_change"], "improved": everyone["improved"],
        "declined": everyone["declined"], "same": everyone["same"],
    }]  # fmt: skip
    assert all(n["indicators"] == [] for n in document["nodes"] if n["id"] != element)
    graph = versions.version_graph(session, project, working)
    assert graph.nodes[element]["indicators"] == node["indicators"]


def test_a_frozen_version_keeps_its_figures(session):
    project = load_demo(session)
    element = _outcome(session, project)
    indicators.add_indicator(session, project, element, "WSAS", item="Work")
    frozen, _ = versions.freeze(session, project, "Draft 2")
    before = json.loads(frozen.snapshot)
    [figure] = next(n for n in before["nodes"] if n["id"] == element)["indicators"]
    assert (figure["item"], figure["n"]) == ("Work", 0)  # no WSAS readings yet
    text = "participant,date,Work\nMentee C1,2025-01-01,6\nMentee C1,2025-06-01,2\n"
    import_readings(session, project, "WSAS", text.encode(), "w.csv")
    again = versions.version_document(session, project, frozen)
    assert again == before
    live = versions.version_document(session, project, versions.working_version(session, project))
    [now] = next(n for n in live["nodes"] if n["id"] == element)["indicators"]
    assert (now["n"], now["improved"]) == (1, 1)  # WSAS: lower is better


def test_indicators_are_checked(session):
    project = load_demo(session)
    element = _outcome(session, project)
    graph = assemble(session, project)
    other = next(n for n, a in graph.nodes(data=True) if a["category"] == "activity")
    with pytest.raises(Invalid, match="measures an outcome"):
        indicators.add_indicator(session, project, other, "WSAS")
    with pytest.raises(NotFound, match="no element 'code:999999'"):
        indicators.add_indicator(session, project, "code:999999", "WSAS")
    with pytest.raises(Invalid, match="no total score"):
        indicators.add_indicator(session, project, element, "ONS-4")
    link = indicators.add_indicator(session, project, element, "ONS-4", item="Anxiety")
    with pytest.raises(Conflict):
        indicators.add_indicator(session, project, element, "ONS-4", item="4")
    indicators.remove_indicator(session, project, link.id)
    assert indicators.list_indicators(session, project) == []


def test_the_commands(capsys, database_url, session):
    project = load_demo(session)
    element = _outcome(session, project)
    session.commit()
    name = project.name
    code = main(["--db", database_url, "toc", "indicator", "add", "--project", name,
                 "--element", element, "--instrument", "Outcomes Star", "--json"])  # fmt: skip
    assert code == 0 and json.loads(capsys.readouterr().out)["element"] == element
    code = main(["--db", database_url, "toc", "indicator", "list", "--project", name, "--json"])
    [row] = json.loads(capsys.readouterr().out)["indicators"]
    assert row["n"] == 18 and row["improved"] + row["declined"] + row["same"] == 18
    assert main(["--db", database_url, "toc", "indicator", "remove", "--project", name,
                 str(row["id"])]) == 0  # fmt: skip


def test_the_pictures_show_a_badge_and_the_hover_the_figures(session):
    project = load_demo(session)
    element = _outcome(session, project)
    indicators.add_indicator(session, project, element, "Outcomes Star")
    graph = versions.version_graph(session, project, versions.working_version(session, project))
    [figure] = graph.nodes[element]["indicators"]
    assert f"▲{figure['improved']} ▼{figure['declined']}" in evidence_line(graph.nodes[element])
    assert image.draw_pages(graph, 1.4, dpi=72)  # the badge draws
    page = html.version_html(graph)
    assert f"Indicator: Homelessness Outcomes Star: n = {figure['n']}" in page

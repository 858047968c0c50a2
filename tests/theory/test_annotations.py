"""Indicators in words, evaluation questions on elements and assumptions on links: in the
JSON form, kept by a frozen version, compared between versions, refused when wrong."""

from __future__ import annotations

import json

import pytest

from toc_studio.demo import load_demo
from toc_studio.errors import Invalid, NotFound
from toc_studio.theory import annotations, indicators, versions
from toc_studio.theory.models import STRUCTURE


def _working(session, project) -> dict:
    return versions.version_document(session, project, versions.working_version(session, project))


def _drawn_link(document: dict) -> dict:
    return next(e for e in document["edges"] if e["kind"] != STRUCTURE)


def _node(document: dict, key: str) -> dict:
    return next(n for n in document["nodes"] if n["id"] == key)


def _activity(document: dict) -> str:
    return next(n["id"] for n in document["nodes"] if n["category"] == "activity")


def test_a_written_indicator_and_a_question_sit_on_any_element(session):
    project = load_demo(session)
    element = _activity(_working(session, project))
    link = indicators.add_indicator(
        session, project, element, text="Sessions held per mentee per month"
    )
    assert (link.text, link.instrument) == ("Sessions held per mentee per month", None)
    annotations.add_question(session, project, element, "Did every mentee get a session?")
    node = _node(_working(session, project), element)
    assert node["indicators"] == [{
        "text": "Sessions held per mentee per month", "instrument": None, "item": None,
        "n": None, "mean_change": None, "improved": None, "declined": None, "same": None,
    }]  # fmt: skip
    assert node["questions"] == ["Did every mentee get a session?"]


def test_a_written_indicator_on_an_outcome_can_be_measured_later(session):
    project = load_demo(session)
    document = _working(session, project)
    outcome = next(n["id"] for n in document["nodes"] if n["category"] == "outcome")
    link = indicators.add_indicator(session, project, outcome, text="Wellbeing improves")
    measured = indicators.link_indicator(session, project, link.id, "Outcomes Star")
    assert (measured.text, measured.instrument) == ("Wellbeing improves", measured.instrument)
    [figure] = _node(_working(session, project), outcome)["indicators"]
    assert figure["text"] == "Wellbeing improves" and figure["n"] > 0
    activity = _activity(document)
    other = indicators.add_indicator(session, project, activity, text="Attendance")
    with pytest.raises(Invalid, match="measures an outcome"):
        indicators.link_indicator(session, project, other.id, "Outcomes Star")


def test_an_assumption_sits_on_a_drawn_link_with_its_status_and_quotes(session):
    project = load_demo(session)
    document = _working(session, project)
    link = _drawn_link(document)
    node = _node(document, link["source"])
    quotes = [x.coding_id for x in _excerpts(session, project, link["source"])][:2]
    found = annotations.add_assumption(
        session, project, link["source"], link["target"],
        "Mentors have time to meet weekly", "supported", tuple(quotes),
    )  # fmt: skip
    assert found.status == "supported" and list(found.quotes) == sorted(quotes)
    edge = next(
        e for e in _working(session, project)["edges"]
        if (e["source"], e["target"]) == (link["source"], link["target"])
    )  # fmt: skip
    assert edge["assumptions"] == [{"id": found.id, "text": "Mentors have time to meet weekly",
                                    "status": "supported", "quotes": sorted(quotes)}]  # fmt: skip
    changed = annotations.update_assumption(session, project, found.id, status="challenged")
    assert changed.status == "challenged"
    assert node["label"]


def _excerpts(session, project, key: str):
    from toc_studio.theory import view

    working = versions.working_version(session, project)
    return view.node_excerpts(session, project, working.id, key)


def test_wrong_annotations_are_refused_with_a_sentence(session):
    project = load_demo(session)
    document = _working(session, project)
    link = _drawn_link(document)
    structural = next(e for e in document["edges"] if e["kind"] == STRUCTURE)
    unlinked = (structural["target"], structural["source"])
    with pytest.raises(Invalid, match="draw the link first"):
        annotations.add_assumption(session, project, *unlinked, "Something holds")
    with pytest.raises(Invalid, match="untested, supported, challenged"):
        annotations.add_assumption(session, project, link["source"], link["target"], "x", "maybe")
    with pytest.raises(NotFound, match="no coding 99999999"):
        annotations.add_assumption(
            session, project, link["source"], link["target"], "x", quotes=(99999999,)
        )
    with pytest.raises(Invalid, match="Write the evaluation question"):
        annotations.add_question(session, project, link["source"], "   ")
    with pytest.raises(NotFound, match="no element"):
        annotations.add_question(session, project, "code:99999999", "Why?")
    with pytest.raises(Invalid, match="Write the indicator"):
        indicators.add_indicator(session, project, link["source"])
    with pytest.raises(Invalid, match="limited to 2000"):
        indicators.add_indicator(session, project, link["source"], text="x" * 2001)


def test_a_frozen_version_keeps_what_it_carried_and_the_diff_says_what_changed(session):
    project = load_demo(session)
    document = _working(session, project)
    element, link = _activity(document), _drawn_link(document)
    annotations.add_question(session, project, element, "Who came to the sessions?")
    found = annotations.add_assumption(
        session, project, link["source"], link["target"], "Mentors stay for a year"
    )
    frozen, _ = versions.freeze(session, project, "Draft 2")
    kept = json.loads(frozen.snapshot)
    annotations.add_question(session, project, element, "How often?")
    annotations.update_assumption(session, project, found.id, status="supported")
    assert versions.version_document(session, project, frozen) == kept
    assert _node(kept, element)["questions"] == ["Who came to the sessions?"]
    from toc_studio.theory import diff

    change = diff.diff_versions(
        session, project, frozen, versions.working_version(session, project)
    )
    whats = {(a["what"], tuple(a["after"])) for a in change.annotations}
    assert ("question", ("Who came to the sessions?", "How often?")) in whats
    assert ("assumption", ("Mentors stay for a year [supported]",)) in whats
    lines = "\n".join(change.lines())
    assert "+ question of" in lines and "How often?" in lines
    assert "- assumption of" in lines and "[untested]" in lines

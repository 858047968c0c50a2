"""The stable JSON form: documented keys, same bytes every time, a faithful round trip."""

import json

from toc_studio.demo import load_demo
from toc_studio.theory import export_json, versions
from toc_studio.theory.assemble import assemble


def test_the_json_form_has_the_documented_shape(session):
    project = load_demo(session)
    document = versions.version_document(
        session, project, versions.working_version(session, project)
    )
    assert list(document)[:8] == [
        "format",
        "project",
        "version",
        "note",
        "level",
        "groups",
        "phases",
        "nodes",
    ]
    assert document["groups"] == ["Mentor", "Mentee"]
    node = document["nodes"][0]
    assert list(node) == [
        "id",
        "label",
        "category",
        "branch",
        "domain",
        "code_path",
        "evidence",
        "hand_made",
        "thin",
        "merged_from",
        "indicators",
        "questions",
    ]
    assert list(node["evidence"]) == [
        "passages",
        "codings",
        "participants",
        "of",
        "documents",
        "methods",
        "by_group",
    ]
    assert node["category"] == "resource" and node["branch"] == "shared"
    assert list(document["edges"][0]) == [
        "source", "target", "kind", "label", "rationale", "assumptions"
    ]  # fmt: skip
    hand = [n for n in document["nodes"] if n["hand_made"]]
    assert [n["label"] for n in hand] == ["Mentors feel valued by the service"]
    assert hand[0]["evidence"]["codings"] == 0 and hand[0]["code_path"] is None


def test_the_same_version_gives_the_same_bytes(session):
    project = load_demo(session)
    working = versions.working_version(session, project)
    first = export_json.dumps(versions.version_document(session, project, working))
    second = export_json.dumps(versions.version_document(session, project, working))
    assert first == second
    frozen = versions.get_version(session, project, "Draft 1")
    assert export_json.dumps(versions.version_document(session, project, frozen)) == frozen.snapshot


def test_a_document_round_trips_through_the_graph(session):
    project = load_demo(session)
    document = export_json.to_dict(assemble(session, project))
    again = export_json.to_dict(
        export_json.graph_from_dict(json.loads(export_json.dumps(document)))
    )
    assert again == document


def test_nodes_come_in_diagram_order(session):
    project = load_demo(session)
    document = export_json.to_dict(assemble(session, project))
    order = ["resource", "activity", "enabler", "challenge", "domain", "outcome"]
    categories = [order.index(n["category"]) for n in document["nodes"]]
    assert categories == sorted(categories)

"""Versions and workshop editing: freeze keeps a version forever, edits are logged and undoable."""

import json

import pytest

from toc_studio.coding import codebook
from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.theory import edit, versions
from toc_studio.theory.assemble import code_key
from toc_studio.theory.models import TocVersion


def _key(session, project, path):
    return code_key(codebook.get_code_by_path(session, project, path).id)


def _graph(session, project):
    return versions.version_graph(session, project, versions.working_version(session, project))


def test_freezing_keeps_the_version_while_the_codebook_moves_on(session, mentoring):
    project = mentoring.project
    frozen, working = versions.freeze(session, project, "Draft 1", "From the first interviews")
    assert frozen.frozen and frozen.frozen_at is not None and not working.frozen
    assert working.based_on_id == frozen.id
    before = versions.version_document(session, project, frozen)
    code = mentoring.codes["Mentor/Challenges/Access to supervision"]
    codebook.update_code(session, code, name="Supervision access", category="enabler")
    after_frozen = versions.version_document(session, project, frozen)
    assert after_frozen == before
    live = _graph(session, project).nodes[code_key(code.id)]
    assert (live["label"], live["category"]) == ("Supervision access", "enabler")
    assert [v.name for v in versions.list_versions(session, project)] == [
        "Draft 1",
        "Working draft",
    ]


def test_a_frozen_version_refuses_edits(session, mentoring):
    project = mentoring.project
    frozen, _ = versions.freeze(session, project, "Draft 1")
    with pytest.raises(Conflict, match="frozen"):
        edit.add_node(session, project, frozen, "New idea", "outcome", "Mentee", "Social")
    with pytest.raises(Conflict, match="already a version"):
        versions.freeze(session, project, "Draft 1")


def test_a_hand_made_element_is_marked_and_logged_with_who_and_when(session, mentoring):
    project = mentoring.project
    working = versions.working_version(session, project)
    key = edit.add_node(
        session,
        project,
        working,
        "Mentees feel less alone",
        "outcome",
        "Mentee",
        "Social",
        author="Lead",
        note="Said at the workshop",
    )
    node = _graph(session, project).nodes[key]
    assert node["hand_made"] and node["evidence"].codings == 0 and node["branch"] == "Mentee"
    [entry] = versions.edit_log(session, working)
    assert (entry.author, entry.action, entry.note) == ("Lead", "add", "Said at the workshop")
    assert entry.at is not None and "Mentees feel less alone" in entry.summary
    edit.undo_last(session, working)
    assert key not in _graph(session, project)
    assert versions.edit_log(session, working)[0].undone


def test_rename_move_merge_delete_and_their_undo(session, mentoring):
    project = mentoring.project
    working = versions.working_version(session, project)
    trust = _key(session, project, "Mentee/Outcomes/Personal/Trust")
    family = _key(session, project, "Mentee/Outcomes/Social/Family contact")
    edit.rename_node(session, project, working, trust, "Trusts people again", author="Lead")
    assert _graph(session, project).nodes[trust]["label"] == "Trusts people again"

    edit.move_node(session, project, working, trust, domain="Social", author="Lead")
    code = mentoring.codes["Mentee/Outcomes/Personal/Trust"]
    session.refresh(code)
    assert code.domain == "Social"  # the code is the one source of truth

    edit.merge_nodes(session, project, working, family, trust, author="Lead")
    graph = _graph(session, project)
    assert family not in graph
    assert graph.nodes[trust]["evidence"].codings == 2
    assert graph.nodes[trust]["merged_from"] == [family]

    induction = _key(session, project, "Activities/Induction training")
    edit.delete_node(session, project, working, induction, author="Lead")
    assert induction not in _graph(session, project)

    for _ in range(4):
        edit.undo_last(session, working)
    graph = _graph(session, project)
    session.refresh(code)
    assert code.domain == "Personal"
    assert graph.nodes[trust]["label"] == "Trust"
    assert family in graph and induction in graph
    assert graph.nodes[trust]["evidence"].codings == 1
    with pytest.raises(Conflict, match="nothing left to undo"):
        edit.undo_last(session, working)


def test_links_are_added_labelled_removed_and_undone(session, mentoring):
    project = mentoring.project
    working = versions.working_version(session, project)
    access = _key(session, project, "Mentor/Challenges/Access to supervision")
    trust = _key(session, project, "Mentee/Outcomes/Personal/Trust")
    induction = _key(session, project, "Activities/Induction training")
    edit.add_link(
        session, project, working, access, trust, "hinders", rationale="Mentors miss sessions"
    )
    edge = _graph(session, project).edges[access, trust]
    assert (edge["kind"], edge["rationale"]) == ("hinders", "Mentors miss sessions")
    edit.relabel_link(session, project, working, access, trust, kind="leads to", label="delays")
    assert _graph(session, project).edges[access, trust]["label"] == "delays"
    edit.remove_link(session, project, working, induction, access)  # a default link
    assert not _graph(session, project).has_edge(induction, access)
    edit.undo_last(session, working)
    assert _graph(session, project).has_edge(induction, access)
    with pytest.raises(Invalid, match="leads to, enables, hinders"):
        edit.add_link(session, project, working, access, trust, "causes")
    with pytest.raises(NotFound):
        edit.add_link(session, project, working, access, "hand:nothing")


def test_a_hand_made_element_linked_to_a_code_gains_its_evidence(session, mentoring):
    project = mentoring.project
    working = versions.working_version(session, project)
    key = edit.add_node(session, project, working, "Family ties", "outcome", "Mentee", "Social")
    family = _key(session, project, "Mentee/Outcomes/Social/Family contact")
    edit.link_node_to_code(session, project, working, key, "Mentee/Outcomes/Social/Family contact")
    graph = _graph(session, project)
    assert family not in graph  # the code's evidence now belongs to the hand-made element
    assert graph.nodes[key]["evidence"].codings == 1 and graph.nodes[key]["hand_made"]
    assert graph.nodes[key]["label"] == "Family ties"


def test_the_new_working_version_starts_as_a_copy(session, mentoring):
    project = mentoring.project
    working = versions.working_version(session, project)
    key = edit.add_node(session, project, working, "Hope", "outcome", "Mentee", "Personal")
    edit.set_level(session, project, working, 2)
    frozen, successor = versions.freeze(session, project, "Draft 1")
    assert successor.level == 2
    assert key in _graph(session, project)
    assert versions.edit_log(session, successor) == []
    snapshot = json.loads(frozen.snapshot)
    assert [e["action"] for e in snapshot["edits"]] == ["add", "set level"]
    assert session.get(TocVersion, frozen.id).frozen

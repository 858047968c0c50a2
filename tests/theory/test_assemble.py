"""Assembly: the codebook and codings of a project become the Theory of Change graph."""

from collections import defaultdict

import networkx as nx
from sqlalchemy import select

from tests.builders import span_of
from toc_studio.coding import codebook, codings
from toc_studio.coding.models import Code, Coding
from toc_studio.demo import load_demo
from toc_studio.ingest.models import Turn
from toc_studio.project.models import Group, Participant
from toc_studio.theory import versions
from toc_studio.theory.assemble import (
    TocElement,
    Workshop,
    apply_workshop,
    assemble,
    code_key,
    domain_key,
    outcome_domains,
)
from toc_studio.theory.models import TocEdge, TocNode


def _key(session, project, path):
    return code_key(codebook.get_code_by_path(session, project, path).id)


def test_a_small_project_gives_the_expected_graph(session, mentoring):
    graph = assemble(session, mentoring.project)
    k = {p: _key(session, mentoring.project, p) for p in mentoring.codes}
    mentee = codebook.get_code_by_path(
        session, mentoring.project, "Mentee/Outcomes/Social/Family contact"
    )
    social, personal = (
        domain_key(mentee.branch_group_id, "Social"),
        domain_key(mentee.branch_group_id, "Personal"),
    )
    # "Activities" has sub-themes and no codings of its own: only its sub-theme is a node.
    assert set(graph.nodes) == {
        k["Activities/Induction training"],
        k["Mentor/Challenges/Access to supervision"],
        k["Mentee/Outcomes/Social/Family contact"],
        k["Mentee/Outcomes/Personal/Trust"],
        social,
        personal,
    }
    assert set(graph.edges) == {
        (k["Activities/Induction training"], k["Mentor/Challenges/Access to supervision"]),
        (k["Activities/Induction training"], social),
        (k["Activities/Induction training"], personal),
        (social, k["Mentee/Outcomes/Social/Family contact"]),
        (personal, k["Mentee/Outcomes/Personal/Trust"]),
    }
    access = graph.nodes[k["Mentor/Challenges/Access to supervision"]]
    assert (access["category"], access["branch"], access["label"]) == (
        "challenge",
        "Mentor",
        "Access to supervision",
    )
    assert graph.nodes[k["Activities/Induction training"]]["branch"] == "shared"
    trust = graph.nodes[k["Mentee/Outcomes/Personal/Trust"]]
    assert trust["evidence"].as_dict() == {
        "passages": 1,
        "codings": 1,
        "participants": 1,
        "of": 3,
        "documents": 1,
        "methods": ["interview"],
        "by_group": {
            "Mentee": {"passages": 1, "codings": 1, "participants": 1, "of": 2, "documents": 1}
        },
    }
    assert trust["thin"] and not trust["hand_made"]
    assert nx.is_directed_acyclic_graph(graph)


def test_codings_outside_any_speaker_turn_count_for_the_documents_only_participant(
    session, mentoring
):
    from toc_studio.ingest import documents

    code = mentoring.codes["Activities/Induction training"]
    codings.add_coding(session, mentoring.mentor_doc, code, mentoring.ben, 0, 11)  # "Interviewer"
    notes = documents.add_document(session, mentoring.project, "Notes", "Field notes.")
    codings.add_coding(session, notes, code, mentoring.ben, 0, 5)  # no participant at all
    graph = assemble(session, mentoring.project)
    evidence = graph.nodes[code_key(code.id)]["evidence"]
    assert (evidence.codings, evidence.participants, evidence.documents) == (3, 1, 2)
    assert evidence.by_group == {
        "Mentor": {"passages": 2, "codings": 2, "participants": 1, "of": 1, "documents": 1}
    }


def test_sub_themes_roll_up_into_their_parent_at_the_chosen_level(session, mentoring):
    project = mentoring.project
    matching = codebook.create_code(
        session,
        project,
        "Matching",
        parent=codebook.get_code_by_path(session, project, "Activities"),
        category="activity",
    )
    for quote in ("I trust people again", "Ten sessions felt short"):
        codings.add_coding(
            session,
            mentoring.mentee_doc,
            matching,
            mentoring.asha,
            *span_of(mentoring.mentee_doc, quote),
        )
    fine = assemble(session, project)
    assert code_key(matching.id) in fine and _key(session, project, "Activities") not in fine
    rolled = assemble(session, project, level=1)
    activities = _key(session, project, "Activities")
    assert code_key(matching.id) not in rolled
    assert _key(session, project, "Activities/Induction training") not in rolled
    evidence = rolled.nodes[activities]["evidence"]
    # Mentee C1 speaks in both Matching codings: counted once.
    assert (evidence.codings, evidence.participants, evidence.documents) == (3, 2, 2)
    assert set(evidence.by_group) == {"Mentor", "Mentee"}
    assert rolled.nodes[activities]["label"] == "Activities"


def test_codes_without_a_category_stay_out_of_the_diagram(session, mentoring):
    other = codebook.create_code(session, mentoring.project, "Unexpected")
    codings.add_coding(
        session,
        mentoring.mentee_doc,
        other,
        mentoring.asha,
        *span_of(mentoring.mentee_doc, "it ended just as I opened up"),
    )
    graph = assemble(session, mentoring.project)
    assert code_key(other.id) not in graph
    assert all(a["label"] != "Unexpected" for _, a in graph.nodes(data=True))


def test_the_demo_assembles_into_a_trunk_and_two_branches(session):
    project = load_demo(session)
    graph = assemble(session, project)
    elements = {k: a for k, a in graph.nodes(data=True) if a["category"] != "domain"}
    assert {a["category"] for a in elements.values()} == {
        "resource",
        "activity",
        "enabler",
        "challenge",
        "outcome",
    }
    assert {
        a["branch"] for a in elements.values() if a["category"] in ("resource", "activity")
    } == {"shared"}
    assert {a["branch"] for a in elements.values() if a["category"] == "outcome"} == {
        "Mentor",
        "Mentee",
    }
    assert {a["label"] for a in elements.values()} >= {"Funding", "Short-term support"}
    assert "Views on the evaluation itself" not in {a["label"] for a in elements.values()}
    assert nx.is_directed_acyclic_graph(graph)
    for key, attrs in elements.items():
        if attrs["category"] == "outcome":
            assert [p for p in graph.predecessors(key) if graph.nodes[p]["category"] == "domain"]


def test_demo_evidence_matches_a_count_made_by_hand(session):
    """The SQL aggregation agrees with a plain recount over every coding and turn."""
    project = load_demo(session)
    graph = assemble(session, project)
    turns = defaultdict(list)
    for doc_id, start, end, pid in session.execute(
        select(Turn.document_id, Turn.start, Turn.end, Turn.participant_id)
    ):
        turns[doc_id].append((start, end, pid))
    groups = dict(session.execute(select(Participant.id, Group.name).join(Group)).all())
    rows = session.execute(
        select(Coding.code_id, Coding.document_id, Coding.start)
        .join(Code)
        .where(Code.project_id == project.id)
    ).all()
    for _, attrs in graph.nodes(data=True):
        mine = [r for r in rows if r[0] in set(attrs["code_ids"])]
        people = set()
        for _, doc_id, start in mine:
            people |= {pid for s, e, pid in turns[doc_id] if s <= start < e and pid}
        evidence = attrs["evidence"]
        assert evidence.codings == len(mine), attrs["label"]
        assert evidence.participants == len(people), attrs["label"]
        assert evidence.documents == len({r[1] for r in mine}), attrs["label"]
        assert sum(g["participants"] for g in evidence.by_group.values()) == len(
            [p for p in people if p in groups]
        )
        assert attrs["thin"] == (len(people) == 1)


def test_assembling_twice_counts_the_same_evidence(session, mentoring):
    first = assemble(session, mentoring.project)
    again = assemble(session, mentoring.project)
    assert {k: a["evidence"] for k, a in again.nodes(data=True)} == {
        k: a["evidence"] for k, a in first.nodes(data=True)
    }


def test_evidence_follows_swapped_codes_and_regrouped_participants(session, mentoring):
    from sqlalchemy import update

    from toc_studio.project import projects

    project = mentoring.project
    trust = mentoring.codes["Mentee/Outcomes/Personal/Trust"]
    access = mentoring.codes["Mentor/Challenges/Access to supervision"]
    before = assemble(session, project)
    assert before.nodes[code_key(trust.id)]["evidence"].by_group == {
        "Mentee": {"passages": 1, "codings": 1, "participants": 1, "of": 2, "documents": 1}
    }
    ids = {
        code_id: coding_id
        for coding_id, code_id in session.execute(
            select(Coding.id, Coding.code_id).where(Coding.code_id.in_([trust.id, access.id]))
        )
    }
    session.execute(update(Coding).where(Coding.id == ids[trust.id]).values(code_id=access.id))
    session.execute(update(Coding).where(Coding.id == ids[access.id]).values(code_id=trust.id))
    swapped = assemble(session, project)
    assert set(swapped.nodes[code_key(trust.id)]["evidence"].by_group) == {"Mentor"}
    projects.update_participant(
        session, projects.get_participant(session, project, "Mentor B1"), group="Mentee"
    )
    regrouped = assemble(session, project)
    assert set(regrouped.nodes[code_key(trust.id)]["evidence"].by_group) == {"Mentee"}


def test_the_workshop_stage_relabels_merges_and_removes_typed_elements():
    def outcome(code_id: int, label: str) -> TocElement:
        return TocElement(code_key(code_id), label, "outcome", 5, "Mentee", "Personal",
                          code_id=code_id)  # fmt: skip

    access = TocElement(code_key(3), "Access", "challenge", 4, "Mentor", None, code_id=3)
    elements = {e.key: e for e in (outcome(1, "Trust"), outcome(2, "Hope"), access)}
    workshop = Workshop([
        TocNode(version_id=1, key=code_key(1), label="Mentees trust again"),
        TocNode(version_id=1, key=code_key(2), merged_into=code_key(1)),
        TocNode(version_id=1, key=code_key(3), removed=True),
    ])  # fmt: skip
    mapping = {1: code_key(1), 2: code_key(2), 3: code_key(3), 4: code_key(2)}  # 4 rolls up
    kept = apply_workshop(elements, mapping, workshop)
    assert list(kept) == [code_key(1)]
    trust = kept[code_key(1)]
    assert (trust.label, trust.merged_from, sorted(trust.code_ids)) == (
        "Mentees trust again", [code_key(2)], [1, 2, 4]
    )
    [(key, heading)] = outcome_domains(kept).items()
    assert key == domain_key(5, "Personal") == trust.domain_key
    assert (heading.category, heading.label, sorted(heading.code_ids)) == ("domain", "Personal",
                                                                            [1, 2, 4])  # fmt: skip
    assert trust.node_attributes()["domain_key"] == key
    assert "domain_key" not in access.node_attributes()


def test_a_version_merges_elements_and_removes_a_default_link(session, mentoring):
    project = mentoring.project
    k = {p: _key(session, project, p) for p in mentoring.codes}
    family, trust = k["Mentee/Outcomes/Social/Family contact"], k["Mentee/Outcomes/Personal/Trust"]
    induction = k["Activities/Induction training"]
    access = k["Mentor/Challenges/Access to supervision"]
    version = versions.working_version(session, project)
    session.add(TocNode(version_id=version.id, key=family, merged_into=trust))
    session.add(TocNode(version_id=version.id, key=trust, label="Trust & family"))
    session.add(TocEdge(version_id=version.id, source=induction, target=access,
                        kind="structure", removed=True))  # fmt: skip
    session.flush()
    graph = assemble(session, project, version)
    mentee = codebook.get_code_by_path(session, project, "Mentee/Outcomes/Personal/Trust")
    assert family not in graph and domain_key(mentee.branch_group_id, "Social") not in graph
    merged = graph.nodes[trust]
    assert (merged["label"], merged["merged_from"], merged["evidence"].codings) == (
        "Trust & family", [family], 2
    )
    assert (induction, access) not in graph.edges
    assert (induction, domain_key(mentee.branch_group_id, "Personal")) in graph.edges

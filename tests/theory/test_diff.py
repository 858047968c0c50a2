"""Diff: what changed between two versions, with the notes recorded for each change."""

from tests.builders import span_of
from toc_studio.coding import codings
from toc_studio.demo import load_demo
from toc_studio.theory import diff, edit, versions
from toc_studio.theory.assemble import code_key


def _node(id_, label, category="outcome", branch="Mentee", domain="Social", codings_=1, **extra):
    return {
        "id": id_,
        "label": label,
        "category": category,
        "branch": branch,
        "domain": domain,
        "evidence": {"codings": codings_, "participants": 1, "documents": 1, "by_group": {}},
        "hand_made": False,
        "merged_from": [],
        **extra,
    }


def test_documents_compare_element_by_element():
    before = {
        "version": "A",
        "nodes": [
            _node("code:1", "Trust"),
            _node("code:2", "Hope"),
            _node("code:3", "Family"),
            _node("code:4", "Phones", "resource", "shared", None),
        ],
        "edges": [{"source": "code:1", "target": "code:2", "kind": "enables", "label": ""}],
    }
    after = {
        "version": "B",
        "note": "After the mentee workshop",
        "nodes": [
            _node("code:1", "Trust in mentor", domain="Personal"),
            _node("code:2", "Hope", codings_=4, merged_from=["code:3"]),
            _node("hand:ab", "Feeling less alone", codings_=0, hand_made=True),
        ],
        "edges": [
            {"source": "code:1", "target": "code:2", "kind": "hinders", "label": ""},
            {"source": "hand:ab", "target": "code:2", "kind": "leads to", "label": ""},
        ],
        "edits": [
            {"author": "Lead", "summary": "Merged", "note": "Same idea", "undone": False},
            {"author": "Lead", "summary": "Oops", "note": "undone", "undone": True},
        ],
    }
    result = diff.diff_documents(before, after)
    assert [n["label"] for n in result.added] == ["Feeling less alone"]
    assert [n["label"] for n in result.removed] == ["Phones"]
    assert result.merged == [
        {"source": "Family", "target": "Hope", "id": "code:3", "into": "code:2"}
    ]
    assert result.renamed == [{"id": "code:1", "before": "Trust", "after": "Trust in mentor"}]
    assert result.moved[0]["changes"] == {"domain": ["Social", "Personal"]}
    assert len(result.edges_changed) == 1
    assert result.edges_changed[0]["before"]["kind"] == "enables"
    assert result.edges_changed[0]["after"]["kind"] == "hinders"
    assert [(e["source"], e["target"]) for e in result.edges_added] == [
        ("Feeling less alone", "Hope")
    ]
    hope = next(e for e in result.evidence if e["id"] == "code:2")
    # these forms predate passages: their codings stand for their passages
    assert (hope["before"]["passages"], hope["after"]["passages"]) == (1, 4)
    assert [n["note"] for n in result.notes] == ["After the mentee workshop", "Same idea"]
    assert not result.unchanged
    text = "\n".join(result.lines())
    assert "merged 'Family' into 'Hope'" in text and "Same idea" in text


def test_a_version_compared_with_itself_is_unchanged(session):
    project = load_demo(session)
    draft = versions.get_version(session, project, "Draft 1")
    result = diff.diff_versions(session, project, draft, draft)
    assert result.unchanged and all(e["before"] == e["after"] for e in result.evidence)


def test_the_demo_working_version_differs_from_draft_1_by_its_workshop_edits(session):
    project = load_demo(session)
    draft = versions.get_version(session, project, "Draft 1")
    working = versions.working_version(session, project)
    result = diff.diff_versions(session, project, draft, working)
    assert [n["label"] for n in result.added] == ["Mentors feel valued by the service"]
    assert result.added[0]["evidence"]["passages"] == 0
    assert [r["after"] for r in result.renamed] == ["Mentees feel able to trust their mentor"]
    assert sorted(e["kind"] for e in result.edges_added) == ["enables", "hinders"]
    assert not result.removed and not result.merged
    assert any("feedback workshop" in n["note"] for n in result.notes)


def test_evidence_coded_after_freezing_shows_before_and_after(session, mentoring):
    project = mentoring.project
    frozen, working = versions.freeze(session, project, "Draft 1")
    code = mentoring.codes["Mentee/Outcomes/Personal/Trust"]
    codings.add_coding(
        session,
        mentoring.mentee_doc,
        code,
        mentoring.ben,
        *span_of(mentoring.mentee_doc, "it ended just as I opened up"),
    )
    edit.rename_node(session, project, working, code_key(code.id), "Trust again", note="Clearer")
    result = diff.diff_versions(session, project, frozen, working)
    trust = next(e for e in result.evidence if e["id"] == code_key(code.id))
    assert (trust["before"]["passages"], trust["after"]["passages"]) == (1, 2)
    assert result.renamed[0]["before"] == "Trust" and result.notes[0]["note"] == "Clearer"


def test_a_second_coder_coding_the_same_words_adds_no_passage_to_the_diff(session, mentoring):
    project = mentoring.project
    frozen, working = versions.freeze(session, project, "Draft 1")
    code = mentoring.codes["Mentee/Outcomes/Personal/Trust"]
    doc = mentoring.mentee_doc  # Asha coded "I trust people again 🙂"; Ben codes it too
    codings.add_coding(session, doc, code, mentoring.ben, *span_of(doc, "I trust people"))
    result = diff.diff_versions(session, project, frozen, working)
    trust = next(e for e in result.evidence if e["id"] == code_key(code.id))
    assert trust["before"] == trust["after"] == {"passages": 1, "participants": 1, "documents": 1}
    assert not any("evidence of" in line for line in result.lines())


def test_a_version_frozen_before_passages_is_compared_by_its_codings():
    old = {"version": "A", "nodes": [_node("code:1", "Trust", codings_=3)], "edges": []}
    new_node = _node("code:1", "Trust")
    new_node["evidence"] = {"passages": 2, "codings": 3, "participants": 1, "documents": 1}
    new = {"version": "B", "nodes": [new_node], "edges": []}
    result = diff.diff_documents(old, new)
    [trust] = result.evidence
    assert trust["before"]["passages"] == 3 and trust["before"]["as_codings"]
    assert trust["after"] == {"passages": 2, "participants": 1, "documents": 1}
    assert (
        "  evidence of 'Trust': 3 codings (counted before passages) -> 2 passages, "
        "1 -> 1 participants"
    ) in result.lines()

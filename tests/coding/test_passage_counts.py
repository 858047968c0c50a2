"""The Theory of Change's evidence counted in SQL (passage_counts) is identical to forming
every passage in Python, after every kind of change a team makes: codings added by
several coders (overlapping, touching, one coder twice, a chain), removed, moved, recoded,
codes merged, a speaker changed, and each undone. On SQLite and PostgreSQL."""

from sqlalchemy import select

from tests.builders import span_of
from toc_studio.coding import codings, restructure, undo
from toc_studio.coding.analysis import passage_counts
from toc_studio.coding.analysis.passages import merged
from toc_studio.coding.models import Code
from toc_studio.ingest import documents
from toc_studio.project import projects
from toc_studio.project.models import Group
from toc_studio.theory import evidence
from toc_studio.theory.assemble import assemble

WHOLE = 0  # the node every code counts for (codes' ids start at 1)


def both_counts(session, m) -> dict[int, dict]:
    """Each code's evidence (and the whole codebook's, as one node), counted both ways."""
    project_id = m.project.id
    listed = select(Group.id, Group.name).where(Group.project_id == project_id)
    groups = dict(session.execute(listed.order_by(Group.position, Group.id)).all())
    codes = session.execute(select(Code.id).where(Code.project_id == project_id)).scalars()
    mapping = {code: [code, WHOLE] for code in codes}
    fast = evidence.aggregate(session, mapping, groups, project_id)
    lookups = evidence.strength.lookups(session, project_id)
    exact = evidence.aggregate_exactly(session, project_id, mapping, groups, lookups)
    as_dicts = {node: e.as_dict() for node, e in fast.items()}
    assert as_dicts == {node: e.as_dict() for node, e in exact.items()}
    return as_dicts


def test_counts_match_after_every_kind_of_change(session, mentoring):
    m = mentoring
    cleo = projects.get_or_create_coder(session, "Cleo")
    code = m.codes["Activities/Induction training"]
    doc = m.mentor_doc
    start, end = span_of(doc, "The induction gave me confidence.")
    before = both_counts(session, m)
    whole = WHOLE
    assert before[whole]["passages"] == before[whole]["codings"]  # one coder per quote

    # another coder overlaps: one passage of two codings; a touching one stays apart
    ben = codings.add_coding(session, doc, code, m.ben, start + 4, end + 10)
    codings.add_coding(session, doc, code, cleo, end + 10, end + 30)
    counts = both_counts(session, m)
    assert counts[whole]["codings"] == before[whole]["codings"] + 2
    assert counts[whole]["passages"] == before[whole]["passages"] + 1
    assert len(merged(session, m.project.id, [code.id])[0]) == 1

    # a question nobody's (the interviewer's) joined by a coding reaching into the answer:
    # the passage's speaker is the answer's, also for the question's coding
    question = span_of(doc, "How did the training help you?")
    codings.add_coding(session, doc, code, m.asha, *question)
    codings.add_coding(session, doc, code, m.ben, question[1] - 4, question[1] + 20)
    assert passage_counts.fixes(*merged(session, m.project.id, [code.id]))
    both_counts(session, m)

    # one coder twice over the same words stays two passages ... until Cleo overlaps both
    asha_again = codings.add_coding(session, doc, code, m.asha, start + 2, start + 12)
    both_counts(session, m)
    chain = codings.add_coding(session, doc, code, cleo, start + 1, end + 12)
    counts = both_counts(session, m)  # (Cleo's own touching coding stays apart: her own)
    assert counts[whole]["passages"] == before[whole]["passages"] + 1

    # moved off the others, removed, recoded; each then undone
    codings.resize_coding(session, chain, end + 40, end + 45)
    both_counts(session, m)
    undo.undo(session, m.project)
    both_counts(session, m)
    codings.delete_coding(session, ben)
    both_counts(session, m)
    undo.undo(session, m.project)
    both_counts(session, m)
    other = m.codes["Mentor/Challenges/Access to supervision"]
    codings.recode_coding(session, asha_again, other)
    both_counts(session, m)
    undo.undo(session, m.project)
    both_counts(session, m)

    # codes merged: the merged code's codings overlap the target's by another coder
    restructure.merge_codes(session, code, other)
    both_counts(session, m)
    undo.undo(session, m.project)
    both_counts(session, m)

    # the speaker changes: Mentor B1's turns become nobody's, and their passages too
    spoken = both_counts(session, m)
    assert "Mentor" in spoken[whole]["by_group"]
    assert documents.map_speaker(session, doc, "Mentor B1", None)
    counts = both_counts(session, m)
    assert counts[whole]["participants"] == spoken[whole]["participants"] - 1
    assert "Mentor" not in counts[whole]["by_group"]
    assert counts[whole]["passages"] == spoken[whole]["passages"]


def test_assembly_counts_passages_not_codings(session, mentoring):
    m = mentoring
    code = m.codes["Activities/Induction training"]
    start, end = span_of(m.mentor_doc, "The induction gave me confidence.")
    codings.add_coding(session, m.mentor_doc, code, m.ben, start, end)
    graph = assemble(session, m.project)
    (node,) = [n for n, a in graph.nodes(data=True) if a.get("code_id") == code.id]
    found = graph.nodes[node]["evidence"]
    assert (found.passages, found.codings, found.participants) == (1, 2, 1)
    assert found.by_group["Mentor"]["passages"] == 1
    assert found.by_group["Mentor"]["codings"] == 2

"""Merge, split, delete, remove, resize and recode: each does its job and can be undone."""

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.builders import build_mentoring_project, span_of
from toc_studio.coding import codebook, codings, memos, restructure, undo
from toc_studio.coding.models import Code, Coding, Memo
from toc_studio.coding.restructure import merge_codes, split_code
from toc_studio.errors import Conflict, Invalid, NotFound


def _state(session, project):
    """Every code (id, path) and coding (id, code, span, coder) and memo of the project."""
    session.expire_all()
    paths = codebook.code_paths(session, project)
    rows = session.execute(
        select(Coding.id, Coding.code_id, Coding.start, Coding.end, Coding.coder_id, Coding.text)
        .join(Code, Code.id == Coding.code_id)
        .where(Code.project_id == project.id)
        .order_by(Coding.id)
    ).all()
    notes = session.execute(
        select(Memo.id, Memo.code_id, Memo.coding_id).where(Memo.project_id == project.id)
    ).all()
    return sorted(paths.items()), [tuple(r) for r in rows], sorted(tuple(n) for n in notes)


def test_merge_moves_codings_collapses_duplicates_and_undoes(session):
    m = build_mentoring_project(session)
    trust = m.codes["Mentee/Outcomes/Personal/Trust"]
    family = m.codes["Mentee/Outcomes/Social/Family contact"]
    doc = m.mentee_doc
    span = span_of(doc, "I trust people again 🙂")
    # Asha coded this span with Trust already; a Family contact coding of the same span by
    # Asha duplicates it after the merge, Ben's coding of another span just moves.
    duplicate = codings.add_coding(session, doc, family, m.asha, *span)
    memos.add_memo(session, m.project, "why both?", coding=duplicate)
    memos.add_memo(session, m.project, "on the code", code=family)
    session.commit()
    before = _state(session, m.project)

    outcome = merge_codes(session, family, trust)
    session.commit()
    assert (outcome.moved, outcome.collapsed) == (1, 1)
    spans = [(c.coder_id, c.start, c.end) for c in codings.list_codings(session, doc)]
    assert sorted(spans) == sorted(
        [(m.asha.id, *span), (m.ben.id, *span_of(doc, "I’ve started seeing my sister"))]
    )
    assert all(c.code_id == trust.id for c in codings.list_codings(session, doc))
    assert (
        "Mentee/Outcomes/Social/Family contact"
        not in codebook.code_paths(session, m.project).values()
    )
    memo_targets = {(x.code_id, x.coding_id) for x in memos.list_memos(session, m.project)}
    survivor = next(c.id for c in codings.list_codings(session, doc, ["Asha"]))
    assert (None, survivor) in memo_targets and (trust.id, None) in memo_targets

    undo.undo(session, m.project, outcome.undo_id)
    session.commit()
    assert _state(session, m.project) == before


def test_merge_moves_sub_codes_and_refuses_clashes(session):
    m = build_mentoring_project(session)
    personal = codebook.get_code_by_path(session, m.project, "Mentee/Outcomes/Personal")
    social = codebook.get_code_by_path(session, m.project, "Mentee/Outcomes/Social")
    codebook.create_code(session, m.project, "Trust", parent=social)
    with pytest.raises(Conflict, match="already has a sub-code 'Trust'"):
        merge_codes(session, personal, social)
    with pytest.raises(Invalid, match="into itself"):
        merge_codes(session, personal.parent_id and session.get(Code, personal.parent_id), personal)


def test_split_moves_chosen_codings_to_a_new_sibling_and_undoes(session):
    m = build_mentoring_project(session)
    induction = m.codes["Activities/Induction training"]
    doc = m.mentor_doc
    extra = codings.add_coding(session, doc, induction, m.ben, *span_of(doc, "I felt ready"))
    session.commit()
    before = _state(session, m.project)
    outcome = split_code(session, induction, [extra.id], "Readiness")
    session.commit()
    new = session.get(Code, outcome.code_id)
    assert (new.parent_id, new.category) == (induction.parent_id, "activity")
    assert session.get(Coding, extra.id).code_id == new.id
    assert codebook.code_usage(session, induction).codings == 1
    with pytest.raises(Invalid, match="Only codings of"):
        split_code(session, induction, [extra.id], "Again")
    undo.undo(session, m.project)
    session.commit()
    assert _state(session, m.project) == before


def test_delete_refuses_then_moves_or_drops_and_undo_restores_ids(session):
    m = build_mentoring_project(session)
    mentee = codebook.get_code_by_path(session, m.project, "Mentee")
    memos.add_memo(session, m.project, "trust memo", code=m.codes["Mentee/Outcomes/Personal/Trust"])
    session.commit()
    before = _state(session, m.project)
    with pytest.raises(Conflict, match="2 coding"):
        restructure.delete_code(session, mentee)
    target = m.codes["Activities"]
    outcome = restructure.delete_code(session, mentee, move_to=target)
    session.commit()
    assert (outcome.moved, outcome.collapsed) == (2, 0)
    # Activities had none itself and one under Induction training: 2 + 1
    assert codebook.code_usage(session, session.get(Code, target.id)).codings == 3
    undo.undo(session, m.project)
    session.commit()
    assert _state(session, m.project) == before

    restructure.delete_code(session, session.get(Code, mentee.id), drop_codings=True)
    session.commit()
    assert len(_state(session, m.project)[1]) == 2
    undo.undo(session, m.project)
    session.commit()
    assert _state(session, m.project) == before


def test_delete_with_move_inside_the_deleted_tree_is_refused(session):
    m = build_mentoring_project(session)
    mentee = codebook.get_code_by_path(session, m.project, "Mentee")
    with pytest.raises(Invalid, match="stays"):
        restructure.delete_code(session, mentee, move_to=m.codes["Mentee/Outcomes/Personal/Trust"])


def test_remove_resize_recode_are_undoable(session):
    m = build_mentoring_project(session)
    doc = m.mentor_doc
    coding = codings.list_codings(session, doc)[0]
    session.commit()
    before = _state(session, m.project)
    start, end = span_of(doc, "The induction gave me")
    codings.resize_coding(session, coding, start, end)
    assert coding.text == "The induction gave me"
    codings.recode_coding(session, coding, m.codes["Activities"])
    assert coding.code_id == m.codes["Activities"].id
    codings.delete_coding(session, coding)
    session.commit()
    assert [e.action for e in undo.list_undo(session, m.project)] == ["remove", "recode", "resize"]
    for _ in range(3):
        undo.undo(session, m.project)
    session.commit()
    assert _state(session, m.project) == before
    with pytest.raises(NotFound, match="nothing to undo"):
        undo.undo(session, m.project)


def test_resize_onto_an_existing_coding_is_refused(session):
    m = build_mentoring_project(session)
    doc = m.mentor_doc
    code = m.codes["Activities/Induction training"]
    first = codings.list_codings(session, doc)[0]
    other = codings.add_coding(session, doc, code, m.asha, *span_of(doc, "I felt ready"))
    with pytest.raises(Conflict):
        codings.resize_coding(session, other, first.start, first.end)
    with pytest.raises(Invalid, match="not inside"):
        codings.resize_coding(session, other, 5, 1)


def test_undo_is_refused_when_a_later_change_is_in_the_way(session):
    m = build_mentoring_project(session)
    induction = m.codes["Activities/Induction training"]
    restructure.delete_code(session, induction, drop_codings=True)
    codebook.create_code(session, m.project, "Induction training", parent=m.codes["Activities"])
    session.commit()
    with pytest.raises(Conflict, match="later changes"):
        undo.undo(session, m.project)
    assert len(undo.list_undo(session, m.project)) == 1


def test_a_whole_turn_or_sentence_is_coded_in_one_call(session):
    m = build_mentoring_project(session)
    doc = m.mentor_doc
    turns = [t for t in session.execute(select_turns(doc)).scalars()]
    code = m.codes["Activities"]
    coding = codings.code_turn(session, turns[1].id, code, m.ben)
    assert coding.text.startswith("The induction gave me confidence.")
    assert coding.text.endswith("really listen.")
    offset = doc.text.index("ready to listen")
    sentence = codings.code_sentence(session, doc, offset, code, m.ben)
    assert sentence.text == "I felt ready to listen — really listen."


def select_turns(doc):
    from toc_studio.ingest.models import Turn

    return select(Turn).where(Turn.document_id == doc.id).order_by(Turn.start)


def test_other_packages_rows_follow_a_merge_and_come_back_on_undo(session):
    """A ToC node pointing at a code (SET NULL on delete) and a report mark on a memo
    (CASCADE) are found through the metadata: merge repoints the node, undo restores."""
    from toc_studio.report.models import ReportMemo
    from toc_studio.theory.models import TocNode, TocVersion

    m = build_mentoring_project(session)
    family = m.codes["Mentee/Outcomes/Social/Family contact"]
    trust = m.codes["Mentee/Outcomes/Personal/Trust"]
    version = TocVersion(project_id=m.project.id, name="Draft")
    session.add(version)
    session.flush()
    node = TocNode(version_id=version.id, key="n1", code_id=family.id)
    session.add(node)
    memo = memos.add_memo(session, m.project, "family matters", code=family)
    session.add(ReportMemo(memo_id=memo.id))
    session.commit()
    memo_id, node_id = memo.id, node.id

    merge_codes(session, family, trust)
    session.commit()
    session.expire_all()
    assert session.get(TocNode, node_id).code_id == trust.id
    undo.undo(session, m.project)
    session.commit()
    session.expire_all()
    assert session.get(TocNode, node_id).code_id == family.id

    restructure.delete_code(session, session.get(Code, family.id), drop_codings=True)
    session.commit()
    session.expire_all()
    assert session.get(TocNode, node_id).code_id is None
    assert session.get(ReportMemo, memo_id) is None
    undo.undo(session, m.project)
    session.commit()
    session.expire_all()
    assert session.get(TocNode, node_id).code_id == family.id
    assert session.get(ReportMemo, memo_id) is not None


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_resize_always_re_anchors_the_text_and_undo_restores_it(session, data):
    m = build_mentoring_project(session, name=f"Resize {uuid.uuid4().hex[:8]}")
    doc = m.mentee_doc  # has an emoji: offsets are code points
    coding = codings.list_codings(session, doc)[0]
    before = (coding.start, coding.end, coding.text)
    start = data.draw(st.integers(0, len(doc.text) - 1))
    end = data.draw(st.integers(start + 1, len(doc.text)))
    if (start, end) == (coding.start, coding.end):
        return
    codings.resize_coding(session, coding, start, end)
    assert coding.text == doc.text[start:end]
    undo.undo(session, m.project)
    session.refresh(coding)
    assert (coding.start, coding.end, coding.text) == before

"""Merging codes carries the Theory of Change's own references to the merged-away code:
its element's indicators, evaluation questions and assumptions, the links the team drew
from or to it, the workshop's record of it and the quotes (codings) an assumption cites
follow it to the code it was merged into. A link that would duplicate one the target
already has, or link the target to itself, is dropped; so is an assumption left on such
a self-link. A frozen version is history and stays as it was. Undo restores exactly the
rows that were there. On SQLite and PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.builders import span_of
from toc_studio.coding import codings, restructure, undo
from toc_studio.coding.models import Code, Coding
from toc_studio.theory import annotations, edit, indicators, versions
from toc_studio.theory.elements import code_key
from toc_studio.theory.models import STRUCTURE, TocEdge, TocEdit, TocNode, TocVersion
from toc_studio.theory.tables import TocAssumption, TocIndicator, TocQuestion

FAMILY = "Mentee/Outcomes/Social/Family contact"
TRUST = "Mentee/Outcomes/Personal/Trust"
INDUCTION = "Activities/Induction training"
SUPERVISION = "Mentor/Challenges/Access to supervision"
TABLES = (TocNode, TocEdge, TocEdit, TocVersion, TocIndicator, TocQuestion, TocAssumption)


def _state(session) -> dict[str, list[tuple]]:
    """Every row of the theory tables a merge may touch, all columns, in id order."""
    session.expire_all()
    state = {}
    for model in TABLES:
        columns = list(model.__table__.columns)
        rows = session.execute(select(*columns).order_by(model.__table__.c.id)).all()
        state[model.__tablename__] = [tuple(row) for row in rows]
    return state


def _merge(session, source_id: int, target_id: int) -> restructure.Outcome:
    outcome = restructure.merge_codes(
        session, session.get(Code, source_id), session.get(Code, target_id)
    )
    session.commit()
    return outcome


def _undo(session, project, entry_id: int) -> None:
    undo.undo(session, project, entry_id)
    session.commit()


def _working(session, project) -> dict:
    return versions.version_document(session, project, versions.working_version(session, project))


def _node(document: dict, key: str) -> dict:
    return next(n for n in document["nodes"] if n["id"] == key)


def _drawn(document: dict) -> dict[tuple[str, str], dict]:
    return {(e["source"], e["target"]): e for e in document["edges"] if e["kind"] != STRUCTURE}


def test_merge_moves_the_elements_notes_links_and_record_and_undo_restores_them(session, mentoring):
    p = mentoring.project
    a, b = mentoring.codes[FAMILY].id, mentoring.codes[TRUST].id
    ka, kb = code_key(a), code_key(b)
    kind, ksup = code_key(mentoring.codes[INDUCTION].id), code_key(mentoring.codes[SUPERVISION].id)
    working = versions.working_version(session, p)
    quoted = session.execute(select(Coding.id).where(Coding.code_id == a)).scalar_one()
    indicators.add_indicator(session, p, ka, text="Mentees meet family monthly")
    annotations.add_question(session, p, ka, "Do mentees see their families again?")
    edit.rename_node(session, p, working, ka, "Family ties return", author="Lead")
    edit.add_link(session, p, working, ka, ksup, "hinders", rationale="Family first", author="Lead")
    edit.add_link(session, p, working, kind, ka, "leads to", author="Lead")
    assumption = annotations.add_assumption(session, p, ka, ksup, "Mentees tell mentors",
                                            quotes=(quoted,))  # fmt: skip
    session.commit()
    before = _state(session)

    outcome = _merge(session, a, b)
    document = _working(session, p)
    assert ka not in {n["id"] for n in document["nodes"]}
    node = _node(document, kb)
    assert node["label"] == "Trust"  # A's workshop record (its new name) went with A
    assert [i["text"] for i in node["indicators"]] == ["Mentees meet family monthly"]
    assert node["questions"] == ["Do mentees see their families again?"]
    drawn = _drawn(document)
    assert drawn[(kb, ksup)]["kind"] == "hinders"
    assert drawn[(kb, ksup)]["rationale"] == "Family first"
    assert drawn[(kind, kb)]["kind"] == "leads to"
    assert [a["text"] for a in drawn[(kb, ksup)]["assumptions"]] == ["Mentees tell mentors"]
    (moved,) = annotations.list_assumptions(session, p)
    assert (moved.id, moved.source, moved.target, moved.quotes) == (
        assumption.id,
        kb,
        ksup,
        (quoted,),
    )
    # the edit log names a moved link by its new ends (a stale edit of it is still caught)
    targets = {e.target for e in versions.edit_log(session, versions.working_version(session, p))}
    assert f"{kb}>{ksup}" in targets and f"{kind}>{kb}" in targets
    merged = _state(session)

    _undo(session, p, outcome.undo_id)
    assert _state(session) == before
    document = _working(session, p)
    assert _node(document, ka)["label"] == "Family ties return"
    assert (ka, ksup) in _drawn(document)

    _merge(session, a, b)  # merging again does the same again
    assert _state(session) == merged


def test_duplicates_and_self_links_are_dropped_and_the_targets_own_record_wins(session, mentoring):
    p = mentoring.project
    a, b = mentoring.codes[FAMILY].id, mentoring.codes[TRUST].id
    ka, kb = code_key(a), code_key(b)
    ksup = code_key(mentoring.codes[SUPERVISION].id)
    working = versions.working_version(session, p)
    indicators.add_indicator(session, p, ka, text="Sees family")
    indicators.add_indicator(session, p, kb, text="Sees family")
    indicators.add_indicator(session, p, ka, text="Calls home")
    annotations.add_question(session, p, kb, "Did trust grow?")
    annotations.add_question(session, p, ka, "Did trust grow?")
    edit.rename_node(session, p, working, ka, "Family", author="Lead")
    edit.rename_node(session, p, working, kb, "Trust in people", author="Lead")
    edit.add_link(session, p, working, ka, ksup, "hinders", rationale="A's", author="Lead")
    edit.add_link(session, p, working, kb, ksup, "enables", rationale="B's", author="Lead")
    edit.add_link(session, p, working, ka, kb, "leads to", author="Lead")
    annotations.add_assumption(session, p, ka, kb, "Family makes trust")
    annotations.add_assumption(session, p, ka, ksup, "On A's link")
    session.commit()
    before = _state(session)

    outcome = _merge(session, a, b)
    document = _working(session, p)
    node = _node(document, kb)
    assert node["label"] == "Trust in people"  # B's own record wins; A's is dropped
    assert sorted(i["text"] for i in node["indicators"]) == ["Calls home", "Sees family"]
    assert node["questions"] == ["Did trust grow?"]
    drawn = _drawn(document)
    assert set(drawn) == {(kb, ksup)}  # A->B became B->B: dropped; A->sup: B's link kept
    assert (drawn[(kb, ksup)]["kind"], drawn[(kb, ksup)]["rationale"]) == ("enables", "B's")
    # the assumption on A's link now sits on B's; the one on A->B had no link left
    assert [(x.source, x.target, x.text) for x in annotations.list_assumptions(session, p)] == [
        (kb, ksup, "On A's link")
    ]
    session.expire_all()
    keys = session.execute(select(TocNode.key).where(TocNode.version_id == working.id)).scalars()
    assert ka not in set(keys)

    _undo(session, p, outcome.undo_id)
    assert _state(session) == before


def test_elements_merged_into_it_follow_and_tombstones_are_dropped(session, mentoring):
    p = mentoring.project
    a, b = mentoring.codes[FAMILY].id, mentoring.codes[TRUST].id
    ka, kb = code_key(a), code_key(b)
    ksup = code_key(mentoring.codes[SUPERVISION].id)
    working = versions.working_version(session, p)
    hand = edit.add_node(session, p, working, "Family visits", "outcome", "Mentee", "Social")
    edit.merge_nodes(session, p, working, hand, ka, author="Lead")
    edit.add_link(session, p, working, ksup, ka, "hinders", author="Lead")
    edit.remove_link(session, p, working, ksup, ka, author="Lead")  # a tombstone now
    session.commit()
    before = _state(session)

    outcome = _merge(session, a, b)
    document = _working(session, p)
    assert hand in _node(document, kb)["merged_from"]
    session.expire_all()
    edges = session.execute(
        select(TocEdge.source, TocEdge.target).where(TocEdge.version_id == working.id)
    ).all()
    assert all(ka not in row and kb not in row for row in edges)

    _undo(session, p, outcome.undo_id)
    assert _state(session) == before


def test_a_quote_that_collapses_is_re_pointed_and_frozen_versions_stay(session, mentoring):
    p, doc = mentoring.project, mentoring.mentee_doc
    a, b = mentoring.codes[FAMILY], mentoring.codes[TRUST]
    ka, kb = code_key(a.id), code_key(b.id)
    kind = code_key(mentoring.codes[INDUCTION].id)
    survivor = session.execute(select(Coding.id).where(Coding.code_id == b.id)).scalar_one()
    duplicate = codings.add_coding(
        session, doc, a, mentoring.asha, *span_of(doc, "I trust people again 🙂")
    ).id
    working = versions.working_version(session, p)
    edit.add_link(session, p, working, kind, ka, "leads to", author="Lead")
    edit.add_link(session, p, working, kind, kb, "leads to", author="Lead")
    annotations.add_assumption(session, p, kind, ka, "Training helps", quotes=(duplicate,))
    annotations.add_assumption(session, p, kind, kb, "Both", quotes=(survivor, duplicate))
    frozen, _ = versions.freeze(session, p, "First draft")
    session.commit()
    frozen_rows = {
        model.__tablename__: [
            tuple(r) for r in session.execute(
                select(*model.__table__.columns).where(model.version_id == frozen.id)
            ).all()
        ]
        for model in (TocNode, TocEdge, TocEdit)
    }  # fmt: skip
    snapshot = session.get(TocVersion, frozen.id).snapshot
    before = _state(session)

    outcome = _merge(session, a.id, b.id)
    assert outcome.collapsed == 1
    rows = session.execute(select(TocAssumption).order_by(TocAssumption.id)).scalars().all()
    assert [(r.source, r.target, json.loads(r.quotes)) for r in rows] == [
        (kind, kb, [survivor]),
        (kind, kb, [survivor]),
    ]
    assert session.get(TocVersion, frozen.id).snapshot == snapshot
    for model in (TocNode, TocEdge, TocEdit):
        assert [
            tuple(r) for r in session.execute(
                select(*model.__table__.columns).where(model.version_id == frozen.id)
            ).all()
        ] == frozen_rows[model.__tablename__]  # fmt: skip

    _undo(session, p, outcome.undo_id)
    assert _state(session) == before


def test_undoing_a_workshop_edit_after_the_merge_keeps_the_link_on_the_target(session, mentoring):
    p = mentoring.project
    a, b = mentoring.codes[FAMILY].id, mentoring.codes[TRUST].id
    ka, kb = code_key(a), code_key(b)
    ksup = code_key(mentoring.codes[SUPERVISION].id)
    working = versions.working_version(session, p)
    edit.add_link(session, p, working, ka, ksup, "hinders", author="Lead")
    edit.relabel_link(session, p, working, ka, ksup, kind="enables", author="Lead")
    session.commit()

    _merge(session, a, b)
    edit.undo_last(session, versions.working_version(session, p))  # the relabelling
    session.commit()
    assert _drawn(_working(session, p))[(kb, ksup)]["kind"] == "hinders"

"""Deleting a code and moving its codings to another code (``delete_code(move_to=B)``)
moves what was said about its evidence with the evidence, exactly as a merge into B does:
a finding's links to the deleted code (and its sub-codes), to their ToC elements and to a
quote that collapses into a duplicate, the written summaries, and the Theory of Change's
indicators, questions, assumptions and drawn links of their elements follow to B. Undo
restores every row exactly. Deleting without a move still takes them away (and undo
brings them back). On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from tests.builders import span_of
from toc_studio.coding import codebook, codings, restructure, undo
from toc_studio.coding.models import Code, Coding, Memo
from toc_studio.findings import edits, summaries
from toc_studio.findings.models import Finding, FindingLink, Summary
from toc_studio.theory import annotations, edit, indicators, versions
from toc_studio.theory.elements import code_key
from toc_studio.theory.models import STRUCTURE, TocEdge, TocEdit, TocNode
from toc_studio.theory.tables import TocAssumption, TocIndicator, TocQuestion

ACTIVITIES = "Activities"
INDUCTION = "Activities/Induction training"
FAMILY = "Mentee/Outcomes/Social/Family contact"
TRUST = "Mentee/Outcomes/Personal/Trust"
SUPERVISION = "Mentor/Challenges/Access to supervision"
TABLES = (Code, Coding, Memo, Finding, FindingLink, Summary, TocNode, TocEdge, TocEdit,
          TocIndicator, TocQuestion, TocAssumption)  # fmt: skip


def _state(session) -> dict[str, list[tuple]]:
    """Every row of the tables a delete may touch, all columns, in id order."""
    session.expire_all()
    state = {}
    for model in TABLES:
        columns = list(model.__table__.columns)
        rows = session.execute(select(*columns).order_by(model.__table__.c.id)).all()
        state[model.__tablename__] = [tuple(row) for row in rows]
    return state


def _links(session, finding_id: int) -> list[tuple]:
    session.expire_all()
    rows = session.execute(
        select(FindingLink.code_id, FindingLink.coding_id, FindingLink.element)
        .where(FindingLink.finding_id == finding_id)
        .order_by(FindingLink.id)
    ).all()
    return [tuple(row) for row in rows]


def _delete(session, code_id: int, **how) -> restructure.Outcome:
    outcome = restructure.delete_code(session, session.get(Code, code_id), **how)
    session.commit()
    return outcome


def _undo(session, project, entry_id: int) -> None:
    undo.undo(session, project, entry_id)
    session.commit()


def test_a_deleted_codes_findings_follow_its_codings_and_undo_restores_them(session, mentoring):
    p, doc = mentoring.project, mentoring.mentee_doc
    family, trust = mentoring.codes[FAMILY].id, mentoring.codes[TRUST].id
    duplicate = codings.add_coding(session, doc, mentoring.codes[FAMILY], mentoring.asha,
                                   *span_of(doc, "I trust people again 🙂")).id  # fmt: skip
    survivor = session.execute(
        select(Coding.id).where(Coding.code_id == trust, Coding.id != duplicate)
    ).scalar_one()
    sister = session.execute(
        select(Coding.id).where(Coding.code_id == family, Coding.id != duplicate)
    ).scalar_one()
    finding = edits.add_finding(session, p, "finding", "Family and trust.", codes=[FAMILY],
                                quotes=[duplicate, sister],
                                elements=[code_key(family)]).id  # fmt: skip
    both = edits.add_finding(session, p, "finding", "Both.", codes=[FAMILY, TRUST]).id
    summaries.set_summary(session, p, FAMILY, "group", "Mentee", "Family ties return.")
    summaries.set_summary(session, p, TRUST, "participant", "Mentee C1", "Trusts again.")
    summaries.set_summary(session, p, FAMILY, "participant", "Mentee C1", "Sees her sister.")
    session.commit()
    before = _state(session)

    outcome = _delete(session, family, move_to=mentoring.codes[TRUST])
    assert (outcome.moved, outcome.collapsed) == (1, 1)
    # the collapsed quote is re-pointed to the coding that survives it
    assert _links(session, finding) == [
        (trust, None, None),
        (None, survivor, None),
        (None, sister, None),
        (None, None, code_key(trust)),
    ]
    assert _links(session, both) == [(trust, None, None)]  # kept once
    assert summaries.summary_of(session, p, trust, "group", "Mentee") == "Family ties return."
    assert summaries.summary_of(session, p, trust, "participant", "Mentee C1") == (
        "Trusts again.\n\n[Family contact] Sees her sister."
    )
    assert session.get(Code, family) is None
    deleted = _state(session)

    _undo(session, p, outcome.undo_id)
    assert _state(session) == before

    _delete(session, family, move_to=session.get(Code, trust))  # again, the same again
    again = _state(session)
    assert {k: v for k, v in again.items() if k != "summary"} == {
        k: v for k, v in deleted.items() if k != "summary"
    }  # a joined summary's "updated" is the time it was joined


def test_a_deleted_trees_theory_notes_follow_to_the_code_its_codings_moved_to(session, mentoring):
    p = mentoring.project
    activities = codebook.get_code_by_path(session, p, ACTIVITIES).id
    induction, trust = mentoring.codes[INDUCTION].id, mentoring.codes[TRUST].id
    ka, ki, kt = code_key(activities), code_key(induction), code_key(trust)
    ksup = code_key(mentoring.codes[SUPERVISION].id)
    working = versions.working_version(session, p)
    quoted = session.execute(select(Coding.id).where(Coding.code_id == induction)).scalar_one()
    indicators.add_indicator(session, p, ki, text="Mentors finish the induction")
    annotations.add_question(session, p, ka, "Do activities reach every mentor?")
    edit.add_link(session, p, working, ki, ksup, "hinders", rationale="Too long", author="Lead")
    edit.add_link(session, p, working, ki, kt, "leads to", author="Lead")  # becomes a self-link
    annotations.add_assumption(session, p, ki, ksup, "Mentors have time", quotes=(quoted,))
    finding = edits.add_finding(session, p, "finding", "Induction helps.", codes=[ACTIVITIES],
                                elements=[ka, ki]).id  # fmt: skip
    session.commit()
    before = _state(session)

    # the sub-code goes with its parent: what each holds follows to Trust
    outcome = _delete(session, activities, move_to=mentoring.codes[TRUST])
    assert session.get(Code, induction) is None and session.get(Code, activities) is None
    document = versions.version_document(session, p, versions.working_version(session, p))
    assert {ka, ki}.isdisjoint(n["id"] for n in document["nodes"])
    node = next(n for n in document["nodes"] if n["id"] == kt)
    assert [i["text"] for i in node["indicators"]] == ["Mentors finish the induction"]
    assert node["questions"] == ["Do activities reach every mentor?"]
    drawn = {(e["source"], e["target"]): e for e in document["edges"] if e["kind"] != STRUCTURE}
    assert drawn[(kt, ksup)]["rationale"] == "Too long"
    assert (kt, kt) not in drawn
    (assumption,) = annotations.list_assumptions(session, p)
    assert (assumption.source, assumption.target, assumption.quotes) == (kt, ksup, (quoted,))
    assert _links(session, finding) == [(trust, None, None), (None, None, kt)]

    _undo(session, p, outcome.undo_id)
    assert _state(session) == before


def test_deleting_without_a_move_moves_nothing_and_undo_brings_the_links_back(session, mentoring):
    p = mentoring.project
    family = mentoring.codes[FAMILY].id
    indicators.add_indicator(session, p, code_key(family), text="Mentees meet family monthly")
    finding = edits.add_finding(session, p, "finding", "Family.", codes=[FAMILY]).id
    session.commit()
    before = _state(session)

    outcome = _delete(session, family, drop_codings=True)
    assert _links(session, finding) == []
    trust = code_key(mentoring.codes[TRUST].id)
    assert all(i.element != trust for i in indicators.list_indicators(session, p))
    _undo(session, p, outcome.undo_id)
    assert _state(session) == before

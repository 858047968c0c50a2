"""Merging codes keeps what the findings hold on the merged-away code: a finding's links
(to the code, to its ToC element, to a quote that collapses into a duplicate) and the
written summaries follow it to the code it was merged into; clashing summaries are joined,
a link the finding already has is kept once. Undo restores exactly what was there; merging
again after the undo does the same again. Deleting a code and undoing it brings its
findings' rows back too. On SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.builders import span_of
from toc_studio.cli import main
from toc_studio.coding import codebook, codings, restructure, undo
from toc_studio.coding.models import Code, Coding, Memo
from toc_studio.errors import Conflict
from toc_studio.findings import edits, register, summaries
from toc_studio.findings.models import Finding, FindingLink, Summary
from toc_studio.theory import edit, versions
from toc_studio.theory.elements import code_key
from toc_studio.theory.models import TocNode

FAMILY = "Mentee/Outcomes/Social/Family contact"
TRUST = "Mentee/Outcomes/Personal/Trust"


def _state(session) -> dict[str, list[tuple]]:
    """Every row of the tables a merge touches, all columns, in id order."""
    session.expire_all()
    state = {}
    for model in (Code, Coding, Memo, Finding, FindingLink, Summary, TocNode):
        columns = list(model.__table__.columns)
        rows = session.execute(select(*columns).order_by(model.__table__.c.id)).all()
        state[model.__tablename__] = [tuple(row) for row in rows]
    return state


def _links(session, finding) -> list[tuple]:
    session.expire_all()
    rows = session.execute(
        select(FindingLink.code_id, FindingLink.coding_id, FindingLink.element)
        .where(FindingLink.finding_id == finding.id)
        .order_by(FindingLink.id)
    ).all()
    return [tuple(row) for row in rows]


def _summaries(session) -> list[tuple]:
    session.expire_all()
    rows = session.execute(
        select(Summary.code_id, Summary.participant_id, Summary.group_id, Summary.text).order_by(
            Summary.id
        )
    ).all()
    return [tuple(row) for row in rows]


def _merge(session, source_id: int, target_id: int) -> restructure.Outcome:
    outcome = restructure.merge_codes(
        session, session.get(Code, source_id), session.get(Code, target_id)
    )
    session.commit()
    return outcome


def _undo(session, project, entry_id: int) -> None:
    undo.undo(session, project, entry_id)
    session.commit()


def test_merge_moves_a_findings_links_and_summaries_and_undo_restores_them(session, mentoring):
    p = mentoring.project
    family, trust = mentoring.codes[FAMILY].id, mentoring.codes[TRUST].id
    sister = session.execute(select(Coding.id).where(Coding.code_id == family)).scalar_one()
    finding = edits.add_finding(session, p, "finding", "Mentees see their families again.",
                                codes=[FAMILY], quotes=[sister],
                                elements=[code_key(family)])  # fmt: skip
    summaries.set_summary(session, p, FAMILY, "participant", "Mentee C1", "Sees her sister.")
    summaries.set_summary(session, p, FAMILY, "group", "Mentee", "Family ties return.")
    session.commit()
    before = _state(session)

    outcome = _merge(session, family, trust)
    assert _links(session, finding) == [(trust, None, None), (None, sister, None),
                                        (None, None, code_key(trust))]  # fmt: skip
    (view,) = register.list_findings(session, p)
    assert [path for _, path in view.codes] == [TRUST]
    assert [q.coding_id for q in view.quotes] == [sister]
    assert [(e.key, e.label) for e in view.elements] == [(code_key(trust), "Trust")]
    assert summaries.summary_of(session, p, trust, "participant", "Mentee C1") == (
        "Sees her sister."
    )
    assert summaries.summary_of(session, p, trust, "group", "Mentee") == "Family ties return."
    assert [row[0] for row in _summaries(session)] == [trust, trust]
    merged = _state(session)

    _undo(session, p, outcome.undo_id)
    assert _state(session) == before

    _merge(session, family, trust)  # merging again re-applies it
    assert _state(session) == merged


def test_clashing_summaries_are_joined_and_a_link_is_kept_once(session, mentoring):
    p = mentoring.project
    family, trust = mentoring.codes[FAMILY], mentoring.codes[TRUST]
    finding = edits.add_finding(session, p, "finding", "Trust and family go together.",
                                codes=[FAMILY, TRUST],
                                elements=[code_key(trust.id), code_key(family.id)])  # fmt: skip
    other = edits.add_finding(session, p, "learning", "Family first.", codes=[FAMILY])
    summaries.set_summary(session, p, TRUST, "participant", "Mentee C1", "Trusts again.")
    summaries.set_summary(session, p, FAMILY, "participant", "Mentee C1", "Sees her sister.")
    summaries.set_summary(session, p, FAMILY, "group", "Mentee", "Family.")
    session.commit()
    family_id, trust_id = family.id, trust.id
    before = _state(session)

    outcome = _merge(session, family_id, trust_id)
    assert _links(session, finding) == [(trust_id, None, None), (None, None, code_key(trust_id))]
    assert _links(session, other) == [(trust_id, None, None)]
    assert summaries.summary_of(session, p, trust_id, "participant", "Mentee C1") == (
        "Trusts again.\n\n[Family contact] Sees her sister."
    )
    assert summaries.summary_of(session, p, trust_id, "group", "Mentee") == "Family."
    assert len(_summaries(session)) == 2

    _undo(session, p, outcome.undo_id)
    assert _state(session) == before

    _merge(session, family_id, trust_id)
    assert _links(session, finding) == [(trust_id, None, None), (None, None, code_key(trust_id))]
    assert summaries.summary_of(session, p, trust_id, "participant", "Mentee C1") == (
        "Trusts again.\n\n[Family contact] Sees her sister."
    )


def test_document_summaries_follow_an_aim_merged_into_an_aim_and_nothing_else(session, mentoring):
    p = mentoring.project
    doc = "Mentor B1 interview"
    summaries.set_summary(session, p, "Mentor", "document", doc, "Supervision was hard.")
    summaries.set_summary(session, p, "Mentee", "document", doc, "Not about mentees.")
    session.commit()
    mentor = codebook.get_code_by_path(session, p, "Mentor")
    mentee = codebook.get_code_by_path(session, p, "Mentee")
    mentor_id, mentee_id = mentor.id, mentee.id
    before = _state(session)

    with pytest.raises(Conflict, match="not an aim"):
        restructure.merge_codes(session, mentor, mentoring.codes[TRUST])
    session.rollback()
    assert _state(session) == before

    outcome = _merge(session, mentor_id, mentee_id)
    assert summaries.summary_of(session, p, mentee_id, "document", doc) == (
        "Not about mentees.\n\n[Mentor] Supervision was hard."
    )
    _undo(session, p, outcome.undo_id)
    assert _state(session) == before


def test_a_quote_that_collapses_into_a_duplicate_moves_to_the_surviving_coding(session, mentoring):
    p, doc = mentoring.project, mentoring.mentee_doc
    family, trust = mentoring.codes[FAMILY], mentoring.codes[TRUST]
    span = span_of(doc, "I trust people again 🙂")
    survivor = session.execute(select(Coding.id).where(Coding.code_id == trust.id)).scalar_one()
    duplicate = codings.add_coding(session, doc, family, mentoring.asha, *span).id
    one = edits.add_finding(session, p, "finding", "Quoted once.", quotes=[duplicate])
    both = edits.add_finding(session, p, "finding", "Quoted twice.", quotes=[duplicate, survivor])
    session.commit()
    before = _state(session)

    outcome = _merge(session, family.id, trust.id)
    assert outcome.collapsed == 1
    assert _links(session, one) == [(None, survivor, None)]
    assert _links(session, both) == [(None, survivor, None)]

    _undo(session, p, outcome.undo_id)
    assert _state(session) == before


def test_a_hand_made_toc_element_linked_to_the_source_follows_it(session, mentoring):
    p = mentoring.project
    family, trust = mentoring.codes[FAMILY], mentoring.codes[TRUST]
    working = versions.working_version(session, p)
    key = edit.add_node(session, p, working, "Family ties", "outcome", "Mentee", "Social")
    edit.link_node_to_code(session, p, working, key, FAMILY, author="Lead")
    session.commit()
    family_id, trust_id = family.id, trust.id
    before = _state(session)

    outcome = _merge(session, family_id, trust_id)
    node = session.execute(select(TocNode).where(TocNode.key == key)).scalar_one()
    assert node.code_id == trust_id
    graph = versions.version_graph(session, p, versions.working_version(session, p))
    assert graph.nodes[key]["code_id"] == trust_id

    _undo(session, p, outcome.undo_id)
    assert _state(session) == before


def test_deleting_a_code_and_undoing_it_brings_its_findings_rows_back(session, mentoring):
    p, doc = mentoring.project, mentoring.mentee_doc
    family = mentoring.codes[FAMILY]
    duplicate = codings.add_coding(
        session, doc, family, mentoring.asha, *span_of(doc, "I trust people again 🙂")
    ).id
    sister = session.execute(
        select(Coding.id).where(Coding.code_id == family.id, Coding.id != duplicate)
    ).scalar_one()
    finding = edits.add_finding(session, p, "finding", "Family.", codes=[FAMILY],
                                quotes=[duplicate, sister])  # fmt: skip
    summaries.set_summary(session, p, FAMILY, "group", "Mentee", "Family ties return.")
    session.commit()
    before = _state(session)

    outcome = restructure.delete_code(session, family, drop_codings=True)
    session.commit()
    # dropped with its codings: the code, its quotes and its summary go with it (moving the
    # codings instead moves them: tests/coding/test_delete_moves_findings.py)
    assert _links(session, finding) == []
    assert _summaries(session) == []

    _undo(session, p, outcome.undo_id)
    assert _state(session) == before


def test_split_and_its_undo_keep_a_findings_quotes(session, mentoring):
    p = mentoring.project
    family = mentoring.codes[FAMILY]
    sister = session.execute(select(Coding.id).where(Coding.code_id == family.id)).scalar_one()
    finding = edits.add_finding(session, p, "finding", "Sisters.", codes=[FAMILY], quotes=[sister])
    session.commit()
    before = _state(session)

    outcome = restructure.split_code(session, family, [sister], "Siblings")
    session.commit()
    assert _links(session, finding) == [(family.id, None, None), (None, sister, None)]

    _undo(session, p, outcome.undo_id)
    assert _state(session) == before


def test_findings_list_shows_the_evidence_under_the_target_after_a_merge(
    capsys, database_url, session, mentoring
):
    p = mentoring.project
    family, trust = mentoring.codes[FAMILY], mentoring.codes[TRUST]
    edits.add_finding(session, p, "finding", "Mentees see their families again.",
                      codes=[FAMILY], elements=[code_key(family.id)])  # fmt: skip
    session.commit()
    name, trust_id = p.name, trust.id
    _merge(session, family.id, trust_id)
    session.close()  # SQLite: the test's session holds no lock while the CLI runs

    assert main(["findings", "list", "--db", database_url, "--project", name, "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)["findings"]
    assert listed["codes"] == [TRUST]
    assert listed["elements"] == [{"id": code_key(trust_id), "label": "Trust"}]
    assert listed["strength"]["passages"] == 2

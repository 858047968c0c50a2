"""Restarting the working Theory of Change from a frozen version copies that version's
workshop records, except what they say about codes merged away or deleted since the
freeze (no merge trail is kept to map them): an element record of such a code and the
links drawn from or to it are left out, and a workshop merge into it is undone in the
copy; the result says how many were left out. The frozen version stays as it was. On
SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from toc_studio.coding import restructure
from toc_studio.coding.models import Code
from toc_studio.theory import edit, versions
from toc_studio.theory.elements import code_key
from toc_studio.theory.models import STRUCTURE, TocEdge, TocNode

FAMILY = "Mentee/Outcomes/Social/Family contact"
TRUST = "Mentee/Outcomes/Personal/Trust"
INDUCTION = "Activities/Induction training"
SUPERVISION = "Mentor/Challenges/Access to supervision"


def _records(session, version_id: int) -> list[tuple]:
    session.expire_all()
    nodes = session.execute(
        select(TocNode.key, TocNode.label, TocNode.merged_into)
        .where(TocNode.version_id == version_id)
        .order_by(TocNode.id)
    ).all()
    edges = session.execute(
        select(TocEdge.source, TocEdge.target, TocEdge.kind)
        .where(TocEdge.version_id == version_id)
        .order_by(TocEdge.id)
    ).all()
    return [tuple(row) for row in nodes] + [tuple(row) for row in edges]


def _frozen_with_notes_on_family(session, mentoring):
    p = mentoring.project
    kf, ki = code_key(mentoring.codes[FAMILY].id), code_key(mentoring.codes[INDUCTION].id)
    kt, ksup = code_key(mentoring.codes[TRUST].id), code_key(mentoring.codes[SUPERVISION].id)
    working = versions.working_version(session, p)
    edit.rename_node(session, p, working, kf, "Family ties return", author="Lead")
    edit.rename_node(session, p, working, ki, "Induction week", author="Lead")
    edit.add_link(session, p, working, kf, ksup, "hinders", author="Lead")
    edit.add_link(session, p, working, ki, ksup, "leads to", author="Lead")
    edit.add_link(session, p, working, kt, ksup, "enables", author="Lead")
    edit.merge_nodes(session, p, working, kt, kf, author="Lead")  # Trust into Family
    frozen, _ = versions.freeze(session, p, "Draft 1")
    session.commit()
    return frozen, kf, ki, kt, ksup


def test_restart_leaves_out_what_names_a_code_merged_away_since(session, mentoring):
    p = mentoring.project
    frozen, kf, ki, kt, ksup = _frozen_with_notes_on_family(session, mentoring)
    frozen_id = frozen.id
    kept = _records(session, frozen_id)
    restructure.merge_codes(
        session, session.get(Code, mentoring.codes[FAMILY].id), mentoring.codes[INDUCTION]
    )
    session.commit()

    result = versions.restart_from(session, p, session.get(versions.TocVersion, frozen_id))
    session.commit()
    assert (result.left_out, result.cleared) == (2, 1)
    assert result.said == (
        "Restarted the working version from 'Draft 1'. 2 of its notes (element records and "
        "links) named codes merged away or deleted since and were left out; 1 merge(s) into "
        "such codes were undone."
    )
    copied = _records(session, result.version.id)
    assert all(kf not in row for row in copied)
    assert (ki, "Induction week", None) in copied
    assert (kt, None, None) in copied  # its merge into the gone element is undone
    assert (ki, ksup, "leads to") in copied and (kt, ksup, "enables") in copied
    document = versions.version_document(session, p, versions.working_version(session, p))
    assert kf not in {n["id"] for n in document["nodes"]}
    drawn = {(e["source"], e["target"]) for e in document["edges"] if e["kind"] != STRUCTURE}
    assert {(ki, ksup), (kt, ksup)} <= drawn
    assert _records(session, frozen_id) == kept  # the frozen version is history


def test_restart_after_a_delete_and_with_nothing_gone(session, mentoring):
    p = mentoring.project
    frozen, kf, _ki, _kt, _ksup = _frozen_with_notes_on_family(session, mentoring)
    frozen_id = frozen.id
    kept = _records(session, frozen_id)

    result = versions.restart_from(session, p, frozen)  # nothing gone yet: a full copy
    session.commit()
    assert (result.left_out, result.cleared) == (0, 0)
    assert result.said == "Restarted the working version from 'Draft 1'."
    assert _records(session, result.version.id) == kept

    restructure.delete_code(session, session.get(Code, mentoring.codes[FAMILY].id),
                            drop_codings=True)  # fmt: skip
    session.commit()
    result = versions.restart_from(session, p, session.get(versions.TocVersion, frozen_id))
    session.commit()
    assert (result.left_out, result.cleared) == (2, 1)
    assert all(kf not in row for row in _records(session, result.version.id))
    assert _records(session, frozen_id) == kept

"""Coders code as themselves; leads and owners may act on anyone's codings; a signed-in
person who is not a member cannot open a project at all."""

from __future__ import annotations

import pytest

from tests.roles.conftest import assert_refused
from toc_studio import access
from toc_studio.coding import codings, memos, undo
from toc_studio.errors import NotFound, Refused
from toc_studio.project import projects
from toc_studio.workspace import actions


def _span(team, quote):
    start = team.mentoring.mentor_doc.text.index(quote)
    return start, start + len(quote)


def _code(team):
    return team.mentoring.codes["Activities/Induction training"]


def test_a_coder_codes_only_as_themselves(team):
    m, s = team.mentoring, team.session
    span = _span(team, "I felt ready to listen")
    message = assert_refused(
        team, "coder", lambda: codings.add_coding(s, m.mentor_doc, _code(team), m.ben, *span)
    )
    assert "only as yourself" in message and "Asha" in message and "Ben" in message
    with team.acting("coder"):
        mine = codings.add_coding(s, m.mentor_doc, _code(team), m.asha, *span)
    assert mine.coder_id == m.asha.id
    with team.acting("lead"):  # a lead may code for someone (resolving a disagreement)
        codings.add_coding(s, m.mentor_doc, _code(team), m.ben, *span)


def test_a_coder_changes_only_their_own_codings(team):
    m, s = team.mentoring, team.session
    [bens] = codings.list_codings(s, m.mentee_doc, ["Ben"])
    assert_refused(team, "coder", lambda: codings.delete_coding(s, bens))
    assert_refused(team, "coder", lambda: codings.resize_coding(s, bens, bens.start, bens.end - 1))
    assert_refused(team, "coder", lambda: actions.remove_coding(s, team.project, bens.id))
    with team.acting("lead"):
        codings.delete_coding(s, bens)
    assert codings.list_codings(s, m.mentee_doc, ["Ben"]) == []


def test_a_coder_undoes_only_their_own_changes(team):
    m, s = team.mentoring, team.session
    [bens] = codings.list_codings(s, m.mentee_doc, ["Ben"])
    codings.delete_coding(s, bens)  # the newest change: Ben's coding removed (by a lead)
    assert_refused(team, "coder", lambda: undo.undo(s, team.project))
    [ashas, *_] = codings.list_codings(s, m.mentor_doc, ["Asha"])
    with team.acting("coder"):
        entry = codings.delete_coding(s, ashas)
        undo.undo(s, team.project, entry)
    assert ashas.id in {c.id for c in codings.list_codings(s, m.mentor_doc, ["Asha"])}
    with team.acting("coder"):  # codings Ben added on the Code screen: not hers to undo
        step = actions.apply_codes(s, m.mentor_doc, [_code(team)], m.asha, 0, 11).undo
    theirs = actions.apply_codes(s, m.mentor_doc, [_code(team)], m.ben, 0, 11).undo
    assert_refused(team, "coder", lambda: actions.undo(s, team.project, theirs))
    with team.acting("coder"):
        actions.undo(s, team.project, step)


def test_a_coder_undoes_removing_a_coding_a_finding_quotes(team):
    from toc_studio.findings import edits

    s = team.session
    [ashas, *_] = codings.list_codings(s, team.mentoring.mentor_doc, ["Asha"])
    edits.add_finding(s, team.project, "finding", "Induction builds confidence", quotes=[ashas.id])
    with team.acting("coder"):
        entry = codings.delete_coding(s, ashas)
        undo.undo(s, team.project, entry)
    assert ashas.id in {c.id for c in codings.list_codings(s, team.mentoring.mentor_doc)}


def test_a_coder_undoes_no_codebook_change(team):
    from toc_studio.coding import restructure

    restructure.delete_code(team.session, _code(team), drop_codings=True)
    message = assert_refused(team, "coder", lambda: undo.undo(team.session, team.project))
    assert "lead" in message


def test_a_coder_edits_only_the_memos_they_wrote(team):
    s = team.session
    bens = memos.add_memo(s, team.project, "Ben's note", author=team.mentoring.ben)
    nobodys = memos.add_memo(s, team.project, "A note")
    assert_refused(team, "coder", lambda: memos.update_memo(s, bens, text="Changed"))
    assert_refused(team, "coder", lambda: memos.delete_memo(s, nobodys))
    assert_refused(
        team, "coder", lambda: memos.add_memo(s, team.project, "As Ben", author=team.mentoring.ben)
    )
    with team.acting("coder"):
        mine = memos.add_memo(s, team.project, "Mine", author=team.mentoring.asha)
        memos.update_memo(s, mine, text="Still mine")
    with team.acting("lead"):
        memos.delete_memo(s, bens)


def test_a_non_member_cannot_open_or_list_a_project(team):
    s = team.session
    with team.acting("outsider"):
        with pytest.raises(Refused, match="not a member"):
            projects.get_project(s, team.project.id)
        with pytest.raises(Refused, match="not a member"):
            projects.get_project(s, team.project.name)
        assert [p.name for p in projects.list_projects(s)] == ["Other evaluation"]
        with pytest.raises(NotFound) as missing:
            projects.get_project(s, "No such project")
        assert "Mentoring" not in str(missing.value)  # names of others' projects stay hidden
    with team.acting("viewer"):
        assert projects.get_project(s, team.project.name).id == team.project.id
        assert [p.name for p in projects.list_projects(s)] == ["Mentoring"]
    with team.acting("admin"):
        assert len(projects.list_projects(s)) == 2


def test_nobody_answering_means_no_role(team):
    """Fails closed: a signed-in person whose role nobody answers holds none."""
    with access.acting_as(access.Actor(99, "Stranger")):
        assert access.role_in(team.session, team.project.id) is None
        assert not access.allowed(team.session, team.project.id, "viewer")


def test_deletes_are_in_the_audit_log(team):
    from sqlalchemy import select

    from toc_studio.accounts.models import AuditEvent
    from toc_studio.coding import restructure
    from toc_studio.ingest import documents

    s = team.session
    with team.acting("lead"):
        restructure.delete_code(s, _code(team), drop_codings=True)
    with team.acting("owner"):
        documents.delete_document(s, team.mentoring.mentee_doc)
        projects.delete_participant(s, projects.get_participant(s, team.project, "Mentee C2"))
        projects.delete_group(s, projects.get_group(s, team.project, "Mentee"), force=True)
        projects.delete_project(s, team.project)
    logged = s.execute(
        select(AuditEvent.action, AuditEvent.user_name, AuditEvent.detail)
        .where(AuditEvent.action.like("%.delete"))
        .order_by(AuditEvent.id)
    ).all()
    assert [(a, who) for a, who, _ in logged] == [
        ("code.delete", "Lee"),
        ("document.delete", "Olu"),
        ("participant.delete", "Olu"),
        ("group.delete", "Olu"),
        ("project.delete", "Olu"),
    ]
    assert logged[0][2] == "Delete 'Activities/Induction training'."
    assert "'Mentee C1 interview'" in logged[1][2] and "'Mentoring'" in logged[4][2]

"""Projects, groups, participants and coders through the service functions."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.builders import build_mentoring_project
from toc_studio import db
from toc_studio.coding import memos
from toc_studio.coding.models import Code, Coding, Memo
from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.ingest.models import Document, Turn
from toc_studio.project import projects
from toc_studio.project.models import (
    Coder,
    Group,
    Participant,
    ParticipantAttribute,
    Project,
)


def test_a_new_project_keeps_its_groups_in_order(session):
    projects.create_project(session, "Carers", ["Carer", "Staff", "Referrer"])
    session.commit()
    [summary] = projects.list_projects(session)
    assert summary.name == "Carers"
    assert summary.groups == ["Carer", "Staff", "Referrer"]
    assert (summary.documents, summary.participants, summary.codes, summary.codings) == (0, 0, 0, 0)


def test_project_names_are_unique_and_not_empty(session):
    projects.create_project(session, "Housing first")
    with pytest.raises(Conflict, match="already exists"):
        projects.create_project(session, "  Housing   first ")
    with pytest.raises(Invalid):
        projects.create_project(session, "   ")


def test_list_projects_counts_what_each_project_holds(session):
    m = build_mentoring_project(session)
    projects.create_project(session, "Empty")
    session.commit()
    by_name = {p.name: p for p in projects.list_projects(session)}
    assert by_name["Mentoring"].as_dict() == {
        "name": "Mentoring",
        "groups": ["Mentor", "Mentee"],
        "documents": 2,
        "participants": 3,
        "codes": 11,
        "codings": 4,
    }
    assert by_name["Empty"].codings == 0
    assert m.project.id == by_name["Mentoring"].id


def test_rename_project_refuses_a_taken_name(session):
    a = projects.create_project(session, "A")
    projects.create_project(session, "B")
    with pytest.raises(Conflict):
        projects.rename_project(session, a, "B")
    projects.rename_project(session, a, "C")
    assert projects.get_project(session, "C").id == a.id


def test_get_project_names_the_known_projects_when_missing(session):
    projects.create_project(session, "Known")
    with pytest.raises(NotFound, match="'Known'"):
        projects.get_project(session, "Unknown")


def _table_counts(session) -> dict[str, int]:
    return {
        model.__name__: session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (
            Project,
            Group,
            Participant,
            ParticipantAttribute,
            Document,
            Turn,
            Code,
            Coding,
            Memo,
            Coder,
        )
    }


def test_deleting_a_project_removes_everything_it_owned_and_nothing_else(session):
    kept = build_mentoring_project(session, "Kept")
    doomed = build_mentoring_project(session, "Doomed")
    memos.add_memo(
        session,
        doomed.project,
        "Check the supervision theme",
        code=doomed.codes["Mentor/Challenges/Access to supervision"],
    )
    memos.add_memo(session, kept.project, "Project memo")
    session.commit()
    before = _table_counts(session)

    projects.delete_project(session, doomed.project)
    session.commit()

    after = _table_counts(session)
    assert after == {
        "Project": 1,
        "Group": 2,
        "Participant": 3,
        "ParticipantAttribute": 3,
        "Document": 2,
        "Turn": 8,
        "Code": 11,
        "Coding": 4,
        "Memo": 1,
        "Coder": 2,  # coders are shared between projects and stay
    }
    assert before["Coding"] == 8 and before["Memo"] == 2
    assert [p.name for p in projects.list_projects(session)] == ["Kept"]


def test_groups_can_be_renamed_and_reordered(session):
    project = projects.create_project(session, "P", ["Mentor", "Mentee"])
    projects.rename_group(session, projects.get_group(session, project, "Mentee"), "Mentees")
    projects.reorder_groups(session, project, ["Mentees", "Mentor"])
    assert [g.name for g in projects.list_groups(session, project)] == ["Mentees", "Mentor"]
    with pytest.raises(Invalid):
        projects.reorder_groups(session, project, ["Mentor"])
    with pytest.raises(Conflict):
        projects.add_group(session, project, "mentor")


def test_deleting_a_group_in_use_is_refused_unless_forced(session):
    m = build_mentoring_project(session)
    mentor = projects.get_group(session, m.project, "Mentor")
    with pytest.raises(Conflict, match="participant"):
        projects.delete_group(session, mentor)
    projects.delete_group(session, mentor, force=True)
    session.commit()
    people = {p.label: p.group for p in projects.list_participants(session, m.project)}
    assert people == {"Mentor B1": None, "Mentee C1": "Mentee", "Mentee C2": "Mentee"}
    challenge = m.codes["Mentor/Challenges/Access to supervision"]
    session.refresh(challenge)
    assert challenge.branch_group_id is None


def test_participants_carry_free_attributes(session):
    project = projects.create_project(session, "P", ["Mentor"])
    p = projects.add_participant(
        session,
        project,
        "Mentor B1",
        "Mentor",
        {"gender": "Female", "site": "B", "interview mode": "Telephone"},
    )
    projects.set_attributes(session, p, {"site": "C", "gender": ""})
    [view] = projects.list_participants(session, project)
    assert view.label == "Mentor B1" and view.group == "Mentor"
    assert view.attributes == {"interview mode": "Telephone", "site": "C"}


def test_participant_labels_are_unique_within_a_project(session):
    a = projects.create_project(session, "A")
    b = projects.create_project(session, "B")
    projects.add_participant(session, a, "Mentee C1")
    projects.add_participant(session, b, "Mentee C1")
    with pytest.raises(Conflict):
        projects.add_participant(session, a, "Mentee C1")
    with pytest.raises(NotFound, match="no group"):
        projects.add_participant(session, a, "Mentee C2", "Nobody")


def test_relabelling_and_regrouping_a_participant(session):
    project = projects.create_project(session, "P", ["Mentor", "Mentee"])
    p = projects.add_participant(session, project, "Mentee C1", "Mentee")
    projects.add_participant(session, project, "Mentee C2", "Mentee")
    projects.update_participant(session, p, label="Mentor B9", group="Mentor")
    with pytest.raises(Conflict):
        projects.update_participant(session, p, label="Mentee C2")
    projects.update_participant(session, p, group=None)
    assert {v.label: v.group for v in projects.list_participants(session, project)} == {
        "Mentor B9": None,
        "Mentee C2": "Mentee",
    }


def test_deleting_a_participant_keeps_their_turns_with_the_raw_label(session):
    m = build_mentoring_project(session)
    projects.delete_participant(session, projects.get_participant(session, m.project, "Mentor B1"))
    session.commit()
    turns = session.execute(
        select(Turn.speaker_label, Turn.participant_id).where(Turn.document_id == m.mentor_doc.id)
    ).all()
    assert ("Mentor B1", None) in turns


def test_coders_are_created_once(session):
    first = projects.get_or_create_coder(session, "Asha", "lead")
    again = projects.get_or_create_coder(session, "Asha")
    assert first.id == again.id and again.role == "lead"
    with pytest.raises(ValueError):
        projects.get_or_create_coder(session, "Zed", "emperor")


def test_the_database_itself_refuses_duplicate_group_names(engine):
    with db.session_scope(engine) as s:
        project = projects.create_project(s, "P", ["Mentor"])
        project_id = project.id
    with pytest.raises(IntegrityError), db.session_scope(engine) as s:
        s.add(Group(project_id=project_id, name="Mentor", position=5))
        s.flush()

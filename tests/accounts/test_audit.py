"""The audit log: what this package records, what others emit, who may read it."""

import pytest

from toc_studio import access, events
from toc_studio.accounts import audit, members, signin, users
from toc_studio.errors import Refused
from toc_studio.project import projects

PASSWORD = "correct horse battery"


def test_audited_events_are_recorded_with_the_person_acting(session):
    project = projects.create_project(session, "Mentoring")
    olu = users.add_user(session, "Olu", PASSWORD)
    members.add_member(session, project, "Olu", "owner")
    with access.acting_as(access.Actor(olu.id, "Olu")):
        events.emit(session, events.Audited(project.id, "key.read", "Read the key (3 names)."))
        lines = audit.events(session, project)
    session.commit()
    assert [(x.who, x.action, x.project) for x in lines] == [
        ("Olu", "key.read", "Mentoring"),
        (audit.local_user(), "member.add", "Mentoring"),
    ]
    assert lines[0].detail == "Read the key (3 names)."
    assert lines[1].detail == "Made 'Olu' an owner."


def test_role_changes_sign_ins_and_account_changes_are_kept(session):
    project = projects.create_project(session, "Mentoring")
    users.add_user(session, "Olu", PASSWORD)
    users.add_user(session, "Cody", PASSWORD)
    members.add_member(session, project, "Olu", "owner")
    members.add_member(session, project, "Cody", "coder")
    members.add_member(session, project, "Cody", "lead")
    members.remove_member(session, project, "Cody")
    signin.sign_in(session, "Cody", "wrong password", "10.1.2.3")
    signin.sign_in(session, "Cody", PASSWORD, "10.1.2.3")
    session.commit()
    store = audit.events(session)
    assert [x.action for x in reversed(store)] == [
        "user.add",
        "user.add",
        "member.add",
        "member.add",
        "member.role",
        "member.remove",
        "signin.failed",
        "signin",
    ]
    assert store[0].who == "Cody" and "from 10.1.2.3" in store[0].detail
    assert [x.action for x in audit.events(session, project)][:2] == [
        "member.remove",
        "member.role",
    ]
    assert audit.events(session, project)[1].detail == "Changed 'Cody' from coder to lead."


def test_a_line_outlives_its_project(session):
    project = projects.create_project(session, "Gone soon")
    events.emit(session, events.Audited(project.id, "key.read", "Read the key."))
    projects.delete_project(session, project)
    session.commit()
    kept = {line.action: line.project for line in audit.events(session)}
    assert kept["key.read"] == "Gone soon"


def test_only_owners_read_a_projects_log_and_only_administrators_the_whole(session):
    project = projects.create_project(session, "Mentoring")
    cody = users.add_user(session, "Cody", PASSWORD)
    root = users.add_user(session, "Root", PASSWORD, admin=True)
    members.add_member(session, project, "Cody", "lead")
    with access.acting_as(access.Actor(cody.id, "Cody")):
        with pytest.raises(Refused, match="read the project's audit log"):
            audit.events(session, project)
        with pytest.raises(Refused, match="Only an administrator"):
            audit.events(session)
    with access.acting_as(access.Actor(root.id, "Root", admin=True)):
        assert audit.events(session, project)
        assert len(audit.events(session)) == 3

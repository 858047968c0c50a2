"""Memberships: roles answered through access.require, the last owner kept, owners only."""

import pytest

from toc_studio import access, events
from toc_studio.accounts import members, users
from toc_studio.errors import Conflict, Invalid, NotFound, Refused
from toc_studio.project import projects

PASSWORD = "correct horse battery"


@pytest.fixture
def team(session):
    project = projects.create_project(session, "Mentoring")
    other = projects.create_project(session, "Carers")
    people = {
        name: users.add_user(session, name, PASSWORD, admin=name == "Root")
        for name in ("Olu", "Lena", "Cody", "Vic", "Root")
    }
    for name, role in (("Olu", "owner"), ("Lena", "lead"), ("Cody", "coder"), ("Vic", "viewer")):
        members.add_member(session, project, name, role)
    session.commit()
    return project, other, people


def as_(user):
    return access.acting_as(access.Actor(user.id, user.name, user.admin))


def test_roles_are_answered_through_access_require(session, team):
    project, other, people = team
    with as_(people["Cody"]):
        access.require(session, project.id, "coder", "code")
        with pytest.raises(Refused, match="you need to be a lead of this project; you are a coder"):
            access.require(session, project.id, "lead", "edit the codebook")
        with pytest.raises(Refused, match="not a member of this project"):
            access.require(session, other.id, "viewer", "read it")
    with as_(people["Vic"]):
        assert access.role_in(session, project.id) == "viewer"
        assert not access.allowed(session, project.id, "coder")
    with as_(people["Root"]):  # administrators are owners everywhere, without a membership
        access.require(session, other.id, "owner", "manage members")
    answers = events.emit(session, events.RoleWanted(project.id, people["Lena"].id))
    assert "lead" in answers


def test_owners_manage_members_and_others_are_refused(session, team):
    project, _, people = team
    with as_(people["Lena"]):
        with pytest.raises(Refused, match="you need to be an owner"):
            members.add_member(session, project, "Vic", "coder")
        with pytest.raises(Refused):
            members.list_members(session, project)
        with pytest.raises(Refused):
            members.remove_member(session, project, "Cody")
    with as_(people["Olu"]):
        members.add_member(session, project, "Vic", "coder")
        listed = [(m.name, m.role) for m in members.list_members(session, project)]
    assert listed == [("Olu", "owner"), ("Lena", "lead"), ("Cody", "coder"), ("Vic", "coder")]


def test_the_last_owner_cannot_be_removed_or_demoted(session, team):
    project, _, _ = team
    with pytest.raises(Conflict, match="'Olu' is the last owner of 'Mentoring'"):
        members.remove_member(session, project, "Olu")
    with pytest.raises(Conflict, match="last owner"):
        members.add_member(session, project, "Olu", "lead")
    members.add_member(session, project, "Lena", "owner")
    members.add_member(session, project, "Olu", "lead")
    members.remove_member(session, project, "Olu")
    session.commit()
    assert [(m.name, m.role) for m in members.list_members(session, project)][0] == (
        "Lena",
        "owner",
    )


def test_unknown_users_roles_and_members_are_named(session, team):
    project, other, _ = team
    with pytest.raises(NotFound, match="There is no account 'Zed'"):
        members.add_member(session, project, "Zed", "coder")
    with pytest.raises(Invalid, match="There is no role 'boss'"):
        members.add_member(session, project, "Cody", "boss")
    with pytest.raises(NotFound, match="'Cody' is not a member of 'Carers'"):
        members.remove_member(session, other, "Cody")


def test_deleting_a_project_ends_its_memberships(session, team):
    project, _, people = team
    projects.delete_project(session, project)
    session.commit()
    assert members.projects_of(session, people["Cody"].id) == {}
    [cody] = [u for u in users.list_users(session) if u.name == "Cody"]
    assert cody.projects == 0


def test_two_owners_demoting_each_other_at_once_leave_one_owner(engine):
    from concurrent.futures import ThreadPoolExecutor

    from sqlmodel import Session

    with Session(engine, expire_on_commit=False) as s:
        project = projects.create_project(s, "Mentoring")
        for name in ("Olu", "Ada"):
            users.add_user(s, name, PASSWORD)
            members.add_member(s, project, name, "owner")
        s.commit()

    def demote(name: str) -> str:
        with Session(engine, expire_on_commit=False) as s:
            try:
                members.add_member(s, project, name, "lead")
                s.commit()
                return "done"
            except Conflict:
                s.rollback()
                return "refused"

    first = Session(engine, expire_on_commit=False)
    members.add_member(first, project, "Olu", "lead")  # holds its locks until it commits
    with ThreadPoolExecutor(1) as pool:
        second = pool.submit(demote, "Ada")  # waits for the first, or runs after it
        first.commit()
        first.close()
        assert second.result() == "refused"
    with Session(engine) as s:
        roles = {m.name: m.role for m in members.list_members(s, project)}
    assert roles == {"Olu": "lead", "Ada": "owner"}

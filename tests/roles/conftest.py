"""A small real team around the mentoring project: who holds which role, and a way to act
as each of them.

People: Vera (viewer), Asha (coder; she is also a coder of the project's codings), Lee
(lead), Olu (owner) of the mentoring project; Omar, a coder of ANOTHER project only; Ada,
an administrator. They are real accounts with real memberships (``toc_studio.accounts``),
so the roles reach :func:`toc_studio.access.require` as in the app: through the
:class:`toc_studio.events.RoleWanted` event the accounts package answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from tests.screens.conftest import app  # noqa: F401  (the AppTest fixture, for test_screens)
from toc_studio import access
from toc_studio.errors import Refused
from toc_studio.project import projects
from toc_studio.project.models import Project

PEOPLE = {
    "viewer": "Vera",
    "coder": "Asha",
    "lead": "Lee",
    "owner": "Olu",
    "outsider": "Omar",
    "admin": "Ada",
}


@dataclass
class Team:
    session: Session
    mentoring: object  # tests.builders.Mentoring
    other: Project
    tmp_path: Path
    actors: dict[str, access.Actor] = field(default_factory=dict)

    @property
    def project(self) -> Project:
        return self.mentoring.project

    @contextmanager
    def acting(self, who: str) -> Iterator[access.Actor]:
        """Run the block as ``who`` (a role of the mentoring project, or "outsider")."""
        with access.acting_as(self.actors[who]) as actor:
            yield actor


def fingerprint(session: Session) -> dict[str, list[tuple]]:
    """Every row of every table, in a comparable form: the store as a whole."""
    session.flush()
    found = {}
    for table in SQLModel.metadata.sorted_tables:
        rows = session.execute(select(table)).all()
        found[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    return found


def assert_refused(team: Team, who: str, act: Callable[[], object]) -> str:
    """``act`` as ``who`` is refused with a sentence, and the store is unchanged."""
    before = fingerprint(team.session)
    with team.acting(who), pytest.raises(Refused) as refused:
        act()
    message = str(refused.value)
    assert message.endswith(".") and "you" in message.lower(), message
    assert "Traceback" not in message and "SELECT" not in message, message
    assert fingerprint(team.session) == before, f"{who} was refused but the store changed"
    return message


@pytest.fixture
def team(session: Session, tmp_path: Path) -> Team:
    from tests.builders import build_mentoring_project
    from toc_studio.accounts import members, users
    from toc_studio.accounts.signin import actor_of

    mentoring = build_mentoring_project(session)
    other = projects.create_project(session, "Other evaluation", ["Staff"])
    made = Team(session, mentoring, other, tmp_path)
    for who, name in PEOPLE.items():
        user = users.add_user(session, name, None, email=f"{name.lower()}@example.org",
                              admin=who == "admin")  # fmt: skip
        made.actors[who] = actor_of(user)
        if who in access.ROLES:
            members.add_member(session, mentoring.project, name, who)
    members.add_member(session, other, PEOPLE["outsider"], "coder")
    session.commit()
    return made

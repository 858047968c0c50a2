"""A small real team around the mentoring project: who holds which role, and a way to act
as each of them.

People (user ids fixed for the test): Vera (viewer), Asha (coder; she is also a coder
of the project's codings), Lee (lead), Olu (owner) of the mentoring project; Omar, a coder
of ANOTHER project only; Ada, an administrator. Roles are answered through the
:class:`toc_studio.events.RoleWanted` event, as the accounts package answers them, by a
subscriber that reads this table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from toc_studio import access, events
from toc_studio.errors import Refused
from toc_studio.project import projects
from toc_studio.project.models import Project

PEOPLE = {
    "viewer": access.Actor(1, "Vera"),
    "coder": access.Actor(2, "Asha"),
    "lead": access.Actor(3, "Lee"),
    "owner": access.Actor(4, "Olu"),
    "outsider": access.Actor(5, "Omar"),
    "admin": access.Actor(6, "Ada", admin=True),
}


@dataclass
class Team:
    session: Session
    mentoring: object  # tests.builders.Mentoring
    other: Project
    tmp_path: Path
    grants: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def project(self) -> Project:
        return self.mentoring.project

    @contextmanager
    def acting(self, who: str) -> Iterator[access.Actor]:
        """Run the block as ``who`` (a role of the mentoring project, or "outsider")."""
        with access.acting_as(PEOPLE[who]) as actor:
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
def team(session: Session, tmp_path: Path) -> Iterator[Team]:
    from tests.builders import build_mentoring_project

    mentoring = build_mentoring_project(session)
    other = projects.create_project(session, "Other evaluation", ["Staff"])
    session.commit()
    made = Team(session, mentoring, other, tmp_path)
    for role in ("viewer", "coder", "lead", "owner"):
        made.grants[(mentoring.project.id, PEOPLE[role].user_id)] = role
    made.grants[(other.id, PEOPLE["outsider"].user_id)] = "coder"

    def role_wanted(_session: Session, event: events.RoleWanted) -> str | None:
        return made.grants.get((event.project_id, event.user_id))

    events.subscribe(events.RoleWanted, role_wanted)
    try:
        yield made
    finally:
        events.unsubscribe(events.RoleWanted, role_wanted)

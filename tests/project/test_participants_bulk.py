"""Many participants at once: the rows, ids and refusals of adding them one at a time."""

import pytest
from sqlalchemy import select

from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.project import projects
from toc_studio.project.models import Participant, ParticipantAttribute

WANTED = [
    ("  Mentee   C1 ", "Mentee", {"site": "North", "wave": "1", "blank": ""}),
    ("Mentor M1", "Mentor", {}),
    ("Mentee C2", None, {"site": "South", " age  band ": 0, "none": None}),
]


def _rows(session, project):
    people = session.execute(
        select(Participant.id, Participant.label, Participant.group_id)
        .where(Participant.project_id == project.id)
        .order_by(Participant.id)
    ).all()
    ids = {pid: at for at, (pid, _, _) in enumerate(people)}  # ids relative to the first
    attributes = session.execute(
        select(ParticipantAttribute.participant_id, ParticipantAttribute.name,
               ParticipantAttribute.value)
        .where(ParticipantAttribute.participant_id.in_(ids))
    ).all()  # fmt: skip
    return (
        [(label, group) for _, label, group in people],
        sorted((ids[pid], name, value) for pid, name, value in attributes),
    )


def test_bulk_participants_are_the_rows_one_at_a_time_would_give(session):
    one = projects.create_project(session, "One", ["Mentee", "Mentor"])
    many = projects.create_project(session, "Many", ["Mentee", "Mentor"])
    for label, group, attributes in WANTED:
        projects.add_participant(session, one, label, group, attributes)
    stored = projects.add_participants(session, many, WANTED)
    assert [p.label for p in stored] == ["Mentee C1", "Mentor M1", "Mentee C2"]
    assert [p.id for p in stored] == sorted(p.id for p in stored)  # in the order given
    singles, bulk = _rows(session, one), _rows(session, many)
    groups = {g.id: g.name for p in (one, many) for g in projects.list_groups(session, p)}
    assert [(label, groups.get(g)) for label, g in singles[0]] == [
        (label, groups.get(g)) for label, g in bulk[0]
    ]
    assert singles[1] == bulk[1] == [(0, "site", "North"), (0, "wave", "1"),
                                     (2, "age band", "0"), (2, "site", "South")]  # fmt: skip
    assert projects.add_participants(session, many, []) == []


def test_bulk_participants_keep_the_single_checks(session):
    project = projects.create_project(session, "Checks", ["Mentee"])
    projects.add_participant(session, project, "Mentee C1")
    with pytest.raises(Conflict, match="already has a participant 'Mentee C1'"):
        projects.add_participants(session, project, [("New", None, {}), ("Mentee C1", None, {})])
    with pytest.raises(Conflict, match="already has a participant 'Twice'"):
        projects.add_participants(session, project, [("Twice", None, {}), (" Twice", None, {})])
    with pytest.raises(Invalid, match="needs a name"):
        projects.add_participants(session, project, [("  ", None, {})])
    with pytest.raises(NotFound, match="no group 'Nobody'"):
        projects.add_participants(session, project, [("Mentee C9", "Nobody", {})])
    with pytest.raises(Invalid, match="at most 200 characters"):
        projects.add_participants(session, project, [("x" * 201, None, {})])
    labels = session.execute(
        select(Participant.label).where(Participant.project_id == project.id)
    ).scalars()
    assert list(labels) == ["Mentee C1"]  # nothing of the refused batches was stored

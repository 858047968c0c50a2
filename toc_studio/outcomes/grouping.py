"""Splitting participants for a table or a comparison: everyone ("All"), by stakeholder
group, or by the value of one attribute (``attribute:NAME``), in a reader's order."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.errors import Invalid
from toc_studio.outcomes.attributes import attribute_type
from toc_studio.project.models import Group, Participant, ParticipantAttribute, Project

ALL = "All"
NO_GROUP = "No group"
NO_VALUE = "No value"


@dataclass(frozen=True)
class Split:
    by: str | None
    of: dict[int, str]  # participant id -> its group's name
    order: list[str]  # group names in order (those with nobody in them included)


def split_participants(session: Session, project: Project, by: str | None = None) -> Split:
    """Every participant of ``project`` with the group it falls in under ``by``."""
    people = session.execute(
        select(Participant.id, Group.name, Group.position)
        .outerjoin(Group, Group.id == Participant.group_id)
        .where(Participant.project_id == project.id)
    ).all()
    if by is None or by == "":
        return Split(None, {pid: ALL for pid, _, _ in people}, [ALL])
    if by == "group":
        groups = session.execute(
            select(Group.name).where(Group.project_id == project.id).order_by(Group.position)
        ).scalars()
        order = list(groups)
        of = {pid: name or NO_GROUP for pid, name, _ in people}
        if NO_GROUP in of.values():
            order.append(NO_GROUP)
        return Split(by, of, order)
    if by.startswith("attribute:") and by.split(":", 1)[1].strip():
        name = by.split(":", 1)[1].strip()
        typed = attribute_type(session, project, name)
        stored = dict(
            session.execute(
                select(ParticipantAttribute.participant_id, ParticipantAttribute.value)
                .join(Participant, Participant.id == ParticipantAttribute.participant_id)
                .where(Participant.project_id == project.id, ParticipantAttribute.name == name)
            ).all()
        )
        if not stored:
            raise Invalid(f"No participant of {project.name!r} has an attribute {name!r}.")
        order = sorted(set(stored.values()), key=typed.sort_key())
        of = {pid: stored.get(pid, NO_VALUE) for pid, _, _ in people}
        if NO_VALUE in of.values():
            order.append(NO_VALUE)
        return Split(by, of, order)
    raise Invalid("Split by 'group' or by 'attribute:NAME'.")

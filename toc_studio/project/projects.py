"""Projects, groups, participants and coders: plain functions over a session."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from toc_studio import access, events
from toc_studio.errors import Conflict, Invalid, NotFound, fit
from toc_studio.project import summary
from toc_studio.project.models import (
    Coder,
    Group,
    Participant,
    ParticipantAttribute,
    Project,
    Role,
)
from toc_studio.project.summary import ProjectSummary


def _clean_name(name: str, what: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise Invalid(f"A {what} needs a name.")
    article = "An" if what[0] in "aeiou" else "A"
    return fit(cleaned, NAME_LIMITS[what], f"{article} {what}'s name")


NAME_LIMITS = {  # characters, as long as the columns that keep them
    "project": Project.__table__.c.name.type.length,
    "group": Group.__table__.c.name.type.length,
    "participant": Participant.__table__.c.label.type.length,
    "attribute": ParticipantAttribute.__table__.c.name.type.length,
    "coder": Coder.__table__.c.name.type.length,
}


# --- projects -----------------------------------------------------------------------------


def create_project(
    session: Session, name: str, groups: Sequence[str] = (), description: str = ""
) -> Project:
    """Create a project with its stakeholder groups (in the given order)."""
    access.require_admin("create a project")
    name = _clean_name(name, "project")
    if session.execute(select(Project.id).where(Project.name == name)).first():
        raise Conflict(f"A project called {name!r} already exists; choose another name.")
    project = Project(name=name, description=description)
    _insert(session, project, f"A project called {name!r} already exists; choose another name.")
    for group_name in groups:
        add_group(session, project, group_name)
    return project


def get_project(session: Session, name_or_id: str | int) -> Project:
    """Find a project by id or by exact name."""
    if isinstance(name_or_id, int):
        project = session.get(Project, name_or_id)
    else:
        project = (
            session.execute(select(Project).where(Project.name == name_or_id)).scalars().first()
        )
    if project is None:
        known = ", ".join(repr(p.name) for p in list_projects(session)) or "none"
        raise NotFound(f"No project {name_or_id!r}. Projects in this store: {known}.")
    access.require(session, project.id, "viewer", "open this project")
    return project


def list_projects(session: Session) -> list[ProjectSummary]:
    """Every project with its groups and counts, in name order (two queries in all); for a
    signed-in person, only the projects they are a member of."""
    found = summary.summaries(
        session.execute(text(summary.PROJECTS_SQL)).all(),
        session.execute(text(summary.GROUPS_SQL)).all(),
    )
    return [p for p in found if access.allowed(session, p.id, "viewer")]


def rename_project(session: Session, project: Project, new_name: str) -> Project:
    access.require(session, project.id, "owner", "rename the project")
    new_name = _clean_name(new_name, "project")
    clash = session.execute(
        select(Project.id).where(Project.name == new_name, Project.id != project.id)
    ).first()
    if clash:
        raise Conflict(f"A project called {new_name!r} already exists.")
    project.name = new_name
    session.add(project)
    session.flush()
    return project


def delete_project(session: Session, project: Project) -> None:
    """Delete a project and everything it owns (groups, participants, documents, codes,
    codings, memos...), through the database's cascades. Coders are shared and stay."""
    access.require(session, project.id, "owner", "delete the project")
    access.audit(session, project.id, "project.delete", f"Deleted the project {project.name!r}.")
    session.execute(delete(Project).where(Project.id == project.id))
    session.expunge_all()


# --- groups -------------------------------------------------------------------------------


def list_groups(session: Session, project: Project) -> list[Group]:
    return list(
        session.execute(
            select(Group).where(Group.project_id == project.id).order_by(Group.position, Group.id)
        ).scalars()
    )


def get_group(session: Session, project: Project, name: str) -> Group:
    group = (
        session.execute(select(Group).where(Group.project_id == project.id, Group.name == name))
        .scalars()
        .first()
    )
    if group is None:
        known = ", ".join(g.name for g in list_groups(session, project)) or "none yet"
        raise NotFound(f"Project {project.name!r} has no group {name!r} (groups: {known}).")
    return group


def add_group(session: Session, project: Project, name: str) -> Group:
    access.require(session, project.id, "lead", "add a group")
    name = _clean_name(name, "group")
    existing = list_groups(session, project)
    if any(g.name.casefold() == name.casefold() for g in existing):
        raise Conflict(f"Project {project.name!r} already has a group {name!r}.")
    group = Group(project_id=project.id, name=name, position=len(existing))
    _insert(session, group, f"Project {project.name!r} already has a group {name!r}.")
    return group


def ensure_group(session: Session, project: Project, name: str) -> tuple[Group, bool]:
    """The project's group called ``name`` (case aside), created when missing, also when
    another writer creates it at the same moment. Returns (group, created)."""
    access.require(session, project.id, "lead", "add a group")
    name = _clean_name(name, "group")
    found = _group_named(session, project, name)
    if found is not None:
        return found, False
    try:
        return add_group(session, project, name), True
    except Conflict:  # created meanwhile by another writer: use theirs
        found = _group_named(session, project, name)
        if found is None:
            raise
        return found, False


def _group_named(session: Session, project: Project, name: str) -> Group | None:
    key = name.casefold()
    return next((g for g in list_groups(session, project) if g.name.casefold() == key), None)


def _insert(session: Session, row, clash: str) -> None:
    """Add ``row`` in a savepoint; a unique constraint it breaks (a row stored meanwhile by
    another writer) becomes Conflict(``clash``) and leaves the session usable."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(clash) from exc


def rename_group(session: Session, group: Group, new_name: str) -> Group:
    access.require(session, group.project_id, "lead", "rename a group")
    new_name = _clean_name(new_name, "group")
    clash = session.execute(
        select(Group.id).where(
            Group.project_id == group.project_id, Group.name == new_name, Group.id != group.id
        )
    ).first()
    if clash:
        raise Conflict(f"There is already a group {new_name!r}.")
    group.name = new_name
    session.add(group)
    session.flush()
    return group


def reorder_groups(session: Session, project: Project, names: Sequence[str]) -> list[Group]:
    """Put the project's groups in the order given (every group named exactly once)."""
    access.require(session, project.id, "lead", "reorder the groups")
    groups = {g.name: g for g in list_groups(session, project)}
    if sorted(names) != sorted(groups):
        raise Invalid(f"Name every group exactly once: {', '.join(groups)}.")
    for position, name in enumerate(names):
        groups[name].position = position
        session.add(groups[name])
    session.flush()
    return list_groups(session, project)


def delete_group(session: Session, group: Group, *, force: bool = False) -> None:
    """Delete a group. Refuses while participants or codes belong to it, unless ``force``
    (then participants become ungrouped and the codes' branch becomes shared). What else
    belongs to the group, the packages above say (:class:`toc_studio.events.GroupDeleting`)."""
    access.require(session, group.project_id, "owner", "delete a group")
    members = session.execute(
        select(func.count()).select_from(Participant).where(Participant.group_id == group.id)
    ).one()[0]
    held = [events.Held(members, "participant(s)")]
    held += events.emit(session, events.GroupDeleting(group.id))
    if any(h.count for h in held) and not force:
        listed = " and ".join(f"{h.count} {h.what}" for h in held)
        raise Conflict(
            f"Group {group.name!r} still has {listed}. Move them first, or delete with force "
            "to ungroup them."
        )
    access.audit(session, group.project_id, "group.delete", f"Deleted the group {group.name!r}.")
    session.execute(delete(Group).where(Group.id == group.id))
    session.expire_all()


# --- participants -------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantView:
    id: int
    label: str
    group: str | None
    attributes: dict[str, str]


def add_participant(
    session: Session,
    project: Project,
    label: str,
    group: str | None = None,
    attributes: Mapping[str, str] | None = None,
) -> Participant:
    (participant,) = add_participants(session, project, [(label, group, attributes or {})])
    return participant


def add_participants(
    session: Session,
    project: Project,
    wanted: Sequence[tuple[str, str | None, Mapping[str, str]]],
) -> list[Participant]:
    """:func:`add_participant` for many (label, group, attributes) at once, with its checks
    (names, groups, one label once): one insert for the participants, in order, one for
    their attributes. A label stored already, or meanwhile by another writer, is Conflict."""
    access.require(session, project.id, "lead", "add a participant")
    labels = [_clean_name(label, "participant") for label, _, _ in wanted]
    taken, seen = {*_participants_named(session, project, labels)}, set()
    for label in labels:
        (taken if label in seen else seen).add(label)
    if taken:
        label = min(taken, key=labels.index)
        raise Conflict(f"Project {project.name!r} already has a participant {label!r}.")
    groups: dict[str, int] = {}
    for _, group, _ in wanted:
        if group and group not in groups:
            groups[group] = get_group(session, project, group).id
    rows = [
        {"project_id": project.id, "label": label, "group_id": groups.get(group or "")}
        for label, (_, group, _) in zip(labels, wanted, strict=True)
    ]
    try:
        with session.begin_nested():
            if rows:
                session.execute(Participant.__table__.insert(), rows)
    except IntegrityError as exc:  # stored meanwhile by another writer
        some = f"a participant {labels[0]!r}" if len(labels) == 1 else "some of these participants"
        raise Conflict(f"Project {project.name!r} already has {some}.") from exc
    found = _participants_named(session, project, labels)
    values = []
    for label, (_, _, attributes) in zip(labels, wanted, strict=True):
        named = {_clean_name(str(n), "attribute"): v for n, v in attributes.items()}
        kept = {n: str(v) for n, v in named.items() if v is not None}
        values += [(found[label].id, n, v) for n, v in kept.items() if v]
    if values:
        session.execute(
            ParticipantAttribute.__table__.insert(),
            [{"participant_id": p, "name": n, "value": v} for p, n, v in values],
        )
    return [found[label] for label in labels]


def _participants_named(session: Session, project: Project, labels: list[str]) -> dict:
    found: dict[str, Participant] = {}
    for at in range(0, len(labels), 500):
        query = select(Participant).where(
            Participant.project_id == project.id, Participant.label.in_(labels[at : at + 500])
        )
        found.update((row.label, row) for row in session.execute(query).scalars())
    return found


def get_participant(session: Session, project: Project, label: str) -> Participant:
    participant = (
        session.execute(
            select(Participant).where(
                Participant.project_id == project.id, Participant.label == label
            )
        )
        .scalars()
        .first()
    )
    if participant is None:
        raise NotFound(f"Project {project.name!r} has no participant {label!r}.")
    return participant


def set_attributes(
    session: Session, participant: Participant, attributes: Mapping[str, str]
) -> None:
    """Set (or, with an empty value, remove) free attributes of a participant."""
    access.require(session, participant.project_id, "lead", "change a participant's attributes")
    for name, value in attributes.items():
        name = _clean_name(str(name), "attribute")
        row = session.get(ParticipantAttribute, (participant.id, name))
        if value is None or str(value) == "":
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            row = ParticipantAttribute(participant_id=participant.id, name=name)
        row.value = str(value)
        session.add(row)
    session.flush()


def list_participants(session: Session, project: Project) -> list[ParticipantView]:
    rows = session.execute(
        select(Participant.id, Participant.label, Group.name)
        .outerjoin(Group, Group.id == Participant.group_id)
        .where(Participant.project_id == project.id)
        .order_by(Participant.label)
    ).all()
    attrs: dict[int, dict[str, str]] = {}
    for pid, name, value in session.execute(
        select(
            ParticipantAttribute.participant_id,
            ParticipantAttribute.name,
            ParticipantAttribute.value,
        )
        .join(Participant, Participant.id == ParticipantAttribute.participant_id)
        .where(Participant.project_id == project.id)
        .order_by(ParticipantAttribute.name)
    ).all():
        attrs.setdefault(pid, {})[name] = value
    return [ParticipantView(pid, label, group, attrs.get(pid, {})) for pid, label, group in rows]


def update_participant(
    session: Session,
    participant: Participant,
    *,
    label: str | None = None,
    group: str | None | type[Ellipsis] = ...,
) -> Participant:
    """Relabel a participant and/or move it to another group (``None``: no group)."""
    access.require(session, participant.project_id, "lead", "change a participant")
    project = session.get(Project, participant.project_id)
    if label is not None:
        label = _clean_name(label, "participant")
        clash = session.execute(
            select(Participant.id).where(
                Participant.project_id == participant.project_id,
                Participant.label == label,
                Participant.id != participant.id,
            )
        ).first()
        if clash:
            raise Conflict(f"Another participant is already labelled {label!r}.")
        participant.label = label
    if group is not ...:
        participant.group_id = get_group(session, project, group).id if group else None
    session.add(participant)
    session.flush()
    return participant


def delete_participant(session: Session, participant: Participant) -> None:
    """Delete a participant; their turns keep the raw speaker label. The stored speakers
    of the codings in the documents they spoke in (or were attributed) are worked out
    again in the same transaction (another participant may now be the document's only
    one): the packages above name the documents (:class:`toc_studio.events.ParticipantDeleting`)
    and are told when the participant is gone (:class:`toc_studio.events.SpeakersChanged`)."""
    access.require(session, participant.project_id, "owner", "delete a participant")
    answers = events.emit(session, events.ParticipantDeleting(participant.id))
    documents = tuple(sorted({d for answer in answers for d in answer}))
    said = f"Deleted the participant {participant.label!r}."
    access.audit(session, participant.project_id, "participant.delete", said)
    session.execute(delete(Participant).where(Participant.id == participant.id))
    events.emit(session, events.SpeakersChanged(documents))
    session.expire_all()


# --- coders -------------------------------------------------------------------------------


def get_or_create_coder(session: Session, name: str, role: Role | str = Role.RESEARCHER) -> Coder:
    name = _clean_name(name, "coder")
    coder = session.execute(select(Coder).where(Coder.name == name)).scalars().first()
    if coder is None:
        coder = Coder(name=name, role=Role(role).value)
        try:
            with session.begin_nested():
                session.add(coder)
                session.flush()
        except IntegrityError:  # created meanwhile by another session
            coder = session.execute(select(Coder).where(Coder.name == name)).scalars().one()
    return coder


def list_coders(session: Session, names: Iterable[str] | None = None) -> list[Coder]:
    stmt = select(Coder).order_by(Coder.name)
    if names is not None:
        stmt = stmt.where(Coder.name.in_(list(names)))
    return list(session.execute(stmt).scalars())

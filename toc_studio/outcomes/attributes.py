"""Typed participant attributes and the participants' import.

Values stay where the project package keeps them (``participant_attribute``, as text);
this module owns their types. A typed value is stored in its canonical text (numbers
without trailing zeros, ISO dates, ``yes``/``no``, an ordinal's own spelling), so every
reader of the attributes sees one spelling.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from toc_studio import access
from toc_studio.errors import Invalid, fit
from toc_studio.outcomes import values
from toc_studio.outcomes.models import ATTRIBUTE_KINDS, AttributeType
from toc_studio.outcomes.participants import participant_ids
from toc_studio.outcomes.tablefile import ImportRejected, Table, blank, read_table
from toc_studio.project import projects
from toc_studio.project.models import Group, Participant, ParticipantAttribute, Project

CHUNK = 500


@dataclass(frozen=True)
class AttrType:
    name: str
    kind: str
    levels: tuple[str, ...] = ()

    def sort_key(self) -> Callable[[str], tuple]:
        """Order values the way a reader expects: numbers numerically, dates in time,
        ordinal values in their order (unknown ones last), categories alphabetically."""
        if self.kind == "number":
            return lambda v: (0, values.parse_number(v)) if values.fits("number", v) else (1, v)
        if self.kind == "ordinal":
            rank = {level.casefold(): i for i, level in enumerate(self.levels)}
            return lambda v: (rank.get(v.casefold(), len(rank)), v.casefold())
        return lambda v: (0, v.casefold())


def attribute_types(session: Session, project: Project) -> dict[str, AttrType]:
    rows = session.execute(
        select(AttributeType).where(AttributeType.project_id == project.id)
    ).scalars()
    return {r.name: AttrType(r.name, r.kind, tuple(json.loads(r.levels))) for r in rows}


def attribute_type(session: Session, project: Project, name: str) -> AttrType:
    """The declared type of ``name``; an attribute never typed is a category."""
    return attribute_types(session, project).get(name, AttrType(name, "category"))


def _clean_order(kind: str, order: Sequence[str] | None) -> list[str]:
    levels = [" ".join(str(o).split()) for o in (order or []) if str(o).strip()]
    if kind != "ordinal":
        if levels:
            raise Invalid("Only an ordinal attribute takes an order (--order).")
        return []
    if not levels:
        raise Invalid("An ordinal attribute needs its values in order, lowest first (--order).")
    folded = [level.casefold() for level in levels]
    if len(set(folded)) != len(folded):
        raise Invalid("The order names a value more than once.")
    return levels


def set_attribute_type(
    session: Session,
    project: Project,
    name: str,
    kind: str,
    order: Sequence[str] | None = None,
) -> AttrType:
    """Declare the type of attribute ``name``. Values already stored must fit it (they are
    rewritten in the type's canonical spelling); nothing changes if one does not."""
    access.require(session, project.id, "lead", "set an attribute's type")
    name = " ".join(str(name).split())
    if not name:
        raise Invalid("Name the attribute to type.")
    fit(name, AttributeType.__table__.c.name.type.length, "An attribute's name")
    if kind not in ATTRIBUTE_KINDS:
        raise Invalid(f"An attribute's type is one of {', '.join(ATTRIBUTE_KINDS)}.")
    levels = _clean_order(kind, order)
    stored = session.execute(
        select(ParticipantAttribute.participant_id, Participant.label, ParticipantAttribute.value)
        .join(Participant, Participant.id == ParticipantAttribute.participant_id)
        .where(Participant.project_id == project.id, ParticipantAttribute.name == name)
        .order_by(Participant.label)
    ).all()
    problems, rewrites = [], []
    for pid, label, value in stored:
        try:
            new = values.canonical(kind, value, levels or None)
        except values.BadValue as exc:
            problems.append(f"participant {label!r} has {value[:40]!r}, which is not {exc}")
            continue
        if new != value:
            rewrites.append((pid, new))
    if problems:
        shown = "; ".join(problems[:10]) + (
            f"; and {len(problems) - 10} more" if len(problems) > 10 else ""
        )
        raise Invalid(f"Attribute {name!r} cannot be {kind}, nothing was changed: {shown}.")
    for pid, new in rewrites:
        session.execute(
            update(ParticipantAttribute)
            .where(ParticipantAttribute.participant_id == pid, ParticipantAttribute.name == name)
            .values(value=new)
        )
    _store_type(session, project, AttrType(name, kind, tuple(levels)))
    return AttrType(name, kind, tuple(levels))


def _store_type(session: Session, project: Project, typed: AttrType) -> None:
    row = session.get(AttributeType, (project.id, typed.name))
    if row is None:
        row = AttributeType(project_id=project.id, name=typed.name, kind=typed.kind)
    row.kind = typed.kind
    row.levels = json.dumps(list(typed.levels), ensure_ascii=False)
    session.add(row)
    session.flush()


# --- the participants' import ---------------------------------------------------------


@dataclass
class ParticipantsImport:
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    groups_created: list[str] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)  # attribute -> type

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "groups_created": self.groups_created,
            "attributes": self.types,
        }


def _column_types(table: Table, first: int, known: dict[str, AttrType]) -> dict[int, AttrType]:
    """The type of each attribute column: declared before, else inferred from its cells.
    A column that is mostly numbers (or dates) is read as such, so that its odd cells are
    reported instead of turning the column into a category."""
    typed = {}
    for index, header in enumerate(table.headers):
        if index == first:
            continue
        if header in known:
            typed[index] = known[header]
            continue
        cells = [row[index] for _, row in table.rows]
        kind = values.infer_kind(cells)
        if kind == "category":
            kind = next((k for k in ("number", "date") if values.mostly(k, cells)), kind)
        typed[index] = AttrType(header, kind)
    return typed


def import_participants(
    session: Session, project: Project, data: bytes, name: str, *, create_groups: bool = False
) -> ParticipantsImport:
    """Import participants' attributes from a .csv/.xlsx: first column the label, an
    optional ``group`` column, every other column an attribute. Unknown participants are
    created; a blank cell leaves the stored value alone. All rows or none: every bad cell
    is reported by row and column."""
    access.require(session, project.id, "lead", "import participants")
    table = read_table(data, name)
    group_col = table.column("group")
    if group_col == 0:
        group_col = None
    types = _column_types(table, 0, attribute_types(session, project))
    if group_col is not None:
        types.pop(group_col)
    groups = {g.name.casefold(): g.name for g in projects.list_groups(session, project)}
    parsed, problems = _parse_rows(table, types, group_col, groups, create_groups)
    if problems:
        raise ImportRejected(name, problems)
    result = ParticipantsImport(rows=len(parsed))
    with session.begin_nested():
        _write_participants(session, project, parsed, groups, result)
        for typed in types.values():
            if typed.name not in attribute_types(session, project):
                _store_type(session, project, typed)
            result.types[typed.name] = typed.kind
    return result


def _parse_rows(table, types, group_col, groups, create_groups):
    parsed: list[tuple[str, str | None, dict[str, str]]] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        label = values.text_of(cells[0])
        if not label:
            problems.append(f"row {number}: no participant label in the first column")
            continue
        if label.casefold() in seen:
            problems.append(f"row {number}: {label!r} is already on row {seen[label.casefold()]}")
            continue
        seen[label.casefold()] = number
        group = None
        if group_col is not None and not blank(cells[group_col]):
            group = values.text_of(cells[group_col])
            if group.casefold() in groups:
                group = groups[group.casefold()]
            elif not create_groups:
                problems.append(
                    f"row {number}, column {table.headers[group_col]!r}: the project has no "
                    f"group {group[:40]!r} (create it first, or import with --create-groups)"
                )
        attrs = {}
        for index, typed in types.items():
            if blank(cells[index]):
                continue
            try:
                attrs[typed.name] = values.canonical(typed.kind, cells[index], list(typed.levels))
            except values.BadValue as exc:
                shown = values.text_of(cells[index])[:40]
                problems.append(
                    f"row {number}, column {typed.name!r}: {shown!r} is not {exc} "
                    f"(the column is typed {typed.kind})"
                )
        parsed.append((label, group, attrs))
    return parsed, problems


def _write_participants(session, project, parsed, groups, result) -> None:
    group_ids = {
        g.name: g.id for g in session.execute(
            select(Group).where(Group.project_id == project.id)
        ).scalars()
    }  # fmt: skip
    for _, group, _ in parsed:
        if group is not None and group not in group_ids:
            group_ids[group] = projects.add_group(session, project, group).id
            groups[group.casefold()] = group
            result.groups_created.append(group)
    labels = [label for label, _, _ in parsed]
    ids, created = participant_ids(session, project, labels)
    result.created = created
    new = {label.casefold() for label in created}
    result.updated = [label for label in labels if label.casefold() not in new]
    by_group: dict[int, list[int]] = {}
    for label, group, _ in parsed:
        if group is not None:
            by_group.setdefault(group_ids[group], []).append(ids[label])
    for group_id, members in by_group.items():
        for start in range(0, len(members), CHUNK):
            session.execute(
                update(Participant)
                .where(Participant.id.in_(members[start : start + CHUNK]))
                .values(group_id=group_id)
            )
    rows = [
        {"participant_id": ids[label], "name": n, "value": v}
        for label, _, attrs in parsed
        for n, v in attrs.items()
    ]
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        for attr in {r["name"] for r in chunk}:
            session.execute(
                delete(ParticipantAttribute).where(
                    ParticipantAttribute.name == attr,
                    ParticipantAttribute.participant_id.in_(
                        [r["participant_id"] for r in chunk if r["name"] == attr]
                    ),
                )
            )
        session.execute(insert(ParticipantAttribute), chunk)
    session.flush()

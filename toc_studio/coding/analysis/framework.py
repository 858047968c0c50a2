"""The framework matrix of thematic analysis: codes × groups, participants or values of an
attribute, counting codings, participants and documents in SQL, and the excerpts behind
one of its cells (retrieved by :func:`toc_studio.coding.analysis.queries.excerpts`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import case, distinct, func, literal, select, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session

from toc_studio import events
from toc_studio.coding import blind
from toc_studio.coding.analysis.bins import Binned, Bins, binned_attribute, parse_bins
from toc_studio.coding.analysis.queries import DEFAULT_CONTEXT, Excerpt, excerpts
from toc_studio.coding.codebook import code_paths
from toc_studio.coding.models import Code, Coding
from toc_studio.coding.scope import NONE, Scope, all_of, coding_filter, person_filter
from toc_studio.errors import Invalid
from toc_studio.project.models import Group, Participant, ParticipantAttribute, Project


@dataclass(frozen=True)
class Cell:
    """One cell of the matrix: codings, distinct participants, distinct documents."""

    codings: int
    participants: int
    documents: int


@dataclass(frozen=True)
class MatrixRow:
    """One code's row of the matrix, with its cells by column and its total."""

    code_id: int
    code: str
    cells: dict[str, Cell]
    total: Cell


@dataclass(frozen=True)
class Matrix:
    """Codes × columns (groups, participants or values of an attribute)."""

    by: str
    columns: list[str]
    rows: list[MatrixRow]

    def as_dict(self) -> dict:
        return {
            "by": self.by,
            "columns": self.columns,
            "rows": [
                {
                    "code_id": r.code_id,
                    "code": r.code,
                    "cells": {k: asdict(v) for k, v in r.cells.items()},
                    "total": asdict(r.total),
                }
                for r in self.rows
            ],
        }


def _column(by: str, participant_id, binned: Binned | None = None):
    """(column expression, joins) for a matrix ``by`` value (an attribute's values grouped
    in their ranges when ``binned``)."""
    if by == "group":
        p, g = aliased(Participant), aliased(Group)
        return g.name, [(p, p.id == participant_id), (g, g.id == p.group_id)]
    if by == "participant":
        p = aliased(Participant)
        return p.label, [(p, p.id == participant_id)]
    if by.startswith("attribute:") and by[len("attribute:") :].strip():
        name = by[len("attribute:") :].strip()
        a = aliased(ParticipantAttribute)
        value = a.value if binned is None else case(binned.labels, value=a.value, else_=a.value)
        return value, [(a, (a.participant_id == participant_id) & (a.name == name))]
    raise Invalid(f"A matrix runs by group, participant or attribute:NAME, not {by!r}.")


def code_tree(project: Project):
    """Recursive CTE (ancestor, descendant) over the project's codes, each code its own
    ancestor: lets a row count the codings of its sub-codes, in SQL."""
    base = select(Code.id.label("ancestor"), Code.id.label("descendant")).where(
        Code.project_id == project.id
    )
    tree = base.cte("code_tree", recursive=True)
    child = aliased(Code)
    return tree.union_all(
        select(tree.c.ancestor, child.id).join(child, child.parent_id == tree.c.descendant)
    )


def matrix(
    session: Session,
    project: Project,
    *,
    by: str = "group",
    codes: list[Code] | None = None,
    with_subcodes: bool = False,
    scope: Scope | None = None,
    bins: Bins | str | None = None,
) -> Matrix:
    """Count codings, participants and documents per code and per ``by`` value
    ("group", "participant" or "attribute:NAME"). With ``with_subcodes`` a code's row
    includes its sub-codes' codings. Codings with no value fall in the "(none)" column.
    ``bins`` (a number attribute only: a count of equal ranges, or their edges) groups
    the attribute's values into ranges, one column each, in numeric order."""
    scope = blind.scoped(session, project, scope)
    binned = _binned(session, project, by, bins)
    paths = code_paths(session, project)
    wanted = [c.id for c in codes] if codes is not None else list(paths)
    if by == "group":
        columns, cells, totals = _by_group(session, project, wanted, with_subcodes, scope)
    else:
        only = wanted if codes is not None else None
        columns, cells, totals = _by_column(
            session, project, by, only, with_subcodes, scope, binned
        )
    return _matrix(session, project, by, columns, cells, totals, wanted, paths)


def _by_column(
    session: Session,
    project: Project,
    by: str,
    only: list[int] | None,
    with_subcodes: bool,
    scope: Scope,
    binned: Binned | None = None,
) -> tuple[list[str], dict[int, dict[str, Cell]], dict[int, Cell]]:
    """The matrix by participant or attribute (rows limited to the codes ``only`` names,
    when given), cells and row totals in one statement: columns, cells and row totals."""
    from toc_studio.coding.speakers import query_codings

    coded_rows = query_codings(project, scope)
    # SQLite, with the codings inlined, counts the totals as they stream from the index in
    # code order; PostgreSQL does better reading them once into a CTE for both parts
    sqlite = session.get_bind().dialect.name == "sqlite"
    sub = coded_rows.subquery("coded") if sqlite else coded_rows.cte("coded")
    column, joins = _column(by, sub.c.participant_id, binned)
    if with_subcodes:
        tree = code_tree(project)
        row_key = tree.c.ancestor
        base = select().select_from(sub).join(tree, tree.c.descendant == sub.c.code_id)
    else:
        row_key = sub.c.code_id
        base = select().select_from(sub)
    filters = [all_of(person_filter(sub.c.participant_id, scope))]
    if only is not None:
        filters.append(row_key.in_(only))
    with_column = base
    for target, on in joins:
        with_column = with_column.outerjoin(target, on)
    measures = (
        func.count(),
        func.count(distinct(sub.c.participant_id)),
        func.count(distinct(sub.c.document_id)),
    )
    # cells and row totals in one statement: the codings in scope are found once; the
    # totals need no join to the column's table
    cells_part = with_column.where(*filters).add_columns(
        literal(1).label("cell"), row_key, column, *measures
    )
    totals_part = base.where(*filters).add_columns(literal(0), row_key, literal(None), *measures)
    stmt = union_all(cells_part.group_by(row_key, column), totals_part.group_by(row_key))
    cells: dict[int, dict[str, Cell]] = {}
    totals: dict[int, Cell] = {}
    seen: set[str] = set()
    for is_cell, key, value, n, people, docs in session.execute(stmt).all():
        if not is_cell:
            totals[key] = Cell(n, people, docs)
            continue
        label = NONE if value is None else str(value)
        seen.add(label)
        cells.setdefault(key, {})[label] = Cell(n, people, docs)
    if binned is not None:
        return binned.columns + ([NONE] if NONE in seen else []), cells, totals
    return _columns_in_order(session, project, by, seen), cells, totals


def _by_group(
    session: Session, project: Project, wanted: list[int], with_subcodes: bool, scope: Scope
) -> tuple[list[str], dict[int, dict[str, Cell]], dict[int, Cell]]:
    """The matrix by group, counted in one pass by :func:`counting.by_group` (a row of
    codes at a time, each group a filtered aggregate): columns, cells and row totals."""
    from toc_studio.coding.analysis import counting

    children: dict[int, list[int]] = {}
    for code_id, parent_id in session.execute(
        select(Code.id, Code.parent_id).where(Code.project_id == project.id)
    ):
        children.setdefault(parent_id, []).append(code_id)

    def family(code_id: int) -> list[int]:
        found, todo = [], [code_id]
        while todo:
            found.append(todo.pop())
            todo.extend(children.get(found[-1], ()))
        return found

    rows = {code_id: family(code_id) if with_subcodes else [code_id] for code_id in wanted}
    from toc_studio.project.projects import list_groups

    groups = {group.id: group.name for group in list_groups(session, project)}
    coding = Coding.__table__.c
    where = [*coding_filter(project, scope, coding), *person_filter(coding.participant_id, scope)]
    counted = counting.by_group(session, rows, list(groups), where)
    cells: dict[int, dict[str, Cell]] = {}
    totals: dict[int, Cell] = {}
    seen: set[str] = set()
    for code_id, found in counted.items():
        totals[code_id] = Cell(found.total.codings, found.total.participants, found.total.documents)
        for group_id, n in found.by_group.items():
            label = NONE if group_id is counting.NO_GROUP else groups[group_id]
            seen.add(label)
            cells.setdefault(code_id, {})[label] = Cell(n.codings, n.participants, n.documents)
    columns = [name for name in groups.values()] + ([NONE] if NONE in seen else [])
    return columns, cells, totals


def _matrix(session, project, by, columns, cells, totals, wanted, paths) -> Matrix:
    """The matrix's rows in codebook order, zero for a code without codings in scope."""
    order = {code.id: i for i, code in enumerate(_ordered_codes(session, project))}
    rows = [
        MatrixRow(
            code_id, paths[code_id], cells.get(code_id, {}), totals.get(code_id, Cell(0, 0, 0))
        )
        for code_id in sorted(wanted, key=lambda i: order.get(i, 0))
    ]
    return Matrix(by, columns, rows)


def _binned(session: Session, project: Project, by: str, bins) -> Binned | None:
    if bins is None or bins == "":
        return None
    if not by.startswith("attribute:"):
        raise Invalid("--bins groups a number attribute's values: use --by attribute:NAME.")
    _column(by, None)  # validates ``by``
    return binned_attribute(session, project, by.split(":", 1)[1].strip(), parse_bins(bins))


def _ordered_codes(session: Session, project: Project) -> list[Code]:
    from toc_studio.coding.codebook import list_codes

    return list_codes(session, project)


def _columns_in_order(session: Session, project: Project, by: str, seen: set[str]) -> list[str]:
    if by == "group":
        names = list(
            session.execute(
                select(Group.name)
                .where(Group.project_id == project.id)
                .order_by(Group.position, Group.id)
            ).scalars()
        )
    elif by == "participant":
        names = list(
            session.execute(
                select(Participant.label)
                .where(Participant.project_id == project.id)
                .order_by(Participant.label)
            ).scalars()
        )
    else:
        names = sorted(v for v in seen if v != NONE)
        ordering = events.AttributeValuesOrdering(project.id, by.split(":", 1)[1].strip(),
                                                  tuple(names))  # fmt: skip
        names = next((a for a in events.emit(session, ordering) if a is not None), names)
    return names + ([NONE] if NONE in seen else [])


def cell_excerpts(
    session: Session,
    project: Project,
    code: Code,
    by: str,
    value: str,
    *,
    with_subcodes: bool = False,
    scope: Scope | None = None,
    context: int = DEFAULT_CONTEXT,
    limit: int | None = None,
    offset: int = 0,
    bins: Bins | str | None = None,
) -> list[Excerpt]:
    """The excerpts behind one cell of :func:`matrix` (with the same ``bins``, ``value``
    is a range's label)."""
    scope = scope or Scope()
    _column(by, None)  # validates ``by``
    binned = _binned(session, project, by, bins)
    fields = {
        "kinds": scope.kinds,
        "coders": scope.coders,
        "documents": scope.documents,
        "groups": scope.groups,
        "participants": scope.participants,
        "attributes": dict(scope.attributes),
    }
    if by == "group":
        fields["groups"] = [value]
    elif by == "participant":
        if value == NONE:
            raise Invalid("Pick a participant's cell; '(none)' has no participant to filter.")
        fields["participants"] = [value]
    else:
        if value == NONE:
            raise Invalid("Pick a cell with an attribute value.")
        name = by[len("attribute:") :].strip()
        fields["attributes"][name] = [value] if binned is None else binned.values_of(value)
    return excerpts(
        session,
        project,
        code,
        with_subcodes=with_subcodes,
        scope=Scope(**fields),
        context=context,
        limit=limit,
        offset=offset,
    )

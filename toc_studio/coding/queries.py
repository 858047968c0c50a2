"""The queries of thematic analysis: retrieval with context and the framework matrix.

Everything is aggregated or paged in SQL (SQLite and PostgreSQL alike); Python only shapes
the rows a caller asked for. Co-occurrence lives in :mod:`toc_studio.coding.cooccurrence`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cache

from sqlalchemy import case, distinct, func, literal, select, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session

from toc_studio.coding.codebook import code_path, code_paths
from toc_studio.coding.models import Code, Coding
from toc_studio.coding.scope import (
    NONE,
    Scope,
    all_of,
    code_ids,
    coded,
    coding_with_participant,
    person_filter,
)
from toc_studio.errors import Invalid
from toc_studio.ingest.models import Document
from toc_studio.project.models import Coder, Group, Participant, ParticipantAttribute, Project

DEFAULT_CONTEXT = 150


@dataclass(frozen=True)
class Excerpt:
    """One coding with where it comes from, who said it, and the text around it."""

    coding_id: int
    document_id: int
    document: str
    kind: str
    code_id: int
    code: str
    coder: str
    start: int
    end: int
    text: str
    participant: str | None
    group: str | None
    attributes: dict[str, str] = field(default_factory=dict)
    before: str = ""
    after: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@cache
def _page_alias():
    return Coding.__table__.alias("pg")


def _page(project: Project, ids: list[int], scope: Scope, limit: int, offset: int):
    """Ids of one page of codings, in excerpt order, found before any participant is
    looked up (only when no filter needs the participant)."""
    alias = _page_alias()
    c, d = alias.c, Document.__table__.c
    stmt = (
        select(c.id)
        .select_from(alias.join(Document.__table__, d.id == c.document_id))
        .where(c.code_id.in_(ids), d.project_id == project.id)
    )
    if scope.documents:
        stmt = stmt.where(c.document_id.in_(list(scope.documents)))
    if scope.kinds:
        stmt = stmt.where(d.kind.in_(list(scope.kinds)))
    if scope.coders:
        stmt = stmt.where(
            c.coder_id.in_(select(Coder.id).where(Coder.name.in_(list(scope.coders))))
        )
    return stmt.order_by(c.document_id, c.start, c.id).limit(limit).offset(offset)


def _excerpt_select(project: Project, ids: list[int], scope: Scope, page=None):
    """The excerpts statement: codings with their participant id (inner), then document,
    coder, participant and group joined once (outer), as one would write it by hand.
    ``page`` (ids of the wanted rows) keeps participant look-ups to those rows."""
    alias, person = coding_with_participant()
    c = alias.c
    inner = select(
        c.id, c.document_id, c.code_id, c.coder_id, c.start, c.end, c.text,
        person.label("participant_id"),
    ).where(c.code_id.in_(ids))  # fmt: skip
    if scope.documents:
        inner = inner.where(c.document_id.in_(list(scope.documents)))
    if page is not None:
        inner = inner.where(c.id.in_(page))
    k = inner.subquery("k")
    d, coder, p, g = (Document.__table__.c, Coder.__table__.c, Participant.__table__.c,
                      Group.__table__.c)  # fmt: skip
    stmt = (
        select(
            k.c.id, k.c.document_id, d.title, d.kind, k.c.code_id, coder.name.label("coder"),
            k.c.start, k.c.end, k.c.text, k.c.participant_id, p.label.label("participant"),
            g.name.label("group_name"),
        )
        .select_from(
            k.join(Document.__table__, d.id == k.c.document_id)
            .join(Coder.__table__, coder.id == k.c.coder_id)
            .outerjoin(Participant.__table__, p.id == k.c.participant_id)
            .outerjoin(Group.__table__, g.id == p.group_id)
        )
        .where(d.project_id == project.id)
    )  # fmt: skip
    if scope.kinds:
        stmt = stmt.where(d.kind.in_(list(scope.kinds)))
    if scope.coders:
        stmt = stmt.where(coder.name.in_(list(scope.coders)))
    return stmt.where(all_of(person_filter(k.c.participant_id, scope))), k.c


SQL_CONTEXT_ROWS = 200  # up to this many rows, context is cut in SQL; beyond, in Python


def _sql_context(stmt, c, width: int):
    """Add ``before`` and ``after`` columns cut by the database (cheap for a page)."""
    d = Document.__table__.c
    before = func.substr(
        d.text,
        case((c.start > width, c.start - width + 1), else_=1),
        case((c.start > width, width), else_=c.start),
    )
    return stmt.add_columns(
        before.label("before"), func.substr(d.text, c.end + 1, width).label("after")
    )


def excerpts(
    session: Session,
    project: Project,
    code: Code,
    *,
    with_subcodes: bool = False,
    scope: Scope | None = None,
    context: int = DEFAULT_CONTEXT,
    limit: int | None = None,
    offset: int = 0,
) -> list[Excerpt]:
    """The excerpts coded with ``code`` (and its sub-codes when asked), in document order,
    with participant, group, attributes and ``context`` characters either side.

    Page with ``limit``/``offset``; filter with ``scope`` (groups, participants,
    attributes, document kinds, coders, documents).
    """
    scope = scope or Scope()
    ids = code_ids(session, code, with_subcodes)
    # PostgreSQL computes the select list before ORDER BY ... LIMIT, so its pages are
    # chosen first; SQLite evaluates the participant look-ups only for the rows it returns.
    early = session.get_bind().dialect.name == "postgresql"
    if early and limit is not None and not scope.needs_participant:
        page = _page(project, ids, scope, limit, offset)
        stmt, c = _excerpt_select(project, ids, scope, page)
        stmt = stmt.order_by(c.document_id, c.start, c.id)
    else:
        stmt, c = _excerpt_select(project, ids, scope)
        stmt = stmt.order_by(c.document_id, c.start, c.id).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
    width = max(0, int(context))
    # SQLite cuts a page's context cheaply; PostgreSQL would decompress the whole text for
    # every row, so there (and for long lists) each document is read once and sliced here.
    in_sql = not early and width > 0 and limit is not None and limit <= SQL_CONTEXT_ROWS
    if in_sql:
        stmt = _sql_context(stmt, c, width)
    rows = session.execute(stmt).all()
    if in_sql:
        around = {r.id: (r.before or "", r.after or "") for r in rows}
    else:
        around = _context(session, rows, width)
    attributes = _attributes(session, {r.participant_id for r in rows if r.participant_id})
    paths = (
        {code.id: code_path(session, code)}
        if len(ids) == 1
        else code_paths(session, project, only={r.code_id for r in rows})
    )
    return [
        Excerpt(
            coding_id=r.id,
            document_id=r.document_id,
            document=r.title,
            kind=r.kind,
            code_id=r.code_id,
            code=paths[r.code_id],
            coder=r.coder,
            start=r.start,
            end=r.end,
            text=r.text,
            participant=r.participant,
            group=r.group_name,
            attributes=dict(attributes.get(r.participant_id, {})),
            before=around[r.id][0],
            after=around[r.id][1],
        )
        for r in rows
    ]


CONTEXT_BATCH = 20  # documents read at a time for context


def _context(session: Session, rows, width: int) -> dict[int, tuple[str, str]]:
    """The ``width`` characters before and after each excerpt. Each document's text is
    read once, a few documents at a time (rows come in document order), and sliced here:
    cheaper than one substring per excerpt in SQL, which reads the whole text each time."""
    around: dict[int, tuple[str, str]] = {r.id: ("", "") for r in rows}
    if not width or not rows:
        return around
    doc_ids = list(dict.fromkeys(r.document_id for r in rows))
    by_doc: dict[int, list] = {}
    for r in rows:
        by_doc.setdefault(r.document_id, []).append(r)
    for index in range(0, len(doc_ids), CONTEXT_BATCH):
        batch = doc_ids[index : index + CONTEXT_BATCH]
        for doc_id, text in session.execute(
            select(Document.id, Document.text).where(Document.id.in_(batch))
        ).all():
            for r in by_doc[doc_id]:
                around[r.id] = (
                    text[max(0, r.start - width) : r.start],
                    text[r.end : r.end + width],
                )
    return around


def count_excerpts(
    session: Session,
    project: Project,
    code: Code,
    *,
    with_subcodes: bool = False,
    scope: Scope | None = None,
) -> int:
    """How many excerpts :func:`excerpts` would return without a limit."""
    scope = scope or Scope()
    sub = coded(project, code_ids(session, code, with_subcodes), scope)
    stmt = (
        select(func.count())
        .select_from(sub)
        .where(all_of(person_filter(sub.c.participant_id, scope)))
    )
    return session.execute(stmt).scalar_one()


def _attributes(session: Session, ids: set[int]) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = {}
    if not ids:
        return found
    for pid, name, value in session.execute(
        select(
            ParticipantAttribute.participant_id,
            ParticipantAttribute.name,
            ParticipantAttribute.value,
        )
        .where(ParticipantAttribute.participant_id.in_(sorted(ids)))
        .order_by(ParticipantAttribute.name)
    ).all():
        found.setdefault(pid, {})[name] = value
    return found


# --- framework matrix ---------------------------------------------------------------------


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


def _column(by: str, participant_id):
    """(column expression, joins) for a matrix ``by`` value."""
    if by == "group":
        p, g = aliased(Participant), aliased(Group)
        return g.name, [(p, p.id == participant_id), (g, g.id == p.group_id)]
    if by == "participant":
        p = aliased(Participant)
        return p.label, [(p, p.id == participant_id)]
    if by.startswith("attribute:") and by[len("attribute:") :].strip():
        name = by[len("attribute:") :].strip()
        a = aliased(ParticipantAttribute)
        return a.value, [(a, (a.participant_id == participant_id) & (a.name == name))]
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
) -> Matrix:
    """Count codings, participants and documents per code and per ``by`` value
    ("group", "participant" or "attribute:NAME"). With ``with_subcodes`` a code's row
    includes its sub-codes' codings. Codings with no value fall in the "(none)" column."""
    scope = scope or Scope()
    paths = code_paths(session, project)
    wanted = [c.id for c in codes] if codes is not None else list(paths)
    sub = coded(project, None, scope, many=True).element.cte("coded")
    column, joins = _column(by, sub.c.participant_id)
    if with_subcodes:
        tree = code_tree(project)
        row_key = tree.c.ancestor
        base = select().select_from(sub).join(tree, tree.c.descendant == sub.c.code_id)
    else:
        row_key = sub.c.code_id
        base = select().select_from(sub)
    filters = [all_of(person_filter(sub.c.participant_id, scope))]
    if codes is not None:
        filters.append(row_key.in_(wanted))
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
    columns = _columns_in_order(session, project, by, seen)
    order = {code.id: i for i, code in enumerate(_ordered_codes(session, project))}
    rows = [
        MatrixRow(
            code_id, paths[code_id], cells.get(code_id, {}), totals.get(code_id, Cell(0, 0, 0))
        )
        for code_id in sorted(wanted, key=lambda i: order.get(i, 0))
    ]
    return Matrix(by, columns, rows)


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
) -> list[Excerpt]:
    """The excerpts behind one cell of :func:`matrix`."""
    scope = scope or Scope()
    _column(by, None)  # validates ``by``
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
        fields["attributes"][by[len("attribute:") :].strip()] = [value]
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

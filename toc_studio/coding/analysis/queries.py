"""The queries of thematic analysis: retrieval with context and the framework matrix.

Everything is aggregated or paged in SQL (SQLite and PostgreSQL alike); Python only shapes
the rows a caller asked for. Co-occurrence lives in :mod:`toc_studio.coding.analysis.cooccurrence`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cache

from sqlalchemy import (
    Integer,
    bindparam,
    case,
    distinct,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import aliased
from sqlmodel import Session

from toc_studio.coding.codebook import PATH_SEPARATOR, code_paths
from toc_studio.coding.models import Code, Coding
from toc_studio.coding.scope import (
    NONE,
    Scope,
    all_of,
    code_ids,
    coded,
    coding_filter,
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


def _in(name: str):
    return bindparam(name, expanding=True)


def _page(has_documents: bool, has_kinds: bool, has_coders: bool):
    """Ids of one page of codings (``lim``, ``off``), in excerpt order, found before the
    joins to participants and groups (only when no filter needs the participant)."""
    alias = _page_alias()
    c, d = alias.c, Document.__table__.c
    stmt = (
        select(c.id)
        .select_from(alias.join(Document.__table__, d.id == c.document_id))
        .where(c.code_id.in_(_in("ids")), d.project_id == bindparam("project"))
    )
    if has_documents:
        stmt = stmt.where(c.document_id.in_(_in("documents")))
    if has_kinds:
        stmt = stmt.where(d.kind.in_(_in("kinds")))
    if has_coders:
        stmt = stmt.where(c.coder_id.in_(select(Coder.id).where(Coder.name.in_(_in("coders")))))
    order = (c.document_id, c.start, c.id)
    return stmt.order_by(*order).limit(bindparam("lim")).offset(bindparam("off"))


def _speaker(coding):
    """SQL expression: the participant of ``coding`` (an alias of the coding table): its
    stored speaker, by the one rule of :mod:`toc_studio.coding.speakers`."""
    return coding.c.participant_id


@cache
def _excerpt_statement(
    has_documents: bool, has_kinds: bool, has_coders: bool, paging: str, in_sql: bool
):
    """The excerpts statement, built once per shape with its values as bound parameters
    (``ids``, ``project``, ``documents``, ``kinds``, ``coders``, ``lim``, ``off``,
    ``width``): codings with their participant id (inner), then document, coder,
    participant and group joined once (outer), as one would write it by hand.

    ``paging``: "first" chooses the page's ids on their own first (see :func:`excerpts`),
    "limit" pages the outer statement, "all" returns every row.
    ``in_sql`` adds ``before`` and ``after`` context columns cut by the database."""
    alias = Coding.__table__.alias("c")
    person = _speaker(alias)
    c = alias.c
    inner = select(
        c.id, c.document_id, c.code_id, c.coder_id, c.start, c.end, c.text,
        person.label("participant_id"),
    ).where(c.code_id.in_(_in("ids")))  # fmt: skip
    if has_documents:
        inner = inner.where(c.document_id.in_(_in("documents")))
    if paging == "first":
        inner = inner.where(c.id.in_(_page(has_documents, has_kinds, has_coders)))
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
        .where(d.project_id == bindparam("project"))
    )  # fmt: skip
    if has_kinds:
        stmt = stmt.where(d.kind.in_(_in("kinds")))
    if has_coders:
        stmt = stmt.where(coder.name.in_(_in("coders")))
    if in_sql:
        width = bindparam("width", type_=Integer)
        before = func.substr(
            d.text,
            case((k.c.start > width, k.c.start - width + 1), else_=1),
            case((k.c.start > width, width), else_=k.c.start),
        )
        after = func.substr(d.text, k.c.end + 1, width)
        stmt = stmt.add_columns(before.label("before"), after.label("after"))
    stmt = stmt.order_by(k.c.document_id, k.c.start, k.c.id)
    if paging == "limit":
        stmt = stmt.limit(bindparam("lim")).offset(bindparam("off"))
    elif paging == "all":
        stmt = stmt.offset(bindparam("off"))
    return stmt, k.c


SQL_CONTEXT_ROWS = 200  # up to this many rows, context is cut in SQL; beyond, in Python


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
    width = max(0, int(context))
    # PostgreSQL, without a filter on participants, chooses its page's ids first (from the
    # code's index alone); SQLite pages the one statement.
    early = session.get_bind().dialect.name == "postgresql"
    if limit is None:
        paging = "all"
    elif early and not scope.needs_participant:
        paging = "first"
    else:
        paging = "limit"
    # SQLite cuts a page's context cheaply; PostgreSQL would decompress the whole text for
    # every row, so there (and for long lists) each document is read once and sliced here.
    in_sql = not early and width > 0 and limit is not None and limit <= SQL_CONTEXT_ROWS
    stmt, k = _excerpt_statement(
        bool(scope.documents), bool(scope.kinds), bool(scope.coders), paging, in_sql
    )
    if scope.needs_participant:
        stmt = stmt.where(all_of(person_filter(k.participant_id, scope)))
    params = {
        "ids": ids, "project": project.id, "documents": list(scope.documents),
        "kinds": list(scope.kinds), "coders": list(scope.coders), "width": width,
        "lim": limit, "off": offset,
    }  # fmt: skip
    rows = session.execute(stmt, params).all()
    if in_sql:
        around = {r[0]: (r[12] or "", r[13] or "") for r in rows}
    else:
        around = _context(session, rows, width)
    paths, attributes = _paths_and_attributes(
        session, {r[4] for r in rows} or {code.id}, {r[9] for r in rows if r[9] is not None}
    )
    return [
        Excerpt(
            coding_id=cid, document_id=doc_id, document=title, kind=kind, code_id=code_id,
            code=paths[code_id], coder=coder, start=start, end=end, text=text,
            participant=participant, group=group,
            attributes=dict(attributes.get(pid, ())), before=around[cid][0],
            after=around[cid][1],
        )
        for cid, doc_id, title, kind, code_id, coder, start, end, text, pid, participant, group,
        *_ in rows
    ]  # fmt: skip


CONTEXT_BATCH = 20  # documents read at a time for context


def _context(session: Session, rows, width: int) -> dict[int, tuple[str, str]]:
    """The ``width`` characters before and after each excerpt (rows: id, document id, ...,
    start at 6, end at 7). Each document's text is read once, a few documents at a time
    (rows come in document order), and sliced here: cheaper than one substring per
    excerpt in SQL, which reads the whole text each time."""
    around: dict[int, tuple[str, str]] = {r[0]: ("", "") for r in rows}
    if not width or not rows:
        return around
    by_doc: dict[int, list] = {}
    for r in rows:
        by_doc.setdefault(r[1], []).append(r)
    doc_ids = list(by_doc)
    for index in range(0, len(doc_ids), CONTEXT_BATCH):
        batch = doc_ids[index : index + CONTEXT_BATCH]
        for doc_id, text in session.execute(
            select(Document.id, Document.text).where(Document.id.in_(batch))
        ).all():
            for r in by_doc[doc_id]:
                around[r[0]] = (text[max(0, r[6] - width) : r[6]], text[r[7] : r[7] + width])
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


# The paths of some codes (their ancestors' names joined) and the attributes of some
# participants, in one statement: what an excerpt needs beside its row.
DETAILS_SQL = f"""
WITH RECURSIVE up (code_id, parent_id, path) AS (
  SELECT id, parent_id, CAST(name AS TEXT) FROM code WHERE id IN :codes
  UNION ALL
  SELECT up.code_id, p.parent_id, CAST(p.name AS TEXT) || '{PATH_SEPARATOR}' || up.path
    FROM code p JOIN up ON p.id = up.parent_id
)
SELECT 'p' AS kind, code_id AS id, path AS name, NULL AS value FROM up WHERE parent_id IS NULL
UNION ALL
SELECT 'a', participant_id, name, value FROM participant_attribute
 WHERE participant_id IN :people
ORDER BY 1, 3
"""


@cache
def _details_statement():
    return sql_text(DETAILS_SQL).bindparams(_in("codes"), _in("people"))


def _paths_and_attributes(
    session: Session, codes: set[int], people: set[int]
) -> tuple[dict[int, str], dict[int, dict[str, str]]]:
    """Paths of ``codes`` and attributes (by name) of ``people``."""
    paths: dict[int, str] = {}
    attributes: dict[int, dict[str, str]] = {}
    for kind, key, name, value in session.execute(
        _details_statement(), {"codes": sorted(codes), "people": sorted(people)}
    ):
        if kind == "p":
            paths[key] = name
        else:
            attributes.setdefault(key, {})[name] = value
    return paths, attributes


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
    if by == "group":
        columns, cells, totals = _by_group(session, project, wanted, with_subcodes, scope)
        return _matrix(session, project, by, columns, cells, totals, wanted, paths)
    from toc_studio.coding.speakers import query_codings

    coded_rows = query_codings(project, scope)
    # SQLite, with the codings inlined, counts the totals as they stream from the index in
    # code order; PostgreSQL does better reading them once into a CTE for both parts
    sqlite = session.get_bind().dialect.name == "sqlite"
    sub = coded_rows.subquery("coded") if sqlite else coded_rows.cte("coded")
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
    return _matrix(session, project, by, columns, cells, totals, wanted, paths)


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

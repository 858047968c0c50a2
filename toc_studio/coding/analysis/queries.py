"""The queries of thematic analysis: retrieval of excerpts with their context.

Everything is paged in SQL (SQLite and PostgreSQL alike); Python only shapes the rows a
caller asked for. The framework matrix lives in :mod:`toc_studio.coding.analysis.framework`,
co-occurrence in :mod:`toc_studio.coding.analysis.cooccurrence`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cache

from sqlalchemy import Integer, bindparam, case, func, select
from sqlalchemy import text as sql_text
from sqlmodel import Session

from toc_studio.coding import blind
from toc_studio.coding.codebook import PATH_SEPARATOR
from toc_studio.coding.models import Code, Coding
from toc_studio.coding.scope import Scope, all_of, code_ids, coded, person_filter
from toc_studio.ingest.models import Document
from toc_studio.project.models import Coder, Group, Participant, Project

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
    scope = blind.scoped(session, project, scope)
    ids = code_ids(session, code, with_subcodes)
    width = max(0, int(context))
    # PostgreSQL, without a filter on participants, chooses its page's ids first (from the
    # code's index alone); SQLite pages the one statement.
    early = session.get_bind().dialect.name == "postgresql"
    if limit is None:
        paging = "all"
    elif early and not scope.needs_participant and scope.hidden is None:
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
    if scope.hidden is not None:  # blind documents: only the signed-in coder's own
        stmt = stmt.where(scope.hidden.visible(k.coder_id, k.document_id))
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
    scope = blind.scoped(session, project, scope)
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

"""Co-occurrence: which codes overlap, or sit within N characters or N turns of, a code.

For every coding of the code a window is computed in SQL: the coding itself widened by N
characters, or the span from the start of the N-th turn before to the end of the N-th turn
after the turn it starts in. Another coding co-occurs when it overlaps the window. The
search for such codings is an index range scan on (document, start) bounded below by the
window start minus the longest coding (found through ``ix_coding_length``), so its cost
follows the codings near each window, never a whole document per coding.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache

from sqlalchemy import Integer, bindparam, case, distinct, func, select
from sqlmodel import Session

from toc_studio.coding import blind
from toc_studio.coding.codebook import code_paths
from toc_studio.coding.models import Code, Coding
from toc_studio.coding.scope import Scope, code_ids, coder_names
from toc_studio.errors import Invalid
from toc_studio.ingest.models import Document, Turn
from toc_studio.project.models import Coder, Project

FAR = 2**31 - 1


@dataclass(frozen=True)
class CoOccurrence:
    """Another code near the chosen one: pairs of codings, and how many of each side."""

    code_id: int
    code: str
    pairs: int
    codings: int  # distinct codings of the other code
    with_codings: int  # distinct codings of the chosen code
    documents: int

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Pair:
    """A coding of the chosen code and a coding of another code near it."""

    document: str
    code: str
    start: int
    end: int
    text: str
    other_code: str
    other_start: int
    other_end: int
    other_text: str
    coder: str
    other_coder: str

    def as_dict(self) -> dict:
        return asdict(self)


def longest_coding(session: Session) -> int:
    """Length of the longest coding in the store (an index look-up)."""
    return session.execute(select(func.max(Coding.end - Coding.start))).scalar() or 0


def _window(a_table, within_turns: int | None):
    """(window start, window end) SQL expressions for coding ``a_table`` (an alias); a
    window in characters widens the coding by the bound parameter ``chars``."""
    a = a_table.c
    if within_turns is None:
        chars = bindparam("chars", type_=Integer)
        return a.start - chars, a.end + chars
    before, after = Turn.__table__.alias().c, Turn.__table__.alias().c
    start = (
        select(before.start)
        .where(before.document_id == a.document_id, before.start <= a.start)
        .order_by(before.start.desc())
        .limit(1)
        .offset(within_turns)
        .correlate(a_table)
        .scalar_subquery()
    )
    if within_turns == 0:
        end = (
            select(after.end)
            .where(after.document_id == a.document_id, after.start <= a.start)
            .order_by(after.start.desc())
            .limit(1)
            .correlate(a_table)
            .scalar_subquery()
        )
    else:
        end = (
            select(after.end)
            .where(after.document_id == a.document_id, after.start > a.start)
            .order_by(after.start)
            .limit(1)
            .offset(within_turns - 1)
            .correlate(a_table)
            .scalar_subquery()
        )
    end = func.coalesce(end, FAR)
    return func.coalesce(start, 0), case((end > a.end, end), else_=a.end)


@cache
def _pairs_statement(
    within_turns: int | None, kinds: bool, documents: bool, coders: bool, hidden=None
):
    """The pairs of codings (a: the code's, b: another code's near it), built once per
    shape with its values as bound parameters (``ids``, ``project``, ``chars``,
    ``kinds``, ``documents``, ``coders``). The longest coding bounds the index range scan
    on b; the database finds it once per statement (an index look-up)."""
    a_table, b_table = Coding.__table__.alias("a"), Coding.__table__.alias("b")
    a, b, d = a_table.c, b_table.c, Document.__table__.c
    ws, we = _window(a_table, within_turns)
    longest = select(func.coalesce(func.max(Coding.end - Coding.start), 0)).scalar_subquery()
    stmt = (
        select()
        .select_from(a_table)
        .join(Document.__table__, d.id == a.document_id)
        .join(
            b_table,
            (b.document_id == a.document_id)
            & (b.start >= ws - longest)
            & (b.start < we)
            & (b.end > ws)
            & b.code_id.not_in(bindparam("ids", expanding=True)),
        )
        .where(
            d.project_id == bindparam("project"), a.code_id.in_(bindparam("ids", expanding=True))
        )
    )
    if kinds:
        stmt = stmt.where(d.kind.in_(bindparam("kinds", expanding=True)))
    if documents:
        stmt = stmt.where(a.document_id.in_(bindparam("documents", expanding=True)))
    if coders:
        wanted = select(Coder.id).where(Coder.name.in_(bindparam("coders", expanding=True)))
        stmt = stmt.where(a.coder_id.in_(wanted), b.coder_id.in_(wanted))
    if hidden is not None:  # blind documents: only the signed-in coder's own codings
        stmt = stmt.where(hidden.visible(a.coder_id, a.document_id))
        stmt = stmt.where(hidden.visible(b.coder_id, b.document_id))
    return stmt, a, b


def _pairs_select(session, project, code, with_subcodes, within_chars, within_turns, scope):
    """(shape of the statement, its parameters) for the pairs in ``scope``."""
    if within_chars < 0:
        raise Invalid("Say how many characters apart, zero or more.")
    if within_turns is not None and within_turns < 0:
        raise Invalid("Say how many turns apart, zero or more.")
    shape = (
        within_turns,
        bool(scope.kinds),
        bool(scope.documents),
        bool(scope.coders),
        scope.hidden,
    )
    params = {
        "ids": code_ids(session, code, with_subcodes), "project": project.id,
        "chars": within_chars, "kinds": list(scope.kinds),
        "documents": list(scope.documents), "coders": list(scope.coders),
    }  # fmt: skip
    return shape, params


@cache
def _counted_statement(*shape):
    """Per other code: pairs, its distinct codings, the code's, and documents."""
    stmt, a, b = _pairs_statement(*shape)
    return stmt.add_columns(
        b.code_id,
        func.count(),
        func.count(distinct(b.id)),
        func.count(distinct(a.id)),
        func.count(distinct(a.document_id)),
    ).group_by(b.code_id)


def cooccurrence(
    session: Session,
    project: Project,
    code: Code,
    *,
    with_subcodes: bool = False,
    within_chars: int = 0,
    within_turns: int | None = None,
    scope: Scope | None = None,
) -> list[CoOccurrence]:
    """Codes whose codings overlap (or lie within ``within_chars`` characters, or within
    ``within_turns`` turns, of) a coding of ``code``, most frequent first."""
    scope = blind.scoped(session, project, scope)
    shape, params = _pairs_select(
        session, project, code, with_subcodes, within_chars, within_turns, scope
    )
    rows = session.execute(_counted_statement(*shape), params).all()
    paths = code_paths(session, project, only={row[0] for row in rows})
    found = [CoOccurrence(cid, paths[cid], n, nb, na, nd) for cid, n, nb, na, nd in rows]
    return sorted(found, key=lambda r: (-r.pairs, r.code))


def cooccurrence_pairs(
    session: Session,
    project: Project,
    code: Code,
    other: Code,
    *,
    with_subcodes: bool = False,
    within_chars: int = 0,
    within_turns: int | None = None,
    scope: Scope | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Pair]:
    """The pairs of excerpts behind one row of :func:`cooccurrence`."""
    scope = blind.scoped(session, project, scope)
    shape, params = _pairs_select(
        session, project, code, with_subcodes, within_chars, within_turns, scope
    )
    stmt, a, b = _pairs_statement(*shape)
    stmt = (
        stmt.add_columns(
            Document.title,
            a.code_id,
            a.start,
            a.end,
            a.text,
            a.coder_id,
            b.code_id,
            b.start,
            b.end,
            b.text,
            b.coder_id,
        )
        .where(b.code_id == other.id)
        .order_by(a.document_id, a.start, a.id, b.start, b.id)
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    paths = code_paths(session, project)
    coders = coder_names(session)
    return [
        Pair(title, paths[ac], a_s, a_e, a_t, paths[bc], b_s, b_e, b_t, coders[ak], coders[bk])
        for title, ac, a_s, a_e, a_t, ak, bc, b_s, b_e, b_t, bk in session.execute(
            stmt, params
        ).all()
    ]

"""Which codings a query looks at, and who said each one: shared SQL for the queries.

A coding's participant is the speaker of the turn where the coding starts; when it starts
outside any turn or in a turn with no participant (the interviewer's), the first
participant turn that begins inside it; failing that, the document's participant when the
document has exactly one. All of it is SQL (correlated index look-ups on
``ix_turn_document_start``), so no query loads codings into Python to find out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import and_, distinct, exists, func, or_, select, true
from sqlmodel import Session

from toc_studio.coding.codebook import descendant_ids
from toc_studio.coding.models import Code, Coding
from toc_studio.ingest.models import Document, Turn
from toc_studio.project.models import Coder, Group, Participant, ParticipantAttribute, Project

NONE = "(none)"  # the matrix column of codings with no participant, group or attribute


def participant_of(coding, document_only=None) -> object:
    """SQL expression: the participant id of ``coding`` (an alias of the coding table).

    ``document_only``, when given, is a column holding the document's only participant
    (from :func:`document_participants`); it is tried first, so that codings of one-person
    documents need no turn look-up at all (the answer is the same either way)."""
    turn = Turn.__table__
    t1, t2 = turn.alias().c, turn.alias().c
    c = coding.c
    at_start = (
        select(t2.id)
        .where(t2.document_id == c.document_id, t2.start <= c.start)
        .order_by(t2.start.desc())
        .limit(1)
        .correlate(coding)
        .scalar_subquery()
    )
    containing = (
        select(t1.participant_id)
        .where(t1.id == at_start, t1.end > c.start)
        .correlate(coding)
        .scalar_subquery()
    )
    inside, only = fallback_participants(coding)
    if document_only is not None:
        return func.coalesce(document_only, containing, inside)
    return func.coalesce(containing, inside, only)


def fallback_participants(coding) -> tuple[object, object]:
    """SQL expressions for a coding that does not start in a participant's turn: the first
    participant turn beginning inside it, and the document's participant when the document
    has exactly one."""
    t3, t4 = Turn.__table__.alias().c, Turn.__table__.alias().c
    c = coding.c
    inside = (
        select(t3.participant_id)
        .where(
            t3.document_id == c.document_id,
            t3.start > c.start,
            t3.start < c.end,
            t3.participant_id.is_not(None),
        )
        .order_by(t3.start)
        .limit(1)
        .correlate(coding)
        .scalar_subquery()
    )
    only = (
        select(func.min(t4.participant_id))
        .where(t4.document_id == c.document_id)
        .having(func.count(distinct(t4.participant_id)) == 1)
        .correlate(coding)
        .scalar_subquery()
    )
    return inside, only


def document_participants(project: Project):
    """Subquery (document_id, sole): documents of ``project`` whose turns have exactly one
    participant, with that participant. One pass over the project's turns."""
    turn, document = Turn.__table__.c, Document.__table__.c
    return (
        select(turn.document_id, func.min(turn.participant_id).label("sole"))
        .select_from(Turn.__table__.join(Document.__table__, document.id == turn.document_id))
        .where(document.project_id == project.id)
        .group_by(turn.document_id)
        .having(func.count(distinct(turn.participant_id)) == 1)
        .subquery("dp")
    )


@cache
def coding_with_participant(name: str = "c"):
    """(alias of the coding table, its participant expression), built once and reused:
    SQL constructs are immutable, and building them costs more than running the query."""
    alias = Coding.__table__.alias(name)
    return alias, participant_of(alias)


@dataclass(frozen=True)
class Scope:
    """Filters every query understands. Empty means no filter.

    ``attributes`` maps a participant attribute name to the values accepted.
    """

    groups: Sequence[str] = ()
    participants: Sequence[str] = ()
    attributes: Mapping[str, Sequence[str]] = field(default_factory=dict)
    kinds: Sequence[str] = ()
    coders: Sequence[str] = ()
    documents: Sequence[int] = ()

    @property
    def needs_participant(self) -> bool:
        return bool(self.groups or self.participants or self.attributes)


def code_ids(session: Session, codes: Code | Iterable[Code], with_subcodes: bool) -> list[int]:
    """Ids of ``codes`` (one code or several), with every sub-code when asked."""
    codes = [codes] if isinstance(codes, Code) else list(codes)
    ids: list[int] = []
    for code in codes:
        ids.extend(descendant_ids(session, code) if with_subcodes else [code.id])
    return sorted(set(ids))


def coded(project: Project, code_ids: Sequence[int] | None, scope: Scope, *, many: bool = False):
    """A subquery of the codings in scope, one row each, with their participant.

    Columns: id, document_id, code_id, coder_id, start, end, participant_id. With ``many``
    (a query over a large share of the project's codings) the documents' only participants
    are found first, in one pass, and turns are looked up only for the other documents.
    """
    document = Document.__table__.c
    if many:
        alias = Coding.__table__.alias("c")
        dp = document_participants(project)
        person = participant_of(alias, dp.c.sole).label("participant_id")
        c = alias.c
        source = alias.join(Document.__table__, document.id == c.document_id).outerjoin(
            dp, dp.c.document_id == c.document_id
        )
    else:
        alias, person = coding_with_participant()
        person = person.label("participant_id")
        c = alias.c
        source = alias.join(Document.__table__, document.id == c.document_id)
    stmt = select(c.id, c.document_id, c.code_id, c.coder_id, c.start, c.end, person)
    stmt = stmt.select_from(source).where(document.project_id == project.id)
    if code_ids is not None:
        stmt = stmt.where(c.code_id.in_(list(code_ids)))
    if scope.kinds:
        stmt = stmt.where(document.kind.in_(list(scope.kinds)))
    if scope.documents:
        stmt = stmt.where(c.document_id.in_(list(scope.documents)))
    if scope.coders:
        stmt = stmt.where(
            c.coder_id.in_(select(Coder.id).where(Coder.name.in_(list(scope.coders))))
        )
    return stmt.subquery("coded")


def person_filter(participant_id, scope: Scope) -> list:
    """WHERE clauses on a participant id column for the scope's group, label and
    attribute filters."""
    clauses = []
    if scope.groups:
        named = [g for g in scope.groups if g is not None and g != NONE]
        clause = participant_id.in_(
            select(Participant.id)
            .join(Group, Group.id == Participant.group_id)
            .where(Group.name.in_(named))
        )
        if len(named) < len(scope.groups):  # "(none)": no participant, or no group
            clause = or_(
                clause,
                participant_id.is_(None),
                participant_id.in_(select(Participant.id).where(Participant.group_id.is_(None))),
            )
        clauses.append(clause)
    if scope.participants:
        clauses.append(
            participant_id.in_(
                select(Participant.id).where(Participant.label.in_(list(scope.participants)))
            )
        )
    for name, values in scope.attributes.items():
        clauses.append(
            exists().where(
                ParticipantAttribute.participant_id == participant_id,
                ParticipantAttribute.name == name,
                ParticipantAttribute.value.in_(list(values)),
            )
        )
    return clauses


def all_of(clauses: list):
    """AND of ``clauses``; true when there are none."""
    return and_(*clauses) if clauses else true()


def coder_names(session: Session) -> dict[int, str]:
    """Every coder's name by id."""
    return dict(session.execute(select(Coder.id, Coder.name)).all())

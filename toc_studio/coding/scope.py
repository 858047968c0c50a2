"""Which codings a query looks at, and who said each one: shared SQL for the queries.

A coding's participant is its stored speaker, ``coding.participant_id``: the participant
of the turn containing its start; else of the first participant turn beginning inside
it; else the document's participant when the document has exactly one (the one rule, kept
right by :mod:`toc_studio.coding.speakers`). The queries read that column only and never
look a turn up, so the matrix, the excerpts and the Theory of Change evidence always
count the same participant for a coding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, or_, select, true
from sqlmodel import Session

from toc_studio.coding.codebook import descendant_ids
from toc_studio.coding.models import Code, Coding
from toc_studio.ingest.models import Document
from toc_studio.project.models import Coder, Group, Participant, ParticipantAttribute, Project

NONE = "(none)"  # the matrix column of codings with no participant, group or attribute


@dataclass(frozen=True)
class Hidden:
    """Blind coding (``toc_studio.coding.blind``): the codings a signed-in coder may not see
    yet, those of other coders in ``documents`` (``None``: every document of the project)."""

    coder: str
    documents: tuple[int, ...] | None = None

    def visible(self, coder_id, document_id):
        """SQL condition on a coding's coder and document columns: the coding may be seen."""
        mine = coder_id.in_(select(Coder.id).where(Coder.name == self.coder))
        if self.documents is None:
            return mine
        return or_(mine, document_id.not_in(list(self.documents)))


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
    # set by blind.scoped() while documents are blind to the person signed in
    hidden: Hidden | None = None

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


def coded(project: Project, code_ids: Sequence[int] | None, scope: Scope):
    """A subquery of the codings in scope, one row each, with their stored participant.

    Columns: id, document_id, code_id, coder_id, start, end, participant_id.
    """
    document = Document.__table__.c
    alias = Coding.__table__.alias("c")
    c = alias.c
    source = alias.join(Document.__table__, document.id == c.document_id)
    stmt = select(c.id, c.document_id, c.code_id, c.coder_id, c.start, c.end, c.participant_id)
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
    if scope.hidden is not None:
        stmt = stmt.where(scope.hidden.visible(c.coder_id, c.document_id))
    return stmt.subquery("coded")


def coding_filter(project: Project, scope: Scope, c) -> list:
    """WHERE clauses on the columns ``c`` of a coding table for the scope's document
    kinds, documents and coders (the speaker filters are :func:`person_filter`)."""
    clauses = []
    if scope.kinds:
        kinds = select(Document.id).where(
            Document.project_id == project.id, Document.kind.in_(list(scope.kinds))
        )
        clauses.append(c.document_id.in_(kinds))
    if scope.documents:
        clauses.append(c.document_id.in_(list(scope.documents)))
    if scope.coders:
        clauses.append(c.coder_id.in_(select(Coder.id).where(Coder.name.in_(list(scope.coders)))))
    if scope.hidden is not None:
        clauses.append(scope.hidden.visible(c.coder_id, c.document_id))
    return clauses


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

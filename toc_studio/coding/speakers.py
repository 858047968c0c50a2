"""The speaker stored on each coding (``Coding.participant_id``), and what keeps it right.

The rule: a coding's speaker is the participant of the turn that contains the coding's
start. Turns of a document do not overlap, so that turn is the last one starting at or
before the coding, if it has not ended yet; a coding outside every turn, or in a turn
without a participant (the interviewer's), has none.

The column changes when a coding is added or moved, and when a document's turns or a
turn's participant change. Inserts compute it (:func:`speaker_lookup` in Python, or
:data:`SPEAKER_SQL` in the statement); every other change calls
:func:`refresh_speakers` for the documents it touched. Deleting a participant sets it to
NULL through the foreign key, as it does on the turns.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session

from toc_studio.coding.models import Coding
from toc_studio.ingest.models import Turn

# The rule as one correlated look-up, for hand-written statements: ``{document}`` and
# ``{start}`` are the SQL of the coding's document id and start.
SPEAKER_SQL = (
    'SELECT CASE WHEN t."end" > {start} THEN t.participant_id END FROM turn t '
    'WHERE t.document_id = {document} AND t."start" <= {start} '
    'ORDER BY t."start" DESC LIMIT 1'
)


def speaker_of(document_id, start):
    """SQL expression: the speaker of a coding of ``document_id`` starting at ``start``
    (columns or values), by one seek on the turns' (document, start) index."""
    t = aliased(Turn)
    return (
        select(case((t.end > start, t.participant_id)))
        .where(t.document_id == document_id, t.start <= start)
        .order_by(t.start.desc())
        .limit(1)
        .scalar_subquery()
    )


def speaker_at(session: Session, document_id: int, start: int) -> int | None:
    """The speaker of a coding of ``document_id`` starting at ``start`` (one seek)."""
    return session.execute(select(speaker_of(document_id, start))).scalar()


class SpeakerLookup:
    """The turns of some documents, held as sorted starts, for bisecting."""

    def __init__(self, turns: dict[int, tuple[list[int], list[int], list[int | None]]]):
        self.turns = turns

    def __call__(self, document_id: int, start: int) -> int | None:
        found = self.turns.get(document_id)
        if found is None:
            return None
        starts, ends, people = found
        i = bisect_right(starts, start) - 1
        if i < 0 or ends[i] <= start:
            return None
        return people[i]


TURN_BATCH = 500  # documents per turn query


def speaker_lookup(session: Session, document_ids: Iterable[int]) -> SpeakerLookup:
    """Load the turns of ``document_ids`` (one indexed read per few hundred documents)."""
    turns: dict[int, tuple[list[int], list[int], list[int | None]]] = {}
    ids = sorted(set(document_ids))
    for i in range(0, len(ids), TURN_BATCH):
        rows = session.execute(
            select(Turn.document_id, Turn.start, Turn.end, Turn.participant_id)
            .where(Turn.document_id.in_(ids[i : i + TURN_BATCH]))
            .order_by(Turn.document_id, Turn.start)
        ).all()
        for document_id, start, end, person in rows:
            found = turns.get(document_id)
            if found is None:
                found = turns[document_id] = ([], [], [])
            found[0].append(start)
            found[1].append(end)
            found[2].append(person)
    return SpeakerLookup(turns)


def refresh_speakers(session: Session, document_ids: Sequence[int]) -> int:
    """Recompute the stored speaker of every coding of ``document_ids`` after their turns,
    a turn's participant or codings' starts changed. Returns how many codings changed."""
    session.flush()
    rule = speaker_of(Coding.document_id, Coding.start)
    changed = 0
    ids = sorted(set(document_ids))
    for i in range(0, len(ids), TURN_BATCH):
        result = session.execute(
            update(Coding)
            .where(
                Coding.document_id.in_(ids[i : i + TURN_BATCH]),
                Coding.participant_id.is_distinct_from(rule),
            )
            .values(participant_id=rule)
            .execution_options(synchronize_session=False)
        )
        changed += result.rowcount
    if changed:
        session.expire_all()
    return changed


def stale_codings(session: Session, document_ids: Sequence[int] | None = None) -> list[int]:
    """Ids of codings whose stored speaker differs from the rule (empty when all is
    right): what tests and a store check use."""
    rule = speaker_of(Coding.document_id, Coding.start)
    stmt = select(Coding.id).where(Coding.participant_id.is_distinct_from(rule))
    if document_ids is not None:
        stmt = stmt.where(Coding.document_id.in_(list(document_ids)))
    return list(session.execute(stmt.order_by(Coding.id)).scalars())


def documents_of_codings(session: Session, coding_ids: Sequence[int]) -> list[int]:
    """The documents of some codings (for a refresh after they moved)."""
    if not coding_ids:
        return []
    return list(
        session.execute(
            select(Coding.document_id).where(Coding.id.in_(list(coding_ids))).distinct()
        ).scalars()
    )


def query_codings(project, scope):
    """The codings of ``project`` in ``scope`` (a :class:`toc_studio.coding.scope.Scope`),
    with the participant the coding queries attribute each to (see ``coding.scope``): the
    stored speaker; for a coding without one, the document's only participant, else the
    first participant turn that begins inside the coding. The look-ups run only for codings
    without a stored speaker. Columns: id, document_id, code_id, participant_id.

    Codes belong to one project, so the project's codings are found through their codes
    (the code index, in code order), without a read of each coding's document."""
    from toc_studio.coding.models import Code
    from toc_studio.coding.scope import document_participants
    from toc_studio.ingest.models import Document
    from toc_studio.project.models import Coder

    coding = Coding.__table__.alias("c")
    c = coding.c
    only = document_participants(project).element.cte("dp").prefix_with("MATERIALIZED")
    t = Turn.__table__.alias("t_in")
    # the coding's end, read from the table only for a coding without a speaker: the main
    # read then needs only the columns of ix_coding_code_document
    itself = Coding.__table__.alias("c_end")
    end = select(itself.c.end).where(itself.c.id == c.id).correlate(coding).scalar_subquery()
    inside = (
        select(t.c.participant_id)
        .where(
            t.c.document_id == c.document_id,
            t.c.start > c.start,
            t.c.start < end,
            t.c.participant_id.is_not(None),
        )
        .order_by(t.c.start)
        .limit(1)
        .correlate(coding)
        .scalar_subquery()
    )
    person = func.coalesce(c.participant_id, only.c.sole, inside).label("participant_id")
    codes = select(Code.id).where(Code.project_id == project.id)
    stmt = (
        select(c.id, c.document_id, c.code_id, person)
        .select_from(coding.outerjoin(only, only.c.document_id == c.document_id))
        .where(c.code_id.in_(codes))
    )
    if scope.kinds:
        kinds = select(Document.id).where(
            Document.project_id == project.id, Document.kind.in_(list(scope.kinds))
        )
        stmt = stmt.where(c.document_id.in_(kinds))
    if scope.documents:
        stmt = stmt.where(c.document_id.in_(list(scope.documents)))
    if scope.coders:
        stmt = stmt.where(
            c.coder_id.in_(select(Coder.id).where(Coder.name.in_(list(scope.coders))))
        )
    return stmt

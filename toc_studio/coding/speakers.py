"""The speaker stored on each coding (``Coding.participant_id``), and what keeps it right.

The rule, the one every query reads (``coding.participant_id``, never a turn):

1. the participant of the turn that contains the coding's start (turns of a document do
   not overlap, so that is the last turn starting at or before the start, if it has not
   ended yet);
2. else, when the start is outside every turn or in a turn without a participant (the
   interviewer's), the participant of the first participant turn beginning inside the
   coding (after its start, before its end);
3. else, **only when the start is outside every turn**, the document's participant when
   the document's turns have exactly one distinct participant (turns without a
   participant aside);
4. else none.

So a coding inside an interviewer's turn (a turn whose speaker is mapped to no
participant, or to an interviewer who is not a participant) has no participant, even
in a one-participant interview; when the interviewer is mapped to a participant, it is
theirs. Only text outside every turn (notes, a header) falls back to the document's
only participant.

The column depends on the coding's document, start and end, and on the document's turns
and their participants. Inserts compute it (:class:`SpeakerLookup` in Python, or
:data:`SPEAKER_SQL` / :func:`speaker_of` in a statement); every other change (a coding
moved or resized, turns replaced, a speaker mapped, a participant deleted) calls
:func:`refresh_speakers` for the documents it touched, in the same transaction: coding's
own services directly, the packages below coding (project, ingest) by emitting
:class:`toc_studio.events.SpeakersChanged`, which :mod:`toc_studio.coding.subscribers`
handles. There is no foreign key on the column: deleting a participant refreshes the
documents they spoke in or were attributed (``events.ParticipantDeleting`` names them).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import itemgetter

from sqlalchemy import case, distinct, func, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session

from toc_studio.coding.models import Coding
from toc_studio.ingest.models import Turn

# The rule as one SQL expression, for hand-written statements: ``{document}``, ``{start}``
# and ``{end}`` are the SQL of the coding's document id, start and end. COALESCE stops at
# the first answer, so the fallbacks run only for codings that need them.
SPEAKER_SQL = (
    "COALESCE("
    '(SELECT CASE WHEN t."end" > {start} THEN t.participant_id END FROM turn t '
    'WHERE t.document_id = {document} AND t."start" <= {start} '
    'ORDER BY t."start" DESC LIMIT 1), '
    "(SELECT t.participant_id FROM turn t WHERE t.document_id = {document} "
    'AND t."start" > {start} AND t."start" < {end} AND t.participant_id IS NOT NULL '
    'ORDER BY t."start" LIMIT 1), '
    "CASE WHEN COALESCE("
    '(SELECT t."end" FROM turn t WHERE t.document_id = {document} '
    'AND t."start" <= {start} ORDER BY t."start" DESC LIMIT 1), -1) <= {start} THEN '
    "(SELECT MIN(t.participant_id) FROM turn t WHERE t.document_id = {document} "
    "HAVING COUNT(DISTINCT t.participant_id) = 1) END)"
)


def speaker_of(document_id, start, end):
    """SQL expression: the speaker of a coding [``start``, ``end``) of ``document_id``
    (columns or values), by seeks on the turns' (document, start) index; the document's
    turns are read whole only for a coding that needs the last fallback."""
    t1, t2, t3, t4 = aliased(Turn), aliased(Turn), aliased(Turn), aliased(Turn)
    at_start = (
        select(case((t1.end > start, t1.participant_id)))
        .where(t1.document_id == document_id, t1.start <= start)
        .order_by(t1.start.desc())
        .limit(1)
        .scalar_subquery()
    )
    inside = (
        select(t2.participant_id)
        .where(
            t2.document_id == document_id,
            t2.start > start,
            t2.start < end,
            t2.participant_id.is_not(None),
        )
        .order_by(t2.start)
        .limit(1)
        .scalar_subquery()
    )
    last_end = (
        select(t4.end)
        .where(t4.document_id == document_id, t4.start <= start)
        .order_by(t4.start.desc())
        .limit(1)
        .scalar_subquery()
    )
    only = (
        select(func.min(t3.participant_id))
        .where(t3.document_id == document_id)
        .having(func.count(distinct(t3.participant_id)) == 1)
        .scalar_subquery()
    )
    outside = func.coalesce(last_end, -1) <= start  # the start is outside every turn
    return func.coalesce(at_start, inside, case((outside, only)))


def speaker_at(session: Session, document_id: int, start: int, end: int) -> int | None:
    """The speaker of a coding [``start``, ``end``) of ``document_id``."""
    return session.execute(select(speaker_of(document_id, start, end))).scalar()


# One document's turns for the lookup: starts, ends and participants in order; for each
# position the index of the first turn at or after it with a participant; the document's
# only participant (None unless exactly one).
DocumentTurns = tuple[list[int], list[int], list[int | None], list[int], int | None]


class SpeakerLookup:
    """The turns of some documents, held as sorted starts, for bisecting: the rule in
    Python, O(log turns) per coding. A document whose turns all name one participant needs
    no turns: by the rule, every coding in it is that participant's (``sole``)."""

    def __init__(self, turns: dict[int, DocumentTurns], sole: dict[int, int] | None = None):
        self.turns = turns
        self.sole = sole or {}

    def __call__(self, document_id: int, start: int, end: int) -> int | None:
        person = self.sole.get(document_id)
        if person is not None:
            return person
        found = self.turns.get(document_id)
        if found is None:
            return None
        starts, ends, people, following, sole = found
        i = bisect_right(starts, start)  # the first turn beginning after the start
        in_turn = bool(i) and ends[i - 1] > start
        if in_turn and people[i - 1] is not None:
            return people[i - 1]
        k = following[i]
        if k < len(starts) and starts[k] < end:
            return people[k]
        return sole if not in_turn else None  # the only participant: outside turns only


def document_turns(starts: list[int], ends: list[int], people: list[int | None]) -> DocumentTurns:
    """The lookup's form of one document's turns (their starts, ends and participants, in
    order of start)."""
    following = [len(starts)] * (len(starts) + 1)
    for i in range(len(starts) - 1, -1, -1):
        following[i] = i if people[i] is not None else following[i + 1]
    distinct_people = set(people)
    distinct_people.discard(None)
    sole = distinct_people.pop() if len(distinct_people) == 1 else None
    return starts, ends, people, following, sole


TURN_BATCH = 500  # documents per turn query
PEOPLE_BATCH = 10_000  # documents per query for their participants (each query reads the
# turns through once, when it does not use the index)
# Each document's lowest and highest participant: the same when its turns name one
# (no distinct count, which would sort every turn)
PEOPLE_SQL = (
    "SELECT document_id, MIN(participant_id), MAX(participant_id), "
    "COUNT(*) - COUNT(participant_id) FROM turn "
    "WHERE document_id IN ({ids}) GROUP BY document_id"
)
TURNS_SQL = (
    'SELECT document_id, "start", "end", participant_id FROM turn '
    'WHERE document_id IN ({ids}) ORDER BY document_id, "start"'
)
# PostgreSQL: one row per document, its turns' columns as arrays, read in binary (psycopg
# reads an integer array in C; adapting 4 values a turn in Python cost more than the read)
TURNS_PG_SQL = (
    'SELECT document_id, array_agg("start" ORDER BY "start"), '
    'array_agg("end" ORDER BY "start"), array_agg(participant_id ORDER BY "start") '
    "FROM turn WHERE document_id IN ({ids}) GROUP BY document_id"
)


def document_people(connection, document_ids: Iterable[int]) -> tuple[dict[int, int], list[int]]:
    """For ``document_ids``: the participant of each document whose turns all name the
    same one (by the rule, every coding in it is theirs), and the other documents with a
    participant (several, or one beside turns without one such as the interviewer's: only
    there does a coding's speaker depend on its span). Documents in neither have no
    participant. One read of the turns' covering index per 10,000 documents."""
    sole: dict[int, int] = {}
    several: list[int] = []
    ids = sorted({int(i) for i in document_ids})  # ints only: they go into the SQL text
    for i in range(0, len(ids), PEOPLE_BATCH):
        listed = ", ".join(map(str, ids[i : i + PEOPLE_BATCH]))
        for document_id, lowest, highest, nobody in connection.exec_driver_sql(
            PEOPLE_SQL.format(ids=listed)
        ):
            if lowest is None:
                continue  # no participant: every coding's speaker is None
            if lowest == highest and not nobody:
                sole[document_id] = lowest
            else:
                several.append(document_id)
    return sole, several


def speaker_lookup(session: Session, document_ids: Iterable[int]) -> SpeakerLookup:
    """Load what the rule needs of ``document_ids``: each document's participant when its
    turns name only one, else its turns (one indexed read per few hundred documents,
    through the driver: SQLAlchemy's row processing would cost more than the read).
    Documents whose every turn is one participant's need no turns read at all."""
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    turns: dict[int, DocumentTurns] = {}
    sole, several = document_people(connection, document_ids)
    for i in range(0, len(several), TURN_BATCH):
        listed = ", ".join(map(str, several[i : i + TURN_BATCH]))
        if postgres:
            raw = connection.connection.driver_connection
            with raw.cursor(binary=True) as cursor:
                cursor.execute(TURNS_PG_SQL.format(ids=listed))
                for document_id, starts, ends, people in cursor:
                    turns[document_id] = document_turns(starts, ends, people)
            continue
        rows = connection.exec_driver_sql(TURNS_SQL.format(ids=listed)).fetchall()
        for document_id, group in groupby(rows, key=itemgetter(0)):
            _, starts, ends, people = zip(*group, strict=True)
            turns[document_id] = document_turns(list(starts), list(ends), list(people))
    return SpeakerLookup(turns, sole)


def _rule():
    return speaker_of(Coding.document_id, Coding.start, Coding.end)


def refresh_speakers(session: Session, document_ids: Iterable[int]) -> int:
    """Recompute the stored speaker of every coding of ``document_ids`` after their turns,
    a turn's participant, a participant, or codings' spans changed. Returns how many
    codings changed."""
    session.flush()
    rule = _rule()
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
    stmt = select(Coding.id).where(Coding.participant_id.is_distinct_from(_rule()))
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


def documents_of_participant(session: Session, participant_id: int) -> list[int]:
    """The documents where ``participant_id`` speaks a turn or is a coding's stored speaker:
    the ones to refresh when the participant goes."""
    turns = select(Turn.document_id).where(Turn.participant_id == participant_id)
    coded = select(Coding.document_id).where(Coding.participant_id == participant_id)
    return sorted(set(session.execute(turns.union(coded)).scalars()))


def query_codings(project, scope):
    """The codings of ``project`` in ``scope`` (a :class:`toc_studio.coding.scope.Scope`),
    each with its stored speaker. Columns: id, document_id, code_id, participant_id.

    Codes belong to one project, so the project's codings are found through their codes
    (the code index, in code order, which carries the speaker), without a read of each
    coding's document."""
    from toc_studio.coding.models import Code
    from toc_studio.coding.scope import coding_filter

    c = Coding.__table__.alias("c").c
    codes = select(Code.id).where(Code.project_id == project.id)
    stmt = select(c.id, c.document_id, c.code_id, c.participant_id).where(c.code_id.in_(codes))
    return stmt.where(*coding_filter(project, scope, c))


def refresh_stale(session: Session) -> int:
    """Bring every stored speaker in the store to the rule (after the rule itself changed:
    ``toc-studio init`` runs it when it upgrades a store). Returns how many changed."""
    stale = stale_codings(session)
    return refresh_speakers(session, documents_of_codings(session, stale)) if stale else 0

"""Evidence counts kept between assemblies while nothing they depend on has changed.

The counts of a version depend on the project's codings (their code, document and start),
its turns (where they are, whose they are), its participants' groups, and on which codes
count for which element. :func:`data_stamp` sums those over id-weighted columns in a few
index scans (swapping two codings' codes changes the sum; a recount does not need to
happen for a rename or a new link). A different stamp means a recount in SQL.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy import BigInteger, cast, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from toc_studio.coding.models import Coding
from toc_studio.ingest.models import Document, Turn
from toc_studio.project.models import Participant
from toc_studio.theory.evidence import Evidence
from toc_studio.theory.models import TocEvidenceCache

KEEP = 8  # cached counts kept per project (versions, roll-up levels)


def _weighted(column, weight):
    return func.coalesce(func.sum(cast(weight, BigInteger) * func.coalesce(column, 0)), 0)


def data_stamp(session: Session, project_id: int) -> tuple:
    """Sums that change whenever a coding, turn or participant's group that evidence
    depends on changes (read from covering indexes where possible)."""
    documents = select(Document.id).where(Document.project_id == project_id)
    codings = session.execute(
        select(
            func.count(),
            func.coalesce(func.max(Coding.id), 0),
            _weighted(Coding.code_id, Coding.id),
            _weighted(Coding.start, Coding.id),
            _weighted(Coding.document_id, Coding.id),
        ).where(Coding.document_id.in_(documents))
    ).one()
    turns = session.execute(
        select(
            func.count(),
            _weighted(Turn.start, Turn.id),
            _weighted(Turn.end, Turn.id),
            _weighted(Turn.participant_id, Turn.id),
            _weighted(Turn.document_id, Turn.id),
        ).where(Turn.document_id.in_(documents))
    ).one()
    people = session.execute(
        select(func.count(), _weighted(Participant.group_id, Participant.id)).where(
            Participant.project_id == project_id
        )
    ).one()
    return tuple(int(v) for v in (*codings, *turns, *people))


def cache_key(stamp: tuple, mapping: Mapping[int, Sequence[int]], groups: Mapping[int, str]):
    text = json.dumps(
        [stamp, sorted((c, sorted(n)) for c, n in mapping.items()), sorted(groups.items())]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _dump(found: dict[int, Evidence]) -> str:
    return json.dumps({str(k): v.as_dict() for k, v in found.items()}, ensure_ascii=False)


def _load(payload: str) -> dict[int, Evidence]:
    return {
        int(k): Evidence(v["codings"], v["participants"], v["documents"], v["by_group"])
        for k, v in json.loads(payload).items()
    }


def cached_aggregate(
    session: Session,
    project_id: int,
    mapping: Mapping[int, Sequence[int]],
    groups: Mapping[int, str],
    compute: Callable[[], dict[int, Evidence]],
) -> dict[int, Evidence]:
    """The evidence ``compute`` would count, from the cache when its key still matches."""
    key = cache_key(data_stamp(session, project_id), mapping, groups)
    row = session.get(TocEvidenceCache, (project_id, key))
    if row is not None:
        return _load(row.payload)
    found = compute()
    try:
        with session.begin_nested():
            session.add(TocEvidenceCache(project_id=project_id, key=key, payload=_dump(found)))
            session.flush()
    except IntegrityError:  # another session stored the same counts meanwhile
        pass
    old = list(
        session.execute(
            select(TocEvidenceCache.key)
            .where(TocEvidenceCache.project_id == project_id)
            .order_by(TocEvidenceCache.computed.desc())
            .offset(KEEP)
        ).scalars()
    )
    if old:
        session.execute(
            delete(TocEvidenceCache).where(
                TocEvidenceCache.project_id == project_id, TocEvidenceCache.key.in_(old)
            )
        )
    return found

"""Evidence behind the elements of a Theory of Change, counted in SQL.

A coding's participant is the participant of the speaker turn that contains the coding's
start (turns of a document do not overlap: the turn is the last one starting at or before
the coding, if it has not ended yet). Codings outside every turn count, without a
participant. No coding is loaded into Python: the database groups and counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Integer, and_, case, column, func, literal, select, union_all, values
from sqlalchemy.orm import aliased
from sqlmodel import Session

from toc_studio.coding.models import Coding
from toc_studio.ingest.models import Document, Turn
from toc_studio.project.models import Group, Participant


@dataclass
class Evidence:
    codings: int = 0
    participants: int = 0
    documents: int = 0
    by_group: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "codings": self.codings,
            "participants": self.participants,
            "documents": self.documents,
            "by_group": {g: dict(v) for g, v in self.by_group.items()},
        }


@dataclass(frozen=True)
class Excerpt:
    coding_id: int
    text: str
    document: str
    participant: str | None
    group: str | None
    start: int
    end: int


def _containing_turn():
    """A correlated subquery: the id of the last turn of the coding's document that starts
    at or before the coding (an index seek on (document_id, start))."""
    t2 = aliased(Turn)
    return (
        select(t2.id)
        .where(t2.document_id == Coding.document_id, t2.start <= Coding.start)
        .order_by(t2.start.desc())
        .limit(1)
        .scalar_subquery()
    )


def _speaker():
    """A correlated subquery: the participant of the turn containing the coding's start, or
    NULL (one seek on the covering index ``ix_toc_turn_lookup``)."""
    t2 = aliased(Turn)
    return (
        select(case((t2.end > Coding.start, t2.participant_id)))
        .where(t2.document_id == Coding.document_id, t2.start <= Coding.start)
        .order_by(t2.start.desc())
        .limit(1)
        .scalar_subquery()
    )


def aggregate(
    session: Session,
    mapping: Mapping[int, Sequence[int]],
    groups: Mapping[int, str],
    project_id: int | None = None,
) -> dict[int, Evidence]:
    """Evidence per node, where ``mapping`` sends each code id to the node numbers its
    codings count for. ``groups`` names the project's groups by id.

    One statement: (1) each coding of the project with its speaker, in document order so
    that the turn seeks stay local, materialised once; (2) grouped by node, speaker and
    document; (3) counted per node and group, and per node (group -1) for the totals.
    """
    result: dict[int, Evidence] = {}
    rows = [(code_id, node) for code_id, nodes in mapping.items() for node in nodes]
    if not rows:
        return result
    node_map = values(column("code_id", Integer), column("node", Integer), name="node_map")
    node_map = node_map.data(rows).cte("node_map")
    tagged = select(Coding.code_id, Coding.document_id, _speaker().label("pid"))
    if project_id is not None:
        tagged = tagged.where(
            Coding.document_id.in_(select(Document.id).where(Document.project_id == project_id))
        )
    else:
        tagged = tagged.where(Coding.code_id.in_(list(mapping)))
    tagged = (
        tagged.order_by(Coding.document_id, Coding.start).cte("tagged").prefix_with("MATERIALIZED")
    )
    per_speaker = (
        select(node_map.c.node, tagged.c.pid, tagged.c.document_id, func.count().label("n"))
        .select_from(tagged)
        .join(node_map, node_map.c.code_id == tagged.c.code_id)
        .group_by(node_map.c.node, tagged.c.pid, tagged.c.document_id)
        .cte("per_speaker")
        .prefix_with("MATERIALIZED")
    )
    group_id = func.coalesce(Participant.group_id, -2)
    by_group = (
        select(
            per_speaker.c.node,
            group_id.label("group_id"),
            func.sum(per_speaker.c.n),
            func.count(func.distinct(per_speaker.c.pid)),
            func.count(func.distinct(per_speaker.c.document_id)),
        )
        .select_from(per_speaker)
        .outerjoin(Participant, Participant.id == per_speaker.c.pid)
        .group_by(per_speaker.c.node, group_id)
    )
    totals = select(
        per_speaker.c.node,
        literal(-1).label("group_id"),
        func.sum(per_speaker.c.n),
        func.count(func.distinct(per_speaker.c.pid)),
        func.count(func.distinct(per_speaker.c.document_id)),
    ).group_by(per_speaker.c.node)
    order = {name: i for i, name in enumerate(groups.values())}
    for node, gid, codings, participants, documents in session.execute(union_all(by_group, totals)):
        evidence = result.setdefault(node, Evidence())
        if gid == -1:
            evidence.codings = int(codings)
            evidence.participants, evidence.documents = participants, documents
        elif gid in groups:
            evidence.by_group[groups[gid]] = {
                "codings": int(codings),
                "participants": participants,
                "documents": documents,
            }
    for evidence in result.values():  # groups in branch order
        evidence.by_group = dict(sorted(evidence.by_group.items(), key=lambda kv: order[kv[0]]))
    return result


def excerpts(session: Session, code_ids: Sequence[int], limit: int = 50) -> list[Excerpt]:
    """Up to ``limit`` excerpts coded with ``code_ids`` (code by code, each in document
    order), with the speaker's participant label and group (``None`` when the coding is
    outside a labelled turn). Each code is read in the order of its index, so a code with
    a hundred thousand codings costs no more than one with ten."""
    found: list[Excerpt] = []
    for code_id in code_ids:
        if len(found) >= limit:
            break
        stmt = (
            select(
                Coding.id,
                Coding.text,
                Document.title,
                Participant.label,
                Group.name,
                Coding.start,
                Coding.end,
            )
            .select_from(Coding)
            .join(Document, Document.id == Coding.document_id)
            .outerjoin(Turn, and_(Turn.id == _containing_turn(), Coding.start < Turn.end))
            .outerjoin(Participant, Participant.id == Turn.participant_id)
            .outerjoin(Group, Group.id == Participant.group_id)
            .where(Coding.code_id == code_id)
            .order_by(Coding.code_id, Coding.document_id, Coding.start)
            .limit(limit - len(found))
        )
        found.extend(Excerpt(*row) for row in session.execute(stmt))
    return found


def short_quotes(
    session: Session, code_ids: Sequence[int], count: int = 3, max_chars: int = 160
) -> list[Excerpt]:
    """Two or three short quotes for a hover: the shortest of the first few excerpts,
    trimmed to ``max_chars``."""
    found = excerpts(session, code_ids, limit=12)
    found.sort(key=lambda e: (len(e.text), e.coding_id))
    picked = []
    for e in found[:count]:
        text = " ".join(e.text.split())
        if len(text) > max_chars:
            text = text[: max_chars - 1].rstrip() + "…"
        picked.append(
            Excerpt(e.coding_id, text, e.document, e.participant, e.group, e.start, e.end)
        )
    return picked


def node_code_ids(session: Session, project_id: int, attrs: dict) -> list[int]:
    """The codes whose codings are an element's evidence. A frozen version's element knows
    only its code path: the codes are looked up again (an element whose code has since
    been renamed or deleted has no excerpts to show)."""
    from toc_studio.coding import codebook
    from toc_studio.errors import NotFound
    from toc_studio.project.models import Project

    if attrs.get("code_ids"):
        return list(attrs["code_ids"])
    if not attrs.get("code_path"):
        return []
    try:
        code = codebook.get_code_by_path(
            session, session.get(Project, project_id), attrs["code_path"]
        )
    except NotFound:
        return []
    return codebook.descendant_ids(session, code)


def hover_quotes(
    session: Session, project_id: int, graph, count: int = 3
) -> dict[str, list[tuple[str, str | None]]]:
    """Up to ``count`` short quotes (text, participant label) per element of ``graph``."""
    found = {}
    for node, attrs in graph.nodes(data=True):
        if attrs["category"] == "domain" or not attrs["evidence"].codings:
            continue
        quotes = short_quotes(session, node_code_ids(session, project_id, attrs), count)
        found[node] = [(q.text, q.participant) for q in quotes]
    return found

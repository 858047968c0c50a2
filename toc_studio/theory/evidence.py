"""Evidence behind the elements of a Theory of Change, counted in SQL.

A coding's participant is the participant of the speaker turn that contains the coding's
start (turns of a document do not overlap: the turn is the last one starting at or before
the coding, if it has not ended yet). Codings outside every turn count, without a
participant. No coding is loaded into Python: the database groups and counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Integer, and_, column, func, select, values
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


def _mapping_table(mapping: Mapping[int, Sequence[int]]):
    rows = [(code_id, node) for code_id, nodes in mapping.items() for node in nodes]
    table = values(column("code_id", Integer), column("node", Integer), name="node_map")
    return table.data(rows).cte("node_map")


def aggregate(
    session: Session, mapping: Mapping[int, Sequence[int]], groups: Mapping[int, str]
) -> dict[int, Evidence]:
    """Evidence per node, where ``mapping`` sends each code id to the node numbers its
    codings count for. ``groups`` names the project's groups by id."""
    result: dict[int, Evidence] = {}
    if not any(mapping.values()):
        return result
    node_map = _mapping_table(mapping)
    per_group = (
        select(
            node_map.c.node,
            Participant.group_id,
            func.count(Coding.id),
            func.count(func.distinct(Turn.participant_id)),
            func.count(func.distinct(Coding.document_id)),
        )
        .select_from(Coding)
        .join(node_map, node_map.c.code_id == Coding.code_id)
        .outerjoin(Turn, and_(Turn.id == _containing_turn(), Coding.start < Turn.end))
        .outerjoin(Participant, Participant.id == Turn.participant_id)
        .group_by(node_map.c.node, Participant.group_id)
    )
    for node, group_id, codings, participants, documents in session.execute(per_group):
        evidence = result.setdefault(node, Evidence())
        evidence.codings += codings
        evidence.participants += participants  # a participant is in one group only
        if group_id is not None and group_id in groups:
            evidence.by_group[groups[group_id]] = {
                "codings": codings,
                "participants": participants,
                "documents": documents,
            }
    per_node_documents = (
        select(node_map.c.node, func.count(func.distinct(Coding.document_id)))
        .select_from(Coding)
        .join(node_map, node_map.c.code_id == Coding.code_id)
        .group_by(node_map.c.node)
    )
    for node, documents in session.execute(per_node_documents):
        result.setdefault(node, Evidence()).documents = documents
    return result


def excerpts(session: Session, code_ids: Sequence[int], limit: int = 50) -> list[Excerpt]:
    """Excerpts coded with any of ``code_ids``, in document order, with the speaker's
    participant label and group (``None`` when the coding is outside a labelled turn)."""
    if not code_ids:
        return []
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
        .where(Coding.code_id.in_(list(code_ids)))
        .order_by(Coding.document_id, Coding.start, Coding.id)
        .limit(limit)
    )
    return [Excerpt(*row) for row in session.execute(stmt)]


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

"""Evidence behind the elements of a Theory of Change, counted in SQL.

A coding's participant is the participant of the speaker turn that contains the coding's
start (turns of a document do not overlap: the turn is the last one starting at or before
the coding, if it has not ended yet). Codings outside every turn count, without a
participant. The speaker is stored on each coding (``Coding.participant_id``, kept right
by :mod:`toc_studio.coding.speakers`), so no turn is looked up here. No coding is loaded
into Python: the database groups and counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Table,
    column,
    func,
    literal,
    select,
    text,
    union_all,
    values,
)
from sqlmodel import Session

from toc_studio.coding.models import Coding
from toc_studio.ingest.models import Document
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


# SQLite groups by sorting; fed node by node (a node's codes in a row, each code's codings
# from the index), it counts each node as the rows stream past. A temporary table with
# (node, code) as its key is what tells SQLite the rows come in node order.
_NODE_MAP = Table(
    "toc_node_map",
    MetaData(),
    Column("node", Integer, primary_key=True),
    Column("code_id", Integer, primary_key=True),
    prefixes=["TEMPORARY"],
    sqlite_with_rowid=False,
)


def _node_map(session: Session, rows: list[tuple[int, int]]):
    """The (node, code_id) pairs as a table: temporary on SQLite, VALUES elsewhere."""
    if session.get_bind().dialect.name != "sqlite":
        node_map = values(column("node", Integer), column("code_id", Integer), name="node_map")
        return node_map.data(rows).cte("node_map")
    connection = session.connection()
    _NODE_MAP.create(connection, checkfirst=True)
    connection.execute(_NODE_MAP.delete())
    connection.execute(_NODE_MAP.insert(), [{"node": n, "code_id": c} for n, c in rows])
    return _NODE_MAP


def _sorted_counts(session: Session, node_map):
    """(node, group id or -1 for the totals, codings, participants, documents), counted
    with distinct aggregates as the rows stream past node by node (SQLite)."""
    coding = Coding.__table__.c
    coded = node_map.join(Coding.__table__, coding.code_id == node_map.c.code_id)
    measures = (
        func.count(),
        func.count(func.distinct(coding.participant_id)),
        func.count(func.distinct(coding.document_id)),
    )
    totals = (
        select(node_map.c.node, literal(-1), *measures).select_from(coded).group_by(node_map.c.node)
    )
    by_group = (
        select(node_map.c.node, Participant.group_id, *measures)
        .select_from(coded.join(Participant, Participant.id == coding.participant_id))
        .where(Participant.group_id.is_not(None))
        .group_by(node_map.c.node, Participant.group_id)
    )
    return session.execute(union_all(totals, by_group)).all()


def _hashed_counts(session: Session, node_map):
    """The same counts without distinct aggregates, which PostgreSQL can only sort for:
    codings per (node, speaker, document) once, then each distinct count as a count of
    the rows of a hashed GROUP BY. A participant is in one group, so distinct (node,
    group, participant) rows also count the node's participants in all."""
    coding = Coding.__table__.c
    gid = func.coalesce(Participant.group_id, -2)
    counted = node_map.join(Coding.__table__, coding.code_id == node_map.c.code_id).outerjoin(
        Participant, Participant.id == coding.participant_id
    )
    tagged = (
        select(
            node_map.c.node,
            coding.participant_id.label("pid"),
            coding.document_id.label("doc"),
            gid.label("gid"),
            func.count().label("n"),
        )
        .select_from(counted)
        .group_by(node_map.c.node, coding.participant_id, coding.document_id, gid)
        .cte("tagged")
        .prefix_with("MATERIALIZED")
    )
    t = tagged.c
    people = select(t.node, t.gid, t.pid).where(t.pid.is_not(None)).distinct().subquery()
    docs = select(t.node, t.gid, t.doc).distinct().subquery()
    all_docs = select(t.node, t.doc).distinct().subquery()
    parts = [
        select(literal(0), t.node, t.gid, func.sum(t.n)).group_by(t.node, t.gid),
        select(literal(0), t.node, literal(-1), func.sum(t.n)).group_by(t.node),
        select(literal(1), people.c.node, people.c.gid, func.count()).group_by(
            people.c.node, people.c.gid
        ),
        select(literal(1), people.c.node, literal(-1), func.count()).group_by(people.c.node),
        select(literal(2), docs.c.node, docs.c.gid, func.count()).group_by(docs.c.node, docs.c.gid),
        select(literal(2), all_docs.c.node, literal(-1), func.count()).group_by(all_docs.c.node),
    ]
    # the hash tables of a million codings' groups would spill to disk at the default 4 MB
    session.execute(text("SET LOCAL work_mem = '128MB'"))
    counts: dict[tuple[int, int], list[int]] = {}
    for measure, node, group_id, value in session.execute(union_all(*parts)):
        counts.setdefault((node, group_id), [0, 0, 0])[measure] = int(value)
    return [(node, group_id, *values) for (node, group_id), values in counts.items()]


def aggregate(
    session: Session,
    mapping: Mapping[int, Sequence[int]],
    groups: Mapping[int, str],
    project_id: int | None = None,
) -> dict[int, Evidence]:
    """Evidence per node, where ``mapping`` sends each code id to the node numbers its
    codings count for. ``groups`` names the project's groups by id (``project_id`` is
    accepted for callers; the codes already belong to one project).

    One statement over the stored speakers (``Coding.participant_id``), read from the
    covering index ``ix_coding_code_document``: codings, distinct speakers and distinct
    documents per node (group -1: the totals), and the same per node and speaker's group.
    """
    result: dict[int, Evidence] = {}
    rows = sorted((node, code_id) for code_id, nodes in mapping.items() for node in nodes)
    if not rows:
        return result
    node_map = _node_map(session, rows)
    counted = (
        _sorted_counts(session, node_map)
        if session.get_bind().dialect.name == "sqlite"
        else _hashed_counts(session, node_map)
    )
    order = {name: i for i, name in enumerate(groups.values())}
    for node, gid, codings, participants, documents in counted:
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
            .outerjoin(Participant, Participant.id == Coding.participant_id)
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

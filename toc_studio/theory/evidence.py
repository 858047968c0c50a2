"""Evidence behind the elements of a Theory of Change, counted in SQL.

A coding's participant is its stored speaker (``Coding.participant_id``), by the one rule
of :mod:`toc_studio.coding.speakers` that the excerpts and the matrix read too: the
participant of the turn containing the coding's start; else of the first participant turn
beginning inside the coding; else the document's participant when it has exactly one.
Codings with none count, without a participant. No turn is looked up here and no coding is
loaded into Python: the database groups and counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.analysis import counting
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


def aggregate(
    session: Session,
    mapping: Mapping[int, Sequence[int]],
    groups: Mapping[int, str],
    project_id: int | None = None,
) -> dict[int, Evidence]:
    """Evidence per node, where ``mapping`` sends each code id to the node numbers its
    codings count for. ``groups`` names the project's groups by id (``project_id`` is
    accepted for callers; the codes already belong to one project).

    Counted in one pass over the stored speakers by :func:`counting.by_group`: codings,
    distinct speakers and distinct documents per node, in all and per speaker's group."""
    node_codes: dict[int, list[int]] = {}
    for code_id, nodes in mapping.items():
        for node in nodes:
            node_codes.setdefault(node, []).append(code_id)
    result: dict[int, Evidence] = {}
    for node, counted in counting.by_group(session, node_codes, list(groups)).items():
        total = counted.total
        evidence = result[node] = Evidence(total.codings, total.participants, total.documents)
        for group_id, name in groups.items():  # in branch order
            found = counted.by_group.get(group_id)
            if found is not None:
                evidence.by_group[name] = {
                    "codings": found.codings,
                    "participants": found.participants,
                    "documents": found.documents,
                }
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

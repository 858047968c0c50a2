"""Which data-collection phases a version of the Theory of Change drew on.

Documents carry a phase ("Phase 1: interviews", "Phase 2: workshop"); a version drew on a
phase when a document of that phase holds a coding of a code behind one of its elements.
A working version's phases are worked out live; a frozen one's are recorded when it is
frozen (``TocVersion.phases`` and the snapshot's ``"phases"``), so the report can say which
evidence produced which draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlmodel import Session

from toc_studio.coding.models import Coding
from toc_studio.ingest.models import Document
from toc_studio.project.models import Project

if TYPE_CHECKING:  # networkx is imported where a graph is built (assemble, export_json)
    import networkx as nx


def phases_drawn_on(session: Session, project: Project, graph: nx.DiGraph) -> list[str]:
    """The phases of the documents behind ``graph``'s evidence, in the order the phases
    first appear among the project's documents."""
    code_ids = {c for n in graph.nodes for c in graph.nodes[n].get("code_ids") or ()}
    if not code_ids:
        return []
    rows = session.execute(
        select(Document.phase, func.min(Document.id))
        .join(Coding, Coding.document_id == Document.id)
        .where(
            Document.project_id == project.id,
            Document.phase != "",
            Coding.code_id.in_(sorted(code_ids)),
        )
        .group_by(Document.phase)
    ).all()
    return [phase for phase, _ in sorted(rows, key=lambda r: (r[1], r[0]))]


def project_phases(session: Session, project: Project) -> list[tuple[str, int]]:
    """Every phase named in the project with its number of documents, in first-seen order."""
    rows = session.execute(
        select(Document.phase, func.min(Document.id), func.count(Document.id))
        .where(Document.project_id == project.id, Document.phase != "")
        .group_by(Document.phase)
    ).all()
    return [(phase, n) for phase, _, n in sorted(rows, key=lambda r: (r[1], r[0]))]

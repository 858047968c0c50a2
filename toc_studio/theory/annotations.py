"""Evaluation questions on Theory of Change elements and assumptions on its links.

Like indicators, they are kept per project and keyed by the element's key, so the same
element carries them in every version; a frozen version keeps what they were when it was
frozen (in its snapshot). An assumption says what must hold for ``source`` to lead to
``target``; its status (untested, supported, challenged) is the team's reading of the
evidence, and the quotes behind it are codings of the project.

In the JSON form each node gains ``"questions": [text, ...]`` and each link
``"assumptions": [{"id", "text", "status", "quotes"}]``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding.models import Coding
from toc_studio.errors import Invalid, NotFound
from toc_studio.ingest.models import Document
from toc_studio.project.models import Project
from toc_studio.theory.indicators import (
    attach_indicators,
    clean_text,
    working_element,
    working_graph,
)
from toc_studio.theory.tables import ASSUMPTION_STATUSES, TocAssumption, TocQuestion

if TYPE_CHECKING:  # networkx is imported where a graph is built (assemble, export_json)
    import networkx as nx

EDIT = "change the Theory of Change's questions and assumptions"


@dataclass(frozen=True)
class Assumption:
    id: int
    source: str
    target: str
    text: str
    status: str
    quotes: tuple[int, ...]

    def as_dict(self) -> dict:
        return {"id": self.id, "source": self.source, "target": self.target, "text": self.text,
                "status": self.status, "quotes": list(self.quotes)}  # fmt: skip


def _assumption(row: TocAssumption) -> Assumption:
    return Assumption(row.id, row.source, row.target, row.text, row.status,
                      tuple(json.loads(row.quotes)))  # fmt: skip


# --- questions ----------------------------------------------------------------------------


def add_question(session: Session, project: Project, element: str, text: str) -> TocQuestion:
    """Ask ``text`` of ``element`` of the working version."""
    access.require(session, project.id, "lead", EDIT)
    text = clean_text(text, "A question")
    if not text:
        raise Invalid("Write the evaluation question first.")
    working_element(session, project, element)
    row = TocQuestion(project_id=project.id, element=element, text=text)
    session.add(row)
    session.flush()
    return row


def list_questions(session: Session, project: Project) -> list[TocQuestion]:
    return list(
        session.execute(
            select(TocQuestion)
            .where(TocQuestion.project_id == project.id)
            .order_by(TocQuestion.element, TocQuestion.id)
        ).scalars()
    )


def remove_question(session: Session, project: Project, question_id: int) -> None:
    access.require(session, project.id, "lead", EDIT)
    row = session.get(TocQuestion, question_id)
    if row is None or row.project_id != project.id:
        raise NotFound(f"There is no question {question_id} in this project.")
    session.delete(row)
    session.flush()


# --- assumptions --------------------------------------------------------------------------


def _status(status: str) -> str:
    if status not in ASSUMPTION_STATUSES:
        raise Invalid(f"An assumption is {', '.join(ASSUMPTION_STATUSES)}; not {status[:40]!r}.")
    return status


def _quotes(session: Session, project: Project, coding_ids: list[int] | tuple[int, ...]) -> str:
    wanted = sorted(set(coding_ids))
    if not wanted:
        return "[]"
    found = set(
        session.execute(
            select(Coding.id)
            .join(Document, Document.id == Coding.document_id)
            .where(Coding.id.in_(wanted), Document.project_id == project.id)
        ).scalars()
    )
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound(f"This project has no coding {missing[0]}; `toc-studio query excerpts` "
                       "lists codings with their numbers.")  # fmt: skip
    return json.dumps(wanted)


def add_assumption(
    session: Session, project: Project, source: str, target: str, text: str,
    status: str = "untested", quotes: tuple[int, ...] = (),
) -> Assumption:  # fmt: skip
    """Say what must hold for ``source`` to lead to ``target`` (two elements of the working
    version, linked there)."""
    access.require(session, project.id, "lead", EDIT)
    text = clean_text(text, "An assumption")
    if not text:
        raise Invalid("Write the assumption first.")
    if source == target:
        raise Invalid("An assumption sits on a link between two different elements.")
    graph = working_graph(session, project)
    ends = [working_element(session, project, key, graph)["label"] for key in (source, target)]
    if not graph.has_edge(source, target):
        raise Invalid(f"There is no link from {ends[0][:80]!r} to {ends[1][:80]!r} in the "
                      "working version; draw the link first.")  # fmt: skip
    row = TocAssumption(
        project_id=project.id, source=source, target=target, text=text,
        status=_status(status), quotes=_quotes(session, project, quotes),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return _assumption(row)


def update_assumption(
    session: Session, project: Project, assumption_id: int, *, status: str | None = None,
    quotes: tuple[int, ...] | None = None, text: str | None = None,
) -> Assumption:  # fmt: skip
    """Change an assumption's status, the quotes behind it, or its wording."""
    access.require(session, project.id, "lead", EDIT)
    row = _get_assumption(session, project, assumption_id)
    if status is not None:
        row.status = _status(status)
    if quotes is not None:
        row.quotes = _quotes(session, project, quotes)
    if text is not None:
        row.text = clean_text(text, "An assumption") or row.text
    session.add(row)
    session.flush()
    return _assumption(row)


def _get_assumption(session: Session, project: Project, assumption_id: int) -> TocAssumption:
    row = session.get(TocAssumption, assumption_id)
    if row is None or row.project_id != project.id:
        raise NotFound(f"There is no assumption {assumption_id} in this project.")
    return row


def remove_assumption(session: Session, project: Project, assumption_id: int) -> None:
    access.require(session, project.id, "lead", EDIT)
    session.delete(_get_assumption(session, project, assumption_id))
    session.flush()


def list_assumptions(session: Session, project: Project) -> list[Assumption]:
    rows = session.execute(
        select(TocAssumption)
        .where(TocAssumption.project_id == project.id)
        .order_by(TocAssumption.source, TocAssumption.target, TocAssumption.id)
    ).scalars()
    return [_assumption(r) for r in rows]


# --- on the diagram -----------------------------------------------------------------------


def attach_notes(session: Session, project: Project, graph: nx.DiGraph) -> nx.DiGraph:
    """Give every node its ``indicators`` and ``questions`` and every link its
    ``assumptions`` (an assumption whose link was removed later stays listed by
    :func:`list_assumptions` and comes back with the link)."""
    attach_indicators(session, project, graph)
    questions: dict[str, list[str]] = {}
    for q in list_questions(session, project):
        questions.setdefault(q.element, []).append(q.text)
    for node in graph.nodes:
        graph.nodes[node]["questions"] = questions.get(node, [])
    assumptions: dict[tuple[str, str], list[dict]] = {}
    for a in list_assumptions(session, project):
        entry = {"id": a.id, "text": a.text, "status": a.status, "quotes": list(a.quotes)}
        assumptions.setdefault((a.source, a.target), []).append(entry)
    for s, t in graph.edges:
        graph.edges[s, t]["assumptions"] = assumptions.get((s, t), [])
    return graph

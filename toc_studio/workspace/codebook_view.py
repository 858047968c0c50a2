"""The Codebook screen's table: every code in tree order with its ToC meaning and counts
(passages, participants and documents, per stakeholder group), from the coding store's
framework matrix (a passage coded by two coders counts once)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from toc_studio.coding.analysis.framework import matrix
from toc_studio.coding.codebook import list_codes
from toc_studio.coding.models import Code
from toc_studio.project.models import Project
from toc_studio.project.projects import list_groups


@dataclass(frozen=True)
class CodeRow:
    code: Code
    path: str
    depth: int
    branch: str
    passages: int
    codings: int  # the codings behind the passages (a code's delete moves these)
    participants: int
    documents: int
    per_group: dict[str, tuple[int, int, int]]  # group -> (passages, participants, documents)


def codebook_rows(session: Session, project: Project) -> list[CodeRow]:
    groups = {g.id: g.name for g in list_groups(session, project)}
    counts = {row.code_id: row for row in matrix(session, project, by="group").rows}
    rows = []
    for code in list_codes(session, project):
        counted = counts.get(code.id)
        path = counted.code if counted else code.name
        total = counted.total if counted else None
        rows.append(
            CodeRow(
                code=code,
                path=path,
                depth=path.count("/"),
                branch=groups.get(code.branch_group_id, "shared"),
                passages=total.passages if total else 0,
                codings=total.codings if total else 0,
                participants=total.participants if total else 0,
                documents=total.documents if total else 0,
                per_group={
                    name: (cell.passages, cell.participants, cell.documents)
                    for name, cell in (counted.cells.items() if counted else [])
                },
            )
        )
    return rows


def table(rows: list[CodeRow], groups: list[str]) -> list[dict]:
    """Rows for a data frame: the tree drawn by indentation, one column per group with
    "passages · participants p · documents d"."""
    out = []
    for r in rows:
        entry = {
            "Code": "\u2003" * r.depth + r.code.name,
            "Category": r.code.category or "",
            "Branch": r.branch,
            "Domain": r.code.domain or "",
            "Passages": r.passages,
            "Codings": r.codings,
            "Participants": r.participants,
            "Documents": r.documents,
        }
        for g in groups:
            n, people, docs = r.per_group.get(g, (0, 0, 0))
            entry[g] = f"{n} · {people}p · {docs}d" if n else ""
        entry["Definition"] = r.code.definition
        out.append(entry)
    return out

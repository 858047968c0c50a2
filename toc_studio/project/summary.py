"""Project summaries (groups and counts) as two portable SQL statements.

Kept free of SQLAlchemy so that ``toc-studio project list`` can run them through the
plain DB-API driver and start fast; :func:`toc_studio.project.projects.list_projects`
runs the very same statements through a session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

PROJECTS_SQL = """
SELECT p.id, p.name, p.description,
       (SELECT count(*) FROM document d WHERE d.project_id = p.id),
       (SELECT count(*) FROM participant x WHERE x.project_id = p.id),
       (SELECT count(*) FROM code c WHERE c.project_id = p.id),
       (SELECT count(*) FROM coding k JOIN document d ON d.id = k.document_id
         WHERE d.project_id = p.id)
FROM project p
ORDER BY p.name, p.id
"""

GROUPS_SQL = "SELECT project_id, name FROM stakeholder_group ORDER BY project_id, position, id"


@dataclass(frozen=True)
class ProjectSummary:
    """A project with the counts the Projects page and ``project list`` show."""

    id: int
    name: str
    description: str
    groups: list[str] = field(default_factory=list)
    documents: int = 0
    participants: int = 0
    codes: int = 0
    codings: int = 0

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "groups": list(self.groups),
            "documents": self.documents,
            "participants": self.participants,
            "codes": self.codes,
            "codings": self.codings,
        }


def summaries(project_rows: Iterable[tuple], group_rows: Iterable[tuple]) -> list[ProjectSummary]:
    """Build summaries from the rows of :data:`PROJECTS_SQL` and :data:`GROUPS_SQL`."""
    groups: dict[int, list[str]] = {}
    for project_id, name in group_rows:
        groups.setdefault(project_id, []).append(name)
    return [
        ProjectSummary(pid, name, description or "", groups.get(pid, []), d, p, c, k)
        for pid, name, description, d, p, c, k in project_rows
    ]

"""The workshop edit log: every edit of a working version records who, when, what, why,
and the rows it touched as they were before (or the ids of rows it created), so that
:func:`undo_last` can restore them, newest edit first."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from toc_studio.coding.models import Code
from toc_studio.errors import Conflict
from toc_studio.project import projects
from toc_studio.theory.models import TocEdge, TocEdit, TocNode, TocVersion
from toc_studio.theory.versions import require_working

TABLES: dict[str, type[SQLModel]] = {
    "toc_node": TocNode,
    "toc_edge": TocEdge,
    "toc_version": TocVersion,
    "code": Code,
}
# Only these columns of rows outside the theory package are restored by an undo.
FIELDS = {"code": ("category", "branch_group_id", "domain"), "toc_version": ("level",)}


class Log:
    """Collects the undo steps of one edit."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.steps: list[dict[str, Any]] = []

    def before(self, row: SQLModel) -> None:
        table = row.__tablename__
        fields = FIELDS.get(table)
        data = row.model_dump(include=set(fields) if fields else None, exclude={"id"})
        self.steps.append({"table": table, "id": row.id, "before": data})

    def created(self, row: SQLModel) -> None:
        self.session.add(row)
        self.session.flush()
        self.steps.append({"table": row.__tablename__, "id": row.id, "before": None})


def record(
    session: Session,
    version: TocVersion,
    log: Log,
    action: str,
    summary: str,
    author: str,
    note: str,
) -> TocEdit:
    coder = projects.get_or_create_coder(session, author) if author.strip() else None
    edit = TocEdit(
        version_id=version.id,
        author_id=coder.id if coder else None,
        author=coder.name if coder else "",
        action=action,
        summary=summary,
        note=note or "",
        undo=json.dumps(log.steps, default=str),
    )
    session.add(edit)
    session.flush()
    return edit


def undo_last(session: Session, version: TocVersion) -> TocEdit:
    """Undo the newest edit of the working version that is not undone yet."""
    require_working(version)
    edit = (
        session.execute(
            select(TocEdit)
            .where(TocEdit.version_id == version.id, TocEdit.undone.is_(False))
            .order_by(TocEdit.id.desc())
        )
        .scalars()
        .first()
    )
    if edit is None:
        raise Conflict("There is nothing left to undo in this version.")
    for step in reversed(json.loads(edit.undo)):
        model = TABLES[step["table"]]
        row = session.get(model, step["id"])
        if step["before"] is None:
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            if model in (Code, TocVersion):
                continue  # deleted since: nothing to restore on it
            row = model(id=step["id"], **step["before"])
        for name, value in step["before"].items():
            setattr(row, name, value)
        session.add(row)
    edit.undone = True
    session.add(edit)
    session.flush()
    return edit

"""The undo log: every destructive operation on codes and codings can be put back.

An operation collects its inverse steps in an :class:`UndoLog` while it works (rows it
deletes, with their ids; old values of columns it changes; ids of rows it inserts) and
saves them as one :class:`UndoEntry`. :func:`undo` applies the steps backwards, restoring
deleted rows with their original ids, in one savepoint: it works completely or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from toc_studio.coding.tables import UndoEntry
from toc_studio.errors import Conflict, NotFound
from toc_studio.project.models import Project

CHUNK = 500
UNDOABLE_TABLES = ("code", "coding", "memo", "code_pattern", "agreement_resolution")


def _table(name: str):
    if name not in SQLModel.metadata.tables:
        raise ValueError(f"table {name!r} is not covered by the undo log")
    return SQLModel.metadata.tables[name]


def references(parent: str) -> list[tuple[str, str, str]]:
    """(table, column, ondelete) of every foreign key to ``parent``.id held by tables
    other than the coding store's own (e.g. ToC nodes pointing at codes, report marks on
    memos), found in the metadata so that undo covers other packages' rows too."""
    found = []
    for table in SQLModel.metadata.tables.values():
        if table.name in UNDOABLE_TABLES:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == parent and fk.column.name == "id":
                found.append((table.name, fk.parent.name, (fk.ondelete or "").upper()))
    return found


def before_delete(session: Session, log: UndoLog, parent: str, ids: Sequence[int]) -> None:
    """Record what deleting rows ``ids`` of ``parent`` does to other packages' rows: rows
    that cascade are saved for re-insertion, references set to NULL are saved to restore."""
    if not ids:
        return
    for table_name, column, ondelete in references(parent):
        table = _table(table_name)
        if ondelete == "CASCADE":
            log.deleted(table_name, snapshot(session, table_name, column, ids))
        elif ondelete == "SET NULL" and "id" in table.c:
            rows = []
            for part in chunks(sorted(set(ids))):
                rows += session.execute(
                    select(table.c.id, table.c[column]).where(table.c[column].in_(part))
                ).all()
            log.updated_each(table_name, column, {row_id: old for row_id, old in rows})


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """``values`` in slices small enough for one IN (...) list."""
    for index in range(0, len(values), size):
        yield values[index : index + size]


def snapshot(session: Session, table_name: str, column: str, values: Sequence[Any]) -> list[dict]:
    """Every row of ``table_name`` whose ``column`` is one of ``values``, as plain dicts."""
    table = _table(table_name)
    rows: list[dict] = []
    for part in chunks(sorted(set(values))):
        order = table.c.id if "id" in table.c else list(table.primary_key.columns)[0]
        result = session.execute(select(table).where(table.c[column].in_(part)).order_by(order))
        rows.extend(dict(row._mapping) for row in result)
    return rows


def _encode(value: Any) -> Any:
    return {"$dt": value.isoformat()} if isinstance(value, datetime) else value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    return value


@dataclass
class UndoLog:
    """The inverse steps of one operation, in the order the operation made its changes."""

    steps: list[dict] = field(default_factory=list)

    def deleted(self, table: str, rows: Sequence[dict]) -> None:
        """``rows`` are about to be deleted; undo re-inserts them in this order."""
        if rows:
            encoded = [{k: _encode(v) for k, v in row.items()} for row in rows]
            self.steps.append({"op": "reinsert", "table": table, "rows": encoded})

    def updated(self, table: str, column: str, ids: Sequence[int], old: Any) -> None:
        """``column`` of rows ``ids`` is about to change from ``old``."""
        if ids:
            self.steps.append(
                {"op": "set", "table": table, "column": column, "ids": list(ids), "old": old}
            )

    def updated_each(self, table: str, column: str, old_by_id: dict[int, Any]) -> None:
        """``column`` of several rows is about to change; each had its own old value."""
        by_old: dict[Any, list[int]] = {}
        for row_id, old in old_by_id.items():
            by_old.setdefault(old, []).append(row_id)
        for old, ids in by_old.items():
            self.updated(table, column, ids, old)

    def updated_row(self, table: str, row_id: int, old: dict[str, Any]) -> None:
        """Several columns of one row are about to change; undo sets them back together
        (one statement, so that checks across columns such as start < end hold)."""
        encoded = {k: _encode(v) for k, v in old.items()}
        self.steps.append({"op": "setrow", "table": table, "id": row_id, "values": encoded})

    def inserted(self, table: str, ids: Sequence[int]) -> None:
        """Rows ``ids`` were inserted; undo deletes them."""
        if ids:
            self.steps.append({"op": "remove", "table": table, "ids": list(ids)})


def save(
    session: Session, project_id: int, action: str, description: str, log: UndoLog
) -> UndoEntry:
    """Store ``log`` as the newest undo entry of the project."""
    entry = UndoEntry(
        project_id=project_id,
        action=action,
        description=description,
        payload=json.dumps(log.steps, ensure_ascii=False),
    )
    session.add(entry)
    session.flush()
    return entry


def list_undo(session: Session, project: Project, limit: int = 20) -> list[UndoEntry]:
    """The project's undoable operations, newest first."""
    return list(
        session.execute(
            select(UndoEntry)
            .where(UndoEntry.project_id == project.id)
            .order_by(UndoEntry.id.desc())
            .limit(limit)
        ).scalars()
    )


def _apply(session: Session, step: dict) -> None:
    table = _table(step["table"])
    if step["op"] == "remove":
        for part in chunks(step["ids"]):
            session.execute(delete(table).where(table.c.id.in_(part)))
    elif step["op"] == "setrow":
        values = {k: _decode(v) for k, v in step["values"].items()}
        session.execute(update(table).where(table.c.id == step["id"]).values(values))
    elif step["op"] == "set":
        for part in chunks(step["ids"]):
            session.execute(
                update(table).where(table.c.id.in_(part)).values({step["column"]: step["old"]})
            )
    else:
        dates = {c.name for c in table.columns if isinstance(c.type, DateTime)}
        rows = [
            {k: (_decode(v) if k in dates else v) for k, v in row.items()} for row in step["rows"]
        ]
        for part in chunks(rows):
            session.execute(insert(table), list(part))


def _refresh_speakers(session: Session, steps: list[dict]) -> None:
    """Codings put back or moved back take the speaker their turns give them now."""
    from toc_studio.coding.speakers import documents_of_codings, refresh_speakers

    ids = [
        row["id"] for s in steps if s["table"] == "coding" and s["op"] == "reinsert"
        for row in s["rows"]
    ] + [s["id"] for s in steps if s["table"] == "coding" and s["op"] == "setrow"]  # fmt: skip
    if ids:
        refresh_speakers(session, documents_of_codings(session, ids))


def undo(session: Session, project: Project, entry_id: int | None = None) -> UndoEntry:
    """Undo the project's newest operation (or the one with ``entry_id``).

    Refused with a clear message when later changes make it impossible (for example a new
    code now has the name the restored code had); then nothing changes.
    """
    stmt = select(UndoEntry).where(UndoEntry.project_id == project.id)
    stmt = stmt.where(UndoEntry.id == entry_id) if entry_id is not None else stmt
    entry = session.execute(stmt.order_by(UndoEntry.id.desc()).limit(1)).scalars().first()
    if entry is None:
        raise NotFound(f"Project {project.name!r} has nothing to undo.")
    try:
        with session.begin_nested():
            steps = json.loads(entry.payload)
            for step in reversed(steps):
                _apply(session, step)
            _refresh_speakers(session, steps)
            session.execute(delete(UndoEntry).where(UndoEntry.id == entry.id))
    except IntegrityError as exc:
        raise Conflict(
            f"Cannot undo {entry.description!r}: later changes are in the way (a code or "
            "coding with the same name or span now exists). Undo the later changes first."
        ) from exc
    session.expire_all()
    return entry

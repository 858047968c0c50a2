"""The coding store's undo log: every destructive operation on codes and codings can be
put back.

An operation builds a :class:`toc_studio.history.Change` (the one change record the theory
edit log keeps too), records its inverse steps while it works (rows it deletes, with
their ids; old values of columns it changes; ids of rows it inserts) and saves it as the
project's newest :class:`UndoEntry`. :func:`undo` reverts it in one savepoint, restoring
deleted rows with their original ids: it works completely or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from toc_studio import access
from toc_studio.coding import guard
from toc_studio.coding.tables import UndoEntry
from toc_studio.errors import Conflict, NotFound
from toc_studio.history import Change, chunks, revert, table
from toc_studio.project.models import Project

__all__ = ["before_delete", "chunks", "list_undo", "references", "save", "snapshot", "undo"]

UNDOABLE_TABLES = ("code", "coding", "memo", "code_pattern", "agreement_resolution")


def references(parent: str) -> list[tuple[str, str, str]]:
    """(table, column, ondelete) of every foreign key to ``parent``.id held by tables
    other than the coding store's own (e.g. ToC nodes pointing at codes, report marks on
    memos), found in the metadata so that undo covers other packages' rows too."""
    found = []
    for other in SQLModel.metadata.tables.values():
        if other.name in UNDOABLE_TABLES:
            continue
        for fk in other.foreign_keys:
            if fk.column.table.name == parent and fk.column.name == "id":
                found.append((other.name, fk.parent.name, (fk.ondelete or "").upper()))
    return found


def before_delete(session: Session, log: Change, parent: str, ids: Sequence[int]) -> None:
    """Record what deleting rows ``ids`` of ``parent`` does to other packages' rows: rows
    that cascade are saved for re-insertion, references set to NULL are saved to restore."""
    if not ids:
        return
    for table_name, column, ondelete in references(parent):
        rows_of = table(table_name)
        if ondelete == "CASCADE":
            log.deleted(table_name, snapshot(session, table_name, column, ids))
        elif ondelete == "SET NULL" and "id" in rows_of.c:
            rows = []
            for part in chunks(sorted(set(ids))):
                rows += session.execute(
                    select(rows_of.c.id, rows_of.c[column]).where(rows_of.c[column].in_(part))
                ).all()
            log.updated_each(table_name, column, {row_id: old for row_id, old in rows})


def snapshot(session: Session, table_name: str, column: str, values: Sequence[Any]) -> list[dict]:
    """Every row of ``table_name`` whose ``column`` is one of ``values``, as plain dicts."""
    rows_of = table(table_name)
    rows: list[dict] = []
    for part in chunks(sorted(set(values))):
        order = rows_of.c.id if "id" in rows_of.c else list(rows_of.primary_key.columns)[0]
        result = session.execute(select(rows_of).where(rows_of.c[column].in_(part)).order_by(order))
        rows.extend(dict(row._mapping) for row in result)
    return rows


def save(session: Session, project_id: int, change: Change) -> UndoEntry:
    """Store ``change`` as the newest undo entry of the project."""
    entry = UndoEntry(
        project_id=project_id,
        action=change.action,
        description=change.summary,
        payload=change.payload(),
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
    access.require(session, project.id, "coder", "undo a change")
    stmt = select(UndoEntry).where(UndoEntry.project_id == project.id)
    stmt = stmt.where(UndoEntry.id == entry_id) if entry_id is not None else stmt
    entry = session.execute(stmt.order_by(UndoEntry.id.desc()).limit(1)).scalars().first()
    if entry is None:
        raise NotFound(f"Project {project.name!r} has nothing to undo.")
    change = Change.stored(entry.action, entry.description, entry.payload)
    guard.require_own_change(session, project.id, change, "undo a change")
    _refuse_losing_later_work(session, entry, change)
    try:
        with session.begin_nested():
            revert(session, change)
            _refresh_speakers(session, change.steps)
            session.execute(delete(UndoEntry).where(UndoEntry.id == entry.id))
    except IntegrityError as exc:
        raise Conflict(
            f"Cannot undo {entry.description!r}: later changes are in the way (a code or "
            "coding with the same name or span now exists). Undo the later changes first."
        ) from exc
    session.expire_all()
    return entry


def _removed(change: Change, table_name: str) -> list[int]:
    """Ids of the rows of ``table_name`` that undoing ``change`` deletes."""
    return [i for s in change.steps if s["table"] == table_name and s["op"] == "remove"
            for i in s["ids"]]  # fmt: skip


def _citing(session: Session, parent: str, ids) -> int:
    """Rows of other packages that deleting ``ids`` of ``parent`` would delete with them (a
    finding's quote, a summary), the code's own revision history apart."""
    found = 0
    for table_name, column, ondelete in references(parent):
        if ondelete == "CASCADE" and table_name != "code_revision":
            rows = table(table_name)
            found += session.execute(
                select(func.count()).select_from(rows).where(rows.c[column].in_(list(ids)))
            ).scalar()
    return found


def _refuse_losing_later_work(session: Session, entry: UndoEntry, change: Change) -> None:
    """Refuse an undo that would delete, with the codes or codings it created (a merge's,
    an auto-coding's), work made on them since: codings or sub-codes on those codes, memos
    on those codings or other packages' rows citing them (a finding's quote). Nothing would
    say they went."""
    from toc_studio.coding.models import Code, Coding, Memo

    codes, coded = _removed(change, "code"), _removed(change, "coding")
    if not codes and not coded:
        return
    known: set[int] = set()
    for step in change.steps:
        if step["table"] == "coding":
            rows = step.get("rows", [])
            known.update(step.get("ids", []) + [r["id"] for r in rows] + [step.get("id")])
    later, children, notes = set(), set(), 0
    for part in chunks(codes):
        later.update(session.execute(select(Coding.id).where(Coding.code_id.in_(part))).scalars())
        children.update(session.execute(select(Code.id).where(Code.parent_id.in_(part))).scalars())
        memos = set(session.execute(select(Memo.id).where(Memo.code_id.in_(part))).scalars())
        notes += len(memos - set(_removed(change, "memo"))) + _citing(session, "code", part)
    for part in chunks(coded):
        memos = set(session.execute(select(Memo.id).where(Memo.coding_id.in_(part))).scalars())
        notes += len(memos - set(_removed(change, "memo"))) + _citing(session, "coding", part)
    later -= known
    children -= set(codes)
    if later or children or notes:
        raise Conflict(
            f"Cannot undo {entry.description!r}: {len(later)} coding(s), {len(children)} "
            f"sub-code(s) and {notes} memo(s) or other note(s) made since are on what it would "
            "remove, and would go with it. Move or remove those first; nothing was changed."
        )

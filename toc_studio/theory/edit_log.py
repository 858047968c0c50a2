"""The workshop edit log: every edit of a working version records who, when, what, why,
and how to undo it, as a :class:`toc_studio.history.Change` (the change record the coding
store's undo log keeps too). :func:`undo_last` reverts the newest edit not undone yet.

Every edit goes through :func:`editing`: the working version is required, the edit names
itself with a ``Change`` constructor, records the rows it touches as they were before (or
the rows it creates), changes them, and is recorded with its author and note; all of it in
one savepoint, so a refused edit leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from toc_studio import access
from toc_studio.errors import Conflict
from toc_studio.history import Change, revert
from toc_studio.project import projects
from toc_studio.theory.models import TocEdge, TocEdit, TocNode, TocVersion
from toc_studio.theory.versions import require_working

# Only these columns of rows outside the theory package are set back by an undo; such a
# row deleted since is not brought back (its own package owns it).
FIELDS = {"code": ("category", "branch_group_id", "domain"), "toc_version": ("level",)}


class Edit:
    """One workshop edit in the making: name it (``edit.change = Change.element_...``)
    before touching rows, then say which rows it changes or creates."""

    def __init__(self, session: Session, version: TocVersion) -> None:
        self.session = session
        self.version = version
        self.change: Change | None = None
        self.record: TocEdit | None = None
        # The element or link changed and its version after the edit (theory.locking)
        self.target, self.target_version = "", None

    def _named(self) -> Change:
        if self.change is None:
            raise RuntimeError("name the edit with a Change before touching rows")
        return self.change

    def before(self, row: SQLModel) -> None:
        """``row`` is about to change: undo sets it back (and puts back a node or link
        row deleted since)."""
        table = row.__tablename__
        fields = FIELDS.get(table)
        data = row.model_dump(include=set(fields) if fields else None, exclude={"id", "version"})
        self._named().updated_row(table, row.id, data, reinsert=fields is None)
        self.session.add(row)

    def created(self, row: SQLModel) -> None:
        """Store the new ``row``: undo deletes it."""
        change = self._named()
        self.session.add(row)
        self.session.flush()
        change.inserted(row.__tablename__, [row.id])


@contextmanager
def editing(
    session: Session, version: TocVersion, *, author: str = "", note: str = ""
) -> Iterator[Edit]:
    """Require the working version, let the body name and make the edit, then record it
    (``edit.record``) with who made it and why, in one savepoint."""
    access.require(session, version.project_id, "lead", "edit the Theory of Change")
    require_working(version)
    edit = Edit(session, version)
    with session.begin_nested():
        yield edit
        edit.record = _record(session, version, edit._named(), author, note)
        edit.record.target, edit.record.target_version = edit.target, edit.target_version
        session.flush()


def _record(
    session: Session, version: TocVersion, change: Change, author: str, note: str
) -> TocEdit:
    coder = projects.get_or_create_coder(session, author) if author.strip() else None
    edit = TocEdit(
        version_id=version.id,
        author_id=coder.id if coder else None,
        author=coder.name if coder else "",
        action=change.action,
        summary=change.summary,
        note=note or "",
        undo=change.payload(),
    )
    session.add(edit)
    session.flush()
    return edit


def stored_change(edit: TocEdit) -> Change:
    """The change an edit log row holds; rows written before the one history kept each
    step as {"table", "id", "before"} (None for a row the edit created)."""
    change = Change.stored(edit.action, edit.summary, edit.undo)
    if any("op" not in step for step in change.steps):
        legacy, change.steps = change.steps, []
        for step in legacy:
            if step["before"] is None:
                change.inserted(step["table"], [step["id"]])
            else:
                reinsert = step["table"] not in FIELDS
                change.updated_row(step["table"], step["id"], step["before"], reinsert=reinsert)
    return change


def undo_last(session: Session, version: TocVersion) -> TocEdit:
    """Undo the newest edit of the working version that is not undone yet."""
    access.require(session, version.project_id, "lead", "edit the Theory of Change")
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
    try:
        with session.begin_nested():
            revert(session, stored_change(edit))
            _raise_target_version(session, edit)
            edit.undone = True
            session.add(edit)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"Cannot undo {edit.summary!r}: later changes are in the way. Undo them first."
        ) from exc
    return edit


def _raise_target_version(session: Session, edit: TocEdit) -> None:
    """An undo changes the edit's element or link again: raise its version, so that an
    edit made on what it showed before is refused (the log then says "since undone")."""
    if not edit.target:
        return
    if ">" in edit.target:
        source, target = edit.target.split(">", 1)
        where = (TocEdge.source == source, TocEdge.target == target)
        model = TocEdge
    else:
        where, model = (TocNode.key == edit.target,), TocNode
    stmt = update(model).where(model.version_id == edit.version_id, *where)
    new = session.execute(
        stmt.values(version=model.version + 1).returning(model.version)
    ).scalar_one_or_none()
    edit.target_version = new if new is not None else edit.target_version

"""Edits of the working draft that collide: optimistic locking of ToC elements and links.

An element's version is its node row's ``version`` (0 while the workshop has not touched
it: no row yet); a link's is its edge row's. Every workshop edit of an element or link
raises it, and the edit log row records which element or link it changed
(``TocEdit.target``) and the version it made (``target_version``). An editor passes the
version they saw (``expected_version``); when it has moved on, the edit is refused with a
:class:`~toc_studio.errors.Conflict` naming who did what since, and nothing is changed.
The version is raised by one conditional ``UPDATE`` inside the edit's savepoint, so two
editors saving at once cannot both pass (as for codes: :mod:`toc_studio.coding.versioning`).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from toc_studio.coding.versioning import since_sentence
from toc_studio.errors import Conflict
from toc_studio.theory.edit_log import Edit
from toc_studio.theory.models import TocEdge, TocEdit, TocNode, TocVersion


def link_target(source: str, target: str) -> str:
    """How the edit log names the link ``source`` -> ``target``."""
    return f"{source}>{target}"


def element_versions(session: Session, version: TocVersion) -> dict[str, int]:
    """The version of every element of ``version`` the workshop has touched (others: 0)."""
    rows = session.execute(
        select(TocNode.key, TocNode.version).where(TocNode.version_id == version.id)
    ).all()
    return {key: number for key, number in rows}


def link_versions(session: Session, version: TocVersion) -> dict[tuple[str, str], int]:
    """The version of every stored link of ``version`` (default links: 0)."""
    rows = session.execute(
        select(TocEdge.source, TocEdge.target, TocEdge.version).where(
            TocEdge.version_id == version.id
        )
    ).all()
    return {(source, target): number for source, target, number in rows}


def changed_since(session: Session, version: TocVersion, target: str, seen: int, what: str) -> str:
    """Who changed ``target`` (an element key or a link) after version ``seen``."""
    rows = session.execute(
        select(TocEdit.author, TocEdit.summary, TocEdit.undone)
        .where(
            TocEdit.version_id == version.id,
            TocEdit.target == target,
            TocEdit.target_version > seen,
        )
        .order_by(TocEdit.id)
    ).all()
    steps = [
        (author, [summary[:1].lower() + summary[1:] + (" (since undone)" if undone else "")])
        for author, summary, undone in rows
    ]
    return since_sentence(steps, what)


def raise_version(
    session: Session, edit: Edit, row: TocNode | TocEdge, target: str, expected: int | None
) -> None:
    """Raise ``row``'s version (from ``expected`` only, when given) and name the edit's
    target in the log. A row the edit creates starts at version 1."""
    model = type(row)
    what = "this link" if model is TocEdge else "this element"
    session.flush()
    created = any(
        step["op"] == "remove" and step["table"] == row.__tablename__ and row.id in step["ids"]
        for step in edit.change.steps
    )
    if created:  # never edited before: the editor saw version 0
        new = row.version
        if expected not in (None, 0):
            raise Conflict(changed_since(session, edit.version, target, expected, what))
    else:
        stmt = update(model).where(model.id == row.id)
        if expected is not None:
            stmt = stmt.where(model.version == expected)
        new = session.execute(
            stmt.values(version=model.version + 1).returning(model.version)
        ).scalar_one_or_none()
        if new is None:
            raise Conflict(changed_since(session, edit.version, target, expected or 0, what))
        set_committed_value(row, "version", new)
    edit.target, edit.target_version = target, new

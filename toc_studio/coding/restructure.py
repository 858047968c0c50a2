"""Destructive codebook operations, each undoable: merge, split and delete codes.

- merge: the source's codings move to the target; a coding that would duplicate one the
  target already has (same document, coder and span) collapses into it (its memos move to
  the surviving coding); the source's sub-codes, memos and patterns move to the target,
  ToC nodes linked to it now stand for the target, and the packages above move what they
  hold on it (:class:`toc_studio.events.CodeMerging`: a finding's links, summaries),
  recording it in the merge's undo entry.
- split: chosen codings of a code move to a new sibling code with the same ToC meaning.
- delete: refused while the code or its sub-codes have codings, unless told to move them
  to another code (collapsing duplicates) or to drop them. Told to move them, what the
  packages above and the ToC nodes hold on each deleted code follows to that code, as in
  a merge (one ``CodeMerging`` event a deleted code).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session

from toc_studio import access, events
from toc_studio.coding import undo
from toc_studio.coding.codebook import (
    code_path,
    code_usage,
    create_code,
    descendant_ids,
    sibling_clash,
)
from toc_studio.coding.models import Code, Coding, Memo
from toc_studio.coding.tables import CodePattern
from toc_studio.errors import Conflict, Invalid
from toc_studio.history import Change, table
from toc_studio.project.models import Group, Project


@dataclass(frozen=True)
class Outcome:
    """What a destructive operation did, and the undo entry that reverses it."""

    moved: int
    collapsed: int
    undo_id: int
    code_id: int | None = None


def _ids(session: Session, stmt) -> list[int]:
    return list(session.execute(stmt).scalars())


def _collapsing(session: Session, from_ids: list[int], target: Code) -> dict[int, int]:
    """The codings of codes ``from_ids`` that collapse when they move to ``target``, each
    with the coding that survives it.

    A moving coding is a duplicate when the target already has the same document, coder
    and span (that coding survives it), or when another moving coding with a smaller id
    has (the smallest of them survives, unless the target has one).
    """
    mine, other = aliased(Coding), aliased(Coding)
    same = and_(
        other.document_id == mine.document_id,
        other.coder_id == mine.coder_id,
        other.start == mine.start,
        other.end == mine.end,
    )
    dup_of_target = exists().where(same, other.code_id == target.id)
    dup_of_moving = exists().where(same, other.code_id.in_(from_ids), other.id < mine.id)
    of_target = select(other.id).where(same, other.code_id == target.id).scalar_subquery()
    first_moving = (
        select(func.min(other.id)).where(same, other.code_id.in_(from_ids)).scalar_subquery()
    )
    pairs = session.execute(
        select(mine.id, func.coalesce(of_target, first_moving))
        .where(mine.code_id.in_(from_ids), dup_of_target | dup_of_moving)
        .order_by(mine.id)
    ).all()
    return {duplicate: survivor for duplicate, survivor in pairs}


def _move_codings(
    session: Session, log: Change, from_ids: list[int], target: Code, survivors: dict[int, int]
):
    """Move every coding of codes ``from_ids`` to ``target``; the duplicates ``survivors``
    names (see :func:`_collapsing`) collapse into the coding that survives each: their
    memos move to it. Returns (moved, collapsed)."""
    duplicates = sorted(survivors)
    if duplicates:
        pairs = []
        for part in undo.chunks(duplicates):
            pairs += session.execute(
                select(Memo.id, Memo.coding_id).where(Memo.coding_id.in_(part))
            ).all()
        log.updated_each("memo", "coding_id", {memo_id: old for memo_id, old in pairs})
        for memo_id, old in pairs:
            session.execute(update(Memo).where(Memo.id == memo_id).values(coding_id=survivors[old]))
        # what other packages still hold on a collapsing coding goes with it: keep it for undo
        undo.before_delete(session, log, "coding", duplicates)
        log.deleted("coding", undo.snapshot(session, "coding", "id", duplicates))
        for part in undo.chunks(duplicates):
            session.execute(delete(Coding).where(Coding.id.in_(part)))
    moving = session.execute(
        select(Coding.id, Coding.code_id).where(Coding.code_id.in_(from_ids))
    ).all()
    log.updated_each("coding", "code_id", {cid: code for cid, code in moving})
    session.execute(update(Coding).where(Coding.code_id.in_(from_ids)).values(code_id=target.id))
    return len(moving), len(duplicates)


def merge_codes(session: Session, source: Code, target: Code) -> Outcome:
    """Merge ``source`` into ``target``: codings, sub-codes, memos and patterns move over;
    duplicate codings collapse; ``source`` is deleted. Undoable."""
    access.require(session, source.project_id, "lead", "edit the codebook")
    if source.project_id != target.project_id:
        raise Invalid("Codes can only be merged within one project.")
    if target.id in descendant_ids(session, source):
        raise Invalid(f"Cannot merge {source.name!r} into itself or one of its sub-codes.")
    children = list(session.execute(select(Code).where(Code.parent_id == source.id)).scalars())
    for child in children:
        if sibling_clash(session, target.project_id, target.id, child.name):
            raise Conflict(
                f"{code_path(session, target)!r} already has a sub-code {child.name!r}; "
                f"rename or merge that sub-code of {source.name!r} first."
            )
    log = Change.code_merged(code_path(session, source), code_path(session, target))
    survivors = _collapsing(session, [source.id], target)
    # other packages move what they hold on the source (a finding's links, summaries)
    collapsing = tuple(survivors.items())
    events.emit(
        session, events.CodeMerging(source.project_id, source.id, target.id, collapsing, log)
    )
    moved, collapsed = _move_codings(session, log, [source.id], target, survivors)
    memo_ids = _ids(session, select(Memo.id).where(Memo.code_id == source.id))
    log.updated("memo", "code_id", memo_ids, source.id)
    session.execute(update(Memo).where(Memo.code_id == source.id).values(code_id=target.id))
    pattern_ids = _ids(session, select(CodePattern.id).where(CodePattern.code_id == source.id))
    log.updated("code_pattern", "code_id", pattern_ids, source.id)
    session.execute(
        update(CodePattern).where(CodePattern.code_id == source.id).values(code_id=target.id)
    )
    last = session.execute(
        select(func.coalesce(func.max(Code.position), -1)).where(Code.parent_id == target.id)
    ).scalar_one()
    log.updated_each("code", "position", {c.id: c.position for c in children})
    log.updated("code", "parent_id", [c.id for c in children], source.id)
    for offset, child in enumerate(sorted(children, key=lambda c: (c.position, c.id)), 1):
        session.execute(
            update(Code)
            .where(Code.id == child.id)
            .values(parent_id=target.id, position=last + offset)
        )
    _repoint_references(session, log, [source.id], target)
    _delete_rows(session, log, [source.id], [])
    entry = undo.save(session, source.project_id, log)
    session.expire_all()
    return Outcome(moved, collapsed, entry.id, target.id)


def _repoint_references(session: Session, log: Change, code_ids: list[int], target: Code):
    """Rows that name codes ``code_ids`` and would only lose the name when they go (e.g.
    ToC nodes) now stand for ``target``."""
    for table_name, column, ondelete in undo.references("code"):
        if ondelete == "SET NULL":
            rows = table(table_name)
            for code_id in code_ids:
                ids = _ids(session, select(rows.c.id).where(rows.c[column] == code_id))
                log.updated(table_name, column, ids, code_id)
                session.execute(
                    update(rows).where(rows.c[column] == code_id).values({column: target.id})
                )


def _follow(session: Session, log: Change, code_ids: list[int], target: Code, survivors):
    """Tell the packages above that codes ``code_ids`` go and their codings move to
    ``target`` (:class:`toc_studio.events.CodeMerging`, one event a code, each with the
    duplicates of its own codings): what they hold on each follows it, as in a merge."""
    duplicates = sorted(survivors)
    owner: dict[int, int] = {}
    for part in undo.chunks(duplicates):
        rows = session.execute(select(Coding.id, Coding.code_id).where(Coding.id.in_(part)))
        owner.update((coding_id, code_id) for coding_id, code_id in rows)
    for code_id in code_ids:
        collapsing = tuple((d, survivors[d]) for d in duplicates if owner.get(d) == code_id)
        events.emit(
            session, events.CodeMerging(target.project_id, code_id, target.id, collapsing, log)
        )


def split_code(session: Session, code: Code, coding_ids: Sequence[int], new_name: str) -> Outcome:
    """Move the chosen codings of ``code`` to a new sibling code ``new_name``, which takes
    the same colour and ToC meaning. Undoable."""
    access.require(session, code.project_id, "lead", "edit the codebook")
    coding_ids = sorted(set(coding_ids))
    if not coding_ids:
        raise Invalid("Choose at least one coding to split off.")
    owned = _ids(
        session, select(Coding.id).where(Coding.id.in_(coding_ids), Coding.code_id == code.id)
    )
    if len(owned) != len(coding_ids):
        raise Invalid(f"Only codings of {code.name!r} can be split off it.")
    project = session.get(Project, code.project_id)
    parent = session.get(Code, code.parent_id) if code.parent_id else None
    branch = session.get(Group, code.branch_group_id).name if code.branch_group_id else None
    new = create_code(
        session,
        project,
        new_name,
        parent=parent,
        definition=code.definition,
        colour=code.colour,
        category=code.category,
        branch=branch,
        domain=code.domain,
    )
    log = Change.code_split(code_path(session, code), len(coding_ids))
    log.inserted("code", [new.id])
    log.updated("coding", "code_id", coding_ids, code.id)
    for part in undo.chunks(coding_ids):
        session.execute(update(Coding).where(Coding.id.in_(part)).values(code_id=new.id))
    entry = undo.save(session, code.project_id, log)
    session.expire_all()
    return Outcome(len(coding_ids), 0, entry.id, new.id)


def _delete_rows(session: Session, log: Change, code_ids: list[int], coding_ids: list[int]):
    """Snapshot, then delete, codes ``code_ids`` (parents first) with everything that
    cascades from them and from codings ``coding_ids``."""
    memos = undo.snapshot(session, "memo", "code_id", code_ids)
    memos += undo.snapshot(session, "memo", "coding_id", coding_ids)
    # other packages' rows first: on undo they come back after the rows they point at
    undo.before_delete(session, log, "memo", [m["id"] for m in memos])
    undo.before_delete(session, log, "coding", coding_ids)
    undo.before_delete(session, log, "code", code_ids)
    log.deleted("memo", memos)
    log.deleted("code_pattern", undo.snapshot(session, "code_pattern", "code_id", code_ids))
    log.deleted(
        "agreement_resolution", undo.snapshot(session, "agreement_resolution", "code_id", code_ids)
    )
    log.deleted("coding", undo.snapshot(session, "coding", "id", coding_ids))
    codes = {row["id"]: row for row in undo.snapshot(session, "code", "id", code_ids)}
    log.deleted("code", [codes[i] for i in code_ids])
    for part in undo.chunks(coding_ids):
        session.execute(delete(Coding).where(Coding.id.in_(part)))
    session.execute(delete(Code).where(Code.id == code_ids[0]))


def delete_code(
    session: Session, code: Code, *, drop_codings: bool = False, move_to: Code | None = None
) -> Outcome:
    """Delete ``code`` and its sub-codes. Refused while they have codings unless
    ``move_to`` (another code, outside the deleted ones) or ``drop_codings``. Undoable."""
    access.require(session, code.project_id, "lead", "edit the codebook")
    ids = descendant_ids(session, code)  # parents before children
    usage = code_usage(session, code)
    if usage.codings and move_to is None and not drop_codings:
        raise Conflict(
            f"{code.name!r} and its sub-codes have {usage.codings} coding(s). Move or merge "
            "them first, or say to drop them."
        )
    if move_to is not None and (move_to.id in ids or move_to.project_id != code.project_id):
        raise Invalid("Move the codings to a code of the same project that stays.")
    moved_to = code_path(session, move_to) if move_to is not None and usage.codings else None
    log = Change.code_deleted(code_path(session, code), moved_to)
    moved = collapsed = 0
    if move_to is not None:
        # the evidence moves to move_to: what was said about it follows, as in a merge
        survivors = _collapsing(session, ids, move_to)
        _follow(session, log, ids, move_to, survivors)
        moved, collapsed = _move_codings(session, log, ids, move_to, survivors)
        _repoint_references(session, log, ids, move_to)
    coding_ids = _ids(session, select(Coding.id).where(Coding.code_id.in_(ids)))
    _delete_rows(session, log, ids, coding_ids)
    entry = undo.save(session, code.project_id, log)
    said = log.summary[:1].upper() + log.summary[1:] + "."  # "Delete 'Hope', codings moved..."
    access.audit(session, code.project_id, "code.delete", said)
    session.expire_all()
    return Outcome(moved, collapsed, entry.id, None)

"""What the theory package does when the coding store merges codes: the Theory of Change's
own references to the merged-away code follow it to the code it was merged into
(:class:`toc_studio.events.CodeMerging`), instead of pointing at an element that no longer
exists. Element keys are text (``code:<id>``), not foreign keys, so nothing else would.

- Indicators and evaluation questions of the source's element move to the target's; one
  the target's element already has word for word (the same instrument and item, for an
  indicator) is dropped.
- Assumptions follow their ends; one left on a link from the target's element to itself
  is dropped. The quotes (coding ids) an assumption cites that collapse into a duplicate
  are re-pointed to the surviving coding.
- In the working version: links the team drew from or to the source's element now start
  or end at the target's; one that would link the target's element to itself, or duplicate
  a link the target's element already has, is dropped (a removed link, which only hides a
  default one, is dropped too, and one the moving link replaces). Elements the workshop
  merged into the source's element are merged into the target's (the target's own merge
  into the source's is cleared). The source element's own workshop record (a new name, a
  deletion, a merge) goes with it: the target's element keeps its own. The edit log names
  the moved links by their new ends, and its undo steps for moved rows follow them.
- Frozen versions are history: their records and snapshots stay as they were.

Every row changed is recorded in the merge's undo entry: undoing the merge restores them.
"""

from __future__ import annotations

import json

from sqlalchemy import delete, select, update
from sqlmodel import Session

from toc_studio import events
from toc_studio.coding import undo
from toc_studio.history import Change, chunks
from toc_studio.theory.elements import code_key
from toc_studio.theory.models import TocEdge, TocEdit, TocNode, TocVersion
from toc_studio.theory.tables import TocAssumption, TocIndicator, TocQuestion

THEORY_ROWS = (TocNode, TocEdge, TocEdit, TocIndicator, TocQuestion, TocAssumption)


def _drop(session: Session, log: Change, model, ids: list[int]) -> int:
    """Delete rows ``ids`` of ``model``, kept in ``log`` for undo."""
    name = model.__tablename__
    log.deleted(name, undo.snapshot(session, name, "id", ids))
    for part in chunks(sorted(ids)):
        session.execute(delete(model).where(model.id.in_(part)))
    return len(ids)


def _rows(session: Session, stmt) -> list:
    return list(session.execute(stmt.execution_options(populate_existing=True)).scalars())


def _move_notes(session: Session, log: Change, event: events.CodeMerging, model, same) -> int:
    """Move the indicators or questions (``model``) of the source's element to the
    target's; one the target has already (``same`` of a row: what makes two alike) goes."""
    old, new = code_key(event.source_id), code_key(event.target_id)
    mine = _rows(session, select(model).where(
        model.project_id == event.project_id, model.element == old).order_by(model.id))  # fmt: skip
    if not mine:
        return 0
    theirs = _rows(session, select(model).where(
        model.project_id == event.project_id, model.element == new))  # fmt: skip
    have = {same(row) for row in theirs}
    moving, dropped = [], []
    for row in mine:
        (dropped if same(row) in have else moving).append(row.id)
        have.add(same(row))
    log.updated(model.__tablename__, "element", moving, old)
    for part in chunks(moving):
        session.execute(update(model).where(model.id.in_(part)).values(element=new))
    return len(moving) + _drop(session, log, model, dropped)


def _move_assumptions(session: Session, log: Change, event: events.CodeMerging) -> int:
    """Assumptions follow their ends; one left on a self-link goes; quotes that collapse
    are re-pointed to the surviving coding (each kept once)."""
    old, new = code_key(event.source_id), code_key(event.target_id)
    survivors = dict(event.collapsing)
    rows = _rows(session, select(TocAssumption).where(
        TocAssumption.project_id == event.project_id).order_by(TocAssumption.id))  # fmt: skip
    changed, dropped = 0, []
    for row in rows:
        ends = tuple(new if end == old else end for end in (row.source, row.target))
        if ends != (row.source, row.target) and ends[0] == ends[1]:
            dropped.append(row.id)
            continue
        quotes = json.loads(row.quotes)
        if any(q in survivors for q in quotes):
            quotes = json.dumps(sorted({survivors.get(q, q) for q in quotes}))
        else:
            quotes = row.quotes
        values = dict(source=ends[0], target=ends[1], quotes=quotes)
        before = {k: getattr(row, k) for k, v in values.items() if getattr(row, k) != v}
        if before:
            log.updated_row("toc_assumption", row.id, before)
            session.execute(update(TocAssumption).where(TocAssumption.id == row.id).values(values))
            changed += 1
    return changed + _drop(session, log, TocAssumption, dropped)


def _move_records(session: Session, log: Change, version_id: int, old: str, new: str):
    """The workshop's records in the working version: merges into the source's element
    now go to the target's; the source element's own record goes. Returns (rows changed,
    ids of the rows whose ``merged_into`` moved)."""
    rows = _rows(session, select(TocNode).where(
        TocNode.version_id == version_id, (TocNode.key == old) | (TocNode.merged_into == old)
    ).order_by(TocNode.id))  # fmt: skip
    own = [row.id for row in rows if row.key == old]
    moved = {row.id: row.merged_into for row in rows if row.key != old}
    cleared = [row_id for row_id in moved if _key_of(rows, row_id) == new]
    log.updated_each("toc_node", "merged_into", moved)
    for row_id in moved:
        value = None if row_id in cleared else new
        session.execute(update(TocNode).where(TocNode.id == row_id).values(merged_into=value))
    return len(moved) + _drop(session, log, TocNode, own), set(moved) - set(cleared)


def _key_of(rows: list[TocNode], row_id: int) -> str:
    return next(row.key for row in rows if row.id == row_id)


def _move_links(session: Session, log: Change, version_id: int, old: str, new: str):
    """The links drawn from or to the source's element in the working version follow it
    (see the module for what is dropped). Returns (rows changed, {moved link id: (old
    ends, new ends)})."""
    rows = _rows(session, select(TocEdge).where(TocEdge.version_id == version_id).order_by(
        TocEdge.id))  # fmt: skip
    mine = [row for row in rows if old in (row.source, row.target)]
    if not mine:
        return 0, {}
    taken = {(row.source, row.target): row for row in rows if old not in (row.source, row.target)}
    moved: dict[int, tuple[tuple[str, str], tuple[str, str]]] = {}
    dropped: list[int] = []
    for row in mine:
        ends = tuple(new if end == old else end for end in (row.source, row.target))
        there = taken.get(ends)
        if row.removed or ends[0] == ends[1] or (there is not None and not there.removed):
            dropped.append(row.id)
            continue
        if there is not None:  # a removed link the drawn one replaces
            dropped.append(there.id)
        taken[ends] = row
        moved[row.id] = ((row.source, row.target), ends)
    changed = _drop(session, log, TocEdge, dropped)
    for row_id, (was, ends) in moved.items():
        log.updated_row("toc_edge", row_id, {"source": was[0], "target": was[1]})
        session.execute(
            update(TocEdge).where(TocEdge.id == row_id).values(source=ends[0], target=ends[1])
        )
    return changed + len(moved), moved


def _follow_in_edit_log(session: Session, log: Change, version_id: int, old: str, new: str,
                        nodes: set[int], links: dict) -> int:  # fmt: skip
    """The working version's edit log names a moved link by its new ends, and the undo
    steps of its edits set the moved rows back to their new keys, not to the source's."""
    if not nodes and not links:
        return 0
    names = {f"{a}>{b}": f"{c}>{d}" for (a, b), (c, d) in links.values()}
    fields = {"toc_node": ("merged_into",), "toc_edge": ("source", "target")}
    follows = {"toc_node": nodes, "toc_edge": set(links)}
    changed = 0
    for edit in _rows(session, select(TocEdit).where(TocEdit.version_id == version_id)):
        steps, touched = json.loads(edit.undo), False
        for step in steps:
            if step.get("op") == "setrow" and step.get("id") in follows.get(step["table"], ()):
                values = step["values"]
                for name in fields[step["table"]]:
                    if values.get(name) == old:
                        values[name], touched = new, True
        before = {"undo": edit.undo} if touched else {}
        if edit.target in names:
            before["target"] = edit.target
        if before:
            log.updated_row("toc_edit", edit.id, before)
            after = {"undo": json.dumps(steps, ensure_ascii=False)} if touched else {}
            after.update({"target": names[edit.target]} if edit.target in names else {})
            session.execute(update(TocEdit).where(TocEdit.id == edit.id).values(after))
            changed += 1
    return changed


def on_code_merging(session: Session, event: events.CodeMerging) -> int:
    """Move what the Theory of Change holds on the merged-away code (see the module)."""
    session.flush()
    old, new = code_key(event.source_id), code_key(event.target_id)
    log = event.log
    changed = _move_notes(session, log, event, TocIndicator,
                          lambda row: (row.instrument_id, row.item, row.text))  # fmt: skip
    changed += _move_notes(session, log, event, TocQuestion, lambda row: row.text)
    changed += _move_assumptions(session, log, event)
    working = session.execute(
        select(TocVersion.id).where(
            TocVersion.project_id == event.project_id, TocVersion.frozen.is_(False)
        )
    ).scalar()
    if working is not None:
        records, nodes = _move_records(session, log, working, old, new)
        drawn, links = _move_links(session, log, working, old, new)
        changed += records + drawn
        changed += _follow_in_edit_log(session, log, working, old, new, nodes, links)
    if changed:
        # the ORM's copies of the rows changed above are stale now
        for row in list(session.identity_map.values()):
            if isinstance(row, THEORY_ROWS):
                session.expire(row)
    return changed


events.subscribe(events.CodeMerging, on_code_merging)

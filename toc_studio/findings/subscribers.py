"""What the findings package does when the coding store merges codes: a finding's links
and the written summaries follow the merged-away code to the one it was merged into,
instead of going with it (:class:`toc_studio.events.CodeMerging`).

- A finding's link to the source code moves to the target code; its link to a quote
  (coding) that collapses into a duplicate moves to the surviving coding; its link to the
  ToC element of the source code (``code:<id>``) moves to the target's element. A link the
  finding already has to the target (or to the survivor) is kept once.
- A summary of the source code moves to the target. When the target already has a summary
  for the same participant, group or document, the two texts are joined: the target's
  first, then a blank line, then ``[<source name>]`` and the source's text. A document's
  summary is written against an aim (a top-level code): the merge is refused while the
  source has one and the target is a sub-code.

Every row changed is recorded in the merge's undo entry: undoing the merge restores them.
"""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select, update
from sqlmodel import Session

from toc_studio import events
from toc_studio.coding import undo
from toc_studio.coding.models import Code
from toc_studio.errors import Conflict
from toc_studio.findings.models import FindingLink, Summary
from toc_studio.history import Change, chunks
from toc_studio.theory.elements import code_key
from toc_studio.timeutil import utcnow

SUMMARY_TARGETS = ("participant_id", "group_id", "document_id")


def joined_summary(target_text: str, source_name: str, source_text: str) -> str:
    """The text of a summary that a merge joins: the target's, then the source's, marked."""
    return f"{target_text}\n\n[{source_name}] {source_text}"


def _move_links(session: Session, log: Change, column, moves: dict) -> int:
    """Re-point the finding links whose ``column`` is a key of ``moves`` to its value; a
    link the finding already has (or gets twice) is deleted instead. Returns rows changed."""
    if not moves:
        return 0
    links: list[FindingLink] = []
    for part in chunks(sorted(moves)):
        links += session.execute(
            select(FindingLink).where(column.in_(part)).execution_options(populate_existing=True)
        ).scalars()
    findings = sorted({lk.finding_id for lk in links})
    have: set[tuple[int, object]] = set()
    for part in chunks(findings):
        have.update(
            session.execute(
                select(FindingLink.finding_id, column).where(
                    FindingLink.finding_id.in_(part),
                    column.is_not(None),
                    column.not_in(list(moves)),
                )
            ).all()
        )
    moved: dict[int, object] = {}
    dropped: list[FindingLink] = []
    for lk in sorted(links, key=lambda lk: lk.id):
        new = moves[getattr(lk, column.key)]
        if (lk.finding_id, new) in have:
            dropped.append(lk)
        else:
            have.add((lk.finding_id, new))
            moved[lk.id] = getattr(lk, column.key)
    log.updated_each("finding_link", column.key, moved)
    log.deleted(
        "finding_link", undo.snapshot(session, "finding_link", "id", [lk.id for lk in dropped])
    )
    for link_id in moved:
        new = moves[moved[link_id]]
        session.execute(update(FindingLink).where(FindingLink.id == link_id).values({column: new}))
    for part in chunks([lk.id for lk in dropped]):
        session.execute(delete(FindingLink).where(FindingLink.id.in_(part)))
    return len(moved) + len(dropped)


def _move_summaries(session: Session, log: Change, source: Code, target_id: int) -> int:
    """Move the source code's summaries to the target, joining texts where it has one."""
    mine = list(session.execute(
        select(Summary).where(Summary.code_id == source.id).order_by(Summary.id)
        .execution_options(populate_existing=True)
    ).scalars())  # fmt: skip
    if not mine:
        return 0
    theirs = session.execute(
        select(Summary).where(
            Summary.code_id == target_id,
            or_(*(getattr(Summary, c).in_([getattr(s, c) for s in mine if getattr(s, c)])
                  for c in SUMMARY_TARGETS)),
        ).execution_options(populate_existing=True)
    ).scalars()  # fmt: skip
    clash = {(c, getattr(s, c)): s for s in theirs for c in SUMMARY_TARGETS if getattr(s, c)}
    moving, joined = [], []
    for summary in mine:
        (key,) = [(c, getattr(summary, c)) for c in SUMMARY_TARGETS if getattr(summary, c)]
        (joined if key in clash else moving).append((summary, clash.get(key)))
    log.updated("summary", "code_id", [s.id for s, _ in moving], source.id)
    for _mine, into in joined:
        log.updated_row("summary", into.id, {"text": into.text, "updated": into.updated})
    log.deleted("summary", undo.snapshot(session, "summary", "id", [s.id for s, _ in joined]))
    now = utcnow()
    for summary, into in joined:
        text = joined_summary(into.text, source.name, summary.text)
        session.execute(update(Summary).where(Summary.id == into.id).values(text=text, updated=now))
        session.execute(delete(Summary).where(Summary.id == summary.id))
    ids = [s.id for s, _ in moving]
    session.execute(update(Summary).where(Summary.id.in_(ids)).values(code_id=target_id))
    return len(mine) + len(joined)


def _refuse_stranding_document_summaries(session: Session, source: Code, target: Code) -> None:
    """A document is summarised against an aim (a top-level code): refuse to move such
    summaries onto a sub-code, where nobody could edit or remove them."""
    if target.parent_id is None:
        return
    count = session.execute(
        select(func.count()).where(Summary.code_id == source.id, Summary.document_id.is_not(None))
    ).scalar_one()
    if count:
        raise Conflict(
            f"{source.name!r} has {count} document summary(ies), written against it as an "
            f"evaluation aim, and {target.name!r} is not an aim (a top-level code). Remove "
            "those summaries (or merge into a top-level code) first; nothing was changed."
        )


def on_code_merging(session: Session, event: events.CodeMerging) -> int:
    """Move the finding links and summaries of the merged-away code (see the module)."""
    source = session.get(Code, event.source_id)
    _refuse_stranding_document_summaries(session, source, session.get(Code, event.target_id))
    session.flush()
    changed = _move_links(session, event.log, FindingLink.code_id,
                          {event.source_id: event.target_id})  # fmt: skip
    changed += _move_links(session, event.log, FindingLink.coding_id, dict(event.collapsing))
    changed += _move_links(session, event.log, FindingLink.element,
                           {code_key(event.source_id): code_key(event.target_id)})  # fmt: skip
    changed += _move_summaries(session, event.log, source, event.target_id)
    if changed:
        # the ORM's copies of the rows changed above are stale now
        for row in list(session.identity_map.values()):
            if isinstance(row, FindingLink | Summary):
                session.expire(row)
    return changed


events.subscribe(events.CodeMerging, on_code_merging)

"""What the report package does when the coding store merges codes (or deletes one and
moves its codings to another, :class:`toc_studio.events.CodeMerging`): the quotes a saved
report template picked (coding ids) that collapse into a duplicate are picked as the
coding that survives each, instead of being lost with it.

- A picked coding that collapses is replaced, in place, by its survivor; a survivor picked
  already (or twice) is kept once, at its first place. The order of the picks is kept.
- A template names no code (its groups and ToC version are names, its sections are
  fixed), so nothing else in it changes.

Every template changed is recorded in the merge's undo entry (its stored choices as they
were): undoing the merge restores them.
"""

from __future__ import annotations

import json

from sqlalchemy import select, update
from sqlmodel import Session

from toc_studio import events
from toc_studio.report.models import ReportTemplate


def repointed(picked: list[int], survivors: dict[int, int]) -> list[int]:
    """``picked`` with every coding that collapses replaced by its survivor, each kept once
    at its first place."""
    kept: list[int] = []
    for coding_id in picked:
        coding_id = survivors.get(coding_id, coding_id)
        if coding_id not in kept:
            kept.append(coding_id)
    return kept


def on_code_merging(session: Session, event: events.CodeMerging) -> int:
    """Re-point the picked quotes of the project's templates (see the module)."""
    survivors = dict(event.collapsing)
    if not survivors:
        return 0
    session.flush()
    rows = session.execute(
        select(ReportTemplate.id, ReportTemplate.choices)
        .where(ReportTemplate.project_id == event.project_id)
        .order_by(ReportTemplate.id)
    ).all()
    changed = 0
    for template_id, text in rows:
        choices = json.loads(text)
        picked = choices.get("picked") or []
        if not any(coding_id in survivors for coding_id in picked):
            continue
        choices["picked"] = repointed(picked, survivors)
        event.log.updated_row("report_template", template_id, {"choices": text})
        new = json.dumps(choices, ensure_ascii=False, sort_keys=True)
        session.execute(
            update(ReportTemplate).where(ReportTemplate.id == template_id).values(choices=new)
        )
        changed += 1
    if changed:
        # the ORM's copies of the templates changed above are stale now
        for row in list(session.identity_map.values()):
            if isinstance(row, ReportTemplate):
                session.expire(row)
    return changed


events.subscribe(events.CodeMerging, on_code_merging)

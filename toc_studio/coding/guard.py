"""Coders change only what is theirs: the checks the coding services make, on top of the
role check of :mod:`toc_studio.access`, before they change or remove codings, edit a memo
or undo a change.

A coder (the role) codes as themselves: the coder whose name is the signed-in person's.
A lead or owner may act on anyone's codings (resolving a disagreement, tidying a
colleague's work). With no one signed in (the command line, the single-user app) every
check passes, as :mod:`toc_studio.access` says.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding.models import Coding, Memo
from toc_studio.errors import Refused
from toc_studio.history import Change
from toc_studio.project.models import Coder

# What a coder's own undoable changes touch: their codings and the memos on them.
CODER_TABLES = frozenset({"coding", "memo"})


def _coder_only(session: Session, project_id: int, doing: str) -> access.Actor | None:
    """Require the coder role; the actor when they may act only on their own work."""
    access.require(session, project_id, "coder", doing)
    actor = access.current()
    if actor is None or access.acts_for_others(session, project_id):
        return None
    return actor


def require_own_codings(
    session: Session, project_id: int, coding_ids: Iterable[int], doing: str
) -> None:
    """Refuse a coder who would ``doing`` on codings of another coder."""
    actor = _coder_only(session, project_id, doing)
    ids = sorted(set(coding_ids))
    if actor is None or not ids:
        return
    others = (
        session.execute(
            select(Coder.name)
            .join(Coding, Coding.coder_id == Coder.id)
            .where(Coding.id.in_(ids), Coder.name != actor.name)
            .distinct()
        )
        .scalars()
        .all()
    )
    if others:
        raise Refused(
            f"As a coder of this project you can {doing} only where the coding is yours; "
            f"this is {' and '.join(sorted(others))}'s. A lead of this project can do it."
        )


def require_memo_author(session: Session, memo: Memo, doing: str) -> None:
    """Refuse a coder who would ``doing`` on a memo somebody else wrote."""
    actor = _coder_only(session, memo.project_id, doing)
    if actor is None:
        return
    author = session.get(Coder, memo.author_id) if memo.author_id is not None else None
    if author is None or author.name != actor.name:
        raise Refused(
            f"As a coder of this project you can {doing} only where you wrote the memo. "
            "A lead of this project can do it."
        )


def require_own_change(session: Session, project_id: int, change: Change, doing: str) -> None:
    """Refuse a coder who would ``doing`` on a change that is not only to their own
    codings (and the memos on them): a codebook change, or a colleague's codings."""
    actor = _coder_only(session, project_id, doing)
    if actor is None:
        return
    mine = session.execute(select(Coder.id).where(Coder.name == actor.name)).scalar()
    ids: set[int] = set()
    restored = {  # codings the change puts back: rows that hung on them come back with them
        row.get("id") for step in change.steps if step["table"] == "coding"
        for row in step.get("rows", ())
    } - {None}  # fmt: skip
    for step in change.steps:
        if step["table"] not in CODER_TABLES and not _hangs_on(step, restored):
            raise Refused(
                f"As a coder of this project you can {doing} only where it changed your own "
                "codings, and this one changed more (the codebook, say). Ask a lead of "
                "this project."
            )
        if step["table"] != "coding":
            continue
        if step["op"] == "reinsert":
            if any(row.get("coder_id") != mine for row in step["rows"]):
                raise Refused(
                    f"As a coder of this project you can {doing} only where it changed "
                    "your own codings; this one changed another coder's."
                )
        else:
            ids.update([step["id"]] if step["op"] == "setrow" else step["ids"])
    require_own_codings(session, project_id, ids, doing)


def _hangs_on(step: dict, restored: set) -> bool:
    """Whether ``step`` only puts back rows that referred to codings the change restores
    (a finding quoting a coding the coder removed, say)."""
    rows = step.get("rows") or ()
    return step["op"] == "reinsert" and all(row.get("coding_id") in restored for row in rows)


def require_coding_as(session: Session, requests: Iterable) -> None:
    """:func:`toc_studio.access.require_as` for each (project, coder) of many requests to
    code (objects with ``document`` and ``coder``); nothing to look at with no actor."""
    if access.current() is None:
        return
    pairs = {(r.document.project_id, r.coder.name) for r in requests}
    for project_id, name in sorted(pairs):
        access.require_as(session, project_id, name, "code")

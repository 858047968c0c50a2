"""Edits that collide: optimistic locking of codes.

Every edit of a code raises its ``version`` and records a :class:`CodeRevision` (who,
what). An editor passes the version they saw (``expected_version``); when the stored one
has moved on, the edit is refused with a :class:`~toc_studio.errors.Conflict` that says
what changed since, in a sentence ("Dr Lee renamed this code to 'Peer support' and
changed its colour since you opened it; nothing was changed — reload to see it"), and
nothing is written. The version is raised by one conditional ``UPDATE ... WHERE version
= expected``, so two editors saving at the same moment cannot both pass the check: on
PostgreSQL the second waits for the first's row lock and then finds the version moved;
on SQLite writers take turns (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding.models import Code
from toc_studio.coding.tables import CodeRevision
from toc_studio.errors import Conflict

SOMEONE = "Someone else"


def author_name(author: str = "") -> str:
    """Who is editing: ``author`` when given, else the signed-in person, else ""."""
    actor = access.current()
    return " ".join((author or "").split()) or (actor.name if actor else "")


def and_join(phrases: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    phrases = list(phrases)
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def since_sentence(steps: Sequence[tuple[str, Sequence[str]]], what: str) -> str:
    """The refusal of a stale edit: ``steps`` are (author, phrases) in order; ``what``
    names the thing edited ("this code")."""
    told: list[tuple[str, list[str]]] = []
    for author, phrases in steps:
        if told and told[-1][0] == (author or SOMEONE):
            told[-1][1].extend(phrases)
        else:
            told.append((author or SOMEONE, list(phrases)))
    told = [(who, phrases) for who, phrases in told if phrases]
    if not told:
        return (
            f"{SOMEONE} changed {what} since you opened it; nothing was changed — reload to see it."
        )
    said = "; then ".join(f"{who} {and_join(phrases)}" for who, phrases in told)
    return f"{said} since you opened it; nothing was changed — reload to see it."


def changed_since(session: Session, code_id: int, version: int) -> str:
    """What changed in code ``code_id`` after ``version``, as the refusal's sentence."""
    rows = session.execute(
        select(CodeRevision.author, CodeRevision.changes)
        .where(CodeRevision.code_id == code_id, CodeRevision.version > version)
        .order_by(CodeRevision.version, CodeRevision.id)
    ).all()
    return since_sentence([(author, json.loads(changes)) for author, changes in rows], "this code")


def check_version(session: Session, code: Code, expected_version: int | None) -> None:
    """Refuse (before anything is changed) when ``expected_version`` is given and is not
    the code's stored version."""
    if expected_version is None:
        return
    stored = session.execute(select(Code.version).where(Code.id == code.id)).scalar_one()
    if stored != expected_version:
        raise Conflict(changed_since(session, code.id, expected_version))


def stamp(
    session: Session,
    code: Code,
    changes: Sequence[str],
    *,
    author: str = "",
    expected_version: int | None = None,
) -> int:
    """Raise the code's version (only from ``expected_version`` when given: else refused
    with what changed since) and record who changed what. Returns the new version. Call it
    inside the edit's transaction, before changing the code's columns."""
    stmt = update(Code).where(Code.id == code.id)
    if expected_version is not None:
        stmt = stmt.where(Code.version == expected_version)
    new = session.execute(
        stmt.values(version=Code.version + 1).returning(Code.version)
    ).scalar_one_or_none()
    if new is None:
        raise Conflict(changed_since(session, code.id, expected_version or 0))
    set_committed_value(code, "version", new)
    session.add(
        CodeRevision(
            code_id=code.id, version=new, author=author_name(author), changes=json.dumps(changes)
        )
    )
    return new

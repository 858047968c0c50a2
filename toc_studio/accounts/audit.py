"""The audit log: who did what, when, in which project.

Written for sign-ins, failed sign-ins, account and role changes (by this package) and for
every :class:`toc_studio.events.Audited` another package emits (key reads, re-identified
exports, deletes, restores...). Each line copies the person's id and name, and the
project's name, so it outlives both. A line is written in the transaction of what it
records: a change that rolls back leaves no line (a refused sign-in commits its own).
"""

from __future__ import annotations

import getpass
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import access
from toc_studio.accounts.models import AuditEvent
from toc_studio.project.models import Project
from toc_studio.timeutil import utcnow

DEFAULT_LIMIT = 1000


@dataclass(frozen=True)
class AuditLine:
    """One event as shown: ``who`` is the account's name, or the local user's for the
    command line and the single-user app."""

    at: datetime
    who: str
    project: str
    action: str
    detail: str

    def as_dict(self) -> dict:
        return {**asdict(self), "at": self.at.isoformat(timespec="seconds")}


def aware(moment: datetime) -> datetime:
    """``moment`` in UTC (SQLite hands stored times back without their zone)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_user() -> str:
    """Who holds the store when nobody is signed in: the operating system's user."""
    try:
        return f"{getpass.getuser()} (local)"
    except (KeyError, OSError):  # no name for this uid (a container)
        return "(local)"


def record(
    session: Session,
    project_id: int | None,
    action: str,
    detail: str = "",
    *,
    who: access.Actor | str | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add a line to the audit log, in ``session``'s transaction. ``who`` defaults to the
    person acting (:func:`toc_studio.access.current`); a plain name stands for someone
    without an account (a failed sign-in under a name nobody has)."""
    actor = who if who is not None else access.current()
    if isinstance(actor, str):
        user_id, user_name = None, actor
    elif actor is not None:
        user_id, user_name = actor.user_id, actor.name
    else:
        user_id, user_name = None, local_user()
    project = session.get(Project, project_id) if project_id is not None else None
    event = AuditEvent(
        at=at or utcnow(),
        user_id=user_id,
        user_name=user_name[:200],
        project_id=project_id,
        project_name=project.name if project is not None else "",
        action=action,
        detail=detail,
    )
    session.add(event)
    session.flush()
    return event


def events(
    session: Session, project: Project | None = None, *, limit: int = DEFAULT_LIMIT
) -> list[AuditLine]:
    """The newest ``limit`` lines, newest first: of ``project`` (its owners may read them),
    or of the whole store (administrators only), each project named."""
    stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if project is not None:
        access.require(session, project.id, "owner", "read the project's audit log")
        stmt = stmt.where(AuditEvent.project_id == project.id)
    else:
        access.require_admin("read the audit log of the whole store")
    return [
        AuditLine(aware(e.at), e.user_name, e.project_name, e.action, e.detail)
        for e in session.execute(stmt).scalars()
    ]

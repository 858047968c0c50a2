"""The accounts package's answers to other packages' events (loaded by
:func:`toc_studio.db.import_models`, so they are in place before the first event).

- :class:`toc_studio.events.RoleWanted`: the role a membership grants (``None``: not a
  member). Administrators never get here: :func:`toc_studio.access.role_in` treats them
  as owners of every project.
- :class:`toc_studio.events.Audited`: recorded in the audit log with the person acting.
"""

from __future__ import annotations

from sqlmodel import Session

from toc_studio import events
from toc_studio.accounts import audit
from toc_studio.accounts.models import Membership


def role_wanted(session: Session, event: events.RoleWanted) -> str | None:
    membership = session.get(Membership, (event.project_id, event.user_id))
    return membership.role if membership is not None else None


def audited(session: Session, event: events.Audited) -> None:
    audit.record(session, event.project_id, event.action, event.detail)


events.subscribe(events.RoleWanted, role_wanted)
events.subscribe(events.Audited, audited)

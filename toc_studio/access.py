"""Who is acting, and may they? The one check every service calls before it changes a
project (or reads what only some roles may read).

The person acting is an :class:`Actor`, set for the length of a block by
:func:`acting_as` (the app sets it for each run of a page once someone has signed in).
With no actor set, the caller is whoever holds the store — the command line, or the
single-user local app without accounts — and every check passes: that person can open
the database file anyway. With an actor set, :func:`require` asks the package that keeps
accounts (through the :class:`toc_studio.events.RoleWanted` event) which role they hold
in the project and refuses, with a sentence, when it is below the role needed. An actor
whose role nobody answers holds none: the check fails closed.

Roles, lowest first: viewer (reads), coder (codes as themselves, writes memos), lead
(edits the codebook and the Theory of Change, imports), owner (members, the key, deletes,
exports with real names). An administrator account holds owner in every project.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlmodel import Session

from toc_studio import events
from toc_studio.errors import Invalid, Refused

ROLES: tuple[str, ...] = ("viewer", "coder", "lead", "owner")


@dataclass(frozen=True)
class Actor:
    """A signed-in person: their account id, name, and whether they administer accounts."""

    user_id: int
    name: str
    admin: bool = False


_current: ContextVar[Actor | None] = ContextVar("toc_studio_actor", default=None)


@contextmanager
def acting_as(actor: Actor | None) -> Iterator[Actor | None]:
    """Run the block as ``actor`` (``None``: as whoever holds the store)."""
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def current() -> Actor | None:
    """The person acting now, or ``None`` for whoever holds the store."""
    return _current.get()


def rank(role: str | None) -> int:
    """A role's place in :data:`ROLES` (``-1`` for no role)."""
    if role is None:
        return -1
    if role not in ROLES:
        raise Invalid(f"There is no role {role!r}; choose one of {', '.join(ROLES)}.")
    return ROLES.index(role)


def role_in(session: Session, project_id: int) -> str | None:
    """The current actor's role in ``project_id`` (``"owner"`` for whoever holds the store
    and for administrators; ``None`` for a signed-in person who is not a member)."""
    actor = current()
    if actor is None or actor.admin:
        return "owner"
    answers = events.emit(session, events.RoleWanted(project_id, actor.user_id))
    held = [a for a in answers if a is not None]
    return max(held, key=rank) if held else None


def allowed(session: Session, project_id: int, role: str) -> bool:
    """Whether the current actor holds ``role`` (or a higher one) in ``project_id``."""
    return rank(role_in(session, project_id)) >= rank(role)


def require(session: Session, project_id: int, role: str, doing: str) -> None:
    """Refuse with a sentence unless the current actor holds ``role`` or higher in
    ``project_id``. ``doing`` names the action for the message ("edit the codebook")."""
    held = role_in(session, project_id)
    if rank(held) >= rank(role):
        return
    if held is None:
        raise Refused(f"You are not a member of this project, so you cannot {doing}.")
    raise Refused(
        f"To {doing} you need to be {_article(role)} {role} of this project; "
        f"you are {_article(held)} {held}."
    )


def require_admin(doing: str) -> None:
    """Refuse unless whoever acts administers accounts (or holds the store: no actor).
    For what belongs to no project yet, such as creating one."""
    actor = current()
    if actor is not None and not actor.admin:
        raise Refused(f"Only an administrator can {doing}; ask one to do it for you.")


def require_as(session: Session, project_id: int, name: str | None, doing: str) -> None:
    """Refuse unless the current actor may ``doing`` on behalf of the coder called ``name``
    (``None``: nobody in particular): a coder acts as themselves only; a lead or owner may
    act for anyone (resolving a disagreement, tidying a colleague's codings); a viewer or
    non-member not at all."""
    require(session, project_id, "coder", doing)
    actor = current()
    if actor is None or name in (None, actor.name) or acts_for_others(session, project_id):
        return
    raise Refused(
        f"As a coder of this project you can {doing} only as yourself ({actor.name}), "
        f"not as {name}. A lead of this project can act for other coders."
    )


def acts_for_others(session: Session, project_id: int) -> bool:
    """Whether the current actor may change what other coders did (a lead or higher)."""
    return allowed(session, project_id, "lead")


def audit(session: Session, project_id: int | None, action: str, detail: str) -> None:
    """Tell the audit log (kept by the accounts package, which knows who is acting) that
    ``action`` ("document.delete") was done, in a sentence (``detail``)."""
    events.emit(session, events.Audited(project_id, action, detail))


def _article(role: str) -> str:
    return "an" if role[0] in "aeiou" else "a"

"""Who holds which role in a project: viewer, coder, lead or owner
(:data:`toc_studio.access.ROLES`). Owners manage members; a project keeps at least one
owner once it has one (administrators are owners everywhere without a membership).

Every change is recorded in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import access
from toc_studio.accounts import audit, users
from toc_studio.accounts.models import Membership, UserAccount
from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.project.models import Project


@dataclass(frozen=True)
class Member:
    name: str
    role: str
    admin: bool
    disabled: bool

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "role": self.role,
            "admin": self.admin,
            "disabled": self.disabled,
        }


def check_role(role: str) -> str:
    cleaned = (role or "").strip().lower()
    if cleaned not in access.ROLES:
        raise Invalid(f"There is no role {role!r}; choose one of {', '.join(access.ROLES)}.")
    return cleaned


def list_members(session: Session, project: Project) -> list[Member]:
    """The project's members, owners first, then by name (owners may see them)."""
    access.require(session, project.id, "owner", "see the project's members")
    rows = session.execute(
        select(UserAccount, Membership.role)
        .join(Membership, Membership.user_id == UserAccount.id)
        .where(Membership.project_id == project.id)
    ).all()
    members = [Member(u.name, role, u.admin, u.disabled) for u, role in rows]
    return sorted(members, key=lambda m: (-access.rank(m.role), m.name.casefold()))


def add_member(session: Session, project: Project, user_name: str, role: str) -> Membership:
    """Give ``user_name`` ``role`` in ``project`` (their role changes if they are already
    a member). Demoting the last owner is refused."""
    access.require(session, project.id, "owner", "manage the project's members")
    role = check_role(role)
    user = users.get_user(session, user_name)
    membership = session.get(Membership, (project.id, user.id))
    if membership is None:
        membership = Membership(project_id=project.id, user_id=user.id, role=role)
        session.add(membership)
        session.flush()
        audit.record(session, project.id, "member.add", f"Made {user.name!r} {_a(role)} {role}.")
        return membership
    if membership.role == role:
        return membership
    old = membership.role
    if old == "owner":
        _keep_an_owner(session, project, user, "make them " + _a(role) + " " + role)
    membership.role = role
    session.add(membership)
    session.flush()
    audit.record(session, project.id, "member.role", f"Changed {user.name!r} from {old} to {role}.")
    return membership


def remove_member(session: Session, project: Project, user_name: str) -> None:
    """Take ``user_name`` out of ``project``; the last owner stays."""
    access.require(session, project.id, "owner", "manage the project's members")
    user = users.get_user(session, user_name)
    membership = session.get(Membership, (project.id, user.id))
    if membership is None:
        raise NotFound(f"{user.name!r} is not a member of {project.name!r}.")
    if membership.role == "owner":
        _keep_an_owner(session, project, user, "remove them")
    session.delete(membership)
    session.flush()
    audit.record(
        session, project.id, "member.remove", f"Removed {user.name!r} ({membership.role})."
    )


def role_of(session: Session, project: Project, user: UserAccount) -> str | None:
    """``user``'s role in ``project`` (``"owner"`` for an administrator; ``None``: none)."""
    if user.admin:
        return "owner"
    membership = session.get(Membership, (project.id, user.id))
    return membership.role if membership is not None else None


def projects_of(session: Session, user_id: int) -> dict[int, str]:
    """The projects ``user_id`` is a member of, with the role held in each."""
    rows = session.execute(
        select(Membership.project_id, Membership.role).where(Membership.user_id == user_id)
    ).all()
    return dict(rows)


def _keep_an_owner(session: Session, project: Project, user: UserAccount, doing: str) -> None:
    # The owners' rows are locked (PostgreSQL; SQLite's writer holds the store) so that
    # two owners demoting each other at the same moment cannot leave none.
    owners = session.execute(
        select(Membership.user_id)
        .where(Membership.project_id == project.id, Membership.role == "owner")
        .with_for_update()
    ).all()
    if len(owners) <= 1:
        raise Conflict(
            f"{user.name!r} is the last owner of {project.name!r}: make someone else an "
            f"owner before you {doing}."
        )


def _a(role: str) -> str:
    return "an" if role[0] in "aeiou" else "a"


def candidates(session: Session, project: Project) -> list[str]:
    """The names of enabled accounts not yet members of ``project`` (for its owners)."""
    access.require(session, project.id, "owner", "manage the project's members")
    inside = select(Membership.user_id).where(Membership.project_id == project.id)
    rows = session.execute(
        select(UserAccount.name)
        .where(~UserAccount.disabled, UserAccount.id.not_in(inside))
        .order_by(UserAccount.name)
    )
    return list(rows.scalars())

"""User accounts: names, optional email (for the organisation's sign-in), argon2 password
hashes, the administrator flag. Accounts are disabled, never deleted: the audit log and
codings name them.

Only an administrator (or whoever holds the store: the command line) manages accounts.
Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory
profile); a hash made with older parameters is upgraded at the next sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from toc_studio import access
from toc_studio.accounts import audit
from toc_studio.accounts.models import Membership, UserAccount
from toc_studio.errors import Conflict, Invalid, NotFound

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
MAX_NAME_LENGTH = 200

_hasher = PasswordHasher()
# Verified against when the name is unknown, so that a wrong name takes as long as a
# wrong password and the time taken does not tell whether an account exists.
_DECOY_HASH = _hasher.hash("not the password of anyone")


@dataclass(frozen=True)
class UserSummary:
    id: int
    name: str
    email: str | None
    admin: bool
    disabled: bool
    created: datetime
    projects: int
    password: bool

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "email": self.email,
            "admin": self.admin,
            "disabled": self.disabled,
            "created": audit.aware(self.created).isoformat(timespec="seconds"),
            "projects": self.projects,
            "password": self.password,
        }


def clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise Invalid("An account needs a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise Invalid(f"An account's name can be at most {MAX_NAME_LENGTH} characters long.")
    return cleaned


def clean_email(email: str | None) -> str | None:
    cleaned = (email or "").strip().lower()
    if not cleaned:
        return None
    local, at, domain = cleaned.partition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in cleaned):
        raise Invalid(f"{email!r} is not an email address.")
    return cleaned


def check_password(password: str, name: str) -> None:
    """Refuse a password that is empty, too short, too long or the account's own name."""
    if not password:
        raise Invalid("The password is empty.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters "
            "(a few words make a good one)."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(f"The password is too long: at most {MAX_PASSWORD_LENGTH} characters.")
    if password.casefold() == name.casefold():
        raise Invalid("The password cannot be the account's name.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(user: UserAccount | None, password: str) -> bool:
    """Whether ``password`` is ``user``'s; as slow for no user (or one without a password)
    as for a wrong password."""
    stored = user.password_hash if user is not None else None
    try:
        ok = _hasher.verify(stored or _DECOY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and stored is not None


def rehash_if_needed(user: UserAccount, password: str) -> None:
    """Store a fresh hash when ``user``'s was made with older parameters."""
    if user.password_hash and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)


def has_accounts(session: Session) -> bool:
    """Whether the store has any account (then the app asks everyone to sign in)."""
    return session.execute(select(UserAccount.id).limit(1)).first() is not None


def find_user(session: Session, name: str) -> UserAccount | None:
    cleaned = " ".join((name or "").split())
    stmt = select(UserAccount).where(UserAccount.name == cleaned)
    return session.execute(stmt).scalars().first()


def get_user(session: Session, name_or_id: str | int) -> UserAccount:
    """The account named ``name_or_id`` (or with that id); a sentence when there is none."""
    if isinstance(name_or_id, int):
        user = session.get(UserAccount, name_or_id)
    else:
        user = find_user(session, name_or_id)
    if user is None:
        raise NotFound(
            f"There is no account {name_or_id!r}. See the accounts with: toc-studio user list"
        )
    return user


def add_user(
    session: Session,
    name: str,
    password: str | None,
    *,
    admin: bool = False,
    email: str | None = None,
) -> UserAccount:
    """A new account. ``password`` may be ``None`` only with an ``email``: the person then
    signs in through the organisation's provider only."""
    access.require_admin("add accounts")
    name = clean_name(name)
    email = clean_email(email)
    if password is None and email is None:
        raise Invalid(
            "An account needs a password, or an email to sign in through your organisation."
        )
    if password is not None:
        check_password(password, name)
    if find_user(session, name) is not None:
        raise Conflict(f"There is already an account {name!r}.")
    if email is not None and _by_email(session, email) is not None:
        raise Conflict(f"Another account already has the email {email!r}.")
    user = UserAccount(
        name=name,
        email=email,
        password_hash=hash_password(password) if password is not None else None,
        admin=admin,
    )
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError as exc:  # the same name, added at the same moment
        raise Conflict(f"There is already an account {name!r}.") from exc
    kind = "administrator account" if admin else "account"
    audit.record(session, None, "user.add", f"Added the {kind} {name!r}.")
    return user


def _by_email(session: Session, email: str) -> UserAccount | None:
    stmt = select(UserAccount).where(UserAccount.email == email)
    return session.execute(stmt).scalars().first()


def user_for_email(session: Session, email: str | None) -> UserAccount | None:
    """The account with ``email`` (compared without case), if any."""
    cleaned = (email or "").strip().lower()
    return _by_email(session, cleaned) if cleaned else None


def list_users(session: Session) -> list[UserSummary]:
    """Every account, by name, with how many projects each is a member of."""
    access.require_admin("list accounts")
    counts = dict(
        session.execute(select(Membership.user_id, func.count()).group_by(Membership.user_id)).all()
    )
    users = session.execute(select(UserAccount).order_by(UserAccount.name)).scalars()
    return [
        UserSummary(
            u.id,
            u.name,
            u.email,
            u.admin,
            u.disabled,
            u.created,
            counts.get(u.id, 0),
            u.password_hash is not None,
        )
        for u in users
    ]


def disable_user(session: Session, name: str) -> UserAccount:
    """Disable an account: it can no longer sign in (a signed-in session ends at its next
    page). Its memberships and what it made stay."""
    access.require_admin("disable accounts")
    user = get_user(session, name)
    if not user.disabled:
        user.disabled = True
        session.add(user)
        audit.record(session, None, "user.disable", f"Disabled the account {user.name!r}.")
    return user


def enable_user(session: Session, name: str) -> UserAccount:
    """Let a disabled account sign in again."""
    access.require_admin("enable accounts")
    user = get_user(session, name)
    if user.disabled:
        user.disabled = False
        session.add(user)
        audit.record(session, None, "user.enable", f"Enabled the account {user.name!r}.")
    return user


def set_password(session: Session, name: str, password: str) -> UserAccount:
    """Give an account a new password."""
    access.require_admin("set passwords")
    user = get_user(session, name)
    check_password(password, user.name)
    user.password_hash = hash_password(password)
    session.add(user)
    audit.record(session, None, "user.passwd", f"Set a new password for {user.name!r}.")
    return user

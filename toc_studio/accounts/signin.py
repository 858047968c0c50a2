"""Signing in: by name and password, or by the email the organisation's OpenID Connect
provider vouches for; rate limiting of failures; idle expiry.

Failed sign-ins are counted per name as typed (whether or not an account has it, so the
answer never tells whether an account exists; the name is kept only as a hash) and per
address. After :data:`ACCOUNT_FAILURES` failures under one name, or
:data:`ADDRESS_FAILURES` from one address, within :data:`LOCK_MINUTES` minutes, further
tries are refused, without checking the password, until the oldest of those failures is
that old. A success under a name
clears that name's count (not the address's). Every try is kept for a day; sign-ins and
failures are written to the audit log.

The functions take ``now`` so that tests (and nothing else) can move the clock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlmodel import Session

from toc_studio import access, config
from toc_studio.accounts import audit, users
from toc_studio.accounts.audit import aware
from toc_studio.accounts.models import SignInAttempt, UserAccount
from toc_studio.timeutil import utcnow

ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
LOCK_MINUTES = 5
KEEP_ATTEMPTS = timedelta(days=1)

# Who a failed sign-in under a name no account has is logged as (what was typed may be
# a password typed into the wrong field).
UNKNOWN_NAME = "(a name no account has)"
WRONG = "That name and password do not match an account here. Check both and try again."
DISABLED = "This account is disabled. Ask an administrator to enable it."


@dataclass(frozen=True)
class Outcome:
    """The answer to a sign-in: the account (``None``: refused) and, when refused, why."""

    user: UserAccount | None
    message: str = ""

    @property
    def actor(self) -> access.Actor | None:
        if self.user is None:
            return None
        return actor_of(self.user)


def actor_of(user: UserAccount) -> access.Actor:
    return access.Actor(user.id, user.name, user.admin)


def sign_in(
    session: Session,
    name: str,
    password: str,
    address: str | None = None,
    *,
    now: datetime | None = None,
) -> Outcome:
    """Check ``name`` and ``password`` from ``address``. The try is recorded in
    ``session`` whatever the answer: commit it, refused or not."""
    now = now or utcnow()
    locked = locked_until(session, name, address, now=now)
    if locked is not None:
        return Outcome(None, _locked_message(locked, now))
    user = users.find_user(session, name)
    right = users.password_matches(user, password)
    ok = right and user is not None and not user.disabled
    session.add(SignInAttempt(at=now, name=_key(name), address=address, succeeded=ok))
    session.execute(delete(SignInAttempt).where(SignInAttempt.at < now - KEEP_ATTEMPTS))
    where = f" from {address}" if address else ""
    if not ok:
        who = actor_of(user) if user is not None else UNKNOWN_NAME
        why = " (the account is disabled)" if right else ""
        audit.record(
            session, None, "signin.failed", f"Failed sign-in{where}{why}.", who=who, at=now
        )
        return Outcome(None, DISABLED if right else WRONG)
    users.rehash_if_needed(user, password)
    audit.record(
        session, None, "signin", f"Signed in with a password{where}.", who=actor_of(user), at=now
    )
    return Outcome(user)


def sign_in_by_email(
    session: Session, email: str | None, address: str | None = None, *, now: datetime | None = None
) -> Outcome:
    """The account for the email the organisation's provider signed in (``st.user.email``)."""
    now = now or utcnow()
    where = f" from {address}" if address else ""
    user = users.user_for_email(session, email)
    if user is None:
        shown = (email or "").strip() or "(none given)"
        audit.record(
            session,
            None,
            "signin.failed",
            f"Signed in through the organisation as {shown!r}, which no account has{where}.",
            who=shown,
            at=now,
        )
        return Outcome(
            None,
            f"No account here has the email address {shown!r}. Ask an administrator to add "
            "one (toc-studio user add NAME --email ADDRESS), then sign in again.",
        )
    if user.disabled:
        audit.record(
            session, None, "signin.failed", f"Disabled account{where}.", who=actor_of(user), at=now
        )
        return Outcome(None, DISABLED)
    audit.record(
        session,
        None,
        "signin",
        f"Signed in through the organisation{where}.",
        who=actor_of(user),
        at=now,
    )
    return Outcome(user)


def locked_until(
    session: Session, name: str, address: str | None, *, now: datetime | None = None
) -> datetime | None:
    """When tries under ``name`` (or from ``address``) may start again; ``None``: now."""
    now = now or utcnow()
    since = now - timedelta(minutes=LOCK_MINUTES)
    key = _key(name)
    last_success = session.execute(
        select(SignInAttempt.at)
        .where(SignInAttempt.name == key, SignInAttempt.succeeded)
        .order_by(SignInAttempt.at.desc())
        .limit(1)
    ).scalar()
    if last_success is not None:
        since = max(since, aware(last_success))
    moments = [
        _nth_failure(session, SignInAttempt.name == key, since, ACCOUNT_FAILURES),
        _nth_failure(
            session,
            SignInAttempt.address == address,
            now - timedelta(minutes=LOCK_MINUTES),
            ADDRESS_FAILURES,
        )
        if address
        else None,
    ]
    ends = [m + timedelta(minutes=LOCK_MINUTES) for m in moments if m is not None]
    ends = [end for end in ends if end > now]
    return max(ends) if ends else None


def _nth_failure(session: Session, which, since: datetime, n: int) -> datetime | None:
    """The ``n``-th newest failure matching ``which`` after ``since`` (``None``: fewer)."""
    rows = (
        session.execute(
            select(SignInAttempt.at)
            .where(which, ~SignInAttempt.succeeded, SignInAttempt.at > since)
            .order_by(SignInAttempt.at.desc())
            .limit(n)
        )
        .scalars()
        .all()
    )
    return aware(rows[-1]) if len(rows) >= n else None


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return (
        "Too many failed sign-ins: signing in is paused here for a while. Try again after "
        f"{until:%H:%M} UTC (in {minutes} minute{'s' if minutes != 1 else ''})."
    )


def _key(name: str) -> str:
    """The name as typed, folded and hashed: the same name counts together however it is
    spaced or capitalised, and a password typed into the name field is not kept."""
    folded = " ".join((name or "").split()).casefold()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def expired(last_seen: datetime, now: datetime | None = None, idle: int | None = None) -> bool:
    """Whether a session last active at ``last_seen`` has been idle longer than ``idle``
    minutes (default :func:`toc_studio.config.idle_minutes`)."""
    now = now or utcnow()
    minutes = idle if idle is not None else config.idle_minutes()
    return now - aware(last_seen) > timedelta(minutes=minutes)


def still_active(session: Session, user_id: int) -> UserAccount | None:
    """The account of a signed-in person, unless it was disabled (or is gone) since."""
    user = session.get(UserAccount, user_id)
    return user if user is not None and not user.disabled else None

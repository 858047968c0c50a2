"""Tables owned by the accounts package: UserAccount, Membership, SignInAttempt, AuditEvent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Index, String
from sqlmodel import Field, SQLModel

from toc_studio.timeutil import utcnow


class UserAccount(SQLModel, table=True):
    """A person who may sign in. Never deleted (the audit log names them): disabled."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("length(name) > 0", name="ck_user_account_name_not_empty"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    # Lower-cased; how the organisation's OpenID Connect provider names the person.
    email: str | None = Field(default=None, sa_column=Column(String(320), unique=True))
    # argon2id, in its PHC string form; None: signs in through the organisation only.
    password_hash: str | None = Field(default=None, max_length=400)
    admin: bool = Field(default=False)
    disabled: bool = Field(default=False)
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Membership(SQLModel, table=True):
    """A user's role in a project: viewer, coder, lead or owner."""

    __table_args__ = (
        CheckConstraint("role IN ('viewer', 'coder', 'lead', 'owner')", name="ck_membership_role"),
    )

    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", primary_key=True)
    user_id: int = Field(
        foreign_key="user_account.id", ondelete="CASCADE", primary_key=True, index=True
    )
    role: str = Field(max_length=20)


class SignInAttempt(SQLModel, table=True):
    """One try at signing in, kept for rate limiting: the name as typed (folded), the
    address it came from, and whether it succeeded."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_name_at", "name", "at"),
        Index("ix_sign_in_attempt_address_at", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    name: str = Field(max_length=200)
    address: str | None = Field(default=None, max_length=100)
    succeeded: bool = Field(default=False)


class AuditEvent(SQLModel, table=True):
    """Something the audit log keeps: when, who (their id and name copied, so the line
    outlives the account), which project (none: the whole store), what and a sentence.
    No foreign keys: an event outlives the project or account it names."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_project_at", "project_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    user_id: int | None = Field(default=None)
    user_name: str = Field(default="", max_length=200)
    project_id: int | None = Field(default=None)
    project_name: str = Field(default="", max_length=200)
    action: str = Field(max_length=60)
    detail: str = Field(default="")

"""Tables owned by the coding package: Code, Coding, Memo."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, DateTime, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from toc_studio.timeutil import utcnow


class Category(StrEnum):
    """The five kinds of Theory of Change element."""

    RESOURCE = "resource"
    ACTIVITY = "activity"
    ENABLER = "enabler"
    CHALLENGE = "challenge"
    OUTCOME = "outcome"


class Code(SQLModel, table=True):
    """A code of the hierarchical codebook, carrying its Theory of Change meaning.

    ``branch_group_id`` is the stakeholder group whose branch the code belongs to; NULL
    means shared (the trunk). Sibling names are unique (roots included, through a partial
    index, since NULL parents never compare equal).
    """

    __table_args__ = (
        CheckConstraint(
            "category IS NULL OR category IN "
            "('resource', 'activity', 'enabler', 'challenge', 'outcome')",
            name="ck_code_category",
        ),
        CheckConstraint("length(name) > 0", name="ck_code_name_not_empty"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="ck_code_not_own_parent"),
        UniqueConstraint("project_id", "parent_id", "name", name="uq_code_sibling_name"),
        Index(
            "uq_code_root_name",
            "project_id",
            "name",
            unique=True,
            sqlite_where=text("parent_id IS NULL"),
            postgresql_where=text("parent_id IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    parent_id: int | None = Field(
        default=None, foreign_key="code.id", ondelete="CASCADE", index=True
    )
    name: str = Field(max_length=300)
    definition: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    colour: str = Field(default="#888888", max_length=7)
    category: str | None = Field(default=None, max_length=20)
    branch_group_id: int | None = Field(
        default=None, foreign_key="stakeholder_group.id", ondelete="SET NULL", index=True
    )
    domain: str | None = Field(default=None, max_length=200)
    position: int = Field(default=0)
    # Raised by every edit of the code (optimistic locking: an edit made on an older
    # version is refused with what changed since; see codebook.update_code).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class Coding(SQLModel, table=True):
    """A span [start, end) of a document, in code points, tagged with a code by a coder.

    ``text`` is the coded text as stored, kept so that a span can be checked and
    re-anchored if the document ever changes.

    ``participant_id`` is the speaker, by the one rule of
    :mod:`toc_studio.coding.speakers`: the participant of the turn that contains the
    coding's start; else of the first participant turn beginning inside the coding; else,
    outside every turn, the document's only participant; else NULL (so the interviewer's
    words are nobody's). It is derived data, stored so that every
    query groups by it instead of looking turns up; ``speakers`` keeps it right wherever a
    coding's span, a document's turns or a turn's participant change, and when a
    participant is deleted (no foreign key: its ON DELETE SET NULL needed an index that
    cost bulk inserts a fifth of their speed).

    Indexes: the unique span, in document order, also serves every "codings of this
    document from here" read; ``ix_coding_code_document`` serves a code's codings in
    document order and, carrying the speaker, counts evidence from the index alone.
    """

    __table_args__ = (
        CheckConstraint('"start" >= 0 AND "end" > "start"', name="ck_coding_span"),
        UniqueConstraint(
            "document_id", "start", "end", "code_id", "coder_id", name="uq_coding_span"
        ),
        Index("ix_coding_code_document", "code_id", "document_id", "start", "participant_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    code_id: int = Field(foreign_key="code.id", ondelete="CASCADE")
    coder_id: int = Field(foreign_key="coder.id", ondelete="RESTRICT")
    participant_id: int | None = Field(default=None)
    start: int
    end: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Memo(SQLModel, table=True):
    """A note on the project, or on one document, code or coding of it."""

    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN document_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN code_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN coding_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name="ck_memo_one_target",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    document_id: int | None = Field(
        default=None, foreign_key="document.id", ondelete="CASCADE", index=True
    )
    code_id: int | None = Field(default=None, foreign_key="code.id", ondelete="CASCADE", index=True)
    coding_id: int | None = Field(
        default=None, foreign_key="coding.id", ondelete="CASCADE", index=True
    )
    author_id: int | None = Field(default=None, foreign_key="coder.id", ondelete="SET NULL")
    title: str = Field(default="", max_length=300)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))

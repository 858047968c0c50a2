"""Tables owned by the ingest package: Document and Turn."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel

from toc_studio.timeutil import utcnow


class DocumentKind(StrEnum):
    INTERVIEW = "interview"
    WORKSHOP = "workshop"
    FOCUS_GROUP = "focus_group"
    SURVEY = "survey"
    NOTES = "notes"
    PODCAST = "podcast"
    OBSERVATION = "observation"
    OTHER = "other"


KIND_CHECK = (
    "kind IN ('interview', 'workshop', 'focus_group', 'survey', 'notes', "
    "'podcast', 'observation', 'other')"
)


class Document(SQLModel, table=True):
    """A source text. Its ``text`` is immutable once coded (codings point into it)."""

    __table_args__ = (
        CheckConstraint(KIND_CHECK, name="ck_document_kind"),
        CheckConstraint("length(title) > 0", name="ck_document_title_not_empty"),
        Index("ix_document_project_sha256", "project_id", "sha256"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=300)
    kind: str = Field(default=DocumentKind.INTERVIEW.value, max_length=20)
    original_filename: str = Field(default="", max_length=300)
    sha256: str = Field(default="", max_length=64)
    encoding: str = Field(default="", max_length=40)
    # The data-collection phase it belongs to ("Phase 1: interviews"); "" when none.
    phase: str = Field(default="", max_length=100)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Turn(SQLModel, table=True):
    """A speaker turn: a span [start, end) of a document in code points."""

    __table_args__ = (
        CheckConstraint('"start" >= 0 AND "end" > "start"', name="ck_turn_span"),
        Index("ix_turn_document_start", "document_id", "start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    start: int
    end: int
    speaker_label: str = Field(default="", max_length=200)
    participant_id: int | None = Field(
        default=None, foreign_key="participant.id", ondelete="SET NULL", index=True
    )
    timestamp: float | None = Field(default=None)
    is_interviewer: bool = Field(default=False)

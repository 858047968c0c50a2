"""Tables owned by the findings package: the findings register and its links, case
studies, and written summaries.

A finding's number (F1, L2, R3) is not stored: it is its place among the live entries of
its kind, ordered by ``position`` (then id). See :mod:`toc_studio.findings.register`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Index, Text, text
from sqlmodel import Field, SQLModel

from toc_studio.timeutil import utcnow

KINDS = ("finding", "learning", "recommendation")
SUBJECTS = ("participant", "group", "attribute")


def exactly_one(*columns: str) -> str:
    """A CHECK (SQLite and PostgreSQL alike) that exactly one of ``columns`` is set."""
    cases = " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns)
    return f"{cases} = 1"


class Finding(SQLModel, table=True):
    """A finding, a learning point or a recommendation of a project's register."""

    __tablename__ = "finding"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('finding', 'learning', 'recommendation')", name="ck_finding_kind"
        ),
        CheckConstraint("length(text) > 0", name="ck_finding_text"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=20)
    position: int = Field(default=0)
    text: str = Field(sa_column=Column(Text, nullable=False))
    removed: bool = Field(default=False)
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class FindingLink(SQLModel, table=True):
    """What a finding rests on: one code, one quote (a coding) or one ToC element (by its
    key, ``code:<id>`` or ``hand:<hex>``, the same in every version that has it)."""

    __tablename__ = "finding_link"
    __table_args__ = (
        CheckConstraint(exactly_one("code_id", "coding_id", "element"), name="ck_finding_link_one"),
    )

    id: int | None = Field(default=None, primary_key=True)
    finding_id: int = Field(foreign_key="finding.id", ondelete="CASCADE", index=True)
    code_id: int | None = Field(default=None, foreign_key="code.id", ondelete="CASCADE", index=True)
    coding_id: int | None = Field(
        default=None, foreign_key="coding.id", ondelete="CASCADE", index=True
    )
    element: str | None = Field(default=None, max_length=100)


class CaseStudy(SQLModel, table=True):
    """A case study: a participant's, a group's or a site's story (``attribute`` holds
    ``name=value`` for a site or any attribute value). ``draft`` is the newest automatic
    draft; ``text`` what the person kept (equal to the draft until they edit it)."""

    __tablename__ = "case_study"
    __table_args__ = (
        CheckConstraint(
            "subject IN ('participant', 'group', 'attribute')", name="ck_case_study_subject"
        ),
        CheckConstraint("length(title) > 0", name="ck_case_study_title"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    subject: str = Field(max_length=20)
    participant_id: int | None = Field(
        default=None, foreign_key="participant.id", ondelete="CASCADE", index=True
    )
    group_id: int | None = Field(
        default=None, foreign_key="stakeholder_group.id", ondelete="CASCADE", index=True
    )
    attribute: str | None = Field(default=None, max_length=300)
    title: str = Field(max_length=300)
    draft: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    position: int = Field(default=0)
    drafted: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Summary(SQLModel, table=True):
    """A written summary of one code (a theme, or an evaluation aim: a top-level code) for
    one participant, one group or one document."""

    __tablename__ = "summary"
    __table_args__ = (
        CheckConstraint(
            exactly_one("participant_id", "group_id", "document_id"),
            name="ck_summary_one_target",
        ),
        Index("uq_summary_participant", "code_id", "participant_id", unique=True,
              sqlite_where=text("participant_id IS NOT NULL"),
              postgresql_where=text("participant_id IS NOT NULL")),
        Index("uq_summary_group", "code_id", "group_id", unique=True,
              sqlite_where=text("group_id IS NOT NULL"),
              postgresql_where=text("group_id IS NOT NULL")),
        Index("uq_summary_document", "code_id", "document_id", unique=True,
              sqlite_where=text("document_id IS NOT NULL"),
              postgresql_where=text("document_id IS NOT NULL")),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    code_id: int = Field(foreign_key="code.id", ondelete="CASCADE")
    participant_id: int | None = Field(
        default=None, foreign_key="participant.id", ondelete="CASCADE"
    )
    group_id: int | None = Field(
        default=None, foreign_key="stakeholder_group.id", ondelete="CASCADE"
    )
    document_id: int | None = Field(default=None, foreign_key="document.id", ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False))
    updated: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))

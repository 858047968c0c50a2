"""Tables owned by the report package: saved report templates, memos marked for reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from toc_studio.timeutil import utcnow


class ReportTemplate(SQLModel, table=True):
    """A saved choice of report sections, quote limits and groups, for the next export."""

    __tablename__ = "report_template"
    __table_args__ = (
        UniqueConstraint("project_id", "name", name="uq_report_template_name"),
        CheckConstraint("length(name) > 0", name="ck_report_template_name_not_empty"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    choices: str = Field(sa_column=Column(Text, nullable=False))
    updated: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class ReportMemo(SQLModel, table=True):
    """A memo marked to appear in the report."""

    __tablename__ = "report_memo"

    memo_id: int = Field(foreign_key="memo.id", ondelete="CASCADE", primary_key=True)

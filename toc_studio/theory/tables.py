"""Supporting tables of the theory package, kept per project and keyed by an element's key
(``code:<id>`` or ``hand:<hex>``: the same element in every version that has it):
indicators (free text, or an outcome instrument or one of its items, or both), evaluation
questions on elements, and assumptions on links with their evidence status.

A frozen version keeps what these were when it was frozen, in its snapshot."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Text
from sqlmodel import Field, SQLModel

ASSUMPTION_STATUSES = ("untested", "supported", "challenged")


class TocIndicator(SQLModel, table=True):
    """How an element is known to happen: a sentence (``text``), an instrument measuring
    it (``item`` None: its total; else the item's position), or a sentence linked to an
    instrument."""

    __tablename__ = "toc_indicator"
    __table_args__ = (
        CheckConstraint("length(element) > 0", name="ck_toc_indicator_element"),
        CheckConstraint(
            "instrument_id IS NOT NULL OR length(text) > 0", name="ck_toc_indicator_what"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    element: str = Field(max_length=100)
    instrument_id: int | None = Field(
        default=None, foreign_key="instrument.id", ondelete="CASCADE", index=True
    )
    item: int | None = Field(default=None)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class TocQuestion(SQLModel, table=True):
    """An evaluation question asked of an element ("Did mentees' confidence grow?")."""

    __tablename__ = "toc_question"
    __table_args__ = (
        CheckConstraint("length(element) > 0", name="ck_toc_question_element"),
        CheckConstraint("length(text) > 0", name="ck_toc_question_text"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    element: str = Field(max_length=100)
    text: str = Field(sa_column=Column(Text, nullable=False))


class TocAssumption(SQLModel, table=True):
    """What must hold for ``source`` to lead to ``target``, with its evidence status and
    the quotes (coding ids, a JSON list) behind that status."""

    __tablename__ = "toc_assumption"
    __table_args__ = (
        CheckConstraint("length(source) > 0 AND length(target) > 0", name="ck_toc_assumption_ends"),
        CheckConstraint("length(text) > 0", name="ck_toc_assumption_text"),
        CheckConstraint(
            "status IN ('untested', 'supported', 'challenged')", name="ck_toc_assumption_status"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    source: str = Field(max_length=100)
    target: str = Field(max_length=100)
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="untested", max_length=20)
    quotes: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))

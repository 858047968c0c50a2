"""Tables owned by the outcomes package."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

ATTRIBUTE_KINDS = ("number", "date", "category", "ordinal", "yesno")
QUESTION_KINDS = ("ordinal", "yesno", "single", "multiple", "number")


class AttributeType(SQLModel, table=True):
    """The type of a participant attribute (by name, per project); ``levels`` is the JSON
    list of an ordinal attribute's values, lowest first."""

    __tablename__ = "attribute_type"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('number', 'date', 'category', 'ordinal', 'yesno')",
            name="ck_attribute_type_kind",
        ),
    )

    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", primary_key=True)
    name: str = Field(primary_key=True, max_length=100)
    kind: str = Field(max_length=20)
    levels: str = Field(default="[]", sa_column=Column(Text, nullable=False))


class Instrument(SQLModel, table=True):
    """An outcome measure used in a project: its items (JSON list), score range and
    better direction. ``reversed_items`` (JSON list) are items whose better direction is
    the other way (ONS-4 anxiety); an instrument with any has no meaningful total."""

    __tablename__ = "instrument"
    __table_args__ = (
        UniqueConstraint("project_id", "name", name="uq_instrument_name"),
        CheckConstraint("length(name) > 0", name="ck_instrument_name_not_empty"),
        CheckConstraint("min_score < max_score", name="ck_instrument_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    items: str = Field(sa_column=Column(Text, nullable=False))
    min_score: float
    max_score: float
    lower_is_better: bool = Field(default=False)
    reversed_items: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    builtin: str = Field(default="", max_length=200)


class Reading(SQLModel, table=True):
    """One item's score for one participant on one date (item = position in the list)."""

    __tablename__ = "reading"
    __table_args__ = (Index("ix_reading_participant_id", "participant_id"),)

    instrument_id: int = Field(foreign_key="instrument.id", ondelete="CASCADE", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE", primary_key=True)
    taken: date = Field(primary_key=True)
    item: int = Field(primary_key=True)
    score: float


class Contact(SQLModel, table=True):
    """One contact with a participant (a session, a call...) on a date."""

    __tablename__ = "contact"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE", index=True)
    contact_date: date
    kind: str = Field(default="", max_length=100)


class Survey(SQLModel, table=True):
    """A survey file whose closed answers were imported; ``invited`` (when known) gives
    the response rate."""

    __tablename__ = "survey"
    __table_args__ = (
        UniqueConstraint("project_id", "name", name="uq_survey_name"),
        CheckConstraint("length(name) > 0", name="ck_survey_name_not_empty"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=300)
    invited: int | None = Field(default=None)


class SurveyRespondent(SQLModel, table=True):
    """A participant who returned the survey (whatever they answered)."""

    __tablename__ = "survey_respondent"
    __table_args__ = (Index("ix_survey_respondent_participant_id", "participant_id"),)

    survey_id: int = Field(foreign_key="survey.id", ondelete="CASCADE", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE", primary_key=True)


class SurveyQuestion(SQLModel, table=True):
    """A closed question: ``name`` is its column, ``levels`` the JSON list of options
    (an ordinal question's lowest first)."""

    __tablename__ = "survey_question"
    __table_args__ = (
        UniqueConstraint("survey_id", "name", name="uq_survey_question_name"),
        CheckConstraint(
            "kind IN ('ordinal', 'yesno', 'single', 'multiple', 'number')",
            name="ck_survey_question_kind",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=300)
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    kind: str = Field(max_length=20)
    levels: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    position: int = Field(default=0)


class SurveyAnswer(SQLModel, table=True):
    """A respondent's answer (one row per chosen option of a multiple-choice question)."""

    __tablename__ = "survey_answer"
    __table_args__ = (Index("ix_survey_answer_participant_id", "participant_id"),)

    question_id: int = Field(foreign_key="survey_question.id", ondelete="CASCADE", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE", primary_key=True)
    value: str = Field(primary_key=True, max_length=300)
    number: float | None = Field(default=None)

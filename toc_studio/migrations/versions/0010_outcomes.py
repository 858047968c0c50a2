"""outcomes: attribute types, instruments, readings, contacts, surveys' closed answers

Revision ID: 0010_outcomes
Revises: 0009_one_chain
Create Date: 2026-12-03 09:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010_outcomes"
down_revision: str | None = "0009_one_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "attribute_type",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=100), nullable=False),
        sa.Column("kind", AutoString(length=20), nullable=False),
        sa.Column("levels", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('number', 'date', 'category', 'ordinal', 'yesno')", name="ck_attribute_type_kind"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "name"),
    )
    op.create_table(
        "instrument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=200), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("min_score", sa.Float(), nullable=False),
        sa.Column("max_score", sa.Float(), nullable=False),
        sa.Column("lower_is_better", sa.Boolean(), nullable=False),
        sa.Column("reversed_items", sa.Text(), nullable=False),
        sa.Column("builtin", AutoString(length=200), nullable=False),
        sa.CheckConstraint("length(name) > 0", name="ck_instrument_name_not_empty"),
        sa.CheckConstraint("min_score < max_score", name="ck_instrument_range"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "name", name="uq_instrument_name"),
    )
    op.create_index("ix_instrument_project_id", "instrument", ["project_id"], unique=False)
    op.create_table(
        "reading",
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Date(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["instrument_id"], ["instrument.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("instrument_id", "participant_id", "taken", "item"),
    )
    op.create_index("ix_reading_participant_id", "reading", ["participant_id"], unique=False)
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("contact_date", sa.Date(), nullable=False),
        sa.Column("kind", AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_contact_participant_id", "contact", ["participant_id"], unique=False)
    op.create_table(
        "survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=300), nullable=False),
        sa.Column("invited", sa.Integer(), nullable=True),
        sa.CheckConstraint("length(name) > 0", name="ck_survey_name_not_empty"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "name", name="uq_survey_name"),
    )
    op.create_index("ix_survey_project_id", "survey", ["project_id"], unique=False)
    op.create_table(
        "survey_respondent",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("survey_id", "participant_id"),
    )
    op.create_index("ix_survey_respondent_participant_id", "survey_respondent", ["participant_id"], unique=False)
    op.create_table(
        "survey_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", AutoString(length=20), nullable=False),
        sa.Column("levels", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('ordinal', 'yesno', 'single', 'multiple', 'number')", name="ck_survey_question_kind"),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_id", "name", name="uq_survey_question_name"),
    )
    op.create_index("ix_survey_question_survey_id", "survey_question", ["survey_id"], unique=False)
    op.create_table(
        "survey_answer",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("value", AutoString(length=300), nullable=False),
        sa.Column("number", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["survey_question.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("question_id", "participant_id", "value"),
    )
    op.create_index("ix_survey_answer_participant_id", "survey_answer", ["participant_id"], unique=False)


def downgrade() -> None:
    op.drop_table("survey_answer")
    op.drop_table("survey_question")
    op.drop_table("survey_respondent")
    op.drop_table("survey")
    op.drop_table("contact")
    op.drop_table("reading")
    op.drop_table("instrument")
    op.drop_table("attribute_type")

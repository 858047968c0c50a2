"""findings: the findings register, case studies, summaries

Revision ID: 0016_findings
Revises: 0015_team_coding
Create Date: 2026-12-03 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016_findings"
down_revision: str | None = "0015_team_coding"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def _one_of(*columns: str) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"


def upgrade() -> None:
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", AutoString(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('finding', 'learning', 'recommendation')", name="ck_finding_kind"),
        sa.CheckConstraint("length(text) > 0", name="ck_finding_text"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_finding_project_id", "finding", ["project_id"], unique=False)
    op.create_table(
        "finding_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("coding_id", sa.Integer(), nullable=True),
        sa.Column("element", AutoString(length=100), nullable=True),
        sa.CheckConstraint(_one_of("code_id", "coding_id", "element"), name="ck_finding_link_one"),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["coding_id"], ["coding.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["finding_id"], ["finding.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_finding_link_code_id", "finding_link", ["code_id"], unique=False)
    op.create_index("ix_finding_link_coding_id", "finding_link", ["coding_id"], unique=False)
    op.create_index("ix_finding_link_finding_id", "finding_link", ["finding_id"], unique=False)
    op.create_table(
        "case_study",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("subject", AutoString(length=20), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("attribute", AutoString(length=300), nullable=True),
        sa.Column("title", AutoString(length=300), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("drafted", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("subject IN ('participant', 'group', 'attribute')", name="ck_case_study_subject"),
        sa.CheckConstraint("length(title) > 0", name="ck_case_study_title"),
        sa.ForeignKeyConstraint(["group_id"], ["stakeholder_group.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_study_group_id", "case_study", ["group_id"], unique=False)
    op.create_index("ix_case_study_participant_id", "case_study", ["participant_id"], unique=False)
    op.create_index("ix_case_study_project_id", "case_study", ["project_id"], unique=False)
    op.create_table(
        "summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("participant_id", "group_id", "document_id"), name="ck_summary_one_target"),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["group_id"], ["stakeholder_group.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_summary_project_id", "summary", ["project_id"], unique=False)
    for target in ("participant", "group", "document"):
        where = sa.text(f"{target}_id IS NOT NULL")
        op.create_index(f"uq_summary_{target}", "summary", ["code_id", f"{target}_id"], unique=True,
                        sqlite_where=where, postgresql_where=where)  # fmt: skip


def downgrade() -> None:
    op.drop_table("summary")
    op.drop_table("case_study")
    op.drop_table("finding_link")
    op.drop_table("finding")

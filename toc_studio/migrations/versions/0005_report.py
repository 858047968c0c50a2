"""report: saved report templates and memos marked for the report

Revision ID: 0005_report
Revises: 0001_foundation
Create Date: 2026-11-23 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005_report"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("choices", sa.Text(), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(name) > 0", name="ck_report_template_name_not_empty"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "name", name="uq_report_template_name"),
    )
    with op.batch_alter_table("report_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_template_project_id"), ["project_id"], unique=False
        )
    op.create_table(
        "report_memo",
        sa.Column("memo_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["memo_id"], ["memo.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("memo_id"),
    )


def downgrade() -> None:
    op.drop_table("report_memo")
    with op.batch_alter_table("report_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_template_project_id"))
    op.drop_table("report_template")

"""ingest: the project's keep list and its policy for places and organisations

Revision ID: 0011_pseudonym_keep
Revises: 0010_outcomes
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011_pseudonym_keep"
down_revision: str | None = "0010_outcomes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "pseudonym_keep",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.Column("word", sa.Text(), nullable=False),
        sa.CheckConstraint("length(word) > 0", name="ck_pseudonym_keep_not_empty"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "folded"),
    )
    op.create_table(
        "pseudonym_setting",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("places", AutoString(length=20), nullable=False),
        sa.CheckConstraint("places IN ('replace', 'keep')", name="ck_pseudonym_setting_places"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id"),
    )


def downgrade() -> None:
    op.drop_table("pseudonym_setting")
    op.drop_table("pseudonym_keep")

"""theory: indicators linking a ToC element to an outcome instrument or item

Revision ID: 0012_toc_indicators
Revises: 0011_pseudonym_keep
Create Date: 2026-12-03 10:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012_toc_indicators"
down_revision: str | None = "0011_pseudonym_keep"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "toc_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("element", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=True),
        sa.CheckConstraint("length(element) > 0", name="ck_toc_indicator_element"),
        sa.ForeignKeyConstraint(["instrument_id"], ["instrument.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_toc_indicator_project_id", "toc_indicator", ["project_id"], unique=False)
    op.create_index("ix_toc_indicator_instrument_id", "toc_indicator", ["instrument_id"], unique=False)


def downgrade() -> None:
    op.drop_table("toc_indicator")

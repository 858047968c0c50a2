"""ingest: sections, the headings of Word documents and the spans they head

Revision ID: 0007_ingest_sections
Revises: 0002_ingest
Create Date: 2026-11-23 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_ingest_sections"
down_revision: str | None = "0002_ingest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("heading_end", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            '"start" >= 0 AND heading_end > "start" AND "end" >= heading_end',
            name="ck_section_span",
        ),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.create_index("ix_section_document_start", ["document_id", "start"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.drop_index("ix_section_document_start")
    op.drop_table("section")

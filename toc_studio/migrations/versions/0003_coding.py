"""coding: undo log, code patterns for auto-coding, agreement resolutions

Revision ID: 0003_coding
Revises: 0001_foundation
Create Date: 2026-11-23 07:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003_coding"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_coding_length", "coding", [sa.text('("end" - "start")')], unique=False)
    op.create_table(
        "undo_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("undo_entry", schema=None) as batch_op:
        batch_op.create_index("ix_undo_entry_project_id_id", ["project_id", "id"], unique=False)

    op.create_table(
        "code_pattern",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("pattern", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('phrase', 'tokens')", name="ck_code_pattern_kind"),
        sa.CheckConstraint("length(pattern) > 0", name="ck_code_pattern_not_empty"),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("code_pattern", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_code_pattern_code_id"), ["code_id"], unique=False)

    op.create_table(
        "agreement_resolution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("coders", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('"start" >= 0 AND "end" > "start"', name="ck_agreement_resolution_span"),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agreement_resolution", schema=None) as batch_op:
        batch_op.create_index(
            "ix_agreement_resolution_document_code", ["document_id", "code_id"], unique=False
        )


def downgrade() -> None:
    op.drop_index("ix_coding_length", table_name="coding")
    with op.batch_alter_table("agreement_resolution", schema=None) as batch_op:
        batch_op.drop_index("ix_agreement_resolution_document_code")
    op.drop_table("agreement_resolution")
    with op.batch_alter_table("code_pattern", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_code_pattern_code_id"))
    op.drop_table("code_pattern")
    with op.batch_alter_table("undo_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_undo_entry_project_id_id")
    op.drop_table("undo_entry")

"""coding and theory: blind coding, version columns for edits that collide

Revision ID: 0015_team_coding
Revises: 0014_sealed_key
Create Date: 2026-12-03 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015_team_coding"
down_revision: str | None = "0014_sealed_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blind_scope",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("set_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "document_id", name="uq_blind_scope_document"),
    )
    op.create_index("ix_blind_scope_document_id", "blind_scope", ["document_id"], unique=False)
    op.create_index(
        "uq_blind_scope_project",
        "blind_scope",
        ["project_id"],
        unique=True,
        sqlite_where=sa.text("document_id IS NULL"),
        postgresql_where=sa.text("document_id IS NULL"),
    )
    op.create_table(
        "code_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_code_revision_code_id", "code_revision", ["code_id"], unique=False)
    for table in ("code", "toc_node", "toc_edge"):
        op.add_column(
            table, sa.Column("version", sa.Integer(), nullable=False, server_default="1")
        )
    op.add_column(
        "toc_edit",
        sa.Column(
            "target",
            sqlmodel.sql.sqltypes.AutoString(length=100),
            nullable=False,
            server_default="",
        ),
    )
    op.add_column("toc_edit", sa.Column("target_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("toc_edit") as batch_op:
        batch_op.drop_column("target_version")
        batch_op.drop_column("target")
    for table in ("toc_edge", "toc_node", "code"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("version")
    op.drop_table("code_revision")
    op.drop_table("blind_scope")

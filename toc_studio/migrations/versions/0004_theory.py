"""theory: ToC versions, nodes, edges and the workshop edit log

Revision ID: 0004_theory
Revises: 0001_foundation
Create Date: 2026-11-23 07:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004_theory"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CATEGORIES = "('resource', 'activity', 'enabler', 'challenge', 'outcome')"


def upgrade() -> None:
    op.create_table(
        "toc_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen", sa.Boolean(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("based_on_id", sa.Integer(), nullable=True),
        sa.Column("snapshot", sa.Text(), nullable=True),
        sa.CheckConstraint("length(name) > 0", name="ck_toc_version_name_not_empty"),
        sa.CheckConstraint("level IS NULL OR level > 0", name="ck_toc_version_level"),
        sa.ForeignKeyConstraint(["based_on_id"], ["toc_version.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "name", name="uq_toc_version_name"),
    )
    with op.batch_alter_table("toc_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_toc_version_project_id"), ["project_id"], unique=False)
        batch_op.create_index(
            "uq_toc_version_one_working",
            ["project_id"],
            unique=True,
            sqlite_where=sa.text("NOT frozen"),
            postgresql_where=sa.text("NOT frozen"),
        )

    op.create_table(
        "toc_node",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("branch_group_id", sa.Integer(), nullable=True),
        sa.Column("domain", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("hand_made", sa.Boolean(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("merged_into", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.CheckConstraint(
            f"category IS NULL OR category IN {CATEGORIES}", name="ck_toc_node_category"
        ),
        sa.ForeignKeyConstraint(["branch_group_id"], ["stakeholder_group.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["version_id"], ["toc_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "key", name="uq_toc_node_key"),
    )
    with op.batch_alter_table("toc_node", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_toc_node_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_toc_node_version_id"), ["version_id"], unique=False)

    op.create_table(
        "toc_edge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('leads to', 'enables', 'hinders', 'structure')", name="ck_toc_edge_kind"
        ),
        sa.ForeignKeyConstraint(["version_id"], ["toc_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "source", "target", name="uq_toc_edge_ends"),
    )
    with op.batch_alter_table("toc_edge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_toc_edge_version_id"), ["version_id"], unique=False)

    op.create_table(
        "toc_edit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("undo", sa.Text(), nullable=False),
        sa.Column("undone", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["coder.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["version_id"], ["toc_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("toc_edit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_toc_edit_version_id"), ["version_id"], unique=False)
    op.create_table(
        "toc_evidence_cache",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("computed", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "key"),
    )
    with op.batch_alter_table("turn", schema=None) as batch_op:
        batch_op.create_index(
            "ix_toc_turn_lookup", ["document_id", "start", "end", "participant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("turn", schema=None) as batch_op:
        batch_op.drop_index("ix_toc_turn_lookup")
    op.drop_table("toc_evidence_cache")
    with op.batch_alter_table("toc_edit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_toc_edit_version_id"))
    op.drop_table("toc_edit")
    with op.batch_alter_table("toc_edge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_toc_edge_version_id"))
    op.drop_table("toc_edge")
    with op.batch_alter_table("toc_node", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_toc_node_version_id"))
        batch_op.drop_index(batch_op.f("ix_toc_node_code_id"))
    op.drop_table("toc_node")
    with op.batch_alter_table("toc_version", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_toc_version_one_working",
            sqlite_where=sa.text("NOT frozen"),
            postgresql_where=sa.text("NOT frozen"),
        )
        batch_op.drop_index(batch_op.f("ix_toc_version_project_id"))
    op.drop_table("toc_version")

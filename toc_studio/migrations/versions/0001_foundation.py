"""foundation: projects, groups, participants, coders, documents, turns, codes, codings, memos

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-23 07:24:42.249128
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001_foundation"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "coder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.CheckConstraint(
            "role IN ('owner', 'lead', 'researcher', 'viewer')", name="ck_coder_role"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(name) > 0", name="ck_project_name_not_empty"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column(
            "original_filename", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False
        ),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("encoding", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('interview', 'workshop', 'focus_group', 'survey', 'notes')",
            name="ck_document_kind",
        ),
        sa.CheckConstraint("length(title) > 0", name="ck_document_title_not_empty"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_project_id"), ["project_id"], unique=False)
        batch_op.create_index("ix_document_project_sha256", ["project_id", "sha256"], unique=False)

    op.create_table(
        "stakeholder_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("length(name) > 0", name="ck_group_name_not_empty"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "name", name="uq_group_name"),
    )
    with op.batch_alter_table("stakeholder_group", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stakeholder_group_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("colour", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("branch_group_id", sa.Integer(), nullable=True),
        sa.Column("domain", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "category IS NULL OR category IN ('resource', 'activity', 'enabler', 'challenge', 'outcome')",
            name="ck_code_category",
        ),
        sa.CheckConstraint("length(name) > 0", name="ck_code_name_not_empty"),
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name="ck_code_not_own_parent"),
        sa.ForeignKeyConstraint(["branch_group_id"], ["stakeholder_group.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["parent_id"], ["code.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "parent_id", "name", name="uq_code_sibling_name"),
    )
    with op.batch_alter_table("code", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_code_branch_group_id"), ["branch_group_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_code_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_code_project_id"), ["project_id"], unique=False)
        batch_op.create_index(
            "uq_code_root_name",
            ["project_id", "name"],
            unique=True,
            sqlite_where=sa.text("parent_id IS NULL"),
            postgresql_where=sa.text("parent_id IS NULL"),
        )

    op.create_table(
        "participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("length(label) > 0", name="ck_participant_label_not_empty"),
        sa.ForeignKeyConstraint(["group_id"], ["stakeholder_group.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "label", name="uq_participant_label"),
    )
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_participant_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_participant_project_id"), ["project_id"], unique=False)

    op.create_table(
        "coding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('"start" >= 0 AND "end" > "start"', name="ck_coding_span"),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["coder_id"], ["coder.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "document_id", "code_id", "coder_id", "start", "end", name="uq_coding_span"
        ),
    )
    with op.batch_alter_table("coding", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coding_code_document", ["code_id", "document_id", "start"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_coding_coder_id"), ["coder_id"], unique=False)
        batch_op.create_index("ix_coding_document_start", ["document_id", "start"], unique=False)

    op.create_table(
        "participant_attribute",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("participant_id", "name"),
    )
    with op.batch_alter_table("participant_attribute", schema=None) as batch_op:
        batch_op.create_index(
            "ix_participant_attribute_name_value", ["name", "value"], unique=False
        )

    op.create_table(
        "turn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("speaker_label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("timestamp", sa.Float(), nullable=True),
        sa.Column("is_interviewer", sa.Boolean(), nullable=False),
        sa.CheckConstraint('"start" >= 0 AND "end" > "start"', name="ck_turn_span"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("turn", schema=None) as batch_op:
        batch_op.create_index("ix_turn_document_start", ["document_id", "start"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_turn_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "memo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("coding_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(CASE WHEN document_id IS NULL THEN 0 ELSE 1 END + CASE WHEN code_id IS NULL THEN 0 ELSE 1 END + CASE WHEN coding_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name="ck_memo_one_target",
        ),
        sa.ForeignKeyConstraint(["author_id"], ["coder.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["coding_id"], ["coding.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("memo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memo_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memo_coding_id"), ["coding_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memo_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memo_project_id"), ["project_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("memo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memo_project_id"))
        batch_op.drop_index(batch_op.f("ix_memo_document_id"))
        batch_op.drop_index(batch_op.f("ix_memo_coding_id"))
        batch_op.drop_index(batch_op.f("ix_memo_code_id"))

    op.drop_table("memo")
    with op.batch_alter_table("turn", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_turn_participant_id"))
        batch_op.drop_index("ix_turn_document_start")

    op.drop_table("turn")
    with op.batch_alter_table("participant_attribute", schema=None) as batch_op:
        batch_op.drop_index("ix_participant_attribute_name_value")

    op.drop_table("participant_attribute")
    with op.batch_alter_table("coding", schema=None) as batch_op:
        batch_op.drop_index("ix_coding_document_start")
        batch_op.drop_index(batch_op.f("ix_coding_coder_id"))
        batch_op.drop_index("ix_coding_code_document")

    op.drop_table("coding")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_project_id"))
        batch_op.drop_index(batch_op.f("ix_participant_group_id"))

    op.drop_table("participant")
    with op.batch_alter_table("code", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_code_root_name",
            sqlite_where=sa.text("parent_id IS NULL"),
            postgresql_where=sa.text("parent_id IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_code_project_id"))
        batch_op.drop_index(batch_op.f("ix_code_parent_id"))
        batch_op.drop_index(batch_op.f("ix_code_branch_group_id"))

    op.drop_table("code")
    with op.batch_alter_table("stakeholder_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stakeholder_group_project_id"))

    op.drop_table("stakeholder_group")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index("ix_document_project_sha256")
        batch_op.drop_index(batch_op.f("ix_document_project_id"))

    op.drop_table("document")
    op.drop_table("project")
    op.drop_table("coder")

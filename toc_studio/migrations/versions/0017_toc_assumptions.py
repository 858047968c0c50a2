"""theory: indicators as free text, evaluation questions on elements, assumptions on links,
data-collection phases of documents and of frozen versions; more document kinds

Revision ID: 0017_toc_assumptions
Revises: 0016_findings
Create Date: 2026-12-03 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017_toc_assumptions"
down_revision: str | None = "0016_findings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = "kind IN ('interview', 'workshop', 'focus_group', 'survey', 'notes')"
NEW_KINDS = (
    "kind IN ('interview', 'workshop', 'focus_group', 'survey', 'notes', "
    "'podcast', 'observation', 'other')"
)


def upgrade() -> None:
    with op.batch_alter_table("toc_indicator") as batch:
        batch.alter_column("instrument_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("text", sa.Text(), nullable=False, server_default=""))
        batch.create_check_constraint(
            "ck_toc_indicator_what", "instrument_id IS NOT NULL OR length(text) > 0"
        )
    op.create_table(
        "toc_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("element", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.CheckConstraint("length(element) > 0", name="ck_toc_question_element"),
        sa.CheckConstraint("length(text) > 0", name="ck_toc_question_text"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_toc_question_project_id", "toc_question", ["project_id"], unique=False)
    op.create_table(
        "toc_assumption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("quotes", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "length(source) > 0 AND length(target) > 0", name="ck_toc_assumption_ends"
        ),
        sa.CheckConstraint("length(text) > 0", name="ck_toc_assumption_text"),
        sa.CheckConstraint(
            "status IN ('untested', 'supported', 'challenged')", name="ck_toc_assumption_status"
        ),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_toc_assumption_project_id", "toc_assumption", ["project_id"], unique=False
    )
    with op.batch_alter_table("document") as batch:
        batch.add_column(
            sa.Column(
                "phase",
                sqlmodel.sql.sqltypes.AutoString(length=100),
                nullable=False,
                server_default="",
            )
        )
        batch.drop_constraint("ck_document_kind", type_="check")
        batch.create_check_constraint("ck_document_kind", NEW_KINDS)
    with op.batch_alter_table("toc_version") as batch:
        batch.add_column(sa.Column("phases", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("toc_version") as batch:
        batch.drop_column("phases")
    with op.batch_alter_table("document") as batch:
        batch.drop_constraint("ck_document_kind", type_="check")
        batch.create_check_constraint("ck_document_kind", OLD_KINDS)
        batch.drop_column("phase")
    op.drop_table("toc_assumption")
    op.drop_table("toc_question")
    with op.batch_alter_table("toc_indicator") as batch:
        batch.drop_constraint("ck_toc_indicator_what", type_="check")
        batch.drop_column("text")
        batch.alter_column("instrument_id", existing_type=sa.Integer(), nullable=False)

"""ingest: pseudonymisation key and term lists, speaker mappings, sentences, import records

Revision ID: 0002_ingest
Revises: 0001_foundation
Create Date: 2026-11-23 07:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002_ingest"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_SQL = (
    "kind IN ('person', 'place', 'organisation', 'email', 'phone', 'date_of_birth', 'postcode')"
)


def upgrade() -> None:
    op.create_table(
        "pseudonym_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("placeholder", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("original", sa.Text(), nullable=False),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(KINDS_SQL, name="ck_pseudonym_entry_kind"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "placeholder", name="uq_pseudonym_placeholder"),
        sa.UniqueConstraint("project_id", "kind", "folded", name="uq_pseudonym_original"),
    )
    with op.batch_alter_table("pseudonym_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pseudonym_entry_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "pseudonym_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.CheckConstraint(KINDS_SQL, name="ck_pseudonym_term_kind"),
        sa.CheckConstraint("length(term) > 0", name="ck_pseudonym_term_not_empty"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "folded", name="uq_pseudonym_term"),
    )
    with op.batch_alter_table("pseudonym_term", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pseudonym_term_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "speaker_mapping",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("is_interviewer", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "label"),
    )
    with op.batch_alter_table("speaker_mapping", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_speaker_mapping_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "sentence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.CheckConstraint('"start" >= 0 AND "end" > "start"', name="ck_sentence_span"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sentence", schema=None) as batch_op:
        batch_op.create_index("ix_sentence_document_start", ["document_id", "start"], unique=False)

    op.create_table(
        "document_import",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("file_format", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("encoding", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("file_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("file_bytes", sa.Integer(), nullable=False),
        sa.Column("pseudonymised", sa.Boolean(), nullable=False),
        sa.Column("replacements", sa.Integer(), nullable=False),
        sa.Column("ner_used", sa.Boolean(), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=False),
        sa.Column("imported", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id"),
    )
    with op.batch_alter_table("document_import", schema=None) as batch_op:
        batch_op.create_index("ix_document_import_file_sha256", ["file_sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("document_import", schema=None) as batch_op:
        batch_op.drop_index("ix_document_import_file_sha256")
    op.drop_table("document_import")
    with op.batch_alter_table("sentence", schema=None) as batch_op:
        batch_op.drop_index("ix_sentence_document_start")
    op.drop_table("sentence")
    with op.batch_alter_table("speaker_mapping", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_speaker_mapping_participant_id"))
    op.drop_table("speaker_mapping")
    with op.batch_alter_table("pseudonym_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pseudonym_term_project_id"))
    op.drop_table("pseudonym_term")
    with op.batch_alter_table("pseudonym_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pseudonym_entry_project_id"))
    op.drop_table("pseudonym_entry")

"""coding: the speaker stored on each coding; leaner coding indexes

Adds ``coding.participant_id`` (the participant of the turn containing the coding's
start), filled from the turns. The unique span becomes (document, start, end, code,
coder), which also serves the document-order reads ``ix_coding_document_start`` served;
the coder index goes (no query reads codings by coder alone); ``ix_coding_code_document``
carries the speaker so that evidence and the matrix count from the index alone. The
theory package's evidence cache (``toc_evidence_cache``) goes: assembly counts from the
stored speakers faster than the cache could check its key.

Revision ID: 0006_coding_speaker
Revises: 0003_coding, 0004_theory
Create Date: 2026-11-23 11:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_coding_speaker"
# Builds on theory too: it drops the theory package's evidence cache (assembly counts fast
# enough without it). Written first as ``depends_on``; a parent reads the same to a store
# and lets 0009 close the chain (Alembic cannot merge a revision absorbed by depends_on).
down_revision: str | Sequence[str] | None = ("0003_coding", "0004_theory")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same rule as toc_studio.coding.speakers: the last turn of the document starting at or
# before the coding, if it has not ended yet.
BACKFILL = """
UPDATE coding SET participant_id = (
    SELECT CASE WHEN t."end" > coding."start" THEN t.participant_id END
      FROM turn t
     WHERE t.document_id = coding.document_id AND t."start" <= coding."start"
     ORDER BY t."start" DESC
     LIMIT 1)
"""

LENGTH = [sa.text('("end" - "start")')]


def _keep_coding_memos():
    """SQLite rebuilds the coding table in batch mode: dropping the old table (foreign keys
    are on inside the migration's transaction) would cascade to the memos on codings.
    They are copied aside first and put back after (same ids)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(
            "CREATE TEMP TABLE coding_memo_keep AS SELECT * FROM memo WHERE coding_id IS NOT NULL"
        )
    return sqlite


def _restore_coding_memos(sqlite: bool) -> None:
    if sqlite:
        op.execute(  # with foreign keys off (env.py) the memos were not deleted
            "INSERT INTO memo SELECT * FROM coding_memo_keep WHERE id NOT IN (SELECT id FROM memo)"
        )
        op.execute("DROP TABLE coding_memo_keep")


def upgrade() -> None:
    sqlite = _keep_coding_memos()
    # SQLite rebuilds the table in batch mode and would lose the expression index.
    op.drop_index("ix_coding_length", table_name="coding")
    with op.batch_alter_table("coding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("participant_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_coding_participant_id_participant",
            "participant",
            ["participant_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_index("ix_coding_document_start")
        batch_op.drop_index("ix_coding_coder_id")
        batch_op.drop_index("ix_coding_code_document")
        batch_op.drop_constraint("uq_coding_span", type_="unique")
        batch_op.create_unique_constraint(
            "uq_coding_span", ["document_id", "start", "end", "code_id", "coder_id"]
        )
    op.execute(BACKFILL)
    with op.batch_alter_table("coding", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coding_code_document",
            ["code_id", "document_id", "start", "participant_id"],
            unique=False,
        )
        batch_op.create_index("ix_coding_participant_id", ["participant_id"], unique=False)
    op.create_index("ix_coding_length", "coding", LENGTH, unique=False)
    _restore_coding_memos(sqlite)
    op.drop_table("toc_evidence_cache")


def downgrade() -> None:
    op.create_table(
        "toc_evidence_cache",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("computed", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "key"),
    )
    sqlite = _keep_coding_memos()
    op.drop_index("ix_coding_length", table_name="coding")
    with op.batch_alter_table("coding", schema=None) as batch_op:
        batch_op.drop_index("ix_coding_participant_id")
        batch_op.drop_index("ix_coding_code_document")
        batch_op.drop_constraint("uq_coding_span", type_="unique")
        batch_op.create_unique_constraint(
            "uq_coding_span", ["document_id", "code_id", "coder_id", "start", "end"]
        )
        batch_op.drop_constraint("fk_coding_participant_id_participant", type_="foreignkey")
        batch_op.drop_column("participant_id")
        batch_op.create_index(
            "ix_coding_code_document", ["code_id", "document_id", "start"], unique=False
        )
        batch_op.create_index("ix_coding_coder_id", ["coder_id"], unique=False)
        batch_op.create_index("ix_coding_document_start", ["document_id", "start"], unique=False)
    op.create_index("ix_coding_length", "coding", LENGTH, unique=False)
    _restore_coding_memos(sqlite)

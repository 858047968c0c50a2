"""coding: the evidence tally (passages per code, document and speaker) and the triggers
that mark a (document, code) pair stale whenever its codings change; the tally is filled
for the codings already stored

Revision ID: 0018_evidence_tally
Revises: 0017_toc_assumptions
Create Date: 2026-12-03 16:00:00

The triggers live on ``coding``: a later migration that rebuilds that table on SQLite
(batch mode drops the old table, and its triggers with it) must create them again
(``SQLITE_TRIGGERS`` below).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_evidence_tally"
down_revision: str | None = "0017_toc_assumptions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARK = "INSERT INTO evidence_stale (document_id, code_id) VALUES "
SQLITE_TRIGGERS = (
    "CREATE TRIGGER tr_coding_tally_insert AFTER INSERT ON coding BEGIN "
    f"{MARK}(NEW.document_id, NEW.code_id); END",
    "CREATE TRIGGER tr_coding_tally_delete AFTER DELETE ON coding BEGIN "
    f"{MARK}(OLD.document_id, OLD.code_id); END",
    'CREATE TRIGGER tr_coding_tally_update AFTER UPDATE OF document_id, code_id, coder_id, "start", '
    f'"end", participant_id ON coding BEGIN {MARK}(OLD.document_id, OLD.code_id), '
    "(NEW.document_id, NEW.code_id); END",
)
# PostgreSQL: one statement-level trigger per kind of change, reading the changed rows from
# its transition table, so a COPY of a million codings adds one INSERT ... SELECT DISTINCT
POSTGRES_FUNCTION = """
CREATE FUNCTION evidence_stale_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO evidence_stale (document_id, code_id)
        SELECT DISTINCT document_id, code_id FROM changed_new;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO evidence_stale (document_id, code_id)
        SELECT DISTINCT document_id, code_id FROM changed_old;
    ELSE
        INSERT INTO evidence_stale (document_id, code_id)
        SELECT document_id, code_id FROM changed_old
        UNION SELECT document_id, code_id FROM changed_new;
    END IF;
    RETURN NULL;
END $$
"""
POSTGRES_TRIGGERS = (
    "CREATE TRIGGER tr_coding_tally_insert AFTER INSERT ON coding "
    "REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION evidence_stale_mark()",
    "CREATE TRIGGER tr_coding_tally_delete AFTER DELETE ON coding "
    "REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION evidence_stale_mark()",
    "CREATE TRIGGER tr_coding_tally_update AFTER UPDATE ON coding "
    "REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new "
    "FOR EACH STATEMENT EXECUTE FUNCTION evidence_stale_mark()",
)
TRIGGERS = ("tr_coding_tally_insert", "tr_coding_tally_delete", "tr_coding_tally_update")


def upgrade() -> None:
    op.create_table(
        "evidence_tally",
        sa.Column("code_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("participant_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("passages", sa.Integer(), nullable=False),
        sa.Column("codings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code_id", "document_id", "participant_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_evidence_tally_document", "evidence_tally", ["document_id"])
    op.create_table(
        "evidence_stale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for statement in POSTGRES_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    # the codings already stored: every pair stale, then counted by the passage rule
    op.execute(
        "INSERT INTO evidence_stale (document_id, code_id) "
        "SELECT DISTINCT document_id, code_id FROM coding"
    )
    from toc_studio.coding.analysis import tally

    tally.refresh(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON coding" if _pg(bind) else ""))
    if _pg(bind):
        op.execute("DROP FUNCTION IF EXISTS evidence_stale_mark()")
    op.drop_table("evidence_stale")
    op.drop_index("ix_evidence_tally_document", table_name="evidence_tally")
    op.drop_table("evidence_tally")


def _pg(bind) -> bool:
    return bind.dialect.name == "postgresql"

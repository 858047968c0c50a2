"""coding: one speaker rule, stored; no foreign key on the stored speaker

``coding.participant_id`` now holds the rule every query used to work out at query time:
the participant of the turn containing the coding's start; else of the first participant
turn beginning inside the coding; else the document's participant when its turns have
exactly one. The column is recomputed for every coding. Its foreign key to participant
(and ``ix_coding_participant_id``, which existed only for the key's ON DELETE SET NULL)
go: the index cost bulk inserts about a fifth of their speed, and deleting a participant
now refreshes the speakers of the documents concerned (``project.projects``).

Revision ID: 0008_coding_speaker_rule
Revises: 0006_coding_speaker
Create Date: 2026-11-23 14:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_coding_speaker_rule"
down_revision: str | None = "0006_coding_speaker"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rule, as toc_studio.coding.speakers.SPEAKER_SQL has it (copied: a migration keeps
# its own SQL).
RULE = """
UPDATE coding SET participant_id = COALESCE(
    (SELECT CASE WHEN t."end" > coding."start" THEN t.participant_id END
       FROM turn t
      WHERE t.document_id = coding.document_id AND t."start" <= coding."start"
      ORDER BY t."start" DESC
      LIMIT 1),
    (SELECT t.participant_id
       FROM turn t
      WHERE t.document_id = coding.document_id AND t."start" > coding."start"
        AND t."start" < coding."end" AND t.participant_id IS NOT NULL
      ORDER BY t."start"
      LIMIT 1),
    (SELECT MIN(t.participant_id)
       FROM turn t
      WHERE t.document_id = coding.document_id
     HAVING COUNT(DISTINCT t.participant_id) = 1))
"""

# 0006's rule: the turn containing the start only.
START_RULE = """
UPDATE coding SET participant_id = (
    SELECT CASE WHEN t."end" > coding."start" THEN t.participant_id END
      FROM turn t
     WHERE t.document_id = coding.document_id AND t."start" <= coding."start"
     ORDER BY t."start" DESC
     LIMIT 1)
"""

LENGTH = [sa.text('("end" - "start")')]


def _keep_coding_memos() -> bool:
    """SQLite rebuilds the coding table in batch mode: dropping the old table (foreign keys
    are on inside the migration's transaction) would cascade to the memos on codings, and
    the expression index would be lost. Memos are copied aside and put back (same ids)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(
            "CREATE TEMP TABLE coding_memo_keep AS SELECT * FROM memo WHERE coding_id IS NOT NULL"
        )
        op.drop_index("ix_coding_length", table_name="coding")
    return sqlite


def _restore_coding_memos(sqlite: bool) -> None:
    if sqlite:
        op.create_index("ix_coding_length", "coding", LENGTH, unique=False)
        op.execute(  # with foreign keys off (env.py) the memos were not deleted
            "INSERT INTO memo SELECT * FROM coding_memo_keep WHERE id NOT IN (SELECT id FROM memo)"
        )
        op.execute("DROP TABLE coding_memo_keep")


def upgrade() -> None:
    sqlite = _keep_coding_memos()
    with op.batch_alter_table("coding", schema=None) as batch_op:
        batch_op.drop_index("ix_coding_participant_id")
        batch_op.drop_constraint("fk_coding_participant_id_participant", type_="foreignkey")
    _restore_coding_memos(sqlite)
    op.execute(RULE)


def downgrade() -> None:
    op.execute(START_RULE)  # only ids of participants that exist (from the turns)
    sqlite = _keep_coding_memos()
    with op.batch_alter_table("coding", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_coding_participant_id_participant",
            "participant",
            ["participant_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_coding_participant_id", ["participant_id"], unique=False)
    _restore_coding_memos(sqlite)

"""ingest: the pseudonymisation key encrypted at rest (sealed entries, wrapped data keys)

The key's originals and the project's lists of names are sealed to a per-project public
key, with their keyed hashes beside them; speaker labels that may be real names are kept
as hashes. Existing rows are moved to that form here: each project with names gets a key
pair whose private key is kept under the name secret until an owner sets a passphrase
(``toc-studio names passphrase set``). Nothing of the plain names is left in the tables.

Revision ID: 0014_sealed_key
Revises: 0013_accounts
Create Date: 2026-12-03 12:40:00
"""

import os
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014_sealed_key"
down_revision: str | None = "0013_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString
NEW_COLUMNS = ("sealed", "digest", "first", "parts", "words")


def _new_columns(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("digest", AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("first", AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("parts", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("words", sa.Integer(), nullable=True))


def upgrade() -> None:
    op.create_table(
        "pseudonym_vault",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("escrow", sa.LargeBinary(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id"),
    )
    op.create_table(
        "pseudonym_passphrase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_pseudonym_passphrase_project_id", "pseudonym_passphrase", ["project_id"], unique=False
    )
    _new_columns("pseudonym_entry")
    _new_columns("pseudonym_term")
    _seal_existing(op.get_bind())
    with op.batch_alter_table("pseudonym_entry", schema=None) as batch_op:
        batch_op.drop_constraint("uq_pseudonym_original", type_="unique")
        batch_op.drop_column("original")
        batch_op.drop_column("folded")
        _not_null(batch_op)
        batch_op.create_unique_constraint("uq_pseudonym_original", ["project_id", "kind", "digest"])
    with op.batch_alter_table("pseudonym_term", schema=None) as batch_op:
        batch_op.drop_constraint("uq_pseudonym_term", type_="unique")
        batch_op.drop_constraint("ck_pseudonym_term_not_empty", type_="check")
        batch_op.drop_column("term")
        batch_op.drop_column("folded")
        _not_null(batch_op)
        batch_op.create_unique_constraint("uq_pseudonym_term", ["project_id", "digest"])


def _not_null(batch_op) -> None:
    batch_op.alter_column("sealed", existing_type=sa.LargeBinary(), nullable=False)
    batch_op.alter_column("digest", existing_type=AutoString(length=64), nullable=False)
    batch_op.alter_column("first", existing_type=AutoString(length=64), nullable=False)
    batch_op.alter_column("parts", existing_type=sa.Text(), nullable=False)
    batch_op.alter_column("words", existing_type=sa.Integer(), nullable=False)


def _seal_existing(conn) -> None:
    """Seal every plain name of the key and the lists; hash speaker labels that may be
    real names. Needs the name secret only when there is something to move."""
    entries = conn.execute(
        sa.text("SELECT id, project_id, kind, placeholder, original FROM pseudonym_entry")
    ).all()
    terms = conn.execute(sa.text("SELECT id, project_id, kind, term FROM pseudonym_term")).all()
    labels = conn.execute(sa.text("SELECT project_id, label FROM speaker_mapping")).all()
    if not (entries or terms or labels):
        return
    from toc_studio.ingest import keystore, sealing
    from toc_studio.ingest.pseudonymise.known import fingerprint

    publics: dict[int, bytes] = {}

    def public(project_id: int) -> bytes:
        if project_id not in publics:
            private, publics[project_id] = sealing.new_key_pair()
            conn.execute(
                sa.text(
                    "INSERT INTO pseudonym_vault (project_id, public_key, escrow, created) "
                    "VALUES (:p, :k, :e, CURRENT_TIMESTAMP)"
                ),
                {
                    "p": project_id,
                    "k": publics[project_id],
                    "e": sealing.escrow(private, f"toc-studio private key {project_id}"),
                },
            )
        return publics[project_id]

    update = (
        "UPDATE {table} SET sealed = :sealed, digest = :digest, first = :first, "
        "parts = :parts, words = :words WHERE id = :id"
    )
    for row_id, project_id, kind, placeholder, original in entries:
        found = fingerprint(keystore.hasher(project_id), original, kind)
        context = keystore.entry_context(project_id, placeholder)
        sealed = sealing.seal(public(project_id), original, context)
        conn.execute(
            sa.text(update.format(table="pseudonym_entry")),
            {"sealed": sealed, "id": row_id, **found.__dict__},
        )
    for row_id, project_id, kind, term in terms:
        found = fingerprint(keystore.hasher(project_id), term, kind)
        context = keystore.term_context(project_id, found.digest)
        sealed = sealing.seal(public(project_id), term, context)
        conn.execute(
            sa.text(update.format(table="pseudonym_term")),
            {"sealed": sealed, "id": row_id, **found.__dict__},
        )
    for project_id, label in labels:
        stored = keystore.speaker_key(keystore.hasher(project_id), label)
        if stored != label:
            conn.execute(
                sa.text(
                    "UPDATE speaker_mapping SET label = :new WHERE project_id = :p AND label = :old"
                ),
                {"new": stored, "p": project_id, "old": label},
            )


def downgrade() -> None:
    with op.batch_alter_table("pseudonym_term", schema=None) as batch_op:
        batch_op.add_column(sa.Column("term", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("folded", sa.Text(), nullable=True))
    with op.batch_alter_table("pseudonym_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("folded", sa.Text(), nullable=True))
    _open_existing(op.get_bind())
    with op.batch_alter_table("pseudonym_term", schema=None) as batch_op:
        batch_op.drop_constraint("uq_pseudonym_term", type_="unique")
        for column in NEW_COLUMNS:
            batch_op.drop_column(column)
        batch_op.alter_column("term", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("folded", existing_type=sa.Text(), nullable=False)
        batch_op.create_check_constraint("ck_pseudonym_term_not_empty", "length(term) > 0")
        batch_op.create_unique_constraint("uq_pseudonym_term", ["project_id", "folded"])
    with op.batch_alter_table("pseudonym_entry", schema=None) as batch_op:
        batch_op.drop_constraint("uq_pseudonym_original", type_="unique")
        for column in NEW_COLUMNS:
            batch_op.drop_column(column)
        batch_op.alter_column("original", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("folded", existing_type=sa.Text(), nullable=False)
        batch_op.create_unique_constraint("uq_pseudonym_original", ["project_id", "kind", "folded"])
    op.drop_index("ix_pseudonym_passphrase_project_id", table_name="pseudonym_passphrase")
    op.drop_table("pseudonym_passphrase")
    op.drop_table("pseudonym_vault")


def _open_existing(conn) -> None:
    """Put the plain names back (a downgrade): each project's key is opened from the name
    secret while no passphrase was set, else with ``TOC_STUDIO_PASSPHRASE``. Remembered
    speakers known only by their hash are forgotten (they cannot be turned back)."""
    conn.execute(sa.text("DELETE FROM speaker_mapping WHERE label LIKE '#%'"))
    vaults = conn.execute(sa.text("SELECT project_id, escrow FROM pseudonym_vault")).all()
    if not vaults:
        return
    from toc_studio.ingest import keystore, sealing

    for project_id, escrowed in vaults:
        context = f"toc-studio private key {project_id}"
        if escrowed is not None:
            private = sealing.unescrow(escrowed, context)
        else:
            private = _private_key(conn, project_id, context)
        open_sealed = sealing.opener(private)
        for row_id, placeholder, sealed in conn.execute(
            sa.text("SELECT id, placeholder, sealed FROM pseudonym_entry WHERE project_id = :p"),
            {"p": project_id},
        ).all():
            name = open_sealed(sealed, keystore.entry_context(project_id, placeholder))
            conn.execute(
                sa.text("UPDATE pseudonym_entry SET original = :o, folded = :f WHERE id = :id"),
                {"o": name, "f": sealing.fold(name), "id": row_id},
            )
        for row_id, digest, sealed in conn.execute(
            sa.text("SELECT id, digest, sealed FROM pseudonym_term WHERE project_id = :p"),
            {"p": project_id},
        ).all():
            name = open_sealed(sealed, keystore.term_context(project_id, digest))
            conn.execute(
                sa.text("UPDATE pseudonym_term SET term = :t, folded = :f WHERE id = :id"),
                {"t": name, "f": sealing.fold(name), "id": row_id},
            )


def _private_key(conn, project_id: int, context: str) -> bytes:
    from toc_studio.ingest import sealing

    passphrase = os.environ.get("TOC_STUDIO_PASSPHRASE", "")
    for (wrapped,) in conn.execute(
        sa.text("SELECT wrapped FROM pseudonym_passphrase WHERE project_id = :p"),
        {"p": project_id},
    ).all():
        private = sealing.unwrap(wrapped, passphrase, context) if passphrase else None
        if private is not None:
            return private
    raise RuntimeError(
        f"Project {project_id}'s key is under an owner's passphrase: set TOC_STUDIO_PASSPHRASE "
        "to it to downgrade, or nothing can be put back in clear."
    )

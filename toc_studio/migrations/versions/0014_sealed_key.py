"""ingest: the pseudonymisation key encrypted at rest (sealed entries, wrapped data keys)

Revision ID: 0014_sealed_key
Revises: 0013_accounts
Create Date: 2026-12-03 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0014_sealed_key"
down_revision: str | None = "0013_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""coding and theory: blind coding, version columns for edits that collide

Revision ID: 0015_team_coding
Revises: 0014_sealed_key
Create Date: 2026-12-03 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0015_team_coding"
down_revision: str | None = "0014_sealed_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

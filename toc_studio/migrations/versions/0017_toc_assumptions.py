"""theory: indicators and evaluation questions on elements, assumptions on links, data-collection phases

Revision ID: 0017_toc_assumptions
Revises: 0016_findings
Create Date: 2026-12-03 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0017_toc_assumptions"
down_revision: str | None = "0016_findings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

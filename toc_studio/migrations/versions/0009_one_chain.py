"""one chain: merge the per-package branches into one linear history

Revisions 0001-0008 branched per package (ingest, coding, theory, report each built on
the foundation). From here on every migration builds on the one before it, so a store
has exactly one head (0004_theory is an ancestor already: 0006 depends on it) and ``toc_studio.schema_version.HEAD`` names it.

Revision ID: 0009_one_chain
Revises: 0005_report, 0007_ingest_sections, 0008_coding_speaker_rule
Create Date: 2026-12-03 09:45:00
"""

from collections.abc import Sequence

revision: str = "0009_one_chain"
down_revision: str | Sequence[str] | None = (
    "0005_report",
    "0007_ingest_sections",
    "0008_coding_speaker_rule",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

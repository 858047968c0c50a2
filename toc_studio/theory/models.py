"""Tables owned by the theory package: ToC versions, their nodes and edges, the edit log.

The meaning of a coded element (category, branch, domain) lives on its Code; a version's
nodes only record what the workshop added on top: hand-made elements (no code), label
overrides, merges and deletions. Edges record causal links the team drew, and tombstones
for default structural links the team removed. A frozen version also keeps a snapshot of
its whole diagram in the stable JSON form (see ``toc_studio.theory.export_json``), so it
never changes again, whatever happens to the codebook later.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from toc_studio.ingest.models import Turn
from toc_studio.timeutil import utcnow

LINK_KINDS = ("leads to", "enables", "hinders")
STRUCTURE = "structure"


class TocVersion(SQLModel, table=True):
    """A version of a project's Theory of Change: the working one, or frozen for good."""

    __tablename__ = "toc_version"
    __table_args__ = (
        UniqueConstraint("project_id", "name", name="uq_toc_version_name"),
        CheckConstraint("length(name) > 0", name="ck_toc_version_name_not_empty"),
        CheckConstraint("level IS NULL OR level > 0", name="ck_toc_version_level"),
        Index(
            "uq_toc_version_one_working",
            "project_id",
            unique=True,
            sqlite_where=text("NOT frozen"),
            postgresql_where=text("NOT frozen"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    frozen: bool = Field(default=False)
    frozen_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # Depth of the code tree at which sub-themes roll up into their parent (None: none do).
    level: int | None = Field(default=None)
    based_on_id: int | None = Field(default=None, foreign_key="toc_version.id", ondelete="SET NULL")
    snapshot: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # The data-collection phases whose documents the version drew on (a JSON list, in the
    # order the phases first appear), recorded when it is frozen.
    phases: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))


class TocNode(SQLModel, table=True):
    """A workshop record about one element of a version, found by its ``key``.

    ``key`` is ``code:<code id>`` for an element derived from a code, ``hand:<hex>`` for an
    element added by hand. A hand-made node may later be linked to a code (``code_id``).
    """

    __tablename__ = "toc_node"
    __table_args__ = (
        UniqueConstraint("version_id", "key", name="uq_toc_node_key"),
        CheckConstraint(
            "category IS NULL OR category IN "
            "('resource', 'activity', 'enabler', 'challenge', 'outcome')",
            name="ck_toc_node_category",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="toc_version.id", ondelete="CASCADE", index=True)
    key: str = Field(max_length=40)
    code_id: int | None = Field(
        default=None, foreign_key="code.id", ondelete="SET NULL", index=True
    )
    label: str | None = Field(default=None, max_length=300)
    category: str | None = Field(default=None, max_length=20)
    branch_group_id: int | None = Field(
        default=None, foreign_key="stakeholder_group.id", ondelete="SET NULL"
    )
    domain: str | None = Field(default=None, max_length=200)
    hand_made: bool = Field(default=False)
    removed: bool = Field(default=False)
    merged_into: str | None = Field(default=None, max_length=40)
    # Raised by every edit of the element (optimistic locking, see theory.locking).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class TocEdge(SQLModel, table=True):
    """A link the team drew between two elements, or a removed default link (tombstone)."""

    __tablename__ = "toc_edge"
    __table_args__ = (
        UniqueConstraint("version_id", "source", "target", name="uq_toc_edge_ends"),
        CheckConstraint(
            "kind IN ('leads to', 'enables', 'hinders', 'structure')", name="ck_toc_edge_kind"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="toc_version.id", ondelete="CASCADE", index=True)
    source: str = Field(max_length=40)
    target: str = Field(max_length=40)
    kind: str = Field(default="leads to", max_length=20)
    label: str = Field(default="", max_length=300)
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    removed: bool = Field(default=False)
    # Raised by every edit of the link (optimistic locking, see theory.locking).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class TocEdit(SQLModel, table=True):
    """One workshop edit of a version: who, when, what, why, and how to undo it."""

    __tablename__ = "toc_edit"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="toc_version.id", ondelete="CASCADE", index=True)
    author_id: int | None = Field(default=None, foreign_key="coder.id", ondelete="SET NULL")
    author: str = Field(default="", max_length=200)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    action: str = Field(max_length=40)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    undo: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    undone: bool = Field(default=False)
    # The element key (or "source>target" of a link) the edit changed, and that element's
    # version after it: what a refused stale edit reports as changed since.
    target: str = Field(default="", max_length=100, sa_column_kwargs={"server_default": ""})
    target_version: int | None = Field(default=None)


# A coding's speaker is found with one seek: the turn of the coding's document that starts
# last at or before it (toc_studio.coding.speakers, when codings are stored or turns
# change). Covering (end, participant) makes the seek read the index only. Declared here,
# on the ingest package's table (created by migration 0004_theory).
TURN_LOOKUP = Index(
    "ix_toc_turn_lookup",
    Turn.__table__.c.document_id,
    Turn.__table__.c.start,
    Turn.__table__.c.end,
    Turn.__table__.c.participant_id,
)

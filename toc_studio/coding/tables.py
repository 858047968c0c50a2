"""Tables the coding store adds beside Code, Coding and Memo.

- ``UndoEntry``: one destructive operation (merge, split, delete, recode, resize, a
  disagreement resolved) with what it takes to put every row back, ids included.
- ``CodePattern``: a keyword or phrase pattern stored with a code, for auto-coding.
- ``AgreementResolution``: a disagreement between coders settled by keeping both codings,
  so that it is not listed again.
- ``BlindScope``: a document or project set to blind coding; ``CodeRevision``: who changed
  what in a code, per version (edits that collide are refused with it).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from toc_studio.coding.models import Coding
from toc_studio.timeutil import utcnow

# The longest coding, found through an index: lets co-occurrence scan only the codings that
# can reach a window (start >= window start - longest), never a whole document per coding.
CODING_LENGTH_INDEX = Index("ix_coding_length", (Coding.__table__.c.end - Coding.__table__.c.start))


class UndoEntry(SQLModel, table=True):
    """One undoable operation: its inverse steps as JSON (see ``undo.py``)."""

    __tablename__ = "undo_entry"
    __table_args__ = (Index("ix_undo_entry_project_id_id", "project_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    action: str = Field(max_length=30)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class CodePattern(SQLModel, table=True):
    """A phrase or spaCy token pattern stored with a code, for auto-coding."""

    __tablename__ = "code_pattern"
    __table_args__ = (
        CheckConstraint("kind IN ('phrase', 'tokens')", name="ck_code_pattern_kind"),
        CheckConstraint("length(pattern) > 0", name="ck_code_pattern_not_empty"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code_id: int = Field(foreign_key="code.id", ondelete="CASCADE", index=True)
    kind: str = Field(default="phrase", max_length=10)
    pattern: str = Field(sa_column=Column(Text, nullable=False))
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class AgreementResolution(SQLModel, table=True):
    """A disagreement settled by keeping both versions, so it is not listed again."""

    __tablename__ = "agreement_resolution"
    __table_args__ = (
        CheckConstraint('"start" >= 0 AND "end" > "start"', name="ck_agreement_resolution_span"),
        Index("ix_agreement_resolution_document_code", "document_id", "code_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    code_id: int = Field(foreign_key="code.id", ondelete="CASCADE")
    start: int
    end: int
    coders: str = Field(max_length=500)
    decision: str = Field(default="keep_both", max_length=20)
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class BlindScope(SQLModel, table=True):
    """A document (or, with ``document_id`` NULL, the whole project) set to blind coding by
    a lead: signed-in coders see only their own codings of it until it is revealed (the
    row is deleted). See ``toc_studio.coding.blind``."""

    __tablename__ = "blind_scope"
    __table_args__ = (
        UniqueConstraint("project_id", "document_id", name="uq_blind_scope_document"),
        Index(
            "uq_blind_scope_project",
            "project_id",
            unique=True,
            sqlite_where=text("document_id IS NULL"),
            postgresql_where=text("document_id IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    document_id: int | None = Field(
        default=None, foreign_key="document.id", ondelete="CASCADE", index=True
    )
    set_by: str = Field(default="", max_length=200)
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class CodeRevision(SQLModel, table=True):
    """One edit of a code: the version it made, who made it and what it changed (a JSON
    list of phrases such as "renamed this code to 'Peer support'"), so that an edit made
    on an older version is refused with what changed since."""

    __tablename__ = "code_revision"

    id: int | None = Field(default=None, primary_key=True)
    code_id: int = Field(foreign_key="code.id", ondelete="CASCADE", index=True)
    version: int
    author: str = Field(default="", max_length=200)
    changes: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))

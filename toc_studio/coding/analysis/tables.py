"""The tables of the evidence tally (see :mod:`.tally`).

- ``EvidenceTally``: the passages and codings of one code in one document by one speaker
  (``participant_id`` 0: passages without a speaker), by the rule of :mod:`.passages`.
  Derived data: it is recounted from the codings whenever they change.
- ``EvidenceStale``: a (document, code) pair whose codings changed since the tally last
  counted it. Database triggers on ``coding`` (migration ``0018_evidence_tally``) add a
  row for every insert, delete and update, whichever service (or bulk insert, import,
  undo, merge) made it, so no path can forget; reading the evidence recounts these pairs
  first and deletes their rows.

Neither has foreign keys: a pair of a deleted code or document is marked stale by the
deletion of its codings, and recounting it removes its tally rows.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

NOBODY = 0  # the tally's speaker for passages without one (participant ids are positive)


class EvidenceTally(SQLModel, table=True):
    __tablename__ = "evidence_tally"
    __table_args__ = (
        Index("ix_evidence_tally_document", "document_id"),
        {"sqlite_with_rowid": False},
    )

    code_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    document_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    participant_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    passages: int
    codings: int


class EvidenceStale(SQLModel, table=True):
    __tablename__ = "evidence_stale"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int
    code_id: int

"""Tables the ingest pipeline adds beside Document and Turn.

- ``PseudonymEntry``: the pseudonymisation key (placeholder -> sealed original), per
  project, kept apart from document text and opened only with an owner's passphrase.
- ``PseudonymTerm``: the project's own lists of names to replace (participants' real names,
  staff, local services, places), sealed like the key.
- ``PseudonymVault``, ``PseudonymPassphrase``: the project's key pair, its private key
  wrapped per owner passphrase (:mod:`toc_studio.ingest.sealing`).
- ``PseudonymKeep``: words the project never replaces (beside the shipped allow-list).
- ``PseudonymSetting``: whether places and organisations NER finds are replaced.
- ``SpeakerMapping``: a speaker label seen in a transcript -> the participant it stands for,
  remembered for the next files (a label that may be a real name is kept as its keyed
  hash, ``#`` and hex).
- ``Sentence``: sentence boundaries of a document (offsets only, never copies of text).
- ``Section``: a heading of a document (Word's Title and Heading 1..9) and the span it heads.
- ``DocumentImport``: how a document was imported (format, encoding, file hash, warnings).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Index,
    LargeBinary,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from toc_studio.timeutil import utcnow

KINDS_SQL = (
    "kind IN ('person', 'place', 'organisation', 'email', 'phone', 'date_of_birth', 'postcode')"
)


class PseudonymEntry(SQLModel, table=True):
    """One placeholder of the key. The real name is ``sealed`` to the project's public key
    (:mod:`toc_studio.ingest.sealing`); ``digest`` is its keyed hash, so the same name is
    found again without opening anything; ``first`` the hash of its first word and
    ``parts`` those of a person's first name and surname (space-separated), for finding
    them in a text; ``words`` its number of words."""

    __tablename__ = "pseudonym_entry"
    __table_args__ = (
        UniqueConstraint("project_id", "placeholder", name="uq_pseudonym_placeholder"),
        UniqueConstraint("project_id", "kind", "digest", name="uq_pseudonym_original"),
        CheckConstraint(KINDS_SQL, name="ck_pseudonym_entry_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=20)
    number: int
    placeholder: str = Field(max_length=100)
    sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    digest: str = Field(max_length=64)
    first: str = Field(default="", max_length=64)
    parts: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    words: int = Field(default=1)
    source: str = Field(default="list", max_length=20)
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class PseudonymTerm(SQLModel, table=True):
    """A name the project lists, sealed like the key's entries (same columns)."""

    __tablename__ = "pseudonym_term"
    __table_args__ = (
        UniqueConstraint("project_id", "digest", name="uq_pseudonym_term"),
        CheckConstraint(KINDS_SQL, name="ck_pseudonym_term_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    digest: str = Field(max_length=64)
    first: str = Field(default="", max_length=64)
    parts: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    words: int = Field(default=1)
    kind: str = Field(default="person", max_length=20)


class PseudonymVault(SQLModel, table=True):
    """A project's key pair: the public key seals names; the private key is in
    :class:`PseudonymPassphrase` (one wrapped copy per owner passphrase), or in ``escrow``
    (wrapped under the name secret) until the first passphrase is set."""

    __tablename__ = "pseudonym_vault"

    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", primary_key=True)
    public_key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    escrow: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class PseudonymPassphrase(SQLModel, table=True):
    """The project's private key wrapped under one owner's passphrase (scrypt, AES-GCM)."""

    __tablename__ = "pseudonym_passphrase"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    wrapped: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class PseudonymKeep(SQLModel, table=True):
    __tablename__ = "pseudonym_keep"
    __table_args__ = (CheckConstraint("length(word) > 0", name="ck_pseudonym_keep_not_empty"),)

    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", primary_key=True)
    folded: str = Field(sa_column=Column(Text, primary_key=True))
    word: str = Field(sa_column=Column(Text, nullable=False))


class PseudonymSetting(SQLModel, table=True):
    """``places``: 'replace' (the default) replaces the places and organisations NER finds,
    as they may identify someone's home or employer; 'keep' replaces only listed ones."""

    __tablename__ = "pseudonym_setting"
    __table_args__ = (
        CheckConstraint("places IN ('replace', 'keep')", name="ck_pseudonym_setting_places"),
    )

    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", primary_key=True)
    places: str = Field(default="replace", max_length=20)


class SpeakerMapping(SQLModel, table=True):
    __tablename__ = "speaker_mapping"

    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", primary_key=True)
    label: str = Field(primary_key=True, max_length=200)
    participant_id: int | None = Field(
        default=None, foreign_key="participant.id", ondelete="CASCADE", index=True
    )
    is_interviewer: bool = Field(default=False)


class Sentence(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint('"start" >= 0 AND "end" > "start"', name="ck_sentence_span"),
        Index("ix_sentence_document_start", "document_id", "start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    start: int
    end: int


class Section(SQLModel, table=True):
    """A heading at [start, heading_end) and its section [start, end): the text up to the
    next heading of the same or a higher level (a lower number), or the end of the text.
    ``level`` is 0 for a Title, n for Heading n."""

    __table_args__ = (
        CheckConstraint(
            '"start" >= 0 AND heading_end > "start" AND "end" >= heading_end',
            name="ck_section_span",
        ),
        Index("ix_section_document_start", "document_id", "start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    level: int
    title: str = Field(sa_column=Column(Text, nullable=False))
    start: int
    heading_end: int
    end: int


class DocumentImport(SQLModel, table=True):
    __tablename__ = "document_import"
    __table_args__ = (Index("ix_document_import_file_sha256", "file_sha256"),)

    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", primary_key=True)
    file_format: str = Field(max_length=20)
    encoding: str = Field(default="", max_length=40)
    file_sha256: str = Field(max_length=64)
    file_bytes: int = Field(default=0)
    pseudonymised: bool = Field(default=False)
    replacements: int = Field(default=0)
    ner_used: bool = Field(default=False)
    warnings: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    imported: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))

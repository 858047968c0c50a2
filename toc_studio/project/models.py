"""Tables owned by the project package: Project, Group, Participant (+ attributes), Coder."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, DateTime, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from toc_studio.timeutil import utcnow


class Role(StrEnum):
    """What a coder may do. One enum for permissions, checked in the services."""

    OWNER = "owner"  # everything, including the pseudonymisation key
    LEAD = "lead"  # set up codebook and participants, check agreement, edit the ToC
    RESEARCHER = "researcher"  # code documents, write memos
    VIEWER = "viewer"  # read only


class Project(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    description: str = Field(default="")
    created: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))

    __table_args__ = (CheckConstraint("length(name) > 0", name="ck_project_name_not_empty"),)


class Group(SQLModel, table=True):
    """A stakeholder group of a project (Mentor, Mentee...): one branch of the ToC."""

    __tablename__ = "stakeholder_group"
    __table_args__ = (
        UniqueConstraint("project_id", "name", name="uq_group_name"),
        CheckConstraint("length(name) > 0", name="ck_group_name_not_empty"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    position: int = Field(default=0)


class Participant(SQLModel, table=True):
    """A pseudonymous participant ("Mentor B1"), optionally in a group."""

    __table_args__ = (
        UniqueConstraint("project_id", "label", name="uq_participant_label"),
        CheckConstraint("length(label) > 0", name="ck_participant_label_not_empty"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    label: str = Field(max_length=200)
    group_id: int | None = Field(
        default=None, foreign_key="stakeholder_group.id", ondelete="SET NULL", index=True
    )


class ParticipantAttribute(SQLModel, table=True):
    """A free attribute of a participant (gender, site, wave, interview mode...)."""

    __tablename__ = "participant_attribute"

    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE", primary_key=True)
    name: str = Field(primary_key=True, max_length=100)
    value: str = Field(default="")

    __table_args__ = (Index("ix_participant_attribute_name_value", "name", "value"),)


class Coder(SQLModel, table=True):
    """A person (or an auto-coding rule) who makes codings."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    role: str = Field(default=Role.RESEARCHER.value, max_length=20)

    __table_args__ = (
        CheckConstraint("role IN ('owner', 'lead', 'researcher', 'viewer')", name="ck_coder_role"),
    )

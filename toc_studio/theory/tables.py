"""Supporting tables of the theory package: indicators linking a ToC element to an
outcome instrument (or one of its items)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel


class TocIndicator(SQLModel, table=True):
    """An instrument (``item`` None: its total; else the item's position) measuring a ToC
    element, named by its key (``code:<id>`` or ``hand:<hex>``): the same element in every
    version that has it."""

    __tablename__ = "toc_indicator"
    __table_args__ = (CheckConstraint("length(element) > 0", name="ck_toc_indicator_element"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    element: str = Field(max_length=100)
    instrument_id: int = Field(foreign_key="instrument.id", ondelete="CASCADE", index=True)
    item: int | None = Field(default=None)

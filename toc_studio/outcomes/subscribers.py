"""What the outcomes package answers to the events of lower packages: the order of a
typed attribute's values (a matrix by months in the programme reads 4, 5, 10, 14, 20)
and the numbers of a number attribute's values (a matrix's ``--bins``)."""

from __future__ import annotations

from sqlmodel import Session

from toc_studio import events
from toc_studio.outcomes import values
from toc_studio.outcomes.attributes import AttrType, attribute_types
from toc_studio.project.models import Project


def on_attribute_values_ordering(
    session: Session, event: events.AttributeValuesOrdering
) -> list[str] | None:
    typed = next(
        (t for t in attribute_types_of(session, event.project_id) if t.name == event.name), None
    )
    if typed is None or typed.kind == "category":
        return None
    return sorted(event.values, key=typed.sort_key())


def attribute_types_of(session: Session, project_id: int) -> list[AttrType]:
    project = session.get(Project, project_id)
    return [] if project is None else list(attribute_types(session, project).values())


events.subscribe(events.AttributeValuesOrdering, on_attribute_values_ordering)


def on_attribute_values_numbers(
    session: Session, event: events.AttributeValuesNumbers
) -> dict[str, float] | None:
    typed = next(
        (t for t in attribute_types_of(session, event.project_id) if t.name == event.name), None
    )
    if typed is None or typed.kind != "number":
        return None
    return {v: values.parse_number(v) for v in event.values if values.fits("number", v)}


events.subscribe(events.AttributeValuesNumbers, on_attribute_values_numbers)

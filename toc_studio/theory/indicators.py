"""Indicators on the Theory of Change: an outcome instrument (or one item) linked to an
outcome element, with the change figures the outcomes package works out. Each node of a
version's JSON form carries ``"indicators": [{"instrument", "item", "n", "mean_change",
"improved", "declined", "same"}]``; a frozen version keeps the figures it was frozen with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import networkx as nx
from sqlalchemy import select
from sqlmodel import Session

from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.outcomes.change import change, resolve_item
from toc_studio.outcomes.instruments import get_instrument
from toc_studio.outcomes.models import Instrument
from toc_studio.project.models import Project
from toc_studio.theory.assemble import assemble
from toc_studio.theory.models import TocVersion
from toc_studio.theory.tables import TocIndicator


@dataclass(frozen=True)
class IndicatorLink:
    id: int
    element: str
    instrument: str
    item: str | None

    def as_dict(self) -> dict:
        return {"id": self.id, "element": self.element, "instrument": self.instrument,
                "item": self.item}  # fmt: skip


def _links(session: Session, project: Project) -> list[tuple[TocIndicator, Instrument]]:
    return list(
        session.execute(
            select(TocIndicator, Instrument)
            .join(Instrument, Instrument.id == TocIndicator.instrument_id)
            .where(TocIndicator.project_id == project.id)
            .order_by(TocIndicator.element, Instrument.name, TocIndicator.item)
        ).all()
    )


def _item_name(instrument: Instrument, item: int | None) -> str | None:
    return None if item is None else json.loads(instrument.items)[item]


def list_indicators(session: Session, project: Project) -> list[IndicatorLink]:
    return [
        IndicatorLink(link.id, link.element, instrument.name, _item_name(instrument, link.item))
        for link, instrument in _links(session, project)
    ]


def add_indicator(
    session: Session, project: Project, element: str, instrument_name: str, item: str | None = None
) -> IndicatorLink:
    """Link ``instrument_name`` (its total, or ``item``) to the outcome element ``element``
    of the working version."""
    working = session.execute(
        select(TocVersion).where(TocVersion.project_id == project.id, TocVersion.frozen.is_(False))
    ).scalars().first()  # fmt: skip
    graph = assemble(session, project, working, with_evidence=False)
    if element not in graph.nodes:
        raise NotFound(f"The Theory of Change has no element {element[:100]!r}; "
                       "`toc-studio toc build --json` lists the elements' ids.")  # fmt: skip
    if graph.nodes[element]["category"] != "outcome":
        raise Invalid("An indicator measures an outcome: choose an outcome element.")
    instrument = get_instrument(session, project, instrument_name)
    position = resolve_item(instrument, item)
    clash = [
        link for link, _ in _links(session, project)
        if link.element == element and link.instrument_id == instrument.id
        and link.item == position
    ]  # fmt: skip
    if clash:
        raise Conflict("That indicator is linked to this element already.")
    link = TocIndicator(
        project_id=project.id, element=element, instrument_id=instrument.id, item=position
    )
    session.add(link)
    session.flush()
    return IndicatorLink(link.id, element, instrument.name, _item_name(instrument, position))


def remove_indicator(session: Session, project: Project, indicator_id: int) -> None:
    link = session.get(TocIndicator, indicator_id)
    if link is None or link.project_id != project.id:
        raise NotFound(f"There is no indicator {indicator_id} in {project.name!r}.")
    session.delete(link)
    session.flush()


def indicator_figures(session: Session, project: Project) -> dict[str, list[dict]]:
    """element key -> its indicators with today's figures (everyone, start to last)."""
    found: dict[str, list[dict]] = {}
    for link, instrument in _links(session, project):
        item = _item_name(instrument, link.item)
        table = change(session, project, instrument.name, item)
        groups = table["groups"]
        everyone = groups[0] if groups else {}
        found.setdefault(link.element, []).append({
            "instrument": instrument.name,
            "item": item,
            "n": everyone.get("n", 0),
            "mean_change": everyone.get("mean_change"),
            "improved": everyone.get("improved", 0),
            "declined": everyone.get("declined", 0),
            "same": everyone.get("same", 0),
        })  # fmt: skip
    return found


def attach_indicators(session: Session, project: Project, graph: nx.DiGraph) -> nx.DiGraph:
    """Give every node of ``graph`` its ``indicators`` (an empty list for most)."""
    figures = indicator_figures(session, project)
    for node in graph.nodes:
        graph.nodes[node]["indicators"] = figures.get(node, [])
    return graph

"""Indicators on the Theory of Change: how an element is known to happen. An indicator is
a sentence ("mentees report feeling less alone"), an outcome instrument (or one item)
measuring an outcome element, or a sentence later linked to an instrument. Measured ones
carry the change figures the outcomes package works out. Each node of a version's JSON
form carries ``"indicators": [{"text", "instrument", "item", "n", "mean_change",
"improved", "declined", "same"}]`` (the figures ``None`` for a sentence alone); a frozen
version keeps the figures it was frozen with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import access
from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.outcomes.change import change, resolve_item
from toc_studio.outcomes.instruments import get_instrument
from toc_studio.outcomes.models import Instrument
from toc_studio.project.models import Project
from toc_studio.theory.assemble import assemble
from toc_studio.theory.models import TocVersion
from toc_studio.theory.tables import TocIndicator

if TYPE_CHECKING:  # networkx is imported where a graph is built (assemble, export_json)
    import networkx as nx

TEXT_LIMIT = 2000


@dataclass(frozen=True)
class IndicatorLink:
    id: int
    element: str
    instrument: str | None
    item: str | None
    text: str = ""

    def as_dict(self) -> dict:
        return {"id": self.id, "element": self.element, "text": self.text,
                "instrument": self.instrument, "item": self.item}  # fmt: skip


def _links(session: Session, project: Project) -> list[tuple[TocIndicator, Instrument | None]]:
    return list(
        session.execute(
            select(TocIndicator, Instrument)
            .outerjoin(Instrument, Instrument.id == TocIndicator.instrument_id)
            .where(TocIndicator.project_id == project.id)
            .order_by(TocIndicator.element, TocIndicator.id)
        ).all()
    )


def _item_name(instrument: Instrument | None, item: int | None) -> str | None:
    return None if item is None or instrument is None else json.loads(instrument.items)[item]


def _as_link(link: TocIndicator, instrument: Instrument | None) -> IndicatorLink:
    name = instrument.name if instrument is not None else None
    return IndicatorLink(link.id, link.element, name, _item_name(instrument, link.item), link.text)


def list_indicators(session: Session, project: Project) -> list[IndicatorLink]:
    return [_as_link(link, instrument) for link, instrument in _links(session, project)]


def working_graph(session: Session, project: Project) -> nx.DiGraph:
    """The working version's diagram, without counting evidence."""
    working = session.execute(
        select(TocVersion).where(TocVersion.project_id == project.id, TocVersion.frozen.is_(False))
    ).scalars().first()  # fmt: skip
    return assemble(session, project, working, with_evidence=False)


def working_element(
    session: Session, project: Project, element: str, graph: nx.DiGraph | None = None
) -> dict:
    """The attributes of ``element`` in the working version; NotFound when it has none."""
    graph = working_graph(session, project) if graph is None else graph
    if element not in graph.nodes or graph.nodes[element]["category"] == "domain":
        raise NotFound(f"The Theory of Change has no element {element[:100]!r}; "
                       "`toc-studio toc build --json` lists the elements' ids.")  # fmt: skip
    return graph.nodes[element]


def clean_text(text: str, what: str = "An indicator") -> str:
    text = " ".join((text or "").split())
    if len(text) > TEXT_LIMIT:
        raise Invalid(f"{what} is limited to {TEXT_LIMIT} characters; shorten it.")
    return text


def add_indicator(
    session: Session,
    project: Project,
    element: str,
    instrument_name: str | None = None,
    item: str | None = None,
    *,
    text: str = "",
) -> IndicatorLink:
    """Give ``element`` of the working version an indicator: a sentence ``text``, the
    instrument ``instrument_name`` (its total, or ``item``; outcome elements only), or both."""
    access.require(session, project.id, "lead", "change the Theory of Change's indicators")
    text = clean_text(text)
    node = working_element(session, project, element)
    if not instrument_name:
        if not text:
            raise Invalid("Write the indicator, or choose the instrument that measures it.")
        link = TocIndicator(project_id=project.id, element=element, text=text)
        session.add(link)
        session.flush()
        return _as_link(link, None)
    if node["category"] != "outcome":
        raise Invalid("An instrument measures an outcome: choose an outcome element.")
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
        project_id=project.id, element=element, instrument_id=instrument.id, item=position,
        text=text,
    )  # fmt: skip
    session.add(link)
    session.flush()
    return _as_link(link, instrument)


def link_indicator(
    session: Session, project: Project, indicator_id: int, instrument_name: str,
    item: str | None = None,
) -> IndicatorLink:  # fmt: skip
    """Measure a written indicator with an instrument (or one item) once one exists."""
    access.require(session, project.id, "lead", "change the Theory of Change's indicators")
    link = _get(session, project, indicator_id)
    if working_element(session, project, link.element)["category"] != "outcome":
        raise Invalid("An instrument measures an outcome: this indicator is not on an outcome.")
    instrument = get_instrument(session, project, instrument_name)
    link.instrument_id, link.item = instrument.id, resolve_item(instrument, item)
    session.add(link)
    session.flush()
    return _as_link(link, instrument)


def _get(session: Session, project: Project, indicator_id: int) -> TocIndicator:
    link = session.get(TocIndicator, indicator_id)
    if link is None or link.project_id != project.id:
        raise NotFound(f"There is no indicator {indicator_id} in this project.")
    return link


def remove_indicator(session: Session, project: Project, indicator_id: int) -> None:
    access.require(session, project.id, "lead", "change the Theory of Change's indicators")
    session.delete(_get(session, project, indicator_id))
    session.flush()


def indicator_figures(session: Session, project: Project) -> dict[str, list[dict]]:
    """element key -> its indicators with today's figures (everyone, start to last)."""
    found: dict[str, list[dict]] = {}
    for link, instrument in _links(session, project):
        if instrument is None:
            found.setdefault(link.element, []).append(dict(
                text=link.text, instrument=None, item=None, n=None, mean_change=None,
                improved=None, declined=None, same=None,
            ))  # fmt: skip
            continue
        item = _item_name(instrument, link.item)
        table = change(session, project, instrument.name, item)
        groups = table["groups"]
        everyone = groups[0] if groups else {}
        found.setdefault(link.element, []).append({
            "text": link.text,
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

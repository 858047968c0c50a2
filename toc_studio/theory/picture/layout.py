"""A layered left-to-right layout shared by the interactive page and the static image.

Columns: resources, activities, enablers, challenges, outcome domains, outcomes. The
trunk (resources and activities) is centred on the whole height; then one horizontal lane
per branch (shared first if it has elements, then the groups in order); inside a lane the
outcomes stack in one band per domain, the domain heading at the top of its band.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from toc_studio.theory.assemble import DOMAIN, NO_DOMAIN, SHARED
from toc_studio.theory.export_json import node_order

COLUMNS = {"resource": 0, "activity": 1, "enabler": 2, "challenge": 3, DOMAIN: 4, "outcome": 5}
COLUMN_TITLES = ("Resources", "Activities", "Enablers", "Challenges", "Outcome domains", "Outcomes")
TRUNK = ("resource", "activity")


@dataclass(frozen=True)
class Lane:
    branch: str
    top: int  # first row
    rows: int


@dataclass(frozen=True)
class Band:
    branch: str
    domain: str
    top: int
    rows: int


@dataclass
class Layout:
    """Positions in grid units: ``column`` (0..5) and ``row`` (0 at the top)."""

    cells: dict[str, tuple[int, float]] = field(default_factory=dict)
    lanes: list[Lane] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    rows: int = 0

    def xy(self, node: str, x_step: float, y_step: float) -> tuple[float, float]:
        column, row = self.cells[node]
        return column * x_step, row * y_step


def lane_names(graph: nx.DiGraph) -> list[str]:
    used = {a["branch"] for _, a in graph.nodes(data=True) if a["category"] not in TRUNK}
    names = [SHARED] if SHARED in used else []
    names += [g for g in graph.graph.get("groups", []) if g in used]
    names += sorted(used - set(names))
    return names


def layout(graph: nx.DiGraph) -> Layout:
    order = node_order(graph)
    result = Layout()
    row = 0
    for branch in lane_names(graph):
        in_lane = [n for n in order if graph.nodes[n]["branch"] == branch]
        columns: dict[str, list[str]] = {c: [] for c in COLUMNS}
        for n in in_lane:
            if graph.nodes[n]["category"] not in TRUNK:
                columns[graph.nodes[n]["category"]].append(n)
        band_row = row
        for heading in columns[DOMAIN]:
            name = graph.nodes[heading]["domain"]
            outcomes = [n for n in columns["outcome"] if _domain_of(graph, n) == name]
            height = max(1, len(outcomes))
            result.bands.append(Band(branch, name, band_row, height))
            result.cells[heading] = (COLUMNS[DOMAIN], band_row)
            for i, n in enumerate(outcomes):
                result.cells[n] = (COLUMNS["outcome"], band_row + i)
            band_row += height
        loose = [n for n in columns["outcome"] if n not in result.cells]
        for n in loose:
            result.cells[n] = (COLUMNS["outcome"], band_row)
            band_row += 1
        for category in ("enabler", "challenge"):
            for i, n in enumerate(columns[category]):
                result.cells[n] = (COLUMNS[category], row + i)
        rows = max(1, band_row - row, len(columns["enabler"]), len(columns["challenge"]))
        result.lanes.append(Lane(branch, row, rows))
        row += rows + 1  # a blank row between lanes
    result.rows = max(1, row - 1) if result.lanes else 0
    for category in TRUNK:
        column = [n for n in order if graph.nodes[n]["category"] == category]
        total = max(result.rows, len(column))
        result.rows = total
        offset = (total - len(column)) / 2
        for i, n in enumerate(column):
            result.cells[n] = (COLUMNS[category], offset + i)
    return result


def _domain_of(graph: nx.DiGraph, node: str) -> str:
    return graph.nodes[node].get("domain") or NO_DOMAIN

"""The table view of a version, the form evaluation reports print: columns Resources |
Activities | Enablers | Challenges | Outcomes, one row per branch (the shared trunk first),
outcomes grouped by domain."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toc_studio.coding.analysis.strength import DEFAULT, Thresholds
from toc_studio.theory.assemble import DOMAIN, NO_DOMAIN, SHARED
from toc_studio.theory.export_json import node_order

if TYPE_CHECKING:  # networkx is imported where a graph is built (assemble, export_json)
    import networkx as nx

COLUMNS = ("Resources", "Activities", "Enablers", "Challenges", "Outcomes")
CATEGORY_COLUMN = dict(
    zip(("resource", "activity", "enabler", "challenge", "outcome"), COLUMNS, strict=True)
)


def _entry(attrs: dict, limits: Thresholds) -> str:
    """An element with its strength of evidence: "Trust (Mentee: most, 5 of 7)"."""
    text = str(attrs["label"])
    evidence = attrs["evidence"]
    if attrs.get("hand_made") and not evidence.codings:
        return text + " [workshop, no evidence yet]"
    strength = evidence.strength(limits)
    if strength.short():
        text += f" ({strength.short()})"
    if attrs.get("thin"):
        text += " [thin: one participant]"
    return text


def table_rows(graph: nx.DiGraph, limits: Thresholds = DEFAULT) -> list[dict[str, str]]:
    """One dict per branch: "Branch" then the five columns; items one per line, each with
    its strength of evidence (worded by ``limits``), and the outcomes as "Domain: item;
    item" lines."""
    branches = [SHARED, *graph.graph.get("groups", [])]
    cells: dict[str, dict[str, list[str]]] = {b: {c: [] for c in COLUMNS} for b in branches}
    domains: dict[str, dict[str, list[str]]] = {b: {} for b in branches}
    for node in node_order(graph):
        attrs = graph.nodes[node]
        if attrs["category"] == DOMAIN:
            continue
        branch = attrs["branch"] if attrs["branch"] in cells else SHARED
        if attrs["category"] == "outcome":
            domain = attrs.get("domain") or NO_DOMAIN
            domains[branch].setdefault(domain, []).append(_entry(attrs, limits))
        else:
            cells[branch][CATEGORY_COLUMN[attrs["category"]]].append(_entry(attrs, limits))
    rows = []
    for branch in branches:
        cells[branch]["Outcomes"] = [
            f"{domain}: {'; '.join(items)}" for domain, items in domains[branch].items()
        ]
        if branch == SHARED and not any(cells[branch].values()):
            continue
        row = {"Branch": "Shared" if branch == SHARED else branch}
        row.update({c: "\n".join(cells[branch][c]) for c in COLUMNS})
        rows.append(row)
    return rows

"""The edges of an assembled Theory of Change: the default structure, and the team's links.

Default edges follow the structure: resources -> activities -> each branch's enablers and
challenges -> that branch's outcome domains -> outcomes. The team's causal links ("leads
to", "enables", "hinders") replace or add to them; a removed default link stays removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from toc_studio.theory.elements import CATEGORIES, DOMAIN
from toc_studio.theory.models import STRUCTURE, TocEdge

if TYPE_CHECKING:  # networkx is imported where a graph is built (assemble, export_json)
    import networkx as nx


def resolve(key: str, merged: Mapping[str, str]) -> str:
    """The element ``key`` ends up in after the workshop's merges (a cycle stops)."""
    seen = set()
    while key in merged and key not in seen:
        seen.add(key)
        key = merged[key]
    return key


def default_structure(graph: nx.DiGraph) -> set[tuple[str, str]]:
    """The default edges between the nodes of ``graph``."""
    nodes = graph.nodes
    by_category: dict[str, list[str]] = {c: [] for c in (*CATEGORIES, DOMAIN)}
    for key in sorted(graph.nodes):
        by_category[nodes[key]["category"]].append(key)

    def lane(key: str) -> int | None:
        return nodes[key]["branch_id"]

    structure: set[tuple[str, str]] = set()
    for r in by_category["resource"]:
        structure.update((r, a) for a in by_category["activity"])
    lanes = {lane(k) for c in ("enabler", "challenge", DOMAIN) for k in by_category[c]}
    for each in lanes:
        factors = [k for c in ("enabler", "challenge") for k in by_category[c] if lane(k) == each]
        domain_heads = [k for k in by_category[DOMAIN] if lane(k) == each]
        activities = [a for a in by_category["activity"] if lane(a) in (None, each) or each is None]
        structure.update((a, f) for a in activities for f in (factors or domain_heads))
        if factors:
            structure.update((f, d) for f in factors for d in domain_heads)
    for key in by_category["outcome"]:
        structure.add((nodes[key]["domain_key"], key))
    return structure


def add_edges(graph: nx.DiGraph, links: Iterable[TocEdge], merged: Mapping[str, str]) -> None:
    """Draw the default structure, less the links the team removed, then the team's links
    (between the elements their ends were merged into)."""
    tombstones, drawn = set(), {}
    for link in links:
        ends = (resolve(link.source, merged), resolve(link.target, merged))
        if link.removed:
            tombstones.add(ends)
        elif ends[0] != ends[1] and all(graph.has_node(e) for e in ends):
            drawn[ends] = link
    for source, target in sorted(default_structure(graph) - tombstones):
        graph.add_edge(source, target, kind=STRUCTURE, label="", rationale="")
    for (source, target), link in drawn.items():
        graph.add_edge(
            source, target, kind=link.kind, label=link.label or "", rationale=link.rationale
        )

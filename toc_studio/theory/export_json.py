"""The stable JSON form of a Theory of Change version (documented in the README).

Same version, same bytes: keys in a fixed order, nodes in diagram order (category,
branch, domain, label, id), edges sorted by their ends, evidence groups in branch order.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from toc_studio.theory.assemble import CATEGORIES, DOMAIN, SHARED
from toc_studio.theory.evidence import Evidence

if TYPE_CHECKING:  # networkx is imported where a graph is built (assemble, export_json)
    import networkx as nx

FORMAT = "toc-studio/theory 1"
ORDER = {c: i for i, c in enumerate((*CATEGORIES[:4], DOMAIN, CATEGORIES[4]))}


def node_order(graph: nx.DiGraph) -> list[str]:
    """Nodes in reading order: category, branch (shared first, then groups), domain, label."""
    branches = {SHARED: 0, **{g: i + 1 for i, g in enumerate(graph.graph.get("groups", []))}}

    def key(node: str) -> tuple:
        a = graph.nodes[node]
        return (
            ORDER.get(a["category"], 9),
            branches.get(a["branch"], 99),
            (a.get("domain") or "").casefold(),
            a["category"] != DOMAIN,
            a["label"].casefold(),
            node,
        )

    return sorted(graph.nodes, key=key)


def _evidence(evidence: Evidence, groups: Sequence[str]) -> dict:
    return {
        "passages": evidence.passages,
        "codings": evidence.codings,
        "participants": evidence.participants,
        "of": evidence.of,
        "documents": evidence.documents,
        "methods": list(evidence.methods),
        "by_group": {g: dict(evidence.by_group[g]) for g in groups if g in evidence.by_group},
    }


def to_dict(graph: nx.DiGraph, edits: Sequence = ()) -> dict:
    """The JSON form of an assembled graph; ``edits`` are the version's TocEdit rows."""
    groups = list(graph.graph.get("groups", []))
    nodes = []
    for node in node_order(graph):
        a = graph.nodes[node]
        nodes.append(
            {
                "id": node,
                "label": a["label"],
                "category": a["category"],
                "branch": a["branch"],
                "domain": a.get("domain"),
                "code_path": a.get("code_path"),
                "evidence": _evidence(a["evidence"], groups),
                "hand_made": bool(a.get("hand_made")),
                "thin": bool(a.get("thin")),
                "merged_from": list(a.get("merged_from", [])),
                "indicators": [dict(i) for i in a.get("indicators", [])],
                "questions": list(a.get("questions", [])),
            }
        )
    edges = [
        {
            "source": s,
            "target": t,
            "kind": graph.edges[s, t]["kind"],
            "label": graph.edges[s, t].get("label", ""),
            "rationale": graph.edges[s, t].get("rationale", ""),
            "assumptions": [dict(a) for a in graph.edges[s, t].get("assumptions", [])],
        }
        for s, t in sorted(graph.edges)
    ]
    return {
        "format": FORMAT,
        "project": graph.graph.get("project"),
        "version": graph.graph.get("version"),
        "note": graph.graph.get("note", ""),
        "level": graph.graph.get("level"),
        "groups": groups,
        "phases": list(graph.graph.get("phases", [])),
        "nodes": nodes,
        "edges": edges,
        "edits": [
            {
                "at": e.at.isoformat(timespec="seconds") if e.at else None,
                "author": e.author,
                "action": e.action,
                "summary": e.summary,
                "note": e.note,
                "undone": bool(e.undone),
            }
            for e in edits
        ],
    }


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def graph_from_dict(document: dict) -> nx.DiGraph:
    """Rebuild the DiGraph of a JSON form (a frozen version's snapshot, say)."""
    import networkx as nx

    graph = nx.DiGraph(
        project=document.get("project"),
        version=document.get("version"),
        note=document.get("note", ""),
        groups=list(document.get("groups", [])),
        level=document.get("level"),
        phases=list(document.get("phases", [])),
    )
    for n in document.get("nodes", []):
        e = n.get("evidence") or {}
        evidence = Evidence(
            e.get("codings", 0),
            e.get("participants", 0),
            e.get("documents", 0),
            {g: dict(v) for g, v in (e.get("by_group") or {}).items()},
            passages=e.get("passages"),
            of=e.get("of", 0),
            methods=list(e.get("methods", [])),
        )
        graph.add_node(
            n["id"],
            label=n["label"],
            category=n["category"],
            branch=n.get("branch") or SHARED,
            domain=n.get("domain"),
            code_path=n.get("code_path"),
            code_id=None,
            code_ids=[],
            hand_made=bool(n.get("hand_made")),
            thin=bool(n.get("thin", evidence.participants == 1)),
            merged_from=list(n.get("merged_from", [])),
            evidence=evidence,
            indicators=[dict(i) for i in n.get("indicators", [])],
            questions=list(n.get("questions", [])),
        )
    for e in document.get("edges", []):
        graph.add_edge(
            e["source"],
            e["target"],
            kind=e.get("kind", "structure"),
            label=e.get("label", ""),
            rationale=e.get("rationale", ""),
            assumptions=[dict(a) for a in e.get("assumptions", [])],
        )
    return graph

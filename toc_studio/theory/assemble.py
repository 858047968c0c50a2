"""Assembly: the codebook, the codings and a version's workshop records -> a DiGraph.

One node per code that has a ToC category, at the level of the code tree the version
chose (deeper sub-themes roll up into their ancestor at that level), plus the hand-made
elements; one heading node per outcome domain of each branch. Default edges follow the
structure: resources -> activities -> each branch's enablers and challenges -> that
branch's outcome domains -> outcomes. The team's causal links ("leads to", "enables",
"hinders") replace or add to them. Evidence is counted in SQL (see ``evidence``).

Node attributes: ``label``, ``category`` (one of the five, or ``domain`` for a domain
heading), ``branch`` (group name or ``shared``), ``branch_id``, ``domain``, ``code_id``,
``code_path``, ``code_ids`` (codes whose codings count), ``hand_made``, ``thin``,
``merged_from`` and ``evidence`` (an :class:`Evidence`). Edge attributes: ``kind``
(``structure`` or a link kind), ``label``, ``rationale``.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.codebook import PATH_SEPARATOR
from toc_studio.coding.models import Code
from toc_studio.project.models import Group, Project
from toc_studio.theory import evidence as ev
from toc_studio.theory.models import STRUCTURE, TocEdge, TocNode, TocVersion

CATEGORIES = ("resource", "activity", "enabler", "challenge", "outcome")
DOMAIN = "domain"
SHARED = "shared"
NO_DOMAIN = "Other outcomes"
TRUNK = ("resource", "activity")


@dataclass(frozen=True)
class CodeInfo:
    id: int
    parent_id: int | None
    name: str
    category: str | None
    branch_group_id: int | None
    domain: str | None
    position: int


def code_key(code_id: int) -> str:
    return f"code:{code_id}"


def domain_key(branch_id: int | None, domain: str) -> str:
    return f"domain:{branch_id if branch_id is not None else SHARED}:{domain}"


def load_codes(session: Session, project_id: int) -> dict[int, CodeInfo]:
    rows = session.execute(
        select(
            Code.id,
            Code.parent_id,
            Code.name,
            Code.category,
            Code.branch_group_id,
            Code.domain,
            Code.position,
        ).where(Code.project_id == project_id)
    ).all()
    return {row[0]: CodeInfo(*row) for row in rows}


def _chains(codes: dict[int, CodeInfo]) -> dict[int, list[int]]:
    """Each code's ancestors-or-self, root first."""
    chains: dict[int, list[int]] = {}

    def chain(code_id: int) -> list[int]:
        if code_id not in chains:
            parent = codes[code_id].parent_id
            chains[code_id] = ([*chain(parent)] if parent in codes else []) + [code_id]
        return chains[code_id]

    for code_id in codes:
        chain(code_id)
    return chains


def node_codes(
    codes: dict[int, CodeInfo], level: int | None, claimed: dict[int, str]
) -> tuple[dict[int, str], set[str]]:
    """Map each code to the key of the node its codings count for, and name the nodes the
    code tree makes by itself (those of leaf codes; others appear only if coded).

    A code counts for its deepest categorised ancestor-or-self at depth <= ``level`` (or
    the shallowest categorised one if none is that shallow); a code claimed by a hand-made
    node (or under one) counts for that node instead. Codes with no categorised
    ancestor-or-self are not part of the Theory of Change.
    """
    chains = _chains(codes)
    has_children = {c.parent_id for c in codes.values()}
    mapping: dict[int, str] = {}
    structural: set[str] = set()
    for code_id, chain in chains.items():
        claims = [claimed[c] for c in chain if c in claimed]
        if claims:
            key = claims[-1]
        else:
            categorised = [(depth, c) for depth, c in enumerate(chain, 1) if codes[c].category]
            if not categorised:
                continue
            shallow = [c for depth, c in categorised if level is None or depth <= level]
            key = code_key(shallow[-1] if shallow else categorised[0][1])
        mapping[code_id] = key
        if code_id not in has_children:
            structural.add(key)
    return mapping, structural


def _resolve(key: str, merged: dict[str, str]) -> str:
    seen = set()
    while key in merged and key not in seen:
        seen.add(key)
        key = merged[key]
    return key


def assemble(
    session: Session,
    project: Project,
    version: TocVersion | None = None,
    *,
    level: int | None | type[Ellipsis] = ...,
    with_evidence: bool = True,
) -> nx.DiGraph:
    """The Theory of Change of ``project`` as a DiGraph, with the workshop records of
    ``version`` (if given) applied. ``level`` overrides the version's roll-up level.
    Evidence is counted in SQL on every call (under a second at a million codings)."""
    if level is ...:
        level = version.level if version is not None else None
    groups = list(
        session.execute(
            select(Group.id, Group.name)
            .where(Group.project_id == project.id)
            .order_by(Group.position, Group.id)
        ).all()
    )
    group_names = dict(groups)
    codes = load_codes(session, project.id)
    records: list[TocNode] = []
    links: list[TocEdge] = []
    if version is not None:
        records = list(
            session.execute(
                select(TocNode).where(TocNode.version_id == version.id).order_by(TocNode.id)
            ).scalars()
        )
        links = list(
            session.execute(
                select(TocEdge).where(TocEdge.version_id == version.id).order_by(TocEdge.id)
            ).scalars()
        )
    by_key = {r.key: r for r in records}
    claimed = {
        r.code_id: r.key
        for r in records
        if r.hand_made and r.code_id in codes and not r.removed and not r.merged_into
    }
    mapping, structural = node_codes(codes, level, claimed)
    merged = {r.key: r.merged_into for r in records if r.merged_into}
    removed = {r.key for r in records if r.removed}
    chains = _chains(codes)

    graph = nx.DiGraph(
        project=project.name,
        version=version.name if version is not None else None,
        groups=[name for _, name in groups],
        level=level,
    )
    elements: dict[str, dict] = {}

    def add_element(key: str, **attrs) -> None:
        record = by_key.get(key)
        if record is not None and record.label:
            attrs["label"] = record.label
        branch_id = attrs["branch_id"]
        attrs["branch"] = group_names.get(branch_id, SHARED) if branch_id else SHARED
        attrs.setdefault("merged_from", [])
        attrs.setdefault("code_ids", [])
        elements[key] = attrs

    for key in sorted(structural | set(mapping.values())):
        if not key.startswith("code:"):
            continue
        code = codes[int(key.split(":", 1)[1])]
        add_element(
            key,
            label=code.name,
            category=code.category,
            branch_id=code.branch_group_id,
            domain=code.domain,
            code_id=code.id,
            code_path=PATH_SEPARATOR.join(codes[c].name for c in chains[code.id]),
            hand_made=False,
        )
    for record in records:
        if not record.hand_made:
            continue
        linked = codes.get(record.code_id) if record.code_id else None
        source = linked if linked is not None and linked.category else record
        add_element(
            record.key,
            label=record.label or (linked.name if linked else ""),
            category=source.category,
            branch_id=source.branch_group_id,
            domain=source.domain,
            code_id=linked.id if linked else None,
            code_path=PATH_SEPARATOR.join(codes[c].name for c in chains[linked.id])
            if linked
            else None,
            hand_made=True,
        )
    optional = set(mapping.values()) - structural - {r.key for r in records if r.hand_made}

    # Workshop deletions and merges: a merged element's codes count for its target.
    finals = {key: _resolve(key, merged) for key in elements}
    survivors = {k for k, final in finals.items() if final == k and k not in removed}
    for key, final in finals.items():
        if final != key and final in survivors and key not in removed:
            elements[final]["merged_from"].append(key)
            optional.discard(final)
    for code_id, key in mapping.items():
        final = _resolve(key, merged)
        if final in survivors:
            elements[final]["code_ids"].append(code_id)
    elements = {k: v for k, v in elements.items() if k in survivors}

    node_numbers = {key: n for n, key in enumerate(sorted(elements))}
    domains: dict[str, dict] = {}
    for attrs in elements.values():
        if attrs["category"] == "outcome":
            name = attrs["domain"] or NO_DOMAIN
            dkey = domain_key(attrs["branch_id"], name)
            attrs["domain_key"] = dkey
            domains.setdefault(
                dkey,
                dict(
                    label=name,
                    category=DOMAIN,
                    branch_id=attrs["branch_id"],
                    branch=attrs["branch"],
                    domain=name,
                    code_id=None,
                    code_path=None,
                    hand_made=False,
                    merged_from=[],
                    code_ids=[],
                ),
            )
            domains[dkey]["code_ids"].extend(attrs["code_ids"])
    for n, dkey in enumerate(sorted(domains), start=len(node_numbers)):
        node_numbers[dkey] = n

    found: dict[int, ev.Evidence] = {}
    if with_evidence:
        node_map: dict[int, list[int]] = {}
        for key, attrs in [*elements.items(), *domains.items()]:
            for code_id in attrs["code_ids"]:
                node_map.setdefault(code_id, []).append(node_numbers[key])

        found = ev.aggregate(session, node_map, group_names, project.id)
    for key, attrs in [*elements.items(), *domains.items()]:
        evidence = found.get(node_numbers[key], ev.Evidence())
        if key in optional and evidence.codings == 0 and with_evidence:
            continue
        attrs["code_ids"] = sorted(attrs["code_ids"])
        attrs["merged_from"] = sorted(attrs["merged_from"])
        graph.add_node(key, evidence=evidence, thin=evidence.participants == 1, **attrs)
    used = {
        graph.nodes[k]["domain_key"]
        for k in elements
        if k in graph and "domain_key" in graph.nodes[k]
    }
    graph.remove_nodes_from([d for d in domains if d in graph and d not in used])
    _add_edges(graph, links, merged)
    return graph


def _lane(attrs: dict) -> int | None:
    return attrs["branch_id"]


def _add_edges(graph: nx.DiGraph, links: list[TocEdge], merged: dict[str, str]) -> None:
    nodes = graph.nodes
    by_category: dict[str, list[str]] = {c: [] for c in (*CATEGORIES, DOMAIN)}
    for key in sorted(graph.nodes):
        by_category[nodes[key]["category"]].append(key)
    structure: set[tuple[str, str]] = set()
    for r in by_category["resource"]:
        structure.update((r, a) for a in by_category["activity"])
    lanes = {_lane(nodes[k]) for c in ("enabler", "challenge", DOMAIN) for k in by_category[c]}
    for lane in lanes:
        factors = [
            k for c in ("enabler", "challenge") for k in by_category[c] if _lane(nodes[k]) == lane
        ]
        domain_heads = [k for k in by_category[DOMAIN] if _lane(nodes[k]) == lane]
        activities = [
            a for a in by_category["activity"] if _lane(nodes[a]) in (None, lane) or lane is None
        ]
        structure.update((a, f) for a in activities for f in (factors or domain_heads))
        if factors:
            structure.update((f, d) for f in factors for d in domain_heads)
    for key in by_category["outcome"]:
        structure.add((nodes[key]["domain_key"], key))
    tombstones, drawn = set(), {}
    for link in links:
        ends = (_resolve(link.source, merged), _resolve(link.target, merged))
        if link.removed:
            tombstones.add(ends)
        elif ends[0] != ends[1] and all(graph.has_node(e) for e in ends):
            drawn[ends] = link
    for source, target in sorted(structure - tombstones):
        graph.add_edge(source, target, kind=STRUCTURE, label="", rationale="")
    for (source, target), link in drawn.items():
        graph.add_edge(
            source, target, kind=link.kind, label=link.label or "", rationale=link.rationale
        )

"""Assembly: the codebook, the codings and a version's workshop records -> a DiGraph.

One node per code that has a ToC category, at the level of the code tree the version
chose (deeper sub-themes roll up into their ancestor at that level, see
:mod:`~toc_studio.theory.codetree`), plus the hand-made elements; one heading node per
outcome domain of each branch. Edges: the default structure and the team's links
(:mod:`~toc_studio.theory.links`). Evidence is counted in SQL (see ``evidence``).

The stages, each a function over typed values (:class:`~toc_studio.theory.elements.TocElement`):
:func:`load` -> :func:`code_elements` and :func:`hand_made_elements` ->
:func:`apply_workshop` (labels, merges, deletions) -> :func:`outcome_domains` ->
:func:`count_evidence` -> :func:`to_graph`.

Node attributes: ``label``, ``category`` (one of the five, or ``domain`` for a domain
heading), ``branch`` (group name or ``shared``), ``branch_id``, ``domain``, ``code_id``,
``code_path``, ``code_ids`` (codes whose codings count), ``hand_made``, ``thin``,
``merged_from``, ``domain_key`` (outcomes) and ``evidence`` (an :class:`Evidence`). Edge
attributes: ``kind`` (``structure`` or a link kind), ``label``, ``rationale``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.project.models import Group, Project
from toc_studio.theory import evidence as ev
from toc_studio.theory.codetree import CodeInfo, chains, code_path, load_codes, node_codes
from toc_studio.theory.elements import (
    CATEGORIES,
    DOMAIN,
    NO_DOMAIN,
    SHARED,
    TRUNK,
    TocElement,
    code_key,
    domain_key,
)
from toc_studio.theory.links import add_edges, resolve
from toc_studio.theory.models import TocEdge, TocNode, TocVersion

if TYPE_CHECKING:  # networkx is imported where a graph is built (assemble, export_json)
    import networkx as nx

__all__ = [
    "CATEGORIES", "DOMAIN", "NO_DOMAIN", "SHARED", "TRUNK", "TocElement", "code_key",
    "domain_key", "Workshop", "Sources", "load", "code_elements", "hand_made_elements",
    "apply_workshop", "outcome_domains", "count_evidence", "to_graph", "assemble",
]  # fmt: skip


@dataclass(frozen=True)
class Workshop:
    """What a version's workshop said: records about elements (labels, hand-made ones,
    merges, deletions), in the order they were made, and the team's links."""

    records: list[TocNode] = field(default_factory=list)
    links: list[TocEdge] = field(default_factory=list)

    def merged(self) -> dict[str, str]:
        """Each merged element's key -> the key it was merged into."""
        return {r.key: r.merged_into for r in self.records if r.merged_into}

    def removed(self) -> set[str]:
        return {r.key for r in self.records if r.removed}

    def hand_made(self) -> list[TocNode]:
        return [r for r in self.records if r.hand_made]

    def claimed(self, codes: Mapping[int, CodeInfo]) -> dict[int, str]:
        """Codes that a live hand-made element stands for -> that element's key."""
        return {
            r.code_id: r.key
            for r in self.hand_made()
            if r.code_id in codes and not r.removed and not r.merged_into
        }


@dataclass(frozen=True)
class Sources:
    """What assembly reads from the store: the groups (id, name) in branch order, the
    project's codes and the version's workshop."""

    groups: list[tuple[int, str]]
    codes: dict[int, CodeInfo]
    workshop: Workshop

    def group_names(self) -> dict[int, str]:
        return dict(self.groups)

    def branch(self, branch_id: int | None) -> str:
        """The name of the branch of group ``branch_id`` (shared when none or unknown)."""
        return self.group_names().get(branch_id, SHARED) if branch_id else SHARED


def load(session: Session, project: Project, version: TocVersion | None) -> Sources:
    """Stage 1: read the groups, the codes and (for a version) its workshop records."""
    groups = session.execute(
        select(Group.id, Group.name)
        .where(Group.project_id == project.id)
        .order_by(Group.position, Group.id)
    ).all()
    workshop = Workshop()
    if version is not None:
        nodes = select(TocNode).where(TocNode.version_id == version.id).order_by(TocNode.id)
        edges = select(TocEdge).where(TocEdge.version_id == version.id).order_by(TocEdge.id)
        workshop = Workshop(
            list(session.execute(nodes).scalars()), list(session.execute(edges).scalars())
        )
    return Sources([tuple(g) for g in groups], load_codes(session, project.id), workshop)


def code_elements(sources: Sources, keys: set[str]) -> dict[str, TocElement]:
    """Stage 2a: the elements the code tree makes (``keys`` as :func:`node_codes` gives
    them; only code keys make an element here), in key order."""
    codes, paths = sources.codes, chains(sources.codes)
    elements: dict[str, TocElement] = {}
    for key in sorted(keys):
        if not key.startswith("code:"):
            continue
        code = codes[int(key.split(":", 1)[1])]
        elements[key] = TocElement(
            key, code.name, code.category, code.branch_group_id,
            sources.branch(code.branch_group_id), code.domain,
            code_id=code.id, code_path=code_path(codes, paths[code.id]),
        )  # fmt: skip
    return elements


def hand_made_elements(sources: Sources) -> dict[str, TocElement]:
    """Stage 2b: the hand-made elements. One linked to a categorised code takes its place
    in the diagram (category, branch, domain) from the code."""
    codes, paths = sources.codes, chains(sources.codes)
    elements: dict[str, TocElement] = {}
    for record in sources.workshop.hand_made():
        linked = codes.get(record.code_id) if record.code_id else None
        source = linked if linked is not None and linked.category else record
        elements[record.key] = TocElement(
            record.key, record.label or (linked.name if linked else ""), source.category,
            source.branch_group_id, sources.branch(source.branch_group_id), source.domain,
            code_id=linked.id if linked else None,
            code_path=code_path(codes, paths[linked.id]) if linked else None, hand_made=True,
        )  # fmt: skip
    return elements


def apply_workshop(
    elements: dict[str, TocElement], mapping: Mapping[int, str], workshop: Workshop
) -> dict[str, TocElement]:
    """Stage 3: the workshop's labels, merges and deletions. A merged element's codes count
    for the element it was merged into; returns the elements that remain, in order."""
    for record in workshop.records:
        if record.label and record.key in elements:
            elements[record.key].label = record.label
    merged, removed = workshop.merged(), workshop.removed()
    finals = {key: resolve(key, merged) for key in elements}
    survivors = {k for k, final in finals.items() if final == k and k not in removed}
    for key, final in finals.items():
        if final != key and final in survivors and key not in removed:
            elements[final].merged_from.append(key)
    for code_id, key in mapping.items():
        final = resolve(key, merged)
        if final in survivors:
            elements[final].code_ids.append(code_id)
    return {k: e for k, e in elements.items() if k in survivors}


def outcome_domains(elements: Mapping[str, TocElement]) -> dict[str, TocElement]:
    """Stage 4: one heading per outcome domain of each branch, counting the codes of its
    outcomes (outcomes without a domain go under :data:`NO_DOMAIN`)."""
    domains: dict[str, TocElement] = {}
    for element in elements.values():
        if element.category != "outcome":
            continue
        name = element.domain or NO_DOMAIN
        element.domain_key = dkey = domain_key(element.branch_id, name)
        if dkey not in domains:
            domains[dkey] = TocElement(dkey, name, DOMAIN, element.branch_id, element.branch, name)
        domains[dkey].code_ids.extend(element.code_ids)
    return domains


def count_evidence(
    session: Session,
    sources: Sources,
    project_id: int,
    elements: Mapping[str, TocElement],
    domains: Mapping[str, TocElement],
) -> dict[str, ev.Evidence]:
    """Stage 5: the evidence of every element and domain heading, summed in one statement
    from the evidence tally (:mod:`toc_studio.coding.analysis.tally`, its stale pairs
    recounted first); keys without codings are left out."""
    numbers = {key: n for n, key in enumerate([*sorted(elements), *sorted(domains)])}
    node_map: dict[int, list[int]] = {}
    for key, element in [*elements.items(), *domains.items()]:
        for code_id in element.code_ids:
            node_map.setdefault(code_id, []).append(numbers[key])
    found = ev.aggregate(session, node_map, sources.group_names(), project_id)
    return {key: found[n] for key, n in numbers.items() if n in found}


def to_graph(
    graph: nx.DiGraph,
    elements: Mapping[str, TocElement],
    domains: Mapping[str, TocElement],
    evidence: Mapping[str, ev.Evidence] | None,
    optional: set[str],
) -> nx.DiGraph:
    """Stage 6: the nodes of ``graph``. An optional element (a code with sub-themes, shown
    only when coded) without codings is left out when evidence is counted (``evidence`` is
    None when it is not); a domain heading without outcomes goes too."""
    for key, element in [*elements.items(), *domains.items()]:
        found = (evidence or {}).get(key, ev.Evidence())
        if key in optional and found.codings == 0 and evidence is not None:
            continue
        attributes = element.node_attributes()
        graph.add_node(key, evidence=found, thin=found.participants == 1, **attributes)
    used = {elements[k].domain_key for k in elements if k in graph}
    graph.remove_nodes_from([d for d in domains if d in graph and d not in used])
    return graph


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
    Evidence is summed from the evidence tally on every call."""
    if level is ...:
        level = version.level if version is not None else None
    sources = load(session, project, version)
    workshop = sources.workshop
    mapping, structural = node_codes(sources.codes, level, workshop.claimed(sources.codes))
    elements = code_elements(sources, structural | set(mapping.values()))
    elements.update(hand_made_elements(sources))
    hand_made = {r.key for r in workshop.hand_made()}
    elements = apply_workshop(elements, mapping, workshop)
    absorbing = {k for k, e in elements.items() if e.merged_from}
    optional = set(mapping.values()) - structural - hand_made - absorbing
    domains = outcome_domains(elements)
    evidence = None
    if with_evidence:
        evidence = count_evidence(session, sources, project.id, elements, domains)
    import networkx as nx

    graph = nx.DiGraph(
        project=project.name,
        version=version.name if version is not None else None,
        groups=[name for _, name in sources.groups],
        level=level,
    )
    to_graph(graph, elements, domains, evidence, optional)
    add_edges(graph, workshop.links, workshop.merged())
    return graph

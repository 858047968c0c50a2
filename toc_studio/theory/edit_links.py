"""Workshop edits of causal links: add, relabel and remove ("leads to", "enables",
"hinders", with a rationale); a default structural link can be removed too."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.errors import Invalid, NotFound
from toc_studio.history import Change
from toc_studio.project.models import Project
from toc_studio.theory.assemble import assemble
from toc_studio.theory.edit_log import Edit, editing
from toc_studio.theory.locking import link_target, raise_version
from toc_studio.theory.models import LINK_KINDS, STRUCTURE, TocEdge, TocEdit, TocVersion


def _edge_row(session: Session, version: TocVersion, source: str, target: str) -> TocEdge | None:
    return (
        session.execute(
            select(TocEdge).where(
                TocEdge.version_id == version.id,
                TocEdge.source == source,
                TocEdge.target == target,
            )
        )
        .scalars()
        .first()
    )


def _link_ends(session: Session, project: Project, version: TocVersion, source: str, target: str):
    graph = assemble(session, project, version, with_evidence=False)
    for key in (source, target):
        if key not in graph:
            raise NotFound(f"The working version has no element {key!r}.")
    if source == target:
        raise Invalid("A link needs two different elements.")
    return graph


def _kind(kind: str) -> str:
    if kind not in LINK_KINDS:
        raise Invalid(f"A link is one of: {', '.join(LINK_KINDS)} (not {kind!r}).")
    return kind


def _edge_to_change(
    session: Session, version: TocVersion, source: str, target: str, edit: Edit, kind: str
) -> TocEdge:
    """The stored row of the link ``source`` -> ``target``, about to change; a new one (of
    ``kind``) when the link has no row yet."""
    row = _edge_row(session, version, source, target)
    if row is None:
        row = TocEdge(version_id=version.id, source=source, target=target, kind=kind)
        edit.created(row)
    else:
        edit.before(row)
    return row


def add_link(
    session: Session,
    project: Project,
    version: TocVersion,
    source: str,
    target: str,
    kind: str = "leads to",
    label: str = "",
    rationale: str = "",
    *,
    author: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> TocEdit:
    """Draw a causal link ("leads to", "enables", "hinders") from ``source`` to ``target``."""
    with editing(session, version, author=author, note=note or rationale) as edit:
        _kind(kind)
        graph = _link_ends(session, project, version, source, target)
        labels = graph.nodes[source]["label"], graph.nodes[target]["label"]
        edit.change = Change.link_added(labels[0], kind, labels[1])
        row = _edge_to_change(session, version, source, target, edit, kind)
        raise_version(session, edit, row, link_target(source, target), expected_version)
        row.kind, row.label, row.rationale, row.removed = kind, label or "", rationale or "", False
    return edit.record


def remove_link(
    session: Session,
    project: Project,
    version: TocVersion,
    source: str,
    target: str,
    *,
    author: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> TocEdit:
    """Remove a link, a causal one or a default one that follows the structure."""
    with editing(session, version, author=author, note=note) as edit:
        graph = _link_ends(session, project, version, source, target)
        if not graph.has_edge(source, target):
            raise NotFound("There is no link between those two elements.")
        labels = graph.nodes[source]["label"], graph.nodes[target]["label"]
        edit.change = Change.link_removed(*labels)
        row = _edge_to_change(session, version, source, target, edit, STRUCTURE)
        raise_version(session, edit, row, link_target(source, target), expected_version)
        row.removed = True
    return edit.record


def relabel_link(
    session: Session,
    project: Project,
    version: TocVersion,
    source: str,
    target: str,
    *,
    kind: str | None = None,
    label: str | None = None,
    rationale: str | None = None,
    author: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> TocEdit:
    """Change a causal link's kind, label or rationale."""
    with editing(session, version, author=author, note=note) as edit:
        row = _edge_row(session, version, source, target)
        if row is None or row.removed or row.kind == STRUCTURE:
            raise NotFound("There is no causal link between those two elements; add one first.")
        kind = row.kind if kind is None else _kind(kind)
        edit.change = Change.link_relabelled(kind)
        edit.before(row)
        raise_version(session, edit, row, link_target(source, target), expected_version)
        row.kind = kind
        row.label = row.label if label is None else label
        row.rationale = row.rationale if rationale is None else rationale
    return edit.record

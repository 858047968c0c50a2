"""Workshop edits of causal links: add, relabel and remove ("leads to", "enables",
"hinders", with a rationale); a default structural link can be removed too."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.errors import Invalid, NotFound
from toc_studio.project.models import Project
from toc_studio.theory.assemble import assemble
from toc_studio.theory.edit_log import Log, record
from toc_studio.theory.models import LINK_KINDS, STRUCTURE, TocEdge, TocEdit, TocVersion
from toc_studio.theory.versions import require_working


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
) -> TocEdit:
    """Draw a causal link ("leads to", "enables", "hinders") from ``source`` to ``target``."""
    require_working(version)
    if kind not in LINK_KINDS:
        raise Invalid(f"A link is one of: {', '.join(LINK_KINDS)} (not {kind!r}).")
    graph = _link_ends(session, project, version, source, target)
    log = Log(session)
    row = _edge_row(session, version, source, target)
    if row is None:
        row = TocEdge(version_id=version.id, source=source, target=target)
        log.created(row)
    else:
        log.before(row)
    row.kind, row.label, row.rationale, row.removed = kind, label or "", rationale or "", False
    session.add(row)
    summary = f"Linked {graph.nodes[source]['label']!r} {kind} {graph.nodes[target]['label']!r}"
    return record(session, version, log, "add link", summary, author, note or rationale)


def remove_link(
    session: Session,
    project: Project,
    version: TocVersion,
    source: str,
    target: str,
    *,
    author: str = "",
    note: str = "",
) -> TocEdit:
    """Remove a link, a causal one or a default one that follows the structure."""
    require_working(version)
    graph = _link_ends(session, project, version, source, target)
    if not graph.has_edge(source, target):
        raise NotFound("There is no link between those two elements.")
    log = Log(session)
    row = _edge_row(session, version, source, target)
    if row is None:
        row = TocEdge(version_id=version.id, source=source, target=target, kind=STRUCTURE)
        log.created(row)
    else:
        log.before(row)
    row.removed = True
    session.add(row)
    summary = (
        f"Removed the link {graph.nodes[source]['label']!r} -> {graph.nodes[target]['label']!r}"
    )
    return record(session, version, log, "remove link", summary, author, note)


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
) -> TocEdit:
    """Change a causal link's kind, label or rationale."""
    require_working(version)
    row = _edge_row(session, version, source, target)
    if row is None or row.removed or row.kind == STRUCTURE:
        raise NotFound("There is no causal link between those two elements; add one first.")
    if kind is not None and kind not in LINK_KINDS:
        raise Invalid(f"A link is one of: {', '.join(LINK_KINDS)} (not {kind!r}).")
    log = Log(session)
    log.before(row)
    row.kind = kind or row.kind
    row.label = row.label if label is None else label
    row.rationale = row.rationale if rationale is None else rationale
    session.add(row)
    return record(
        session, version, log, "relabel link", f"Relabelled a link ({row.kind})", author, note
    )

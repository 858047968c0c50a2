"""Versions of a project's Theory of Change: one working version, any number frozen.

Freezing keeps a version forever: its whole diagram (with the evidence counts of that
day and its edit log) is stored in the stable JSON form. The team then goes on in a new
working version that starts as a copy of the frozen one's workshop records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding.models import Code
from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.project.models import Project
from toc_studio.theory import export_json
from toc_studio.theory.annotations import attach_notes
from toc_studio.theory.assemble import assemble
from toc_studio.theory.models import TocEdge, TocEdit, TocNode, TocVersion
from toc_studio.theory.phases import phases_drawn_on
from toc_studio.timeutil import utcnow

if TYPE_CHECKING:  # networkx is imported where a graph is built (assemble, export_json)
    import networkx as nx

WORKING_NAME = "Working draft"


def _clean(name: str, what: str = "version") -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise Invalid(f"A {what} needs a name.")
    return cleaned


def list_versions(session: Session, project: Project) -> list[TocVersion]:
    """Every version of the project, oldest first; the working version comes last."""
    return list(
        session.execute(
            select(TocVersion)
            .where(TocVersion.project_id == project.id)
            .order_by(TocVersion.frozen.desc(), TocVersion.created, TocVersion.id)
        ).scalars()
    )


def working_version(session: Session, project: Project) -> TocVersion:
    """The project's working version, created (empty of workshop edits) on first use."""
    version = (
        session.execute(
            select(TocVersion).where(
                TocVersion.project_id == project.id, TocVersion.frozen.is_(False)
            )
        )
        .scalars()
        .first()
    )
    if version is None:
        version = TocVersion(project_id=project.id, name=_free_name(session, project))
        session.add(version)
        session.flush()
    return version


def _free_name(session: Session, project: Project, base: str = WORKING_NAME) -> str:
    taken = {v.name for v in list_versions(session, project)}
    name, n = base, 2
    while name in taken:
        name, n = f"{base} {n}", n + 1
    return name


def get_version(session: Session, project: Project, name_or_id: str | int) -> TocVersion:
    """A version by id or exact name; "working" names the working version."""
    if isinstance(name_or_id, str) and name_or_id.strip().casefold() == "working":
        return working_version(session, project)
    stmt = select(TocVersion).where(TocVersion.project_id == project.id)
    if isinstance(name_or_id, int):
        stmt = stmt.where(TocVersion.id == name_or_id)
    else:
        stmt = stmt.where(TocVersion.name == name_or_id)
    version = session.execute(stmt).scalars().first()
    if version is None:
        known = ", ".join(repr(v.name) for v in list_versions(session, project)) or "none yet"
        raise NotFound(
            f"Project {project.name!r} has no Theory of Change version {name_or_id!r} "
            f"(versions: {known}; 'working' names the working version)."
        )
    return version


def require_working(version: TocVersion) -> None:
    if version.frozen:
        raise Conflict(
            f"{version.name!r} is frozen and cannot change. Edit the working version instead."
        )


def version_graph(session: Session, project: Project, version: TocVersion) -> nx.DiGraph:
    """The diagram of a version: assembled live for the working version, read from the
    snapshot for a frozen one."""
    if version.frozen and version.snapshot:
        return export_json.graph_from_dict(json.loads(version.snapshot))
    return attach_notes(session, project, assemble(session, project, version))


def version_document(session: Session, project: Project, version: TocVersion) -> dict:
    """The stable JSON form of a version (see the README)."""
    if version.frozen and version.snapshot:
        return json.loads(version.snapshot)
    graph = attach_notes(session, project, assemble(session, project, version))
    document = export_json.to_dict(graph, edits=edit_log(session, version))
    document["note"] = version.note
    document["phases"] = phases_drawn_on(session, project, graph)
    return document


def edit_log(session: Session, version: TocVersion) -> list[TocEdit]:
    return list(
        session.execute(
            select(TocEdit).where(TocEdit.version_id == version.id).order_by(TocEdit.id)
        ).scalars()
    )


def freeze(
    session: Session, project: Project, name: str, note: str = ""
) -> tuple[TocVersion, TocVersion]:
    """Freeze the working version under ``name`` with ``note``; return (frozen, new working).

    The new working version starts as a copy of the frozen one's workshop records.
    """
    access.require(session, project.id, "lead", "freeze a version of the Theory of Change")
    name = _clean(name)
    version = working_version(session, project)
    clash = session.execute(
        select(TocVersion.id).where(
            TocVersion.project_id == project.id,
            TocVersion.name == name,
            TocVersion.id != version.id,
        )
    ).first()
    if clash:
        raise Conflict(f"There is already a version called {name!r}; choose another name.")
    version.name = name
    version.note = note or version.note
    graph = attach_notes(session, project, assemble(session, project, version))
    document = export_json.to_dict(graph, edits=edit_log(session, version))
    document["version"] = name
    document["note"] = version.note
    document["phases"] = phases_drawn_on(session, project, graph)
    version.phases = json.dumps(document["phases"], ensure_ascii=False)
    version.snapshot = export_json.dumps(document)
    version.frozen = True
    version.frozen_at = utcnow()
    session.add(version)
    session.flush()
    successor = TocVersion(
        project_id=project.id,
        name=_free_name(session, project),
        level=version.level,
        based_on_id=version.id,
    )
    session.add(successor)
    session.flush()
    _copy_records(session, version, successor)
    return version, successor


def _copy_records(
    session: Session, source: TocVersion, target: TocVersion, stale: frozenset[str] = frozenset()
) -> tuple[int, int]:
    """Copy ``source``'s workshop records into ``target``, leaving out those about an
    element key in ``stale`` (a record of it, a link from or to it) and clearing a merge
    into one. Returns (records left out, merges cleared)."""
    left_out = cleared = 0
    for node in session.execute(select(TocNode).where(TocNode.version_id == source.id)).scalars():
        if node.key in stale:
            left_out += 1
            continue
        data = node.model_dump(exclude={"id", "version_id"})
        if data["merged_into"] in stale:
            data["merged_into"], cleared = None, cleared + 1
        session.add(TocNode(version_id=target.id, **data))
    for edge in session.execute(select(TocEdge).where(TocEdge.version_id == source.id)).scalars():
        if edge.source in stale or edge.target in stale:
            left_out += 1
            continue
        data = edge.model_dump(exclude={"id", "version_id"})
        session.add(TocEdge(version_id=target.id, **data))
    session.flush()
    return left_out, cleared


@dataclass(frozen=True)
class Restarted:
    """The working version restarted from a frozen one, and what of it was left out."""

    version: TocVersion
    left_out: int  # records of (and links from or to) codes gone since the freeze
    cleared: int  # workshop merges into such a code, undone in the copy
    said: str


def _stale_keys(session: Session, project: Project, frozen: TocVersion) -> frozenset[str]:
    """The ``code:<id>`` keys ``frozen``'s records name whose code is gone (merged into
    another or deleted since): no merge trail is kept, so they cannot be mapped."""
    named = set()
    for model, columns in ((TocNode, ("key", "merged_into")), (TocEdge, ("source", "target"))):
        for row in session.execute(
            select(*(getattr(model, c) for c in columns)).where(model.version_id == frozen.id)
        ):
            named.update(key for key in row if key and key.startswith("code:"))
    alive = {
        f"code:{code_id}"
        for code_id in session.execute(select(Code.id).where(Code.project_id == project.id))
        .scalars()
    }  # fmt: skip
    return frozenset(named - alive)


def restart_from(session: Session, project: Project, frozen: TocVersion) -> Restarted:
    """Throw away the working version's records and start again from ``frozen``'s; what
    they say about codes merged away or deleted since is left out (see ``Restarted``)."""
    access.require(session, project.id, "lead", "edit the Theory of Change")
    if not frozen.frozen:
        raise Invalid(f"{frozen.name!r} is not frozen; a working version starts from a frozen one.")
    working = working_version(session, project)
    for model in (TocNode, TocEdge, TocEdit):
        for row in session.execute(select(model).where(model.version_id == working.id)).scalars():
            session.delete(row)
    working.level = frozen.level
    working.based_on_id = frozen.id
    session.add(working)
    session.flush()
    stale = _stale_keys(session, project, frozen)
    left_out, cleared = _copy_records(session, frozen, working, stale)
    said = f"Restarted the working version from {frozen.name!r}."
    if left_out or cleared:
        said += (
            f" {left_out} of its notes (element records and links) named codes merged away or"
            f" deleted since and were left out"
            + (f"; {cleared} merge(s) into such codes were undone" if cleared else "")
            + "."
        )
    return Restarted(working, left_out, cleared, said)

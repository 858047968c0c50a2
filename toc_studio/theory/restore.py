"""A project's Theory of Change versions in a portable form, and back.

What a project exchange (``report.refi``) needs to carry versions from one store to
another: every version with its workshop records (hand-made elements, renames, merges,
deletions, links with their rationales), its edit log, and a frozen version's snapshot
(the stable JSON form of its diagram on the day it was frozen). Store ids do not travel:
codes are named by their path (a list of names, so a name may contain "/"), groups and
versions by their names, and the ids inside element keys (``code:<id>``,
``domain:<group id>:<domain>``) and snapshots are rewritten for the new store.

The edit log comes back with who, when, what, why and whether each edit was undone,
and with each edit's undo steps (:mod:`toc_studio.history`) rewritten for the new store's
rows, so that undo goes on working after an import; a step about a row that is not in
the new store (a code left out, say) is dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding.codebook import list_codes
from toc_studio.project import projects
from toc_studio.project.models import Project
from toc_studio.theory.edit_log import stored_change
from toc_studio.theory.models import TocEdge, TocEdit, TocNode, TocVersion
from toc_studio.theory.versions import edit_log, list_versions, version_document

FORMAT = "toc-studio/versions 1"
_KEY = re.compile(r"^(?P<kind>code|domain):(?P<id>\d+|shared)(?P<rest>(?::.*)?)$", re.S)
NODE_FIELDS = ("key", "label", "category", "domain", "hand_made", "removed", "merged_into")
EDGE_FIELDS = ("source", "target", "kind", "label", "rationale", "removed")


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def portable_versions(session: Session, project: Project) -> dict:
    """Every version of ``project`` in the portable form, oldest first, each with its JSON
    form (``form``: what ``toc-studio toc export`` writes) beside its records."""
    codes = {c.id: c for c in list_codes(session, project)}

    def path(code_id: int) -> list[str]:
        names, seen = [], set()
        while code_id in codes and code_id not in seen:
            seen.add(code_id)
            names.append(codes[code_id].name)
            code_id = codes[code_id].parent_id
        return names[::-1]

    groups = {g.id: g.name for g in projects.list_groups(session, project)}
    versions = list_versions(session, project)
    names = {v.id: v.name for v in versions}
    return {
        "format": FORMAT,
        "codes": {str(i): path(i) for i in codes},
        "groups": {str(i): name for i, name in groups.items()},
        "versions": [_portable(session, project, v, names) for v in versions],
    }


def _portable(session: Session, project: Project, version: TocVersion, names: dict) -> dict:
    nodes = session.execute(
        select(TocNode).where(TocNode.version_id == version.id).order_by(TocNode.id)
    ).scalars()
    edges = session.execute(
        select(TocEdge).where(TocEdge.version_id == version.id).order_by(TocEdge.id)
    ).scalars()
    return {
        "name": version.name,
        "note": version.note,
        "created": _when(version.created),
        "frozen": bool(version.frozen),
        "frozen_at": _when(version.frozen_at),
        "level": version.level,
        "based_on": names.get(version.based_on_id),
        "snapshot": json.loads(version.snapshot) if version.snapshot else None,
        "form": version_document(session, project, version),
        "id": version.id,
        "nodes": [
            {
                **{f: getattr(n, f) for f in NODE_FIELDS},
                "id": n.id,
                "code": n.code_id,
                "branch": n.branch_group_id,
            }
            for n in nodes
        ],
        "edges": [{**{f: getattr(e, f) for f in EDGE_FIELDS}, "id": e.id} for e in edges],
        "edits": [
            {
                "author": e.author,
                "at": _when(e.at),
                "action": e.action,
                "summary": e.summary,
                "note": e.note,
                "undone": bool(e.undone),
                "undo": stored_change(e).steps,
            }
            for e in edit_log(session, version)
        ],
    }


class _Ids:
    """Old store ids -> this project's: codes by path, groups by name."""

    def __init__(self, session: Session, project: Project, data: dict) -> None:
        new_codes = {c.id: c for c in list_codes(session, project)}
        by_path: dict[tuple[str, ...], int] = {}
        for code_id in new_codes:
            names, at = [], code_id
            while at in new_codes:
                names.append(new_codes[at].name)
                at = new_codes[at].parent_id
            by_path[tuple(names[::-1])] = code_id
        self.codes = {
            int(old): by_path.get(tuple(names))
            for old, names in (data.get("codes") or {}).items()
            if str(old).isdigit()
        }
        groups = {g.name.casefold(): g.id for g in projects.list_groups(session, project)}
        self.groups: dict[int, int | None] = {}
        for old, name in (data.get("groups") or {}).items():
            if not str(old).isdigit() or not str(name).strip():
                continue
            if str(name).casefold() not in groups:
                group = projects.add_group(session, project, str(name))
                groups[group.name.casefold()] = group.id
            self.groups[int(old)] = groups[str(name).casefold()]
        self.missing: set[str] = set()

    def code(self, old: int | None) -> int | None:
        return self.codes.get(old) if old is not None else None

    def group(self, old: int | None) -> int | None:
        return self.groups.get(old) if old is not None else None

    def key(self, key: str | None) -> str | None:
        """An element key with this store's ids; None when its code is not here."""
        if not key:
            return key
        match = _KEY.match(key)
        if match is None or match["id"] == "shared":
            return key
        old = int(match["id"])
        new = self.code(old) if match["kind"] == "code" else self.group(old)
        if new is None:
            self.missing.add(key)
            return None
        return f"{match['kind']}:{new}{match['rest']}"


def restore_versions(session: Session, project: Project, data: dict) -> list[str]:
    """Create the versions of ``data`` (from :func:`portable_versions`) in ``project``,
    which has none yet; return warnings about what could not be carried over."""
    access.require(session, project.id, "lead", "restore versions of the Theory of Change")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return ["The Theory of Change versions are in a form this version cannot read."]
    if list_versions(session, project):
        return ["The project already has Theory of Change versions; none were restored."]
    ids = _Ids(session, project, data)
    made: dict[str, TocVersion] = {}
    pending: list[tuple[TocVersion, str]] = []
    for entry in data.get("versions") or []:
        version = _version(session, project, entry, ids)
        made[version.name] = version
        if entry.get("based_on"):
            pending.append((version, entry["based_on"]))
    for version, based_on in pending:
        if based_on in made:
            version.based_on_id = made[based_on].id
            session.add(version)
    session.flush()
    warnings = []
    if ids.missing:
        warnings.append(
            f"{len(ids.missing)} Theory of Change element(s) or link(s) name codes that are "
            "not in the imported codebook; they were left out."
        )
    return warnings


def _version(session: Session, project: Project, entry: dict, ids: _Ids) -> TocVersion:
    snapshot = entry.get("snapshot")
    if snapshot is not None:
        snapshot = _rewrite_snapshot(snapshot, ids.key, project.name)
    version = TocVersion(
        project_id=project.id,
        name=" ".join(str(entry.get("name") or "").split())[:200] or "Imported version",
        note=str(entry.get("note") or ""),
        frozen=bool(entry.get("frozen")),
        frozen_at=_parse(entry.get("frozen_at")),
        level=entry.get("level") if isinstance(entry.get("level"), int) else None,
        snapshot=_dumps(snapshot) if snapshot is not None else None,
    )
    if created := _parse(entry.get("created")):
        version.created = created
    session.add(version)
    session.flush()
    rows = {"toc_version": {entry.get("id"): version.id}, "code": ids.codes}
    rows["toc_node"], rows["toc_edge"] = {}, {}
    for node in entry.get("nodes") or []:
        key = ids.key(node.get("key"))
        if key is None:
            continue
        fields = {f: node.get(f) for f in NODE_FIELDS if f != "key"}
        fields["merged_into"] = ids.key(fields["merged_into"])
        fields["hand_made"], fields["removed"] = bool(fields["hand_made"]), bool(fields["removed"])
        row = TocNode(version_id=version.id, key=key, **fields)
        row.code_id, row.branch_group_id = ids.code(node.get("code")), ids.group(node.get("branch"))
        session.add(row)
        session.flush()
        rows["toc_node"][node.get("id")] = row.id
    for edge in entry.get("edges") or []:
        source, target = ids.key(edge.get("source")), ids.key(edge.get("target"))
        if source is None or target is None:
            continue
        fields = {f: edge.get(f) for f in EDGE_FIELDS if f not in ("source", "target")}
        fields["removed"] = bool(fields["removed"])
        row = TocEdge(version_id=version.id, source=source, target=target, **fields)
        session.add(row)
        session.flush()
        rows["toc_edge"][edge.get("id")] = row.id
    steps = _Steps(ids, rows)
    for edit in entry.get("edits") or []:
        _restore_edit(session, version, edit, steps)
    session.flush()
    return version


def _restore_edit(session: Session, version: TocVersion, edit: dict, steps: _Steps) -> None:
    author = " ".join(str(edit.get("author") or "").split())
    coder = projects.get_or_create_coder(session, author) if author else None
    row = TocEdit(
        version_id=version.id,
        author_id=coder.id if coder else None,
        author=coder.name if coder else "",
        action=str(edit.get("action") or "edit")[:40],
        summary=str(edit.get("summary") or ""),
        note=str(edit.get("note") or ""),
        undo=json.dumps(steps.rewrite(edit.get("undo") or []), ensure_ascii=False),
        undone=bool(edit.get("undone")),
    )
    if at := _parse(edit.get("at")):
        row.at = at
    session.add(row)


class _Steps:
    """Undo steps (see :mod:`toc_studio.history`) with the new store's row ids and keys."""

    KEYS = ("key", "merged_into", "source", "target")
    NEEDED = (*KEYS, "version_id")  # a row whose value of these is lost is left out

    def __init__(self, ids: _Ids, rows: dict[str, dict]) -> None:
        self.ids = ids
        self.rows = rows

    def rewrite(self, steps: list) -> list[dict]:
        found = []
        for step in steps:
            rows = self.rows.get(step.get("table")) if isinstance(step, dict) else None
            if rows is None:
                continue
            op, new = step.get("op"), dict(step)
            if op in ("remove", "set"):
                new["ids"] = [rows[i] for i in step.get("ids", []) if rows.get(i) is not None]
                if op == "set":
                    new["old"] = self._value(step.get("column"), step.get("old"))
                keep = bool(new["ids"])
            elif op == "setrow":
                new["id"] = rows.get(step.get("id"))
                new["values"] = self._values(step.get("values") or {})
                keep = new["id"] is not None and new["values"] is not None
            elif op == "reinsert":
                new["rows"] = [
                    self._values({**r, "id": rows.get(r.get("id"))}) for r in step["rows"]
                ]
                new["rows"] = [r for r in new["rows"] if r is not None and r["id"] is not None]
                keep = bool(new["rows"])
            else:
                keep = False
            if keep:
                found.append(new)
        return found

    def _values(self, values: dict) -> dict | None:
        """A row's values with new ids; None when a key names a code not in this store."""
        new = {name: self._value(name, value) for name, value in values.items()}
        missing = any(new.get(k) is None and values.get(k) is not None for k in self.NEEDED)
        return None if missing else new

    def _value(self, column: str | None, value):
        if value is None:
            return None
        if column in self.KEYS:
            return self.ids.key(value)
        if column == "version_id":
            return self.rows["toc_version"].get(value)
        if column == "code_id":
            return self.ids.code(value)
        if column == "branch_group_id":
            return self.ids.group(value)
        return value


def _rewrite_snapshot(snapshot: dict, key: Callable[[str], str | None], name: str) -> dict:
    """A frozen version's JSON form with this store's ids (elements whose code is not here
    keep their old key: a frozen diagram never changes)."""
    document = dict(snapshot)
    document["project"] = name

    def new(old: str) -> str:
        return key(old) or old

    document["nodes"] = [
        {**n, "id": new(n["id"]), "merged_from": [new(m) for m in n.get("merged_from", [])]}
        for n in snapshot.get("nodes", [])
    ]
    document["edges"] = [
        {**e, "source": new(e["source"]), "target": new(e["target"])}
        for e in snapshot.get("edges", [])
    ]
    return document


def _dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

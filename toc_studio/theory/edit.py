"""Workshop editing of the working version, every edit logged with who and when, undoable.

Element edits: add, rename, move (category, branch, domain), merge, delete, link a
hand-made element to a code. Link edits: add, remove, relabel causal links ("leads to",
"enables", "hinders"), with a rationale. Moving an element that comes from a code moves
the code itself: the code is the one source of truth for its ToC meaning.

Each edit goes through :func:`toc_studio.theory.edit_log.editing`, which requires the
working version, records the edit (a :class:`toc_studio.history.Change`: what it is, and
the rows it touched as they were before or the ids of rows it created) with its author and
note, in one savepoint. Undo restores them, newest edit first.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from toc_studio.coding import codebook, versioning
from toc_studio.coding.models import Category, Code
from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.history import Change
from toc_studio.project import projects
from toc_studio.project.models import Project
from toc_studio.theory.assemble import DOMAIN, assemble
from toc_studio.theory.edit_links import add_link, relabel_link, remove_link
from toc_studio.theory.edit_log import Edit, editing, undo_last
from toc_studio.theory.locking import raise_version
from toc_studio.theory.models import TocEdit, TocNode, TocVersion

__all__ = [
    "add_node",
    "rename_node",
    "move_node",
    "merge_nodes",
    "delete_node",
    "link_node_to_code",
    "add_link",
    "remove_link",
    "relabel_link",
    "set_level",
    "undo_last",
]


def _elements(session: Session, project: Project, version: TocVersion) -> dict[str, dict]:
    graph = assemble(session, project, version, with_evidence=False)
    return {k: a for k, a in graph.nodes(data=True) if a["category"] != DOMAIN}


def _element(elements: dict[str, dict], key: str) -> dict:
    if key.startswith("domain:"):
        raise Invalid("Outcome domains are headings: edit the outcomes in them instead.")
    if key not in elements:
        raise NotFound(f"The working version has no element {key!r}.")
    return elements[key]


def _node_row(session: Session, version: TocVersion, key: str, log: Edit) -> TocNode:
    row = (
        session.execute(select(TocNode).where(TocNode.version_id == version.id, TocNode.key == key))
        .scalars()
        .first()
    )
    if row is None:
        row = TocNode(version_id=version.id, key=key)
        log.created(row)
    else:
        log.before(row)
    return row


def _branch_id(session: Session, project: Project, branch: str | None) -> int | None:
    if branch in (None, "", "shared"):
        return None
    return projects.get_group(session, project, branch).id


def _label(label: str | None, missing: str) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise Invalid(missing)
    return label


def _category(category: str) -> str:
    try:
        return Category(str(category).strip().lower()).value
    except ValueError as exc:
        raise Invalid(
            f"Unknown category {category!r}; use one of: {', '.join(c.value for c in Category)}."
        ) from exc


def add_node(
    session: Session,
    project: Project,
    version: TocVersion,
    label: str,
    category: str,
    branch: str | None = None,
    domain: str | None = None,
    *,
    author: str = "",
    note: str = "",
) -> str:
    """Add a hand-made element (no evidence yet); returns its key."""
    key = f"hand:{uuid.uuid4().hex[:12]}"
    with editing(session, version, author=author, note=note) as edit:
        label = _label(label, "A new element needs a label.")
        edit.change = Change.element_added(category, label)
        edit.created(
            TocNode(
                version_id=version.id,
                key=key,
                label=label,
                category=_category(category),
                branch_group_id=_branch_id(session, project, branch),
                domain=domain or None,
                hand_made=True,
            )
        )
    return key


def rename_node(
    session: Session,
    project: Project,
    version: TocVersion,
    key: str,
    label: str,
    *,
    author: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> TocEdit:
    with editing(session, version, author=author, note=note) as edit:
        old = _element(_elements(session, project, version), key)["label"]
        label = _label(label, "An element needs a label.")
        edit.change = Change.element_renamed(old, label)
        row = _node_row(session, version, key, edit)
        raise_version(session, edit, row, key, expected_version)
        row.label = label
    return edit.record


def move_node(
    session: Session,
    project: Project,
    version: TocVersion,
    key: str,
    *,
    category: str | None = None,
    branch: str | None | type[Ellipsis] = ...,
    domain: str | None | type[Ellipsis] = ...,
    author: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> TocEdit:
    """Move an element to another category, branch (group name or "shared") or domain.
    For an element from a code, the code's own category, branch or domain changes."""
    with editing(session, version, author=author, note=note) as edit:
        attrs = _element(_elements(session, project, version), key)
        values, moves = {}, []
        if category is not None:
            values["category"] = _category(category)
            moves.append(f"category {values['category']}")
        if branch is not ...:
            values["branch_group_id"] = _branch_id(session, project, branch)
            moves.append(f"branch {branch or 'shared'}")
        if domain is not ...:
            values["domain"] = domain or None
            moves.append(f"domain {domain or 'none'}")
        if not moves:
            raise Invalid("Say where to move the element: a category, a branch or a domain.")
        edit.change = Change.element_moved(attrs["label"], moves)
        node = _node_row(session, version, key, edit)
        raise_version(session, edit, node, key, expected_version)
        if attrs["code_id"] is not None:  # from a code, or linked to one: the code moves
            row: SQLModel = session.get(Code, attrs["code_id"])
            edit.before(row)
            said = f"moved it to {', '.join(moves)} in the Theory of Change"
            versioning.stamp(session, row, [said], author=author)
        else:
            row = node
        for name, value in values.items():
            setattr(row, name, value)
    return edit.record


def merge_nodes(
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
    """Merge element ``source`` into ``target``: its evidence and links go to ``target``."""
    with editing(session, version, author=author, note=note) as edit:
        elements = _elements(session, project, version)
        a, b = _element(elements, source), _element(elements, target)
        if source == target:
            raise Invalid("An element cannot be merged into itself.")
        edit.change = Change.element_merged(a["label"], b["label"])
        row = _node_row(session, version, source, edit)
        raise_version(session, edit, row, source, expected_version)
        row.merged_into = target
    return edit.record


def delete_node(
    session: Session,
    project: Project,
    version: TocVersion,
    key: str,
    *,
    author: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> TocEdit:
    """Take an element off this version's diagram (its code and codings stay)."""
    with editing(session, version, author=author, note=note) as edit:
        attrs = _element(_elements(session, project, version), key)
        edit.change = Change.element_deleted(attrs["label"])
        row = _node_row(session, version, key, edit)
        raise_version(session, edit, row, key, expected_version)
        row.removed = True
    return edit.record


def link_node_to_code(
    session: Session,
    project: Project,
    version: TocVersion,
    key: str,
    code_path: str,
    *,
    author: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> TocEdit:
    """Ground a hand-made element in a code: the code's codings become its evidence. A code
    with no ToC category takes the element's; otherwise the element takes the code's."""
    with editing(session, version, author=author, note=note) as edit:
        attrs = _element(_elements(session, project, version), key)
        if not attrs["hand_made"]:
            raise Invalid(f"{attrs['label']!r} already comes from a code.")
        code = codebook.get_code_by_path(session, project, code_path)
        taken = session.execute(
            select(TocNode.key).where(
                TocNode.version_id == version.id,
                TocNode.code_id == code.id,
                TocNode.hand_made.is_(True),
                TocNode.removed.is_(False),
                TocNode.key != key,
            )
        ).first()
        if taken:
            raise Conflict(f"Code {code_path!r} is already linked to another hand-made element.")
        edit.change = Change.element_linked(attrs["label"], code_path)
        row = _node_row(session, version, key, edit)
        raise_version(session, edit, row, key, expected_version)
        row.code_id = code.id
        if not code.category:
            edit.before(code)
            code.category = row.category
            code.branch_group_id = row.branch_group_id
            code.domain = row.domain
    return edit.record


def set_level(
    session: Session,
    project: Project,
    version: TocVersion,
    level: int | None,
    *,
    author: str = "",
    note: str = "",
) -> TocEdit:
    """Choose the code-tree depth at which sub-themes roll up (None: every code its own)."""
    with editing(session, version, author=author, note=note) as edit:
        if level is not None and level < 1:
            raise Invalid("The roll-up level counts from 1 (top-level codes).")
        edit.change = Change.level_set(level)
        edit.before(version)
        version.level = level
    return edit.record

"""The hierarchical codebook: codes with their Theory of Change meaning."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding import palette, versioning
from toc_studio.coding.models import Category, Code, Coding
from toc_studio.errors import Conflict, Invalid, NotFound, fit
from toc_studio.ingest.limits import MAX_CODE_DEPTH
from toc_studio.project.models import Group, Project

PATH_SEPARATOR = "/"
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise Invalid("A code needs a name.")
    return fit(cleaned, Code.__table__.c.name.type.length, "A code's name")


def escape_name(name: str) -> str:
    """A code name as written in a path: a "/" in the name (as in "and/or") is written
    "\\/" and a backslash "\\\\", so that a path splits back into the same names."""
    if "/" not in name and "\\" not in name:
        return name
    return name.replace("\\", "\\\\").replace(PATH_SEPARATOR, "\\" + PATH_SEPARATOR)


def join_path(names: Iterable[str]) -> str:
    """The path of a list of names, root first (each name escaped)."""
    return PATH_SEPARATOR.join(escape_name(name) for name in names)


def _check_category(category: str | None) -> str | None:
    if category in (None, ""):
        return None
    try:
        return Category(str(category).strip().lower()).value
    except ValueError as exc:
        allowed = ", ".join(c.value for c in Category)
        raise Invalid(
            f"Unknown ToC category {category!r}; use one of: {allowed}, or none."
        ) from exc


def _check_colour(colour: str) -> str:
    if not COLOUR.match(colour):
        raise Invalid(f"Colours are written #rrggbb, not {colour!r}.")
    return colour.lower()


def _branch_id(session: Session, project: Project, branch: str | None) -> int | None:
    if branch in (None, "", "shared"):
        return None
    group = (
        session.execute(select(Group).where(Group.project_id == project.id, Group.name == branch))
        .scalars()
        .first()
    )
    if group is None:
        raise NotFound(f"Project {project.name!r} has no group {branch!r} to be a branch.")
    return group.id


def sibling_clash(
    session: Session, project_id: int, parent_id: int | None, name: str, exclude: int | None = None
) -> bool:
    """Whether another code (not ``exclude``) of the project has ``name`` under ``parent_id``."""
    stmt = select(Code.id).where(Code.project_id == project_id, Code.name == name)
    stmt = stmt.where(
        Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
    )
    if exclude is not None:
        stmt = stmt.where(Code.id != exclude)
    return session.execute(stmt).first() is not None


def create_code(
    session: Session,
    project: Project,
    name: str,
    *,
    parent: Code | None = None,
    definition: str = "",
    colour: str | None = None,
    category: str | None = None,
    branch: str | None = None,
    domain: str | None = None,
) -> Code:
    """Add a code under ``parent`` (or at the root), last among its siblings; without a
    ``colour``, the next one of the colour-blind-safe palette (:mod:`.palette`)."""
    access.require(session, project.id, "lead", "edit the codebook")
    name = _clean_name(name)
    if parent is not None and parent.project_id != project.id:
        raise Invalid("A code's parent must belong to the same project.")
    parent_id = parent.id if parent else None
    if parent is not None:
        check_depth(session, parent, name)
    if sibling_clash(session, project.id, parent_id, name):
        where = f"under {code_path(session, parent)!r}" if parent else "at the top level"
        raise Conflict(f"There is already a code {name!r} {where}.")
    siblings = session.execute(
        select(func.count())
        .select_from(Code)
        .where(
            Code.project_id == project.id,
            Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id,
        )
    ).scalar_one()
    code = Code(
        project_id=project.id,
        parent_id=parent_id,
        name=name,
        definition=definition,
        colour=_check_colour(colour or palette.next_colour(session, project.id)),
        category=_check_category(category),
        branch_group_id=_branch_id(session, project, branch),
        domain=(domain or None),
        position=siblings,
    )
    try:
        with session.begin_nested():  # a code of that name stored meanwhile by another writer
            session.add(code)
            session.flush()
    except IntegrityError as exc:
        where = f"under {code_path(session, parent)!r}" if parent else "at the top level"
        raise Conflict(f"There is already a code {name!r} {where}.") from exc
    return code


def check_depth(session: Session, parent: Code, name: str) -> None:
    """Refuse a code under ``parent`` deeper than :data:`MAX_CODE_DEPTH` levels (reading at
    most that many ancestors)."""
    depth, ancestor_id = 1, parent.parent_id
    while ancestor_id is not None and depth < MAX_CODE_DEPTH:
        depth += 1
        ancestor_id = session.get(Code, ancestor_id).parent_id
    if depth >= MAX_CODE_DEPTH:
        raise Invalid(
            f"Codes nest at most {MAX_CODE_DEPTH} levels deep; {name!r} would go deeper. "
            "Flatten that branch of the codebook."
        )


def list_codes(session: Session, project: Project) -> list[Code]:
    """Every code of the project, parents before children, siblings by position."""
    codes = list(session.execute(select(Code).where(Code.project_id == project.id)).scalars())
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    ordered: list[Code] = []

    def walk(parent_id: int | None) -> None:
        for code in sorted(children.get(parent_id, []), key=lambda c: (c.position, c.id)):
            ordered.append(code)
            walk(code.id)

    walk(None)
    return ordered


def get_code(session: Session, project: Project, code_id: int) -> Code:
    """The code ``code_id`` of ``project``; NotFound when it no longer exists or belongs to
    another project (an id from a stale page or another project is refused)."""
    code = session.get(Code, code_id)
    if code is None:
        raise NotFound("That code no longer exists; choose again.")
    if code.project_id != project.id:
        raise NotFound("That code belongs to another project; choose one of this project's.")
    return code


def code_paths(
    session: Session, project: Project, only: Iterable[int] | None = None
) -> dict[int, str]:
    """Map every code id of the project (or just the ids in ``only``) to its path
    ("Mentee/Outcomes/Social")."""
    codes = {
        code_id: (parent_id, name)
        for code_id, parent_id, name in session.execute(
            select(Code.id, Code.parent_id, Code.name).where(Code.project_id == project.id)
        )
    }
    return paths_of(codes, codes if only is None else set(only))


def paths_of(codes: dict[int, tuple[int | None, str]], ids: Iterable[int]) -> dict[int, str]:
    """Paths ("Mentee/Outcomes/Social") of ``ids``, from each code's (parent id, name) by
    code id; each ancestor's path is worked out once."""
    paths: dict[int, str] = {}

    def path(code_id: int) -> str:
        found = paths.get(code_id)
        if found is None:
            parent_id, name = codes[code_id]
            name = escape_name(name)
            found = name if parent_id is None else path(parent_id) + PATH_SEPARATOR + name
            paths[code_id] = found
        return found

    return {i: path(i) for i in ids}


def code_path(session: Session, code: Code) -> str:
    """The path of one code ("Mentee/Outcomes/Social")."""
    parts = [code.name]
    parent_id = code.parent_id
    while parent_id is not None:
        parent = session.get(Code, parent_id)
        parts.append(parent.name)
        parent_id = parent.parent_id
    return join_path(reversed(parts))


def split_path(path: str) -> list[str]:
    """The names of a code path, white space tidied; refuses empty parts. "\\/" is a "/"
    inside a name (see :func:`escape_name`)."""
    raw, current, escaped = [], [], False
    for char in path:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == PATH_SEPARATOR:
            raw.append("".join(current))
            current = []
        else:
            current.append(char)
    raw.append("".join(current) + ("\\" if escaped else ""))
    parts = [" ".join(p.split()) for p in raw]
    if not path.strip() or any(not p for p in parts):
        raise Invalid(f"{path!r} is not a code path (names separated by {PATH_SEPARATOR!r}).")
    return parts


def get_code_by_path(session: Session, project: Project, path: str) -> Code:
    """The code at ``path`` in ``project``; NotFound when there is none."""
    parent_id: int | None = None
    code = None
    for name in split_path(path):
        code = (
            session.execute(
                select(Code).where(
                    Code.project_id == project.id,
                    Code.name == name,
                    Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id,
                )
            )
            .scalars()
            .first()
        )
        if code is None:
            raise NotFound(f"Project {project.name!r} has no code {path!r}.")
        parent_id = code.id
    return code


def ensure_code_path(session: Session, project: Project, path: str, **fields) -> tuple[Code, bool]:
    """The code at ``path``, creating it and any missing parents. ``fields`` apply to the
    leaf only when it is created. Returns (code, created)."""
    access.require(session, project.id, "lead", "edit the codebook")
    parent: Code | None = None
    created = False
    parts = split_path(path)
    for depth, name in enumerate(parts):
        prefix = join_path(parts[: depth + 1])
        try:
            parent = get_code_by_path(session, project, prefix)
        except NotFound:
            leaf = depth == len(parts) - 1
            try:
                parent = create_code(
                    session, project, name, parent=parent, **(fields if leaf else {})
                )
                created = True
            except Conflict:  # created meanwhile by another writer: use theirs
                parent = get_code_by_path(session, project, prefix)
    return parent, created


def update_code(
    session: Session,
    code: Code,
    *,
    name: str | None = None,
    definition: str | None = None,
    colour: str | None = None,
    category: str | None | type[Ellipsis] = ...,
    branch: str | None | type[Ellipsis] = ...,
    domain: str | None | type[Ellipsis] = ...,
    expected_version: int | None = None,
    author: str = "",
) -> Code:
    """Rename a code or change its definition, colour or ToC meaning. With
    ``expected_version`` (the version the editor saw), an edit of a code changed since is
    refused with what changed (:mod:`toc_studio.coding.versioning`)."""
    access.require(session, code.project_id, "lead", "edit the codebook")
    project = session.get(Project, code.project_id)
    versioning.check_version(session, code, expected_version)
    values: dict[str, object] = {}
    if name is not None:
        name = _clean_name(name)
        if sibling_clash(session, code.project_id, code.parent_id, name, exclude=code.id):
            raise Conflict(f"A sibling of this code is already called {name!r}.")
        values["name"] = name
    if definition is not None:
        values["definition"] = definition
    if colour is not None:
        values["colour"] = _check_colour(colour)
    if category is not ...:
        values["category"] = _check_category(category)
    if branch is not ...:
        values["branch_group_id"] = _branch_id(session, project, branch)
    if domain is not ...:
        values["domain"] = domain or None
    changes = _changes(session, code, values)
    if changes:
        versioning.stamp(session, code, changes, author=author, expected_version=expected_version)
    for column, value in values.items():
        setattr(code, column, value)
    session.add(code)
    session.flush()
    return code


def _changes(session: Session, code: Code, values: dict[str, object]) -> list[str]:
    """What ``values`` change in ``code``, as phrases ("renamed this code to 'X'")."""
    said = {
        "name": lambda v: f"renamed this code to {v!r}",
        "definition": lambda v: "changed its definition",
        "colour": lambda v: "changed its colour",
        "category": lambda v: f"set its ToC category to {v or 'none'}",
        "branch_group_id": lambda v: "moved it to the "
        + (f"{session.get(Group, v).name!r} branch" if v else "shared trunk"),
        "domain": lambda v: f"set its outcome domain to {v or 'none'!r}",
    }
    return [said[c](v) for c, v in values.items() if getattr(code, c) != v]


def descendant_ids(session: Session, code: Code) -> list[int]:
    """Ids of ``code`` and every code below it."""
    pairs = session.execute(
        select(Code.id, Code.parent_id).where(Code.project_id == code.project_id)
    ).all()
    children: dict[int | None, list[int]] = {}
    for code_id, parent_id in pairs:
        children.setdefault(parent_id, []).append(code_id)
    found, stack = [], [code.id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def move_code(
    session: Session,
    code: Code,
    new_parent: Code | None,
    position: int | None = None,
    *,
    expected_version: int | None = None,
    author: str = "",
) -> Code:
    """Re-parent a code (refusing cycles and name clashes) and place it among its siblings
    (``expected_version``: refused when the code changed since, as in :func:`update_code`)."""
    access.require(session, code.project_id, "lead", "edit the codebook")
    new_parent_id = new_parent.id if new_parent else None
    versioning.check_version(session, code, expected_version)
    if new_parent is not None:
        if new_parent.project_id != code.project_id:
            raise Invalid("A code can only move within its project.")
        if new_parent.id in descendant_ids(session, code):
            raise Invalid(f"Cannot move {code.name!r} under itself or one of its sub-codes.")
    if sibling_clash(session, code.project_id, new_parent_id, code.name, exclude=code.id):
        raise Conflict(f"The new parent already has a code called {code.name!r}.")
    where = f"under {code_path(session, new_parent)!r}" if new_parent else "to the top level"
    moved = [f"moved it {where}"] if new_parent_id != code.parent_id else ["reordered it"]
    versioning.stamp(session, code, moved, author=author, expected_version=expected_version)
    code.parent_id = new_parent_id
    siblings = [
        c
        for c in session.execute(
            select(Code).where(
                Code.project_id == code.project_id,
                Code.parent_id.is_(None)
                if new_parent_id is None
                else Code.parent_id == new_parent_id,
                Code.id != code.id,
            )
        ).scalars()
    ]
    siblings.sort(key=lambda c: (c.position, c.id))
    position = len(siblings) if position is None else max(0, min(position, len(siblings)))
    siblings.insert(position, code)
    for index, sibling in enumerate(siblings):
        sibling.position = index
        session.add(sibling)
    session.flush()
    return code


@dataclass(frozen=True)
class CodeUsage:
    """How much hangs on a code: codings of it and its sub-codes, and sub-codes."""

    codings: int
    sub_codes: int


def code_usage(session: Session, code: Code) -> CodeUsage:
    """Codings of ``code`` and its sub-codes, and how many sub-codes it has."""
    ids = descendant_ids(session, code)
    codings = session.execute(
        select(func.count()).select_from(Coding).where(Coding.code_id.in_(ids))
    ).scalar_one()
    return CodeUsage(codings=codings, sub_codes=len(ids) - 1)

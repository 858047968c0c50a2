"""The code tree as assembly reads it: which element each code's codings count for.

A code counts for its deepest categorised ancestor-or-self at the version's level of the
tree (deeper sub-themes roll up into it); a code claimed by a hand-made element (or under
one) counts for that element instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.codebook import PATH_SEPARATOR
from toc_studio.coding.models import Code
from toc_studio.theory.elements import code_key


@dataclass(frozen=True)
class CodeInfo:
    id: int
    parent_id: int | None
    name: str
    category: str | None
    branch_group_id: int | None
    domain: str | None
    position: int


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


def chains(codes: dict[int, CodeInfo]) -> dict[int, list[int]]:
    """Each code's ancestors-or-self, root first."""
    found: dict[int, list[int]] = {}

    def chain(code_id: int) -> list[int]:
        if code_id not in found:
            parent = codes[code_id].parent_id
            found[code_id] = ([*chain(parent)] if parent in codes else []) + [code_id]
        return found[code_id]

    for code_id in codes:
        chain(code_id)
    return found


def code_path(codes: dict[int, CodeInfo], chain: list[int]) -> str:
    """The path of the code at the end of ``chain`` (its ancestors-or-self)."""
    return PATH_SEPARATOR.join(codes[c].name for c in chain)


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
    has_children = {c.parent_id for c in codes.values()}
    mapping: dict[int, str] = {}
    structural: set[str] = set()
    for code_id, chain in chains(codes).items():
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

"""The elements of a Theory of Change before they become a diagram's nodes.

An element is one box of the diagram: a code that has a ToC category (at the level of the
code tree the version chose), a hand-made element from a workshop, or the heading of an
outcome domain of a branch. :class:`TocElement` holds what assembly knows of it, typed;
:meth:`TocElement.node_attributes` is the attribute dict of its node in the assembled
``networkx`` graph, which every reader of a graph (pictures, tables, JSON, diff) uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CATEGORIES = ("resource", "activity", "enabler", "challenge", "outcome")
DOMAIN = "domain"  # the category of a domain heading
SHARED = "shared"  # the branch of an element that belongs to no group
NO_DOMAIN = "Other outcomes"  # the domain heading of outcomes without a domain
TRUNK = ("resource", "activity")


def code_key(code_id: int) -> str:
    """The key of the element derived from a code."""
    return f"code:{code_id}"


def domain_key(branch_id: int | None, domain: str) -> str:
    """The key of the heading of ``domain`` in the branch of group ``branch_id``."""
    return f"domain:{branch_id if branch_id is not None else SHARED}:{domain}"


@dataclass
class TocElement:
    """One element of a Theory of Change.

    ``category`` is one of :data:`CATEGORIES`, or :data:`DOMAIN` for a domain heading;
    ``branch`` the name of the group ``branch_id`` (or :data:`SHARED`); ``code_id`` and
    ``code_path`` the code it stands for, if any; ``code_ids`` every code whose codings
    count as its evidence; ``merged_from`` the keys of elements merged into it;
    ``domain_key`` (outcomes only) the key of its domain heading.
    """

    key: str
    label: str
    category: str
    branch_id: int | None
    branch: str
    domain: str | None
    code_id: int | None = None
    code_path: str | None = None
    hand_made: bool = False
    merged_from: list[str] = field(default_factory=list)
    code_ids: list[int] = field(default_factory=list)
    domain_key: str | None = None

    def node_attributes(self) -> dict[str, object]:
        """The element's attributes on its graph node (lists sorted; ``domain_key`` only
        for an outcome). Evidence and thinness are added by the assembly."""
        attributes: dict[str, object] = {
            "label": self.label,
            "category": self.category,
            "branch_id": self.branch_id,
            "branch": self.branch,
            "domain": self.domain,
            "code_id": self.code_id,
            "code_path": self.code_path,
            "hand_made": self.hand_made,
            "merged_from": sorted(self.merged_from),
            "code_ids": sorted(self.code_ids),
        }
        if self.domain_key is not None:
            attributes["domain_key"] = self.domain_key
        return attributes

"""Infer a code's Theory of Change meaning (category, branch, domain) from its path.

A pure function over the parts of a code path, used when a codebook comes from another
tool (CSV, REFI-QDA ``.qdc`` or ``.qdpx``). The rules (issue 4):

- a path part naming a category (Resources, Activities, Enablers, Challenges, Outcomes, in
  any case, singular or plural) sets the category; when several parts do, the deepest wins;
- a part just above the category part that is not itself a category word is the branch;
- a part such as "Enablers – mentor" names the category and the branch at once;
- a part between "Outcomes" and the leaf is the outcome domain (the first such part);
- codes with a category but no branch above it are shared (the trunk).

Branch names are matched to the project's groups case-insensitively, singular or plural;
a branch that matches no group is reported as new, for the caller to create.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from toc_studio.coding.models import Category

CATEGORY_WORDS: dict[str, str] = {
    "resource": Category.RESOURCE.value,
    "resources": Category.RESOURCE.value,
    "activity": Category.ACTIVITY.value,
    "activities": Category.ACTIVITY.value,
    "enabler": Category.ENABLER.value,
    "enablers": Category.ENABLER.value,
    "challenge": Category.CHALLENGE.value,
    "challenges": Category.CHALLENGE.value,
    "outcome": Category.OUTCOME.value,
    "outcomes": Category.OUTCOME.value,
}

# "Enablers – mentor", "Challenges - Mentee", "Outcomes: carers", "Mentor — enablers"
_JOINED = re.compile(r"^(?P<left>.+?)\s*(?:[–—:]|\s-\s)\s*(?P<right>.+)$")


@dataclass(frozen=True)
class Inference:
    """What a code path says about the code's ToC meaning, with the reasons, in words.

    ``branch`` is the group name to use (an existing group's own spelling when one
    matches); ``new_branch`` is True when no group of that name exists yet.
    """

    category: str | None = None
    branch: str | None = None
    domain: str | None = None
    new_branch: bool = False
    reasons: tuple[str, ...] = ()

    @property
    def shared(self) -> bool:
        """A categorised code without a branch belongs to the shared trunk."""
        return self.category is not None and self.branch is None

    @property
    def found_anything(self) -> bool:
        return self.category is not None or self.branch is not None or self.domain is not None


def category_of(word: str) -> str | None:
    """The ToC category a single path part names ("Outcomes" -> "outcome"), else None."""
    key = " ".join(word.split()).strip(" .").casefold()
    return CATEGORY_WORDS.get(key)


def _split_joined(part: str) -> tuple[str, str] | None:
    """("enabler", "mentor") for "Enablers – mentor" (either order), else None."""
    match = _JOINED.match(part.strip())
    if not match:
        return None
    left, right = match.group("left").strip(), match.group("right").strip()
    if category_of(left) and not category_of(right):
        return category_of(left), right
    if category_of(right) and not category_of(left):
        return category_of(right), left
    return None


def _singular(name: str) -> str:
    name = name.casefold()
    return name[:-1] if name.endswith("s") and len(name) > 3 else name


def match_group(name: str, groups: Iterable[str]) -> str | None:
    """The group of ``groups`` that ``name`` names, ignoring case and a plural "s"."""
    wanted = _singular(" ".join(name.split()))
    for group in groups:
        if _singular(" ".join(group.split())) == wanted:
            return group
    return None


def infer_toc(path_parts: Sequence[str], groups: Iterable[str] = ()) -> Inference:
    """Infer category, branch and domain of the code at ``path_parts`` (root first).

    ``groups`` are the names of the project's stakeholder groups, used to spell a branch
    as the project does and to flag branches that are new.
    """
    parts = [" ".join(p.split()) for p in path_parts if p and p.strip()]
    groups = list(groups)
    category = branch = domain = None
    category_at: int | None = None
    reasons: list[str] = []
    for index, part in enumerate(parts):
        word = category_of(part)
        joined = None if word else _split_joined(part)
        if word or joined:
            category_at = index
            category = word or joined[0]
            branch = joined[1] if joined else None
    if category_at is None:
        return Inference(reasons=("no part of the path names a ToC category",))
    named = parts[category_at]
    if branch is not None:
        reasons.append(f"category {category!r} and branch {branch!r} from {named!r}")
    else:
        reasons.append(f"category {category!r} from {named!r}")
        if category_at > 0 and not category_of(parts[category_at - 1]):
            branch = parts[category_at - 1]
            reasons.append(f"branch {branch!r} from the part above {named!r}")
    if category == Category.OUTCOME.value and category_at < len(parts) - 2:
        domain = parts[category_at + 1]
        reasons.append(f"domain {domain!r} from the part between {named!r} and the leaf")
    new_branch = False
    if branch is not None:
        existing = match_group(branch, groups)
        if existing is None:
            new_branch = True
            reasons.append(f"no group {branch!r} yet: it would be created")
        else:
            branch = existing
    else:
        reasons.append("shared: no branch above the category")
    return Inference(category, branch, domain, new_branch, tuple(reasons))

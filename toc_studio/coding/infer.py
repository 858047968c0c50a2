"""Infer a code's Theory of Change meaning (category, branch, domain) from its path.

A pure function over the parts of a code path, used when a codebook comes from another
tool (CSV, REFI-QDA ``.qdc`` or ``.qdpx``) and when codes are created by a codings CSV.
The rules (issues 4 and 15):

- a path part naming a category sets it: the five words (Resources, Activities, Enablers,
  Challenges, Outcomes, in any case, singular or plural) and the words evaluation
  codebooks use for them (Inputs; Programme Activities, Outputs; Facilitators; Barriers;
  Impacts, Short-term outcomes...). When several parts do, the deepest wins; a part such
  as "Impact of COVID" (a category word followed by "of", "to"...) counts only when no
  other part names a different category;
- a part such as "Enablers – mentor", "Mentee outcomes" or "Outcomes for carers" names
  the category and the branch at once; "Social outcomes" or "Outcomes: social" names the
  category and the domain;
- otherwise the branch is the part just above the category part, with "ToC" or "Theory
  of Change" dropped ("Mentor ToC" is the branch "Mentor"); parts further up count when
  they name one of the project's groups (or a role such as mentors, carers, staff);
  wrappers such as "Themes", "Codes", "Theory of Change" are not branches;
- a part between the outcome part and the leaf is the outcome domain (the first one);
- codes with a category but no branch above it are shared (the trunk).

Branch names are matched to the project's groups case-insensitively, singular or plural;
a branch that matches no group is reported as new, for the caller to create.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from toc_studio.coding.models import Category

_R, _A, _E, _C, _O = (c.value for c in Category)
CATEGORY_WORDS: dict[str, str] = {
    "resource": _R, "resources": _R, "input": _R, "inputs": _R, "resourcing": _R,
    "activity": _A, "activities": _A, "output": _A, "outputs": _A,
    "enabler": _E, "enablers": _E, "facilitator": _E, "facilitators": _E,
    "enabling factors": _E, "facilitating factors": _E, "helpful factors": _E,
    "what helped": _E, "what helps": _E, "what worked": _E, "what works": _E,
    "success factors": _E,
    "challenge": _C, "challenges": _C, "barrier": _C, "barriers": _C,
    "obstacle": _C, "obstacles": _C, "difficulty": _C, "difficulties": _C,
    "hindrance": _C, "hindrances": _C, "hindering factors": _C, "unhelpful factors": _C,
    "what hindered": _C, "what did not help": _C, "what didn't help": _C,
    "outcome": _O, "outcomes": _O, "impact": _O, "impacts": _O,
    "outcomes and impact": _O, "outcomes and impacts": _O,
    "barriers and challenges": _C, "challenges and barriers": _C,
    "enablers and facilitators": _E, "facilitators and enablers": _E,
}  # fmt: skip
# Words before a category word that leave it a category name ("Short-term outcomes").
QUALIFIERS = frozenset(
    """short term medium long longer intermediate immediate early final expected intended
    unintended unexpected wider key main core primary secondary other overall ultimate
    positive negative additional reported observed perceived potential distal proximal
    programme program project service mentoring delivery intervention anticipated
    planned actual achieved""".split()
)
# Words that, before "outcomes", name a domain ("Social outcomes").
DOMAINS = frozenset(
    """personal social practical health mental physical wellbeing well being emotional and
    economic financial education educational employment housing relationship
    relationships family community recovery skills behavioural behavioral psychological
    organisational organizational""".split()
)
# Nouns naming a stakeholder group, singular (plurals: an "s", or the irregulars below).
ROLES = frozenset(
    """mentor mentee carer volunteer staff participant beneficiary client service user
    young person people parent family peer researcher worker practitioner referrer
    partner commissioner stakeholder coordinator employer student pupil teacher patient
    resident member manager professional""".split()
)
IRREGULAR = {"people": "person", "families": "family", "staff": "staff"}
# Parts that hold a codebook together without being a branch.
WRAPPERS = frozenset(
    """themes theme codes code codebook nodes node framework frameworks toc theory of
    change coding frame deductive inductive a priori emergent findings evaluation
    interviews interview transcripts data main key categories category logic model
    other""".split()
)
_TOC_WORDS = re.compile(r"\b(?:toc|theory of change|logic model|branch|pathway|strand)\b", re.I)
_DASHES = re.compile(r"[\u2010-\u2015_]|(?<=\w)-(?=\w)")
_PREPOSITIONS = ("for", "of", "among", "amongst", "to", "in", "from", "with", "around", "faced")
_BRANCH_PREPOSITIONS = ("for", "of", "among", "amongst")
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


@dataclass(frozen=True)
class _Named:
    """What one path part names: a category, maybe a branch or domain; weak when it is a
    category word followed by a preposition ("Impact of COVID")."""

    category: str
    branch: str | None = None
    domain: str | None = None
    weak: bool = False


def _words(text: str, fold: bool = True) -> list[str]:
    """The words of a part: dashes and punctuation dropped, casefolded unless not ``fold``."""
    text = _DASHES.sub(" ", text.replace("&", " and ").replace("’", "'"))
    return re.sub(r"[^\w' ]", " ", text.casefold() if fold else text).split()


def category_of(word: str) -> str | None:
    """The ToC category a single path part names ("Outcomes" -> "outcome", "Barriers"
    -> "challenge", "Short-term outcomes" -> "outcome"), else None."""
    named = _named(word, ())
    return named.category if named and not (named.weak or named.branch or named.domain) else None


def _singular(name: str) -> str:
    name = name.casefold()
    if name in IRREGULAR:
        return IRREGULAR[name]
    return name[:-1] if name.endswith("s") and len(name) > 3 else name


def match_group(name: str, groups: Iterable[str]) -> str | None:
    """The group of ``groups`` that ``name`` names, ignoring case and a plural "s"."""
    wanted = _singular(" ".join(name.split()))
    for group in groups:
        if _singular(" ".join(group.split())) == wanted:
            return group
    return None


def branch_name(part: str) -> str:
    """A path part as a branch name: "Mentor ToC" -> "Mentor", "Theory of Change" -> ""."""
    stripped = _TOC_WORDS.sub(" ", part)
    return " ".join(stripped.strip(" -–—:()[]/").split())


def _is_role(name: str, groups: Sequence[str]) -> bool:
    if not name:
        return False
    if match_group(name, groups):
        return True
    words = name.casefold().split()
    return 0 < len(words) <= 3 and all(_singular(w) in ROLES for w in words)


def _named(part: str, groups: Sequence[str]) -> _Named | None:
    """What ``part`` names as a category, from its words (see the module's rules)."""
    words = _words(part)
    if not words:
        return None
    shown = _words(part, fold=False)  # the same words, as written
    for cut in range(len(words), 0, -1):  # the longest category phrase at the end
        category = CATEGORY_WORDS.get(" ".join(words[-cut:]))
        if category is None:
            continue
        before = words[:-cut]
        while before and before[-1] in QUALIFIERS:
            before = before[:-1]
        if not before:
            return _Named(category)
        prefix = " ".join(shown[: len(before)])
        if category in (_E, _C, _O) and match_group(branch_name(prefix), groups):
            return _Named(category, branch=branch_name(prefix))
        if category == _O and all(w in DOMAINS for w in before):
            return _Named(category, domain=prefix)
        if category in (_E, _C, _O) and _is_role(branch_name(prefix), groups):
            return _Named(category, branch=branch_name(prefix))
        return None
    for n in range(1, min(len(words), 4)):  # "Outcomes for mentees", "Barriers to work"
        category = CATEGORY_WORDS.get(" ".join(words[:n]))
        if category and words[n] in _PREPOSITIONS and len(words) > n + 1:
            rest = " ".join(shown[n + 1 :])
            if words[n] in _BRANCH_PREPOSITIONS and _is_role(branch_name(rest), groups):
                return _Named(category, branch=branch_name(rest), weak=category in (_R, _A))
            return _Named(category, weak=True)
    return _joined(part, groups)


def _joined(part: str, groups: Sequence[str]) -> _Named | None:
    """("enabler", branch "mentor") for "Enablers – mentor" (either order), else None."""
    match = _JOINED.match(part.strip())
    if not match:
        return None
    left, right = match.group("left").strip(), match.group("right").strip()
    for word, other in ((left, right), (right, left)):
        named, rest = _named(word, groups), _named(other, groups)
        if named and not named.weak and rest is None:
            if named.category == _O and all(w in DOMAINS for w in _words(other)):
                return _Named(named.category, named.branch, other)
            return _Named(named.category, branch_name(other) or named.branch, named.domain)
    return None


def infer_toc(path_parts: Sequence[str], groups: Iterable[str] = ()) -> Inference:
    """Infer category, branch and domain of the code at ``path_parts`` (root first).

    ``groups`` are the names of the project's stakeholder groups, used to spell a branch
    as the project does and to flag branches that are new.
    """
    parts = [" ".join(p.split()) for p in path_parts if p and p.strip()]
    groups = list(groups)
    named = [_named(part, groups) for part in parts]
    at = _category_part(named)
    if at is None:
        return Inference(reasons=("no part of the path names a ToC category",))
    chosen = named[at]
    category, branch, domain = chosen.category, chosen.branch, chosen.domain
    reasons = [f"category {category!r} from {parts[at]!r}"]
    if branch is not None:
        reasons.append(f"branch {branch!r} from {parts[at]!r}")
    else:
        branch = _branch_above(parts, named, at, groups, reasons)
    if domain is not None:
        reasons.append(f"domain {domain!r} from {parts[at]!r}")
    elif category == _O and at < len(parts) - 2:
        domain = parts[at + 1]
        reasons.append(f"domain {domain!r} from the part between {parts[at]!r} and the leaf")
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


def _category_part(named: Sequence[_Named | None]) -> int | None:
    """The index of the part that sets the category: the deepest, unless it is weak
    ("Impact of COVID") and a shallower part names another category."""
    found = [i for i, n in enumerate(named) if n is not None]
    if not found:
        return None
    strong = [i for i in found if not named[i].weak]
    at = found[-1]
    if named[at].weak and strong and named[strong[-1]].category != named[at].category:
        return strong[-1]
    return at


def _branch_above(
    parts: Sequence[str], named: Sequence[_Named | None], at: int, groups, reasons: list[str]
) -> str | None:
    """The branch named above the category part: a shallower part naming the same category
    with a branch; else the part just above (without "ToC"), unless it is a wrapper or
    another category; else a part further up naming a group or a role."""
    adjacent = True  # no part but category parts between this one and the category
    for index in range(at - 1, -1, -1):
        above, part = named[index], parts[index]
        if above is not None:
            if above.branch and above.category == named[at].category:
                reasons.append(f"branch {above.branch!r} from {part!r}")
                return above.branch
            continue
        shown = [w for w in branch_name(part).split() if " ".join(_words(w)) not in WRAPPERS]
        name = " ".join(shown).strip(" -–—:")
        if any(w in CATEGORY_WORDS for w in _words(name)):  # "Barriers and facilitators"
            name = ""
        if name and (adjacent or _is_role(name, groups)):
            reasons.append(f"branch {name!r} from {part!r} above {parts[at]!r}")
            return name
        adjacent = False
    return None

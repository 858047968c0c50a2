"""A cheap pre-filter for pattern suggestions: which texts could contain a stored pattern,
decided on the lower-cased text before spaCy tags it.

Every surface form whose lemma is ``L`` is either ``L`` itself (lower-cased), a form the
English rule lemmatizer turns into ``L`` by replacing a suffix (so it contains ``L`` minus
the longest suffix a rule can put back), an exception form listed for ``L``, or a form the
attribute ruler gives the lemma ``L`` (its patterns name the forms). A pattern
kind the filter cannot reason about makes every text a candidate (nothing is skipped)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

Needles = frozenset[str]


def _tables(nlp) -> tuple[set[str], dict[str, set[str]]]:
    """The suffixes rules can put back, and exception forms by lemma."""
    lookups = nlp.get_pipe("lemmatizer").lookups
    suffixes: set[str] = set()
    for rules in lookups.get_table("lemma_rules").values():
        suffixes.update(new for _, new in rules)
    forms: dict[str, set[str]] = {}
    for table in lookups.get_table("lemma_exc").values():
        for form, lemmas in table.items():
            for lemma in lemmas:
                forms.setdefault(lemma.lower(), set()).add(form.lower())
    # the attribute ruler sets some lemmas itself ("'d" -> would, "me" -> I): the forms its
    # patterns name, or "" (every text a candidate) where a pattern names no form
    for rule in nlp.get_pipe("attribute_ruler").patterns:
        lemma = rule.get("attrs", {}).get("LEMMA")
        if isinstance(lemma, str):
            forms.setdefault(lemma.lower(), set()).update(_ruler_forms(rule["patterns"]))
    return suffixes, forms


def _ruler_forms(patterns: list) -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        named = set()
        for token in pattern:
            for key in ("LOWER", "ORTH", "TEXT", "NORM"):
                value = token.get(key)
                if isinstance(value, str):
                    named.add(value.lower())
                elif isinstance(value, dict) and isinstance(value.get("IN"), list):
                    named.update(str(v).lower() for v in value["IN"])
        found.update(named or {""})
    return found


def needles(lemma: str, suffixes: set[str], forms: dict[str, set[str]]) -> Needles:
    """Substrings at least one of which any form with ``lemma`` contains."""
    lemma = lemma.lower()
    stems = [lemma[: len(lemma) - len(s)] for s in suffixes if s and lemma.endswith(s)]
    return frozenset({min([lemma, *stems], key=len), *forms.get(lemma, ())})


def _token_needles(token: dict, tables) -> Needles | None:
    if "OP" in token:
        return None
    for key in ("LEMMA", "LOWER", "ORTH", "TEXT"):
        value = token.get(key)
        if isinstance(value, str):
            return needles(value, *tables) if key == "LEMMA" else frozenset({value.lower()})
    return None


# Per pattern, the substrings each token needs (a group per token; a form of the token
# holds one of its group), and the pattern's length in tokens (None: unbounded, ``OP``)
PatternNeeds = tuple[list[Needles], int | None]


def _pattern_needs(
    tables, phrases: Sequence[Sequence[str]], token_patterns: Sequence[str]
) -> list[PatternNeeds] | None:
    """What each phrase (lists of lower-case lemmas) and token pattern (JSON) needs;
    None when a token pattern has no token that can be checked."""
    found: list[PatternNeeds] = [
        ([needles(k, *tables) for k in keys], len(keys)) for keys in phrases
    ]
    for pattern in token_patterns:
        tokens = json.loads(pattern)
        groups = [n for n in (_token_needles(t, tables) for t in tokens) if n is not None]
        if not groups:
            return None
        bounded = not any("OP" in token for token in tokens)
        found.append((groups, len(tokens) if bounded else None))
    return found


def candidate_test(
    nlp, phrases: Sequence[Sequence[str]], token_patterns: Sequence[str]
) -> Callable[[str], bool]:
    """``test(lower_text)``: whether the text may match any phrase (lists of lower-case
    lemmas) or token pattern (JSON); every token of a phrase must be present. With a
    pipeline whose lemmatizer is not the rule one, every text is a candidate."""
    try:
        tables = _tables(nlp)
    except KeyError:  # a pipeline without the rule lemmatizer's tables or attribute ruler
        return lambda text: True
    needs = _pattern_needs(tables, phrases, token_patterns)
    if needs is None:
        return lambda text: True  # a pattern with no token it can check: every text
    required = [groups for groups, _ in needs]

    def test(text: str) -> bool:
        return any(all(any(n in text for n in group) for group in need) for need in required)

    return test


def anchors(
    nlp, phrases: Sequence[Sequence[str]], token_patterns: Sequence[str]
) -> tuple[list[str], int] | None:
    """Substrings at least one of which every match of every pattern holds in the
    lower-case text (for each pattern, the forms of one of its tokens: the one whose
    shortest form is longest, the rarest), and the longest pattern in tokens. None when
    that cannot be said: no rule lemmatizer's tables, or a token pattern of unbounded
    length or with no token it can check."""
    try:
        tables = _tables(nlp)
    except KeyError:
        return None
    needs = _pattern_needs(tables, phrases, token_patterns)
    if needs is None or any(length is None for _, length in needs):
        return None
    found = [n for groups, _ in needs for n in max(groups, key=lambda g: min(map(len, g)))]
    return found, max((length for _, length in needs), default=0)

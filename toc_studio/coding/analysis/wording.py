"""Numbers and plurals as a person writes them: "one source with two participants", not
"1 source(s) with 2 participant(s)". Used by the strength of evidence and everywhere in
the Word report.

Numbers from one to nine are words, larger ones figures (the usual style rule for reports);
``count(1, "participant")`` is "one participant", ``count(12, "excerpt")`` "12 excerpts".
Plurals are regular ("source" -> "sources", "study" -> "studies", "box" -> "boxes") unless
given, as ``count(3, "person", "people")``.
"""

from __future__ import annotations

WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number(n: int, *, capital: bool = False) -> str:
    """``n`` in words up to nine ("no" for zero), in figures from ten."""
    word = WORDS[n] if 0 <= n < len(WORDS) else f"{n:,}"
    return word[:1].upper() + word[1:] if capital else word


def plural(noun: str) -> str:
    """The regular English plural of ``noun`` (its last word)."""
    if not noun:
        return noun
    lower = noun.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if lower.endswith("y") and len(noun) > 1 and lower[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def noun_for(n: int, singular: str, many: str | None = None) -> str:
    """``singular`` for one, else ``many`` (default: the regular plural)."""
    return singular if n == 1 else (many or plural(singular))


def count(n: int, singular: str, many: str | None = None, *, capital: bool = False) -> str:
    """``n`` and its noun: "one participant", "two documents", "12 excerpts", "no quotes"."""
    return f"{number(n, capital=capital)} {noun_for(n, singular, many)}"


def listing(items: list[str], conjunction: str = "and") -> str:
    """Items joined as a person lists them: "a", "a and b", "a, b and c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"

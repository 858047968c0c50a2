"""Names the project knows (its key and its lists), found in a text through their keyed
hashes alone: the store holds no real name to compare with.

Each known name is stored with its :class:`Fingerprint`: the keyed hash of the whole
name, of its first word, and (for a person of two words or more) of the first name and
the surname, which are forms of the name on their own. :meth:`KnownNames.candidates`
hashes the words of a text (each distinct word once) and, where a word is the first word
of a known name, the runs of words that start there; a run whose hash is known is the
name, and its form in the text becomes a candidate like any other, with its placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from toc_studio.ingest.pseudonymise.allow import WORD_NAMES, allowed
from toc_studio.ingest.pseudonymise.core import fold
from toc_studio.ingest.pseudonymise.names import Candidate

NAME_KINDS = ("person", "place", "organisation")
_TOKEN = re.compile(r"\S+")
_LEAD = "\"“‘'([{«"
_TRAIL = ".,;:!?\"”’')]}»"
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
MAX_WORDS = 8


@dataclass(frozen=True)
class Fingerprint:
    digest: str  # the whole name
    first: str  # its first word
    parts: str  # a person's first name and surname, space-separated ("" when none)
    words: int


def fingerprint(digest: Callable[[str], str], name: str, kind: str) -> Fingerprint:
    """The hashes stored beside a sealed name (``digest``: the project's keyed hash)."""
    words = fold(name).split()
    parts = []
    if kind == "person" and len(words) >= 2:
        for word in dict.fromkeys((name.split()[0], name.split()[-1])):
            if _part_of_name(word):
                parts.append(digest(word))
    first = digest(words[0]) if words and kind in NAME_KINDS else ""
    return Fingerprint(digest(name), first, " ".join(parts), len(words))


def _part_of_name(word: str) -> bool:
    """A first name or surname that is a form of the name on its own (as the batch's own
    names: two letters or more, a capital, not an everyday word)."""
    if len(word) < 2 or not word[0].isupper():
        return False
    return fold(word) not in WORD_NAMES and not allowed(word)


@dataclass(frozen=True)
class Known:
    kind: str
    placeholder: str  # "" for a listed name not in the key yet
    source: str  # "key" | "list"


@dataclass
class KnownNames:
    """The project's known names by their hashes, and a search for them in texts."""

    digest: Callable[[str], str]
    whole: dict[str, list[Known]] = field(default_factory=dict)
    parts: dict[str, list[Known]] = field(default_factory=dict)
    firsts: set[str] = field(default_factory=set)
    longest: int = 0
    # lone first names or surnames shared by several people: folded form -> placeholders
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, known: Known, digest: str, first: str, parts: str, words: int) -> None:
        if known.kind not in NAME_KINDS:
            return  # e-mails, phones... are found by their patterns
        self.whole.setdefault(digest, []).append(known)
        if first:
            self.firsts.add(first)
        for part in parts.split():
            self.parts.setdefault(part, []).append(known)
            self.firsts.add(part)
        self.longest = max(self.longest, min(words, MAX_WORDS))

    def __bool__(self) -> bool:
        return bool(self.whole)

    def candidates(self, text: str) -> list[Candidate]:
        """The known names in ``text``, each as it is written there."""
        if not self.whole:
            return []
        hits = {
            raw
            for raw in set(text.split())  # each distinct word is hashed once
            if (word := _strip(raw)) and self.digest(word) in self.firsts
        }
        if not hits:
            return []
        alternatives = "|".join(map(re.escape, sorted(hits, key=len, reverse=True)))
        found: list[Candidate] = []
        for match in re.finditer(rf"(?<!\S)(?:{alternatives})(?!\S)", text):
            start = match.start()
            found += self._parts(_strip(match.group()))
            for n, token in enumerate(_TOKEN.finditer(text, start), start=1):
                for form in _forms(text[start : token.end()]):
                    for known in self.whole.get(self.digest(form), ()):
                        if known.source == "key" and not form[0].isupper():
                            continue  # "brooks" is a word; "Brooks" the name
                        found.append(Candidate(form, known.kind, known.source, known.placeholder))
                if n >= self.longest:
                    break
        return found

    def _parts(self, word: str) -> list[Candidate]:
        word = _POSSESSIVE.sub("", word) or word
        owners = self.parts.get(self.digest(word))
        if not owners or not word[0].isupper():
            return []
        keyed = sorted({k.placeholder for k in owners if k.placeholder})
        if len(keyed) == 1 and len(owners) == len([k for k in owners if k.placeholder]):
            return [Candidate(word, "person", "key", keyed[0])]
        if len(keyed) > 1:
            self.ambiguous[fold(word)] = tuple(keyed)
        listed = all(k.source == "list" for k in owners)
        return [Candidate(word, "person", "list" if listed else "key")]

    def flag(self, clusters: Iterable) -> None:
        """Mark the clusters of lone names several known people share (by placeholder)."""
        for cluster in clusters:
            shared = self.ambiguous.get(fold(cluster.canonical))
            if shared and not cluster.ambiguous and not cluster.placeholder:
                cluster.ambiguous = shared


def _strip(word: str) -> str:
    return word.lstrip(_LEAD).rstrip(_TRAIL)


def _forms(span: str) -> list[str]:
    """A run of words as a name: edge punctuation gone, and also without a possessive."""
    form = " ".join(_strip(span).split())
    if not form:
        return []
    bare = _POSSESSIVE.sub("", form)
    return [form, bare] if bare and bare != form else [form]

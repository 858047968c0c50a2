"""One person, one placeholder: name candidates clustered into the people (and places,
organisations) they stand for.

Candidates come from the project's key and lists, speaker labels and NER. A name of two
or more words ("Emma Hartigan") makes a cluster; a single word joins the one full name
whose first name or surname it is ("Emma", "Hartigan", "Mrs Hartigan", "Emma's"), or whose
initials it is ("EH", from a speaker label); a word shared by several full names
("Gary" with "Gary Whitfield" and "Gary Moss") gets a cluster of its own, flagged as
ambiguous for review, never silently given to one of them. A cluster's entity type is
voted by its full-name mentions (lists, the key and speaker labels outweigh NER); a name
already in the key keeps its placeholder.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from toc_studio.ingest.pseudonymise.allow import TITLES, WORD_NAMES, allowed

NAME_KINDS = ("person", "place", "organisation")
WEIGHT = {"key": 5, "list": 5, "added": 5, "speaker": 3, "ner": 1}
LISTED = frozenset({"list", "added"})
CONNECTORS = frozenset({"of", "in", "and", "&", "de", "van", "von", "der", "da", "le", "la"})
_NAME_WORD = re.compile(r"^[^\W\d_](?:[\w'’.&-]*[\w.])?$|^&$")
_INITIALS = re.compile(r"^(?:[A-Z]\.?){2,3}$")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")


@dataclass(frozen=True)
class Candidate:
    form: str
    kind: str
    source: str  # key | list | added | speaker | ner
    placeholder: str = ""  # the key's placeholder for this form, when it has one


@dataclass(eq=False)
class Cluster:
    """The forms of one name; every form found in a text gets the same placeholder."""

    canonical: str
    kind: str
    forms: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    placeholder: str = ""
    ambiguous: tuple[str, ...] = ()  # full names a lone word could belong to
    votes: Counter = field(default_factory=Counter)
    listed: set[str] = field(default_factory=set)  # forms the project listed: any case

    @property
    def source(self) -> str:
        for source in ("key", "list", "added", "speaker", "ner"):
            if source in self.sources:
                return source
        return "ner"


@lru_cache(maxsize=65_536)  # the same forms come back in every turn and column
def normalise(form: str) -> str:
    """A candidate as a name: white space collapsed, a leading 'the' or title, edge
    punctuation and a possessive ending gone, cut to its name-like words ('' if none)."""
    words = form.split()
    while words and not _NAME_WORD.match(words[0].strip('.,;:!?"“”()[]')):
        words.pop(0)
    while words and not _NAME_WORD.match(words[-1].strip('.,;:!?"“”()[]')):
        words.pop()
    words = [w.strip(',;:!?"“”()[]') for w in words]
    if words and words[0].casefold() in ("the", "a", "an"):
        words.pop(0)
    while len(words) > 1 and words[0].casefold().rstrip(".") in TITLES:
        words.pop(0)
    while words and words[-1].casefold() in CONNECTORS:
        words.pop()
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1]) or words[-1]
        words[-1] = words[-1].rstrip(".") if not _INITIALS.match(words[-1]) else words[-1]
    if any(not _NAME_WORD.match(w) and w.casefold() not in CONNECTORS for w in words):
        return ""
    if any(c.isdigit() for w in words for c in w):
        return ""  # codes (BSR01, Mentor B1) are not names
    return " ".join(w for w in words if w)


def _fold(form: str) -> str:
    return " ".join(form.casefold().split())


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w[0].isupper())


def build_clusters(candidates: Iterable[Candidate]) -> list[Cluster]:
    by_form: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        form = normalise(candidate.form) if candidate.source == "ner" else candidate.form
        form = " ".join(form.split())
        if form:
            by_form.setdefault(_fold(form), []).append(Candidate(form, *_rest(candidate)))
    clusters: dict[str, Cluster] = {}
    singles = {}
    for folded, group in by_form.items():
        if len(folded.split()) >= 2 and not _abbreviated(group[0].form):
            clusters[folded] = _cluster(group)
        else:
            singles[folded] = group
    _people_by_their_parts(clusters, singles)
    people = [c for c in clusters.values() if c.kind == "person"]
    owners: dict[str, list[Cluster]] = {}
    for person in people:
        words = person.canonical.split()
        for word in {words[0], words[-1]}:
            if len(word) > 1:
                owners.setdefault(word.casefold(), []).append(person)
    for folded, group in singles.items():
        found = _owners(group[0].form, owners, people)
        if len(found) == 1:
            owner = found[0]
            owner.forms.add(group[0].form)
            owner.sources.update(c.source for c in group)
            owner.listed.update(c.form for c in group if c.source in LISTED)
            if not owner.placeholder:
                owner.placeholder = next((c.placeholder for c in group if c.placeholder), "")
            continue
        cluster = _cluster(group)
        if len(found) > 1:
            cluster.kind = "person"
            cluster.ambiguous = tuple(sorted(o.canonical for o in found))
        clusters[folded] = cluster
    _derived_forms(people, owners, clusters)
    return list(clusters.values())


def _people_by_their_parts(clusters: dict[str, Cluster], singles: dict[str, list]) -> None:
    """A two- or three-word name NER took for an organisation or place is a person when its
    first word and its surname are also used alone ("Marcus Feld", "Marcus", "Feld")."""
    for folded, cluster in clusters.items():
        words = folded.split()
        if cluster.kind != "person" and not cluster.placeholder and 2 <= len(words) <= 3:
            if words[0] in singles and words[-1] in singles and cluster.sources == {"ner"}:
                cluster.kind = "person"


def _derived_forms(people: list[Cluster], owners: dict, clusters: dict[str, Cluster]) -> None:
    """A full name's first name and surname alone, and 'Gary W.' / 'G. Whitfield', are
    forms of it when they belong to no other name (and are not everyday words)."""
    abbreviations: dict[str, list[Cluster]] = {}
    for person in people:
        words = person.canonical.split()
        if len(words) == 2 and all(len(w) > 1 and w[0].isupper() for w in words):
            for form in (f"{words[0]} {words[1][0]}.", f"{words[0][0]}. {words[1]}"):
                abbreviations.setdefault(form, []).append(person)
    for form, found in abbreviations.items():
        if len(found) == 1 and form.casefold() not in clusters:
            found[0].forms.add(form)
    for person in people:
        words = person.canonical.split()
        for word in (words[0], words[-1]):
            folded = word.casefold()
            if len(word) < 2 or not word[0].isupper() or folded in WORD_NAMES or allowed(word):
                continue
            if folded in clusters:
                continue
            found = owners.get(folded, ())
            if len(found) == 1:
                person.forms.add(word)
            else:  # "Gary" of "Gary Whitfield" and "Gary Moss": replaced, and flagged
                clusters[folded] = Cluster(
                    canonical=word,
                    kind="person",
                    forms={word},
                    sources={s for p in found for s in p.sources},
                    ambiguous=tuple(sorted({p.canonical for p in found})),
                )


def _rest(candidate: Candidate) -> tuple[str, str, str]:
    return candidate.kind, candidate.source, candidate.placeholder


def _abbreviated(form: str) -> bool:
    """'Gary W.' or 'G. Whitfield': a name with an initial, matched to a full name."""
    return any(len(w.rstrip(".")) == 1 for w in form.split())


def _owners(form: str, owners: dict[str, list[Cluster]], people: list[Cluster]) -> list:
    """The full names a lone word or an abbreviated name ('Gary W.') may belong to."""
    words = form.split()
    if len(words) == 1:
        if _INITIALS.match(form):  # "GW", "G.W."
            initials = form.replace(".", "")
            return [p for p in people if _initials(p.canonical.split()) == initials]
        return list(dict.fromkeys(owners.get(form.casefold(), [])))
    matches = []
    for person in people:
        full = person.canonical.split()
        if len(full) == len(words) and all(
            f.casefold() == w.casefold() or (len(w.rstrip(".")) == 1 and f[0] == w[0])
            for f, w in zip(full, words, strict=True)
        ):
            matches.append(person)
    return matches


def _cluster(group: list[Candidate]) -> Cluster:
    votes: Counter = Counter()
    for candidate in group:
        votes[candidate.kind] += WEIGHT.get(candidate.source, 1)
    keyed = [c for c in group if c.placeholder]
    kind = keyed[0].kind if keyed else max(NAME_KINDS, key=lambda k: votes[k])
    canonical = keyed[0].form if keyed else group[0].form
    return Cluster(
        canonical=canonical,
        kind=kind,
        forms={c.form for c in group},
        sources={c.source for c in group},
        placeholder=keyed[0].placeholder if keyed else "",
        votes=votes,
        listed={c.form for c in group if c.source in LISTED},
    )

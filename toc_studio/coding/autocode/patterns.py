"""Auto-coding by patterns stored with a code: phrases (matched on lemmas, any case) and
spaCy Matcher token patterns, kept with the code (undoably), and the suggestions where
they match, widened to the match, its sentence or its speaker turn."""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding.autocode.suggestion import Suggestion
from toc_studio.coding.models import Code, Coding
from toc_studio.coding.sentences import sentences_by_document
from toc_studio.coding.tables import CodePattern
from toc_studio.errors import Invalid, NotFound
from toc_studio.history import Change
from toc_studio.ingest.models import Document, Turn
from toc_studio.project.models import Project

PATTERN_KINDS = ("phrase", "tokens")
EXTENDS = ("match", "sentence", "turn")
BATCH = 32  # documents read and tagged at a time


def add_pattern(session: Session, code: Code, pattern: str, kind: str = "phrase") -> CodePattern:
    """Store a pattern with ``code``: a phrase (matched on lemmas, any case) or a spaCy
    Matcher token pattern written as JSON (e.g. ``[{"LEMMA": "hope"}]``). Undoable (see
    :func:`add_pattern_undoable` for the undo entry)."""
    return add_pattern_undoable(session, code, pattern, kind)[0]


def add_pattern_undoable(
    session: Session, code: Code, pattern: str, kind: str = "phrase"
) -> tuple[CodePattern, int]:
    """Like :func:`add_pattern`, and returns ``(pattern, undo entry id)``."""
    access.require(session, code.project_id, "lead", "add an auto-coding pattern")
    from toc_studio.coding import undo

    if kind not in PATTERN_KINDS:
        raise Invalid(f"A pattern is a phrase or tokens (JSON), not {kind!r}.")
    pattern = pattern.strip()
    if not pattern:
        raise Invalid("A pattern needs some words.")
    if kind == "tokens":
        _token_pattern(pattern)
    row = CodePattern(code_id=code.id, kind=kind, pattern=pattern)
    session.add(row)
    session.flush()
    log = Change.pattern_added(pattern, code.name)
    log.inserted("code_pattern", [row.id])
    return row, undo.save(session, code.project_id, log).id


def _token_pattern(pattern: str) -> list[dict]:
    try:
        tokens = json.loads(pattern)
    except json.JSONDecodeError as exc:
        raise Invalid(f'A token pattern is JSON, e.g. [{{"LEMMA": "hope"}}]: {exc}') from exc
    if not isinstance(tokens, list) or not tokens or not all(isinstance(t, dict) for t in tokens):
        raise Invalid('A token pattern is a JSON list of token objects, e.g. [{"LEMMA": "hope"}].')
    return tokens


def list_patterns(session: Session, code: Code) -> list[CodePattern]:
    """The patterns stored with ``code``, oldest first."""
    return list(
        session.execute(
            select(CodePattern).where(CodePattern.code_id == code.id).order_by(CodePattern.id)
        ).scalars()
    )


def remove_pattern(session: Session, pattern_id: int) -> int:
    """Delete one stored pattern. Undoable; returns the undo entry's id."""
    from toc_studio.coding import undo

    found = session.execute(
        select(Code.project_id, Code.name)
        .join(CodePattern, CodePattern.code_id == Code.id)
        .where(CodePattern.id == pattern_id)
    ).first()
    if found is None:
        raise NotFound(f"There is no pattern {pattern_id}.")
    project_id, code_name = found
    access.require(session, project_id, "lead", "remove an auto-coding pattern")
    rows = undo.snapshot(session, "code_pattern", "id", [pattern_id])
    log = Change.pattern_removed(rows[0]["pattern"], code_name)
    undo.before_delete(session, log, "code_pattern", [pattern_id])
    log.deleted("code_pattern", rows)
    session.execute(delete(CodePattern).where(CodePattern.id == pattern_id))
    return undo.save(session, project_id, log).id


# --- suggestions where the patterns match ----------------------------------------------------


@dataclass(frozen=True)
class _Matchers:
    """A code's patterns ready to match: the spaCy pipeline, the phrases with their lemma
    keys, the token patterns in one Matcher, each pattern's rule by its id, and the
    pre-filter's tests (see :func:`_region_finder` for ``parts``)."""

    nlp: Any
    phrases: list[tuple[CodePattern, Any]]
    tokens: Any
    rules: dict[str, str]
    could_match: Callable[[str], bool]
    parts: Callable[[str], list | None] | None


def suggest_by_patterns(
    session: Session,
    project: Project,
    code: Code,
    *,
    documents: Sequence[int] | None = None,
    extend: str = "sentence",
    progress: Callable[[int, int], None] | None = None,
    prefilter: bool = True,
) -> list[Suggestion]:
    """Where the code's patterns match (phrases on lower-case lemmas; token patterns
    through spaCy's Matcher), widened to the ``extend`` unit:
    the match itself, its sentence or its speaker turn.

    Documents are read and tagged :data:`BATCH` at a time (their texts, the code's
    codings and their sentences or turns in one statement each; spaCy's ``nlp.pipe``);
    ``progress(done, total)`` is called after each batch. With ``prefilter`` (the
    default), a document whose lower-cased text holds no form of a pattern word is not
    tagged (see :mod:`toc_studio.coding.autocode.prefilter`), and of the others only the
    regions around such forms are (:mod:`toc_studio.coding.autocode.regions`); the
    suggestions are the same."""
    if extend not in EXTENDS:
        raise Invalid(f"Widen matches to {', '.join(EXTENDS)}, not {extend!r}.")
    matchers = _matchers(session, code)
    stmt = select(Document.id).where(Document.project_id == project.id)
    if documents:
        stmt = stmt.where(Document.id.in_(list(documents)))
    ids = list(session.execute(stmt.order_by(Document.id)).scalars())
    suggestions: list[Suggestion] = []
    for part in range(0, len(ids), BATCH):
        texts = {
            doc_id: (title, text)
            for doc_id, title, text in session.execute(
                select(Document.id, Document.title, Document.text).where(
                    Document.id.in_(ids[part : part + BATCH])
                )
            )
            if not prefilter or matchers.could_match(text.lower())
        }
        if texts:
            suggestions.extend(_suggest_in(session, code, texts, extend, matchers, prefilter))
        if progress is not None:
            progress(min(part + BATCH, len(ids)), len(ids))
    return sorted(suggestions, key=lambda x: (x.document_id, x.start, x.end))


def _matchers(session: Session, code: Code) -> _Matchers:
    """The code's stored patterns compiled for matching; refused when it has none."""
    from spacy.matcher import Matcher

    from toc_studio.coding.analysis.words import load_pipeline, phrase_keys
    from toc_studio.coding.autocode.prefilter import candidate_test

    patterns = list_patterns(session, code)
    if not patterns:
        raise Invalid(f"{code.name!r} has no patterns yet; add a word or phrase first.")
    nlp = load_pipeline()
    phrases = [(p, phrase_keys(nlp, p.pattern)) for p in patterns if p.kind == "phrase"]
    tokens = Matcher(nlp.vocab)
    for p in patterns:
        if p.kind == "tokens":
            tokens.add(str(p.id), [_token_pattern(p.pattern)])
    rules = {str(p.id): f"rule: pattern {p.pattern}" for p in patterns}
    token_patterns = [p.pattern for p in patterns if p.kind == "tokens"]
    keys = [k for _, k in phrases]
    could_match = candidate_test(nlp, keys, token_patterns)
    parts = _region_finder(nlp, keys, token_patterns)
    return _Matchers(nlp, phrases, tokens, rules, could_match, parts)


def _suggest_in(
    session: Session,
    code: Code,
    texts: dict[int, tuple[str, str]],
    extend: str,
    matchers: _Matchers,
    prefilter: bool,
) -> list[Suggestion]:
    """The suggestions in one batch of documents (ids to title and text): each match
    widened to its unit, once per span, unless the span is coded with ``code`` already."""
    chunk = sorted(texts)
    coded = set(
        session.execute(
            select(Coding.document_id, Coding.start, Coding.end).where(
                Coding.document_id.in_(chunk), Coding.code_id == code.id
            )
        ).all()
    )
    units = _units(session, {i: t for i, (_, t) in texts.items()}, extend)
    found_in = _tag_and_match(matchers, chunk, texts, matchers.parts if prefilter else None)
    suggestions = []
    for doc_id in chunk:
        title, text = texts[doc_id]
        spans = units.get(doc_id) if units is not None else None
        seen = set()
        for rule, s, e in _widened(found_in[doc_id], spans):
            if (s, e) in seen or (doc_id, s, e) in coded:
                continue
            seen.add((s, e))
            suggestions.append(Suggestion(doc_id, title, s, e, text[s:e], rule))
    return suggestions


def _widened(found: Iterable[tuple], spans: list | None) -> Iterator[tuple[str, int, int]]:
    """Each (rule, start, end) match, as the unit of ``spans`` (sorted (start, end)) it
    starts in; a match outside every unit, or with no units given, stays as it is."""
    starts = [s for s, _ in spans] if spans is not None else []
    for rule, s, e in found:
        if spans is not None:
            index = bisect.bisect_right(starts, s) - 1
            if index >= 0 and s < spans[index][1]:
                s, e = spans[index]
        yield rule, s, e


def _region_finder(nlp, phrases, token_patterns) -> Callable[[str], list | None] | None:
    """``parts(text)``: the regions of a text to tag (None: all of it), or None when every
    document must be tagged whole (see :mod:`toc_studio.coding.autocode.regions`)."""
    from toc_studio.coding.autocode.prefilter import anchors
    from toc_studio.coding.autocode.regions import MARGIN, anchor_pattern, encoder_reach, regions

    reach, found = encoder_reach(nlp), anchors(nlp, phrases, token_patterns)
    if reach is None or found is None:
        return None
    finder = anchor_pattern(found[0])
    if finder is None:
        return None
    widen = reach + found[1] + MARGIN
    return lambda text: regions(text, finder, widen)


def _tag_and_match(matchers: _Matchers, chunk, texts, parts) -> dict[int, list]:
    """Each document's matches as (rule, start, end) in code points, in the order a
    whole-document tagging gives them (each phrase pattern in turn, then the token
    patterns); only the regions ``parts`` names are tagged, when it is given."""
    from toc_studio.coding.analysis.words import phrase_matches

    nlp, phrases, tokens, rules = matchers.nlp, matchers.phrases, matchers.tokens, matchers.rules
    pieces = []  # (document, offset, text)
    for doc_id in chunk:
        text = texts[doc_id][1]
        found = parts(text) if parts is not None else None
        for start, end in [(0, len(text))] if found is None else found:
            pieces.append((doc_id, start, text[start:end]))
    by_phrase = {doc_id: [[] for _ in phrases] for doc_id in chunk}
    by_tokens: dict[int, list] = {doc_id: [] for doc_id in chunk}
    tagged = nlp.pipe((piece for _, _, piece in pieces), batch_size=BATCH)
    for (doc_id, offset, _), doc in zip(pieces, tagged, strict=True):
        for into, (p, keys) in zip(by_phrase[doc_id], phrases, strict=True):
            for b, e in phrase_matches(doc, keys):
                span = doc[b:e]
                into.append((rules[str(p.id)], offset + span.start_char, offset + span.end_char))
        if len(tokens):
            for m, b, e in tokens(doc):
                span = doc[b:e]
                by_tokens[doc_id].append(
                    (rules[nlp.vocab.strings[m]], offset + span.start_char, offset + span.end_char)
                )
    return {
        doc_id: [match for found in by_phrase[doc_id] for match in found] + by_tokens[doc_id]
        for doc_id in chunk
    }


def _units(session: Session, texts: dict[int, str], extend: str) -> dict[int, list] | None:
    """Sentence or turn spans of the documents (ids to texts), or None for the match."""
    if extend == "sentence":
        return sentences_by_document(session, list(texts), texts)
    if extend == "turn":
        found: dict[int, list] = {i: [] for i in texts}
        rows = session.execute(
            select(Turn.document_id, Turn.start, Turn.end)
            .where(Turn.document_id.in_(list(texts)))
            .order_by(Turn.document_id, Turn.start)
        )
        for doc_id, start, end in rows:
            found[doc_id].append((start, end))
        return found
    return None

"""Auto-coding suggestions: by speaker, by patterns stored with a code, by structure (a
survey question, a heading of a Word document).

Suggestions are only proposals: the researcher reviews them and accepts some with
:func:`accept`, which codes them in bulk as a coder named after the rule
("rule: speaker group Mentee"), so that every auto-coding says where it came from.
Spans already coded with the code (same span, any coder) are not suggested again.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import and_, delete, exists, select
from sqlmodel import Session

from toc_studio.coding import codings
from toc_studio.coding.models import Code, Coding
from toc_studio.coding.sentences import sentences_by_document
from toc_studio.coding.tables import CodePattern
from toc_studio.errors import Invalid, NotFound
from toc_studio.history import Change, chunks
from toc_studio.ingest.models import Document, Turn
from toc_studio.ingest.tables import Section
from toc_studio.project import projects
from toc_studio.project.models import Participant, Project

PATTERN_KINDS = ("phrase", "tokens")
EXTENDS = ("match", "sentence", "turn")


@dataclass(frozen=True)
class Suggestion:
    """A span proposed for coding, with the rule that proposed it."""

    document_id: int
    document: str
    start: int
    end: int
    text: str
    rule: str

    def as_dict(self) -> dict:
        return asdict(self)


def _not_coded(code: Code):
    return ~exists().where(
        and_(
            Coding.document_id == Turn.document_id,
            Coding.code_id == code.id,
            Coding.start == Turn.start,
            Coding.end == Turn.end,
        )
    )


def suggest_by_speaker(
    session: Session,
    project: Project,
    code: Code,
    *,
    group: str | None = None,
    participant: str | None = None,
) -> list[Suggestion]:
    """Every turn spoken by a participant of ``group`` (or by ``participant``)."""
    if (group is None) == (participant is None):
        raise Invalid("Suggest by speaker for one group or one participant.")
    # the speakers first, then their turns by the turn's participant index: one join of
    # documents, participants and turns lets PostgreSQL without statistics loop per pair
    if group is not None:
        found = projects.get_group(session, project, group)
        speakers = list(
            session.execute(
                select(Participant.id).where(Participant.group_id == found.id)
            ).scalars()
        )
        rule = f"rule: speaker group {group}"
    else:
        speakers = [projects.get_participant(session, project, participant).id]
        rule = f"rule: speaker {participant}"
    rows = set()
    for part in range(0, len(speakers), 500):
        rows.update(
            tuple(row)
            for row in session.execute(
                select(Turn.document_id, Turn.start, Turn.end).where(
                    Turn.participant_id.in_(speakers[part : part + 500])
                )
            )
        )
    coded = session.execute(
        select(Coding.document_id, Coding.start, Coding.end).where(Coding.code_id == code.id)
    )
    rows.difference_update(tuple(row) for row in coded)
    rows = sorted(rows)
    return _spans(session, rows, rule)


def _spans(session: Session, rows: Sequence, rule: str) -> list[Suggestion]:
    """Suggestions for (document id, start, end) rows, each document's text read once."""
    texts: dict[int, tuple[str, str]] = {}
    ids = sorted({row[0] for row in rows})
    for part in range(0, len(ids), 500):
        texts.update(
            (doc_id, (title, text))
            for doc_id, title, text in session.execute(
                select(Document.id, Document.title, Document.text).where(
                    Document.id.in_(ids[part : part + 500])
                )
            )
        )
    return [Suggestion(d, texts[d][0], s, e, texts[d][1][s:e], rule) for d, s, e in rows]


def suggest_by_survey_question(
    session: Session, project: Project, code: Code, question: str
) -> list[Suggestion]:
    """Every answer (turn) in the survey documents whose title contains ``question``
    (the ingest pipeline makes one document per survey question)."""
    if not question.strip():
        raise Invalid("Name the survey question.")
    rows = session.execute(
        select(Turn.document_id, Turn.start, Turn.end)
        .join(Document, Document.id == Turn.document_id)
        .where(
            Document.project_id == project.id,
            Document.kind == "survey",
            Document.title.ilike(f"%{question.strip()}%"),
            _not_coded(code),
        )
        .order_by(Turn.document_id, Turn.start)
    ).all()
    return _spans(session, rows, f"rule: survey question {question.strip()}")


def suggest_by_heading(
    session: Session, project: Project, code: Code, heading: str, *, level: int | None = None
) -> list[Suggestion]:
    """The text under every heading whose title contains ``heading`` (any case), up to the
    next heading of the same or a higher level: the heading line itself is not coded.
    ``level`` (0 for a Title, n for Heading n) keeps only headings of that level. Each
    suggestion's rule names the heading it came from."""
    wanted = " ".join(heading.split())
    if not wanted:
        raise Invalid("Name the heading whose text to code.")
    title_like = Section.title.ilike(f"%{_like(wanted)}%", escape="\\")
    stmt = (
        select(Section.document_id, Section.title, Section.heading_end, Section.end)
        .join(Document, Document.id == Section.document_id)
        .where(Document.project_id == project.id, title_like)
    )
    if level is not None:
        stmt = stmt.where(Section.level == level)
    rows = session.execute(stmt.order_by(Section.document_id, Section.start)).all()
    doc_ids = sorted({row[0] for row in rows})
    texts = {
        doc_id: (title, text)
        for doc_id, title, text in session.execute(
            select(Document.id, Document.title, Document.text).where(Document.id.in_(doc_ids))
        ).all()
    }
    coded = set(
        session.execute(
            select(Coding.document_id, Coding.start, Coding.end).where(
                Coding.code_id == code.id, Coding.document_id.in_(doc_ids)
            )
        ).all()
    )
    found = []
    for doc_id, name, heading_end, end in rows:
        title, text = texts[doc_id]
        body = text[heading_end:end]
        start = heading_end + len(body) - len(body.lstrip())
        if start < end and (doc_id, start, end) not in coded:
            rule = f"rule: heading {name}"
            found.append(Suggestion(doc_id, title, start, end, text[start:end], rule))
    return found


def _like(value: str) -> str:
    """``value`` with LIKE's wildcards escaped (the escape character is a backslash)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- patterns stored with a code -------------------------------------------------------------


def add_pattern(session: Session, code: Code, pattern: str, kind: str = "phrase") -> CodePattern:
    """Store a pattern with ``code``: a phrase (matched on lemmas, any case) or a spaCy
    Matcher token pattern written as JSON (e.g. ``[{"LEMMA": "hope"}]``). Undoable (see
    :func:`add_pattern_undoable` for the undo entry)."""
    return add_pattern_undoable(session, code, pattern, kind)[0]


def add_pattern_undoable(
    session: Session, code: Code, pattern: str, kind: str = "phrase"
) -> tuple[CodePattern, int]:
    """Like :func:`add_pattern`, and returns ``(pattern, undo entry id)``."""
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
    rows = undo.snapshot(session, "code_pattern", "id", [pattern_id])
    log = Change.pattern_removed(rows[0]["pattern"], code_name)
    undo.before_delete(session, log, "code_pattern", [pattern_id])
    log.deleted("code_pattern", rows)
    session.execute(delete(CodePattern).where(CodePattern.id == pattern_id))
    return undo.save(session, project_id, log).id


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
    from spacy.matcher import Matcher

    from toc_studio.coding.analysis.words import load_pipeline, phrase_keys
    from toc_studio.coding.autocode.prefilter import candidate_test

    if extend not in EXTENDS:
        raise Invalid(f"Widen matches to {', '.join(EXTENDS)}, not {extend!r}.")
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
    could_match = candidate_test(nlp, [k for _, k in phrases], token_patterns)
    parts = _region_finder(nlp, [k for _, k in phrases], token_patterns)
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
            if not prefilter or could_match(text.lower())
        }
        chunk = sorted(texts)
        if not chunk:
            if progress is not None:
                progress(min(part + BATCH, len(ids)), len(ids))
            continue
        coded = set(
            session.execute(
                select(Coding.document_id, Coding.start, Coding.end).where(
                    Coding.document_id.in_(chunk), Coding.code_id == code.id
                )
            ).all()
        )
        units = _units(session, {i: t for i, (_, t) in texts.items()}, extend)
        found_in = _tag_and_match(
            nlp, chunk, texts, phrases, tokens, rules, parts if prefilter else None
        )
        for doc_id in chunk:
            found = found_in[doc_id]
            title, text = texts[doc_id]
            spans = units.get(doc_id) if units is not None else None
            starts = [s for s, _ in spans] if spans is not None else []
            seen = set()
            for rule, s, e in found:
                if spans is not None:
                    index = bisect.bisect_right(starts, s) - 1
                    if index >= 0 and s < spans[index][1]:
                        s, e = spans[index]
                if (s, e) in seen or (doc_id, s, e) in coded:
                    continue
                seen.add((s, e))
                suggestions.append(Suggestion(doc_id, title, s, e, text[s:e], rule))
        if progress is not None:
            progress(min(part + BATCH, len(ids)), len(ids))
    return sorted(suggestions, key=lambda x: (x.document_id, x.start, x.end))


BATCH = 32  # documents read and tagged at a time


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


def _tag_and_match(nlp, chunk, texts, phrases, tokens, rules, parts) -> dict[int, list]:
    """Each document's matches as (rule, start, end) in code points, in the order a
    whole-document tagging gives them (each phrase pattern in turn, then the token
    patterns); only the regions ``parts`` names are tagged, when it is given."""
    from toc_studio.coding.analysis.words import phrase_matches

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


def accept(session: Session, project: Project, code: Code, chosen: Sequence[Suggestion]) -> int:
    """Code the chosen suggestions with ``code``; each rule becomes the coder of its
    codings. Returns how many codings were added (exact duplicates are skipped).
    Undoable (see :func:`accept_undoable` for the undo entry)."""
    return accept_undoable(session, project, code, chosen)[0]


def accept_undoable(
    session: Session, project: Project, code: Code, chosen: Sequence[Suggestion]
) -> tuple[int, int | None]:
    """Like :func:`accept`, and returns ``(added, undo entry id)``; the id is None when
    nothing was added. ``toc-studio undo`` removes the added codings again."""
    from toc_studio.coding import undo

    if code.project_id != project.id:
        raise Invalid("That code belongs to another project.")
    documents = {}
    coders = {}
    requests = []
    for item in chosen:
        if item.document_id not in documents:
            document = session.get(Document, item.document_id)
            if document is None or document.project_id != project.id:
                raise Invalid(f"Suggestion for {item.document!r} is not in this project.")
            documents[item.document_id] = document
        coder = coders.get(item.rule)
        if coder is None:
            coder = coders[item.rule] = projects.get_or_create_coder(session, item.rule[:200])
        requests.append(
            codings.SpanRequest(documents[item.document_id], code, coder, item.start, item.end)
        )
    before = _coding_ids(session, code, list(documents))
    added = codings.add_codings(session, requests)
    if added == 0:
        return 0, None
    log = Change.codings_autocoded(code.name, added)
    log.inserted("coding", sorted(_coding_ids(session, code, list(documents)) - before))
    return added, undo.save(session, project.id, log).id


def _coding_ids(session: Session, code: Code, document_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for part in chunks(sorted(document_ids)):
        found.update(
            session.execute(
                select(Coding.id).where(Coding.code_id == code.id, Coding.document_id.in_(part))
            ).scalars()
        )
    return found

"""Auto-coding by one named rule, for the Auto-code page and ``toc-studio autocode``:
what a project offers to suggest by (headings, survey questions), one :func:`suggest` over
the rule kinds of :mod:`toc_studio.coding.autocode.suggestions` with clear errors, and the
context of each suggestion for review."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.autocode.suggestions import (
    Suggestion,
    suggest_by_heading,
    suggest_by_patterns,
    suggest_by_speaker,
    suggest_by_survey_question,
)
from toc_studio.coding.models import Code
from toc_studio.errors import Invalid, NotFound
from toc_studio.ingest.models import Document
from toc_studio.ingest.tables import Section
from toc_studio.project.models import Project


def headings(session: Session, project: Project) -> list[tuple[int, str]]:
    """The distinct (level, title) of the project's document headings, by level then title:
    what :func:`suggest_by_heading` can be given."""
    rows = session.execute(
        select(Section.level, Section.title)
        .join(Document, Document.id == Section.document_id)
        .where(Document.project_id == project.id)
        .distinct()
    ).all()
    return sorted((level, title) for level, title in rows)


def survey_questions(session: Session, project: Project) -> list[str]:
    """The titles of the project's survey documents (one per question), sorted: what
    :func:`suggest_by_survey_question` can be given."""
    return sorted(
        session.execute(
            select(Document.title)
            .where(Document.project_id == project.id, Document.kind == "survey")
            .distinct()
        ).scalars()
    )


RULE_KINDS = ("group", "participant", "patterns", "heading", "question")


def suggest(
    session: Session,
    project: Project,
    code: Code,
    kind: str,
    value: str | None = None,
    *,
    level: int | None = None,
    extend: str = "sentence",
    progress: Callable[[int, int], None] | None = None,
) -> list[Suggestion]:
    """Suggestions by one rule: ``kind`` is a speaker ``group`` or ``participant`` (named by
    ``value``), the code's stored ``patterns`` (widened to ``extend``), a ``heading`` (its
    text, optionally of ``level``) or a survey ``question``. ``progress(done, total)``
    follows the documents tagged for patterns."""
    if kind not in RULE_KINDS:
        raise Invalid(f"Suggest by {', '.join(RULE_KINDS)}, not {kind!r}.")
    if kind == "patterns":
        return suggest_by_patterns(session, project, code, extend=extend, progress=progress)
    if not (value or "").strip():
        raise Invalid(f"Name the {kind} to suggest by.")
    if kind == "group":
        return suggest_by_speaker(session, project, code, group=value)
    if kind == "participant":
        return suggest_by_speaker(session, project, code, participant=value)
    if kind == "heading":
        wanted = " ".join(value.split()).casefold()
        known = [t for lv, t in headings(session, project) if level is None or lv == level]
        if not any(wanted in " ".join(t.split()).casefold() for t in known):
            raise NotFound(
                f"No heading of {project.name!r} contains {value!r}"
                + (f" at level {level}" if level is not None else "")
                + f"; headings: {', '.join(sorted(set(known))[:20]) or 'none (import a .docx)'}."
            )
        return suggest_by_heading(session, project, code, value, level=level)
    questions = survey_questions(session, project)
    if not any(value.strip().casefold() in q.casefold() for q in questions):
        raise NotFound(
            f"No survey question of {project.name!r} contains {value!r}; questions: "
            f"{', '.join(questions[:20]) or 'none (import a survey)'}."
        )
    return suggest_by_survey_question(session, project, code, value)


def contexts(
    session: Session, found: Sequence[Suggestion], width: int = 60
) -> list[tuple[str, str]]:
    """(before, after): up to ``width`` characters either side of each suggestion, white
    space flattened, for reviewing it in its surroundings."""
    ids = sorted({s.document_id for s in found})
    rows = session.execute(select(Document.id, Document.text).where(Document.id.in_(ids)))
    texts = {doc_id: text for doc_id, text in rows}
    flat = " ".join
    return [
        (
            flat(texts[s.document_id][max(0, s.start - width) : s.start].split()),
            flat(texts[s.document_id][s.end : s.end + width].split()),
        )
        for s in found
    ]

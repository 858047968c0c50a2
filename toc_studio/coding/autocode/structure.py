"""Auto-coding by a document's structure: the answers to a survey question, the text under
a heading of a Word document."""

from __future__ import annotations

from sqlalchemy import and_, exists, select
from sqlmodel import Session

from toc_studio.coding.autocode.suggestion import Suggestion, suggestions_for
from toc_studio.coding.models import Code, Coding
from toc_studio.errors import Invalid
from toc_studio.ingest.models import Document, Turn
from toc_studio.ingest.tables import Section
from toc_studio.project.models import Project


def _not_coded(code: Code):
    """SQL condition: the turn's span is not coded with ``code`` (by any coder)."""
    return ~exists().where(
        and_(
            Coding.document_id == Turn.document_id,
            Coding.code_id == code.id,
            Coding.start == Turn.start,
            Coding.end == Turn.end,
        )
    )


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
    return suggestions_for(session, rows, f"rule: survey question {question.strip()}")


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

"""Memos: notes on the project, a document, a code or a coding."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.models import Code, Coding, Memo
from toc_studio.errors import Invalid
from toc_studio.ingest.models import Document
from toc_studio.project.models import Coder, Project


def add_memo(
    session: Session,
    project: Project,
    text: str,
    *,
    title: str = "",
    author: Coder | None = None,
    document: Document | None = None,
    code: Code | None = None,
    coding: Coding | None = None,
) -> Memo:
    """Write a memo on the project, or on one document, code or coding of it."""
    targets = [t for t in (document, code, coding) if t is not None]
    if len(targets) > 1:
        raise Invalid(
            "A memo is attached to one thing: the project, a document, a code or a coding."
        )
    if document is not None and document.project_id != project.id:
        raise Invalid("That document belongs to another project.")
    if code is not None and code.project_id != project.id:
        raise Invalid("That code belongs to another project.")
    if coding is not None:
        owner = session.get(Document, coding.document_id)
        if owner.project_id != project.id:
            raise Invalid("That coding belongs to another project.")
    if not (title.strip() or text.strip()):
        raise Invalid("A memo needs a title or some text.")
    memo = Memo(
        project_id=project.id,
        title=title.strip(),
        text=text,
        author_id=author.id if author else None,
        document_id=document.id if document else None,
        code_id=code.id if code else None,
        coding_id=coding.id if coding else None,
    )
    session.add(memo)
    session.flush()
    return memo


def list_memos(session: Session, project: Project) -> list[Memo]:
    return list(
        session.execute(
            select(Memo).where(Memo.project_id == project.id).order_by(Memo.created, Memo.id)
        ).scalars()
    )

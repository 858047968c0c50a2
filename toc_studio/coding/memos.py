"""Memos: notes on the project, a document, a code or a coding."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding import blind, guard
from toc_studio.coding.models import Code, Coding, Memo
from toc_studio.errors import Invalid, NotFound, fit
from toc_studio.ingest.models import Document
from toc_studio.project.models import Coder, Project

TITLE_LIMIT = Memo.__table__.c.title.type.length


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
    access.require_as(session, project.id, author.name if author else None, "write a memo")
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
    fit(title.strip(), TITLE_LIMIT, "A memo's title")
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


def get_memo(session: Session, project: Project, memo_id: int) -> Memo:
    """The memo ``memo_id`` of ``project``; NotFound when it no longer exists or belongs to
    another project."""
    memo = session.get(Memo, memo_id)
    if memo is None:
        raise NotFound("That memo no longer exists.")
    if memo.project_id != project.id:
        raise NotFound("That memo belongs to another project.")
    return memo


def list_memos(session: Session, project: Project) -> list[Memo]:
    """Every memo of the project, oldest first."""
    stmt = select(Memo).where(Memo.project_id == project.id, *_blind(session, project))
    return list(session.execute(stmt.order_by(Memo.created, Memo.id)).scalars())


def _blind(session: Session, project: Project) -> list:
    """While documents are blind to the coder signed in, memos on codings they may not see
    are out of sight too (:mod:`toc_studio.coding.blind`)."""
    hidden = blind.visible(session, project.id, Coding.coder_id, Coding.document_id)
    if not hidden:
        return []
    seen = select(Coding.id).where(*hidden)
    return [or_(Memo.coding_id.is_(None), Memo.coding_id.in_(seen))]


def update_memo(
    session: Session, memo: Memo, *, title: str | None = None, text: str | None = None
) -> Memo:
    """Change a memo's title or text (and its ``updated`` time)."""
    guard.require_memo_author(session, memo, "edit a memo")
    from toc_studio.timeutil import utcnow

    if title is not None:
        memo.title = fit(title.strip(), TITLE_LIMIT, "A memo's title")
    if text is not None:
        memo.text = text
    if not (memo.title.strip() or memo.text.strip()):
        raise Invalid("A memo needs a title or some text.")
    memo.updated = utcnow()
    session.add(memo)
    session.flush()
    return memo


def delete_memo(session: Session, memo: Memo) -> None:
    """Delete one memo."""
    guard.require_memo_author(session, memo, "delete a memo")
    session.delete(memo)
    session.flush()


def memos_on(
    session: Session,
    project: Project,
    *,
    document: Document | None = None,
    code: Code | None = None,
    coding: Coding | None = None,
) -> list[Memo]:
    """The memos on one document, code or coding (or on the project itself when none)."""
    stmt = select(Memo).where(Memo.project_id == project.id)
    stmt = stmt.where(
        Memo.document_id == document.id if document else Memo.document_id.is_(None),
        Memo.code_id == code.id if code else Memo.code_id.is_(None),
        Memo.coding_id == coding.id if coding else Memo.coding_id.is_(None),
    )
    return list(session.execute(stmt.order_by(Memo.created, Memo.id)).scalars())


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_memos(session: Session, project: Project, query: str, limit: int = 100) -> list[Memo]:
    """Memos of the project whose title or text contains every word of ``query``
    (case-insensitive), newest first."""
    words = query.split()
    if not words:
        raise Invalid("Type a word to search the memos for.")
    stmt = select(Memo).where(Memo.project_id == project.id, *_blind(session, project))
    for word in words:
        pattern = f"%{_like_escape(word)}%"
        stmt = stmt.where(
            or_(Memo.title.ilike(pattern, escape="\\"), Memo.text.ilike(pattern, escape="\\"))
        )
    return list(
        session.execute(stmt.order_by(Memo.updated.desc(), Memo.id.desc()).limit(limit)).scalars()
    )

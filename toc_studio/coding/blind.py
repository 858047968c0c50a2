"""Blind coding: a lead sets a document, or the whole project, to blind; until a lead
reveals it, a signed-in coder sees only their own codings of it — in the Code screen's
highlights, excerpts, queries, the framework matrix and the Theory of Change's quotes —
so that what they code is their own reading and agreement figures are honest.

Leads and owners see everything. Agreement and disagreements are computed on all codings
(that is the point of double coding) but only shown to leads while the documents they
cover are blind: a coder asking for them is refused with a sentence. With nobody signed
in (the command line, the single-user app) nothing is hidden from whoever holds the store,
but the state is reported (``toc-studio blind --project P``, the Code screen's caption).
Setting and revealing are written to the audit log (:class:`toc_studio.events.Audited`).

What a coder may not see is expressed as a :class:`toc_studio.coding.scope.Hidden` on the
query's :class:`~toc_studio.coding.scope.Scope` (:func:`scoped`), or as one SQL
condition on a coding's coder and document (:func:`visible`), so every query filters in
the database, not after.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from toc_studio import access, events
from toc_studio.coding.scope import Hidden, Scope
from toc_studio.coding.tables import BlindScope
from toc_studio.errors import Conflict, NotFound, Refused
from toc_studio.ingest.models import Document
from toc_studio.project.models import Project


@dataclass(frozen=True)
class BlindState:
    """What is blind in a project: the whole of it, or these documents (id, title)."""

    project: bool
    documents: tuple[tuple[int, str], ...] = ()

    @property
    def any(self) -> bool:
        return self.project or bool(self.documents)

    def covers(self, document_id: int) -> bool:
        return self.project or any(i == document_id for i, _ in self.documents)

    def sentence(self) -> str:
        if self.project:
            return "Blind coding: the whole project (coders see only their own codings)."
        if self.documents:
            titles = ", ".join(repr(t) for _, t in self.documents)
            return f"Blind coding: {titles} (coders see only their own codings there)."
        return "Blind coding: off (everyone sees every coding)."

    def as_dict(self) -> dict:
        return {
            "project": self.project,
            "documents": [{"id": i, "title": t} for i, t in self.documents],
        }


def state(session: Session, project: Project) -> BlindState:
    """What is blind in ``project`` now."""
    rows = session.execute(
        select(BlindScope.document_id, Document.title)
        .outerjoin(Document, Document.id == BlindScope.document_id)
        .where(BlindScope.project_id == project.id)
        .order_by(Document.title, BlindScope.document_id)
    ).all()
    whole = any(document_id is None for document_id, _ in rows)
    documents = tuple((i, title) for i, title in rows if i is not None)
    return BlindState(whole, documents)


def _document(session: Session, project: Project, document: Document | None) -> Document | None:
    if document is not None and document.project_id != project.id:
        raise NotFound(f"{document.title!r} is not a document of this project.")
    return document


def set_blind(session: Session, project: Project, document: Document | None = None) -> BlindState:
    """Set ``document`` (``None``: the whole project) to blind. Leads and owners only."""
    what = f"document {document.title!r}" if document is not None else "the whole project"
    access.require(session, project.id, "lead", "set blind coding")
    _document(session, project, document)
    now = state(session, project)
    if now.project or (document is not None and now.covers(document.id)):
        raise Conflict(f"{what[0].upper()}{what[1:]} is already blind.")
    actor = access.current()
    row = BlindScope(
        project_id=project.id,
        document_id=document.id if document is not None else None,
        set_by=actor.name if actor else "",
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:  # set at the same moment by another lead
        raise Conflict(f"{what[0].upper()}{what[1:]} is already blind.") from exc
    events.emit(session, events.Audited(project.id, "coding.blind", f"Set {what} to blind coding."))
    return state(session, project)


def reveal(session: Session, project: Project, document: Document | None = None) -> BlindState:
    """Reveal ``document`` (``None``: the whole project and every blind document of it):
    everyone sees every coding of it again. Leads and owners only."""
    access.require(session, project.id, "lead", "reveal blind codings")
    _document(session, project, document)
    now = state(session, project)
    stmt = delete(BlindScope).where(BlindScope.project_id == project.id)
    if document is not None:
        if now.project:
            raise Conflict(
                "The whole project is blind: reveal the project (every document at once), "
                "or reveal it and set the other documents to blind one by one."
            )
        if not now.covers(document.id):
            raise Conflict(f"{document.title!r} is not blind.")
        stmt = stmt.where(BlindScope.document_id == document.id)
        what = f"document {document.title!r}"
    else:
        if not now.any:
            raise Conflict("Nothing in this project is blind.")
        what = "the whole project" if now.project else "every blind document"
    session.execute(stmt)
    events.emit(session, events.Audited(project.id, "coding.reveal", f"Revealed {what}."))
    return state(session, project)


def hidden(session: Session, project_id: int) -> Hidden | None:
    """What the person signed in may not see in ``project_id`` (``None``: nothing is
    hidden — nobody signed in, a lead or owner, or nothing blind)."""
    actor = access.current()
    if actor is None:
        return None
    rows = list(
        session.execute(
            select(BlindScope.document_id).where(BlindScope.project_id == project_id)
        ).scalars()
    )
    if not rows or access.acts_for_others(session, project_id):
        return None
    if any(document_id is None for document_id in rows):
        return Hidden(actor.name, None)
    return Hidden(actor.name, tuple(sorted(rows)))


def scoped(session: Session, project: Project, scope: Scope | None = None) -> Scope:
    """``scope`` (or every coding) with what the person signed in may not see left out."""
    scope = scope or Scope()
    found = hidden(session, project.id)
    return scope if found is None else replace(scope, hidden=found)


def visible(session: Session, project_id: int, coder_id, document_id) -> list:
    """WHERE clauses (none or one) on a coding's coder and document columns: the codings
    the person signed in may see."""
    found = hidden(session, project_id)
    return [] if found is None else [found.visible(coder_id, document_id)]


def require_revealed(
    session: Session, project_id: int, document_ids: list[int] | None, doing: str
) -> None:
    """Refuse a coder ``doing`` (e.g. "see agreement figures") on documents still blind
    to them (``document_ids`` None: any document of the project)."""
    found = hidden(session, project_id)
    if found is None:
        return
    if found.documents is None or document_ids is None:
        blind = True
    else:
        blind = bool(set(found.documents) & set(document_ids))
    if blind:
        raise Refused(
            f"These documents are blind: only a lead can {doing} until a lead reveals "
            "them. Your own codings are on the Code page."
        )

"""Codings: spans [start, end) in code points of a document, tagged with a code by a coder.

Overlap rule: codings may overlap or nest freely; the same (document, code, coder, start,
end) may exist only once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding import blind, guard
from toc_studio.coding.models import Code, Coding
from toc_studio.coding.speakers import speaker_at
from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.history import Change
from toc_studio.ingest.models import Document, Turn
from toc_studio.project.models import Coder


def check_span(document: Document, start: int, end: int) -> None:
    """Refuse a span that is empty or outside the document's text."""
    if not isinstance(start, int) or not isinstance(end, int):
        raise Invalid("Span offsets must be whole numbers.")
    if not 0 <= start < end <= len(document.text):
        raise Invalid(
            f"The span [{start}, {end}) is not inside {document.title!r}, which has "
            f"{len(document.text)} characters (a span needs start < end)."
        )


def add_coding(
    session: Session, document: Document, code: Code, coder: Coder, start: int, end: int
) -> Coding:
    """Tag [start, end) of ``document`` with ``code`` on behalf of ``coder``."""
    access.require_as(session, document.project_id, coder.name, "code")
    if code.project_id != document.project_id:
        raise Invalid(f"Code {code.name!r} belongs to another project than {document.title!r}.")
    check_span(document, start, end)
    coding = Coding(
        document_id=document.id,
        code_id=code.id,
        coder_id=coder.id,
        start=start,
        end=end,
        text=document.text[start:end],
        participant_id=speaker_at(session, document.id, start, end),
    )
    try:
        with session.begin_nested():
            session.add(coding)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"{coder.name} has already coded that exact span of {document.title!r} "
            f"with {code.name!r}."
        ) from exc
    return coding


@dataclass(frozen=True)
class SpanRequest:
    """One coding to add in bulk with :func:`add_codings`."""

    document: Document
    code: Code
    coder: Coder
    start: int
    end: int


def add_codings(session: Session, requests: Sequence[SpanRequest]) -> int:
    """Insert many codings at once, after checking every span; duplicates of each other or
    of stored codings are skipped (by the database, so the cost does not grow with the
    codings already stored). Returns the number inserted."""
    from toc_studio.coding.analysis import tally
    from toc_studio.coding.bulk import insert_codings

    guard.require_coding_as(session, requests)
    rows = []
    # Plain values read once per object: SQLAlchemy's attribute access costs more than the
    # checks themselves at a million rows. Duplicates are dropped by insert_codings.
    documents: dict[int, tuple[int, int, str, int]] = {}  # id(document) -> id, project, ...
    codes: dict[int, tuple[int, int]] = {}  # id(code) -> id, project
    coders: dict[int, int] = {}  # id(coder) -> id
    for req in requests:
        document = req.document
        known = documents.get(id(document))
        if known is None:
            text = document.text
            known = documents[id(document)] = (document.id, document.project_id, text, len(text))
        doc_id, project_id, text, length = known
        code = req.code
        code_key = codes.get(id(code))
        if code_key is None:
            code_key = codes[id(code)] = (code.id, code.project_id)
        if code_key[1] != project_id:
            raise Invalid(f"Code {code.name!r} is not in the project of {document.title!r}.")
        coder = req.coder
        coder_id = coders.get(id(coder))
        if coder_id is None:
            coder_id = coders[id(coder)] = coder.id
        start, end = req.start, req.end
        if not (type(start) is int and type(end) is int and 0 <= start < end <= length):
            check_span(document, start, end)
        rows.append((doc_id, code_key[0], coder_id, start, end, text[start:end]))
    inserted = insert_codings(session, rows)
    tally.refresh_session(session)  # counted now: the next assembly need not
    return inserted


def get_coding(session: Session, coding_id: int) -> Coding:
    """The coding with ``coding_id``; NotFound when there is none."""
    coding = session.get(Coding, coding_id)
    if coding is None:
        raise NotFound(f"There is no coding {coding_id}.")
    return coding


def list_codings(
    session: Session, document: Document, coders: Iterable[str] | None = None
) -> list[Coding]:
    """The document's codings in reading order, optionally only those of some coders."""
    stmt = select(Coding).where(Coding.document_id == document.id)
    hidden = blind.visible(session, document.project_id, Coding.coder_id, Coding.document_id)
    stmt = stmt.where(*hidden)
    if coders is not None:
        stmt = stmt.join(Coder, Coder.id == Coding.coder_id).where(Coder.name.in_(list(coders)))
    return list(session.execute(stmt.order_by(Coding.start, Coding.end, Coding.id)).scalars())


def delete_coding(session: Session, coding: Coding) -> int:
    """Remove a coding (and memos on it). Undoable; returns the undo entry's id."""
    from toc_studio.coding import undo

    project_id = session.get(Document, coding.document_id).project_id
    guard.require_own_codings(session, project_id, [coding.id], "remove a coding")
    log = Change.coding_removed(coding.id, _preview(coding.text))
    memos = undo.snapshot(session, "memo", "coding_id", [coding.id])
    undo.before_delete(session, log, "memo", [m["id"] for m in memos])
    undo.before_delete(session, log, "coding", [coding.id])
    log.deleted("memo", memos)
    log.deleted("coding", undo.snapshot(session, "coding", "id", [coding.id]))
    session.execute(delete(Coding).where(Coding.id == coding.id))
    entry = undo.save(session, project_id, log)
    session.expire_all()
    return entry.id


def _preview(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")


def _update_coding(session: Session, coding: Coding, log: Change, **values):
    from toc_studio.coding import undo

    document = session.get(Document, coding.document_id)
    guard.require_own_codings(session, document.project_id, [coding.id], "change a coding")
    if "start" in values or "end" in values:  # a moved or resized coding may have another
        start = values.get("start", coding.start)  # speaker (its end counts too)
        end = values.get("end", coding.end)
        values["participant_id"] = speaker_at(session, document.id, start, end)
    log.updated_row("coding", coding.id, {column: getattr(coding, column) for column in values})
    try:
        with session.begin_nested():
            session.execute(update(Coding).where(Coding.id == coding.id).values(**values))
    except IntegrityError as exc:
        raise Conflict(
            "The same coder already has that code on exactly that span; remove one of them."
        ) from exc
    entry = undo.save(session, document.project_id, log)
    session.expire_all()
    session.refresh(coding)
    return entry.id


def resize_coding(session: Session, coding: Coding, start: int, end: int) -> Coding:
    """Move a coding's bounds to [start, end) and re-anchor its text. Undoable."""
    document = session.get(Document, coding.document_id)
    check_span(document, start, end)
    log = Change.coding_resized(coding.id, coding.start, coding.end)
    text = document.text[start:end]
    _update_coding(session, coding, log, start=start, end=end, text=text)
    return coding


def recode_coding(session: Session, coding: Coding, code: Code) -> Coding:
    """Give a coding another code of the same project. Undoable."""
    document = session.get(Document, coding.document_id)
    if code.project_id != document.project_id:
        raise Invalid(f"Code {code.name!r} belongs to another project than {document.title!r}.")
    log = Change.coding_recoded(coding.id, _preview(coding.text), code.name)
    _update_coding(session, coding, log, code_id=code.id)
    return coding


def code_turn(session: Session, turn_id: int, code: Code, coder: Coder) -> Coding:
    """Code a whole speaker turn in one call."""
    turn = session.get(Turn, turn_id)
    if turn is None:
        raise NotFound(f"There is no turn {turn_id}.")
    document = session.get(Document, turn.document_id)
    return add_coding(session, document, code, coder, turn.start, turn.end)


def code_sentence(
    session: Session, document: Document, offset: int, code: Code, coder: Coder
) -> Coding:
    """Code the whole sentence that contains character ``offset`` of ``document``."""
    from toc_studio.coding.sentences import document_sentences, sentence_at

    span = sentence_at(document_sentences(session, document), offset)
    if span is None:
        raise Invalid(f"Offset {offset} of {document.title!r} is not inside a sentence.")
    return add_coding(session, document, code, coder, *span)

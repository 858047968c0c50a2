"""Written summaries: one per cell of the framework matrix (a code × a participant or a
group) and one per document per evaluation aim.

**Evaluation aims are the top-level codes** of the codebook (a codebook is usually laid
out by aim: "Mentees' outcomes", "Delivery", ...). A document's summary against an aim is
a summary of that top-level code for that document; a cell's summary may be of any code.
Setting an empty text removes a summary. Writing summaries is analysis work: a coder may
write them (:func:`toc_studio.access.require` with ``"coder"``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding.codebook import code_paths, get_code, get_code_by_path
from toc_studio.coding.models import Code
from toc_studio.errors import Invalid
from toc_studio.findings.models import Summary
from toc_studio.ingest.documents import get_document
from toc_studio.ingest.models import Document
from toc_studio.project.models import Group, Participant, Project
from toc_studio.project.projects import get_group, get_participant
from toc_studio.timeutil import utcnow

TARGETS = ("participant", "group", "document")
MAX_TEXT = 20_000


@dataclass(frozen=True)
class SummaryView:
    id: int
    code_id: int
    code: str
    target: str  # participant, group or document
    name: str  # the participant's label, the group's name or the document's title
    text: str

    def as_dict(self) -> dict:
        return {"id": self.id, "code": self.code, "target": self.target, "name": self.name,
                "text": self.text}  # fmt: skip


def _code(session: Session, project: Project, code: str | int | Code) -> Code:
    if isinstance(code, Code):
        return code
    if isinstance(code, int):
        return get_code(session, project, code)
    return get_code_by_path(session, project, code)


def _target(session: Session, project: Project, target: str, name: str) -> dict[str, int]:
    if target == "participant":
        return {"participant_id": get_participant(session, project, name).id}
    if target == "group":
        return {"group_id": get_group(session, project, name).id}
    if target == "document":
        return {"document_id": get_document(session, project, name).id}
    raise Invalid(f"A summary is of a code for a {', a '.join(TARGETS)}.")


def set_summary(
    session: Session, project: Project, code: str | int | Code, target: str, name: str, text: str
) -> Summary | None:
    """Write (or, with an empty ``text``, remove) the summary of ``code`` for the
    participant, group or document ``name``. A document's summary is against an aim: a
    top-level code."""
    access.require(session, project.id, "coder", "write summaries")
    found = _code(session, project, code)
    where = _target(session, project, target, name)
    if target == "document" and found.parent_id is not None:
        raise Invalid("A document is summarised against an evaluation aim: a top-level code.")
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise Invalid(f"A summary holds up to {MAX_TEXT:,} characters; this one has {len(text):,}.")
    ((column, value),) = where.items()
    row = session.execute(
        select(Summary).where(Summary.code_id == found.id, getattr(Summary, column) == value)
    ).scalars().first()  # fmt: skip
    if not text:
        if row is not None:
            session.delete(row)
            session.flush()
        return None
    if row is None:
        row = Summary(project_id=project.id, code_id=found.id, text=text, **where)
    row.text, row.updated = text, utcnow()
    session.add(row)
    session.flush()
    return row


def list_summaries(
    session: Session, project: Project, target: str | None = None
) -> list[SummaryView]:
    """The project's summaries (of one kind of target, when given), by code path then name."""
    if target is not None and target not in TARGETS:
        raise Invalid(f"A summary is of a code for a {', a '.join(TARGETS)}.")
    rows = session.execute(
        select(Summary, Participant.label, Group.name, Document.title)
        .outerjoin(Participant, Participant.id == Summary.participant_id)
        .outerjoin(Group, Group.id == Summary.group_id)
        .outerjoin(Document, Document.id == Summary.document_id)
        .where(Summary.project_id == project.id)
    ).all()
    paths = code_paths(session, project)
    views = []
    for row, label, group, title in rows:
        kind = "participant" if label is not None else "group" if group is not None else "document"
        if target is None or kind == target:
            views.append(SummaryView(row.id, row.code_id, paths.get(row.code_id, "?"), kind,
                                     label or group or title or "", row.text))  # fmt: skip
    views.sort(key=lambda v: (v.code.casefold(), TARGETS.index(v.target), v.name.casefold()))
    return views


def cell_summaries(session: Session, project: Project, by: str) -> dict[tuple[int, str], str]:
    """The summaries of the framework matrix by ``by`` ("group" or "participant"), by
    (code id, column name)."""
    if by not in ("group", "participant"):
        return {}
    return {(v.code_id, v.name): v.text for v in list_summaries(session, project, by)}


def summary_of(session: Session, project: Project, code_id: int, target: str, name: str) -> str:
    """The text of one summary ("" when none is written)."""
    for view in list_summaries(session, project, target):
        if view.code_id == code_id and view.name == name:
            return view.text
    return ""


def aims(session: Session, project: Project) -> list[Code]:
    """The evaluation aims: the top-level codes, in codebook order."""
    from toc_studio.coding.codebook import list_codes

    return [c for c in list_codes(session, project) if c.parent_id is None]

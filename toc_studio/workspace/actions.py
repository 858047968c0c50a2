"""What the Code screen does to the store, and how each step is undone.

Every action returns an :class:`Undo` step the screen keeps in its session, in a
:class:`History` with one list per project (a step is only ever offered in its own
project). Adding codings is a :class:`toc_studio.history.Change` kept in the step and
reverted from there (deleting exactly those codings); removing and recoding go through
the coding store's undoable operations and are undone through its undo log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding import codings as coding_store
from toc_studio.coding import guard
from toc_studio.coding import undo as undo_log
from toc_studio.coding.models import Code, Coding
from toc_studio.coding.tables import UndoEntry
from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.history import Change, revert
from toc_studio.ingest.models import Document
from toc_studio.project.models import Coder, Project


@dataclass
class Undo:
    """One undoable step of the screen: a change kept only here (codings added), or the
    id of an entry of the coding store's undo log."""

    label: str
    change: Change | None = None
    entry: int | None = None


@dataclass
class History:
    """The Code screen's undo steps, one list per project, newest last."""

    steps: dict[int, list[Undo]] = field(default_factory=dict)

    def push(self, project: Project, step: Undo) -> None:
        self.steps.setdefault(project.id, []).append(step)

    def last(self, project: Project) -> Undo | None:
        """The step an undo in ``project`` would reverse (None: nothing to undo there)."""
        mine = self.steps.get(project.id)
        return mine[-1] if mine else None

    def undo(self, session: Session, project: Project) -> str:
        """Reverse the project's newest step; returns what was undone. A step that can no
        longer be undone (undone elsewhere) is dropped as it is refused."""
        step = self.last(project)
        if step is None:
            raise NotFound("There is nothing to undo on this screen in this project.")
        try:
            label = undo(session, project, step)
        except NotFound:
            self.steps[project.id].pop()
            raise
        self.steps[project.id].pop()
        return label


def _added(label: str, created: list[int]) -> Undo | None:
    return Undo(label, change=Change.coding_added(label, created)) if created else None


@dataclass
class Applied:
    created: list[int]
    skipped: list[str]
    undo: Undo | None


def apply_codes(
    session: Session,
    document: Document,
    codes: Sequence[Code],
    coder: Coder,
    start: int,
    end: int,
) -> Applied:
    """Code [start, end) of ``document`` with each of ``codes``; a code this coder already
    put on exactly that span is skipped (and named in ``skipped``)."""
    if not codes:
        raise Invalid("Choose at least one code to apply.")
    created, skipped = [], []
    for code in codes:
        try:
            created.append(coding_store.add_coding(session, document, code, coder, start, end).id)
        except Conflict:
            skipped.append(code.name)
    names = ", ".join(c.name for c in codes if c.name not in skipped)
    return Applied(created, skipped, _added(f"apply {names}", created))


def code_turn(session: Session, turn_id: int, codes: Sequence[Code], coder: Coder) -> Applied:
    """Code a whole speaker turn with each of ``codes``."""
    if not codes:
        raise Invalid("Choose at least one code to apply.")
    created, skipped = [], []
    for code in codes:
        try:
            created.append(coding_store.code_turn(session, turn_id, code, coder).id)
        except Conflict:
            skipped.append(code.name)
    return Applied(created, skipped, _added("code the turn", created))


def code_sentence(
    session: Session, document: Document, offset: int, codes: Sequence[Code], coder: Coder
) -> Applied:
    """Code the sentence around ``offset`` with each of ``codes``."""
    if not codes:
        raise Invalid("Choose at least one code to apply.")
    created, skipped = [], []
    for code in codes:
        try:
            created.append(coding_store.code_sentence(session, document, offset, code, coder).id)
        except Conflict:
            skipped.append(code.name)
    return Applied(created, skipped, _added("code the sentence", created))


def remove_coding(session: Session, project: Project, coding_id: int) -> Undo:
    coding = _coding_of(session, project, coding_id)
    entry = coding_store.delete_coding(session, coding)
    return Undo("remove a highlight", entry=entry)


def recode_coding(session: Session, project: Project, coding_id: int, code: Code) -> Undo:
    coding = _coding_of(session, project, coding_id)
    if code.id == coding.code_id:
        raise Invalid(f"That highlight already has the code {code.name!r}.")
    coding_store.recode_coding(session, coding, code)
    entry = undo_log.list_undo(session, project, limit=1)[0]
    return Undo(f"recode as {code.name}", entry=entry.id)


def undo(session: Session, project: Project, step: Undo) -> str:
    """Reverse ``step``; returns what was undone, for the screen to say."""
    if step.entry is not None:
        exists = session.execute(
            select(UndoEntry.id).where(
                UndoEntry.id == step.entry, UndoEntry.project_id == project.id
            )
        ).first()
        if exists is None:
            raise NotFound(f"Cannot undo {step.label!r}: it was already undone elsewhere.")
        undo_log.undo(session, project, step.entry)
    elif step.change is not None:
        guard.require_own_change(session, project.id, step.change, "undo a change")
        revert(session, step.change)
        session.expire_all()
    return step.label


def _coding_of(session: Session, project: Project, coding_id: int) -> Coding:
    coding = coding_store.get_coding(session, coding_id)
    document = session.get(Document, coding.document_id)
    if document.project_id != project.id:
        raise NotFound(f"There is no coding {coding_id} in this project.")
    return coding


@dataclass(frozen=True)
class CodingDetail:
    id: int
    code_id: int
    code: str
    colour: str
    coder: str
    start: int
    end: int
    text: str


def coding_details(
    session: Session, ids: Sequence[int], paths: dict[int, str]
) -> list[CodingDetail]:
    """The codings under a clicked highlight, with their code paths and coders."""
    rows = session.execute(
        select(Coding, Code.colour, Coder.name)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.id.in_(list(ids)))
        .order_by(Coding.start, Coding.id)
    ).all()
    return [
        CodingDetail(
            c.id, c.code_id, paths.get(c.code_id, "?"), colour, coder, c.start, c.end, c.text
        )
        for c, colour, coder in rows
    ]


def recent_first(code_ids: Sequence[int], recent: Sequence[int]) -> list[int]:
    """Codebook order, with the recently used codes (most recent first) at the top."""
    known = set(code_ids)
    head = [c for c in dict.fromkeys(recent) if c in known]
    return head + [c for c in code_ids if c not in set(head)]

"""Changing the findings register: add, edit, link and unlink, move, remove, restore.
Numbering and ids are described in :mod:`toc_studio.findings.register`. Every change needs
the lead role; removing and restoring are recorded in the audit log."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlmodel import Session

from toc_studio import access, events
from toc_studio.coding.codebook import get_code_by_path
from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.findings.models import Finding, FindingLink
from toc_studio.findings.register import (
    KIND_NAMES,
    MAX_TEXT,
    check_kind,
    get_finding,
    numbers,
    quotes_of,
    working_elements,
)
from toc_studio.project.models import Project
from toc_studio.timeutil import utcnow

EDIT = "edit the findings register"


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Invalid("Write the text of the entry.")
    if len(text) > MAX_TEXT:
        raise Invalid(f"An entry holds up to {MAX_TEXT:,} characters; this one has {len(text):,}.")
    return text


def add_finding(
    session: Session,
    project: Project,
    kind: str,
    text: str,
    *,
    codes: Iterable[str] = (),
    quotes: Iterable[int] = (),
    elements: Iterable[str] = (),
) -> Finding:
    """Add an entry at the end of its kind's list, with its links."""
    access.require(session, project.id, "lead", EDIT)
    kind = check_kind(kind)
    last = session.execute(
        select(func.max(Finding.position)).where(Finding.project_id == project.id,
                                                 Finding.kind == kind)
    ).scalar()  # fmt: skip
    row = Finding(project_id=project.id, kind=kind, text=_clean_text(text),
                  position=(last or 0) + 1)  # fmt: skip
    session.add(row)
    session.flush()
    link(session, project, row, codes=codes, quotes=quotes, elements=elements)
    return row


def edit_finding(
    session: Session, project: Project, ref: str | int | Finding, *, text: str | None = None,
    kind: str | None = None,
) -> Finding:  # fmt: skip
    """Change an entry's text and/or kind (a new kind puts it last in that kind's list)."""
    access.require(session, project.id, "lead", EDIT)
    row = ref if isinstance(ref, Finding) else get_finding(session, project, ref)
    if text is not None:
        row.text = _clean_text(text)
    if kind is not None and check_kind(kind) != row.kind:
        row.kind = check_kind(kind)
        last = session.execute(
            select(func.max(Finding.position)).where(Finding.project_id == project.id,
                                                     Finding.kind == row.kind)
        ).scalar()  # fmt: skip
        row.position = (last or 0) + 1
    row.updated = utcnow()
    session.add(row)
    session.flush()
    return row


def link(
    session: Session,
    project: Project,
    ref: str | int | Finding,
    *,
    codes: Iterable[str] = (),
    quotes: Iterable[int] = (),
    elements: Iterable[str] = (),
) -> int:
    """Tie codes (by path), quotes (coding ids) and ToC elements (keys such as ``code:12``
    or ``hand:ab12``, as ``toc build --json`` lists them) to an entry. Links it already
    has are kept once. Returns how many links were added."""
    access.require(session, project.id, "lead", EDIT)
    row = ref if isinstance(ref, Finding) else get_finding(session, project, ref)
    have = {(lk.code_id, lk.coding_id, lk.element) for lk in _links_of(session, row)}
    wanted: list[tuple[int | None, int | None, str | None]] = []
    for path in codes:
        wanted.append((get_code_by_path(session, project, path).id, None, None))
    quote_ids = [int(q) for q in quotes]
    found = quotes_of(session, project, quote_ids)
    for coding_id in quote_ids:
        if coding_id not in found:
            raise NotFound(f"Project {project.name!r} has no quote (coding) {coding_id}.")
        wanted.append((None, coding_id, None))
    keys = [str(e).strip() for e in elements]
    if keys:
        known = working_elements(session, project)
        for key in keys:
            if key not in known:
                raise NotFound(
                    f"The Theory of Change has no element {key[:100]!r}; "
                    "`toc-studio toc build --json` lists the elements' ids."
                )
            wanted.append((None, None, key))
    added = 0
    for code_id, coding_id, element in dict.fromkeys(wanted):
        if (code_id, coding_id, element) in have:
            continue
        session.add(FindingLink(finding_id=row.id, code_id=code_id, coding_id=coding_id,
                                element=element))  # fmt: skip
        added += 1
    row.updated = utcnow()
    session.flush()
    return added


def unlink(
    session: Session,
    project: Project,
    ref: str | int | Finding,
    *,
    codes: Iterable[str] = (),
    quotes: Iterable[int] = (),
    elements: Iterable[str] = (),
) -> int:
    """Untie codes, quotes or elements from an entry; returns how many links went."""
    access.require(session, project.id, "lead", EDIT)
    row = ref if isinstance(ref, Finding) else get_finding(session, project, ref)
    code_ids = {get_code_by_path(session, project, path).id for path in codes}
    coding_ids = {int(q) for q in quotes}
    keys = {str(e).strip() for e in elements}
    gone = 0
    for lk in _links_of(session, row):
        if lk.code_id in code_ids or lk.coding_id in coding_ids or lk.element in keys:
            session.delete(lk)
            gone += 1
    session.flush()
    return gone


def _links_of(session: Session, row: Finding) -> list[FindingLink]:
    return list(
        session.execute(select(FindingLink).where(FindingLink.finding_id == row.id)).scalars()
    )


def move_finding(session: Session, project: Project, ref: str | int | Finding, to: int) -> str:
    """Move an entry to number ``to`` of its kind (1 is first; past the end is last).
    Returns its new number."""
    access.require(session, project.id, "lead", EDIT)
    row = ref if isinstance(ref, Finding) else get_finding(session, project, ref)
    if row.removed:
        raise Conflict("A removed entry has no place to move; restore it first.")
    live = [r for r in _kind_rows(session, project, row.kind) if not r.removed]
    others = [r for r in live if r.id != row.id]
    place = min(max(int(to), 1), len(others) + 1) - 1
    ordered = [*others[:place], row, *others[place:]]
    removed = [r for r in _kind_rows(session, project, row.kind) if r.removed]
    _renumber(session, ordered, removed, others)
    return numbers(_kind_rows(session, project, row.kind))[row.id]


def _kind_rows(session: Session, project: Project, kind: str) -> list[Finding]:
    return list(
        session.execute(
            select(Finding)
            .where(Finding.project_id == project.id, Finding.kind == kind)
            .order_by(Finding.position, Finding.id)
        ).scalars()
    )


def _renumber(
    session: Session, ordered: list[Finding], removed: list[Finding], anchors: list[Finding]
) -> None:
    """Give ``ordered`` positions 1.. in order; a removed entry keeps its place after the
    entry of ``anchors`` (the live ones that did not move) it followed, so that restoring
    it puts it back there."""
    before: dict[int, list[Finding]] = {}
    for row in removed:
        earlier = [r for r in anchors if (r.position, r.id) < (row.position, row.id)]
        anchor = max(earlier, key=lambda r: (r.position, r.id)) if earlier else None
        before.setdefault(anchor.id if anchor else 0, []).append(row)
    position = 0
    for row in [*before.get(0, [])]:
        position += 1
        row.position = position
    for live in ordered:
        position += 1
        live.position = position
        for row in before.get(live.id, []):
            position += 1
            row.position = position
    session.flush()


def remove_finding(session: Session, project: Project, ref: str | int | Finding) -> Finding:
    """Remove an entry from the register (the entries after it move up a number). It
    keeps its links and its place: :func:`restore_finding` brings it back."""
    access.require(session, project.id, "lead", EDIT)
    row = ref if isinstance(ref, Finding) else get_finding(session, project, ref)
    number = numbers(_kind_rows(session, project, row.kind))[row.id]
    row.removed = True
    row.updated = utcnow()
    session.add(row)
    session.flush()
    said = f"Removed {KIND_NAMES[row.kind]} {number} (#{row.id})."
    events.emit(session, events.Audited(project.id, "finding.remove", said))
    return row


def restore_finding(session: Session, project: Project, ref: str | int) -> str:
    """Bring back a removed entry (by its id) at its old place; returns its number."""
    access.require(session, project.id, "lead", EDIT)
    text = str(ref).strip().lstrip("#")
    row = session.get(Finding, int(text)) if text.isdigit() else None
    if row is None or row.project_id != project.id:
        raise NotFound(f"The register has no entry #{text[:20]}; "
                       "`toc-studio findings list --removed` lists removed entries.")  # fmt: skip
    if not row.removed:
        raise Conflict(f"Entry #{row.id} is not removed.")
    row.removed = False
    row.updated = utcnow()
    session.add(row)
    session.flush()
    number = numbers(_kind_rows(session, project, row.kind))[row.id]
    said = f"Restored {KIND_NAMES[row.kind]} {number} (#{row.id})."
    events.emit(session, events.Audited(project.id, "finding.restore", said))
    return number

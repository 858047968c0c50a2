"""The findings register: findings, learning points and recommendations, each with its
text, the codes, quotes (codings) and Theory of Change elements behind it, and the
strength of that evidence.

Numbering: an entry's number (``F1``, ``L2``, ``R3`` for finding, learning point,
recommendation) is its place among the entries of its kind that are not removed, in the
order the team set. Adding puts an entry last, so existing numbers never change on add;
moving an entry, removing one or restoring one renumbers the entries after it. Every
entry also keeps a permanent id (``#12``) that never changes; commands take either.
Removing is undoable: a removed entry keeps its place and links and comes back with
:func:`restore_finding`.

Every change needs the lead role (:func:`toc_studio.access.require`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.codebook import code_paths
from toc_studio.coding.models import Code, Coding
from toc_studio.errors import Invalid, NotFound
from toc_studio.findings.models import KINDS, Finding, FindingLink
from toc_studio.ingest.models import Document
from toc_studio.project.models import Participant, Project

PREFIX = {"finding": "F", "learning": "L", "recommendation": "R"}
KIND_NAMES = {
    "finding": "finding",
    "learning": "learning point",
    "recommendation": "recommendation",
}
MAX_TEXT = 20_000
_NUMBER = re.compile(r"^([FLR])(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Quote:
    """A quote behind a finding: a coding's text, who said it, in which document."""

    coding_id: int
    text: str
    participant: str | None
    document: str
    document_id: int
    start: int


@dataclass(frozen=True)
class ElementRef:
    """A ToC element behind a finding: its key and label (None when the working version no
    longer has it)."""

    key: str
    label: str | None
    code_ids: tuple[int, ...] = ()


@dataclass
class FindingView:
    id: int
    number: str
    kind: str
    text: str
    removed: bool
    codes: list[tuple[int, str]] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    elements: list[ElementRef] = field(default_factory=list)
    strength: Any = None

    def as_dict(self) -> dict:
        return {
            "id": self.id, "number": self.number, "kind": self.kind, "text": self.text,
            "removed": self.removed,
            "codes": [path for _, path in self.codes],
            "quotes": [{"coding_id": q.coding_id, "text": q.text, "participant": q.participant,
                        "document": q.document} for q in self.quotes],
            "elements": [{"id": e.key, "label": e.label} for e in self.elements],
            "strength": strength_dict(self.strength),
        }  # fmt: skip


def strength_dict(strength: Any) -> dict | None:
    """A strength as plain data (for ``--json``)."""
    if strength is None:
        return None
    as_dict = getattr(strength, "as_dict", None)
    if callable(as_dict):
        return as_dict()
    from dataclasses import asdict

    return asdict(strength)


# --- reading ------------------------------------------------------------------------------


def check_kind(kind: str) -> str:
    kind = (kind or "").strip().casefold()
    if kind not in KINDS:
        raise Invalid(f"A register entry is a {', a '.join(KINDS[:-1])} or a {KINDS[-1]}.")
    return kind


def _rows(session: Session, project: Project, kind: str | None = None) -> list[Finding]:
    stmt = select(Finding).where(Finding.project_id == project.id)
    if kind is not None:
        stmt = stmt.where(Finding.kind == kind)
    return list(session.execute(stmt.order_by(Finding.position, Finding.id)).scalars())


def numbers(rows: Iterable[Finding]) -> dict[int, str]:
    """Each entry's number (``F1``...) by id; removed entries get none (``""``)."""
    counts: dict[str, int] = {}
    found: dict[int, str] = {}
    for row in sorted(rows, key=lambda r: (r.position, r.id)):
        if row.removed:
            found[row.id] = ""
            continue
        counts[row.kind] = counts.get(row.kind, 0) + 1
        found[row.id] = f"{PREFIX[row.kind]}{counts[row.kind]}"
    return found


def get_finding(session: Session, project: Project, ref: str | int) -> Finding:
    """An entry by its number (``F2``, ``L1``, ``R3``) or its permanent id (``12`` or
    ``#12``)."""
    text = str(ref).strip()
    rows = _rows(session, project)
    match = _NUMBER.match(text)
    if match:
        wanted = text.upper()
        for row_id, number in numbers(rows).items():
            if number == wanted:
                return next(r for r in rows if r.id == row_id)
        raise NotFound(f"The register has no {wanted}; `toc-studio findings list` shows it.")
    if text.lstrip("#").isdigit():
        row = session.get(Finding, int(text.lstrip("#")))
        if row is not None and row.project_id == project.id:
            return row
        raise NotFound(f"The register has no entry #{text.lstrip('#')}.")
    raise Invalid("Name a register entry by its number (F2, L1, R3) or its id (#12).")


def working_graph(session: Session, project: Project):
    """The working Theory of Change, assembled without counting evidence (read only: no
    working version is created when there is none)."""
    from toc_studio.theory.assemble import assemble
    from toc_studio.theory.models import TocVersion

    working = session.execute(
        select(TocVersion).where(TocVersion.project_id == project.id, TocVersion.frozen.is_(False))
    ).scalars().first()  # fmt: skip
    return assemble(session, project, working, with_evidence=False)


def working_elements(session: Session, project: Project) -> dict[str, ElementRef]:
    """The elements of the working Theory of Change by key (domain headings left out)."""
    graph = working_graph(session, project)
    return {
        key: ElementRef(key, attrs["label"], tuple(attrs.get("code_ids") or ()))
        for key, attrs in graph.nodes(data=True)
        if attrs.get("category") != "domain"
    }


def quotes_of(session: Session, project: Project, coding_ids: Iterable[int]) -> dict[int, Quote]:
    """The quotes of ``coding_ids`` that belong to ``project``, by coding id."""
    ids = sorted(set(coding_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Coding.id, Coding.text, Participant.label, Document.title, Document.id,
               Coding.start)
        .join(Document, Document.id == Coding.document_id)
        .outerjoin(Participant, Participant.id == Coding.participant_id)
        .where(Coding.id.in_(ids), Document.project_id == project.id)
    ).all()  # fmt: skip
    return {r[0]: Quote(*r) for r in rows}


def list_findings(
    session: Session,
    project: Project,
    *,
    kind: str | None = None,
    removed: bool = False,
    strength: bool = True,
) -> list[FindingView]:
    """The register in order (findings, then learning points, then recommendations), with
    links and (unless ``strength`` is false) the strength of each entry's evidence.
    ``removed`` lists the removed entries instead."""
    rows = _rows(session, project)
    number = numbers(rows)
    shown = [r for r in rows if r.removed == removed
             and (kind is None or r.kind == check_kind(kind))]  # fmt: skip
    shown.sort(key=lambda r: (KINDS.index(r.kind), r.position, r.id))
    links = _links(session, [r.id for r in shown])
    paths = code_paths(session, project)
    quotes = quotes_of(session, project, [lk.coding_id for lk in links if lk.coding_id])
    elements = working_elements(session, project) if any(lk.element for lk in links) else {}
    views = []
    for row in shown:
        mine = [lk for lk in links if lk.finding_id == row.id]
        view = FindingView(row.id, number[row.id], row.kind, row.text, row.removed)
        view.codes = [(lk.code_id, paths[lk.code_id]) for lk in mine if lk.code_id in paths]
        view.quotes = sorted((quotes[lk.coding_id] for lk in mine if lk.coding_id in quotes),
                             key=lambda q: (q.document_id, q.start))  # fmt: skip
        view.elements = [elements.get(lk.element, ElementRef(lk.element, None))
                         for lk in mine if lk.element]  # fmt: skip
        if strength:
            view.strength = strength_of_view(session, project, view)
        views.append(view)
    return views


def _links(session: Session, finding_ids: Sequence[int]) -> list[FindingLink]:
    if not finding_ids:
        return []
    return list(
        session.execute(
            select(FindingLink)
            .where(FindingLink.finding_id.in_(finding_ids))
            .order_by(FindingLink.id)
        ).scalars()
    )


def strength_of_view(session: Session, project: Project, view: FindingView):
    """The strength of the evidence behind an entry: its codes (with their sub-codes), the
    codes of its ToC elements, and its quotes (see
    :func:`toc_studio.coding.analysis.strength.strength_of`). None when nothing backs it."""
    from toc_studio.coding.analysis.strength import strength_of
    from toc_studio.coding.codebook import descendant_ids

    code_ids: set[int] = set()
    for code_id, _ in view.codes:
        code = session.get(Code, code_id)
        if code is not None:
            code_ids.update(descendant_ids(session, code))
    for element in view.elements:
        code_ids.update(element.code_ids)
    coding_ids = [q.coding_id for q in view.quotes]
    if not code_ids and not coding_ids:
        return None
    return strength_of(
        session, project.id, code_ids=tuple(sorted(code_ids)), coding_ids=tuple(coding_ids)
    )


def numbers_of(session: Session, project: Project) -> dict[int, str]:
    """Every entry's number by id (``""`` for a removed one)."""
    return numbers(_rows(session, project))

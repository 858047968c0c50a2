"""The framework matrix of thematic analysis: codes × groups, participants or values of an
attribute, counting **passages** (:mod:`toc_studio.coding.analysis.passages`: codings of
one code in one document by different coders that overlap are one passage, so double
coding for agreement does not double a cell), their distinct speakers and documents, and
the excerpts behind one of its cells (one per passage).

**Where a passage falls.** A passage is counted in the column of its speaker: the stored
speaker of its representative coding (the one starting first, the longest of those, then
the oldest), else the first speaker among its other codings (the rule of
:mod:`.passages`). So when two coders' overlapping codings have different speakers (one
starts in the interviewer's turn, the other in the participant's), the representative's
speaker wins, and the passage counts once, in that one column. A passage without a
speaker falls in "(none)"; so does one whose speaker has no group or no value of the
attribute. The scope's document, kind and coder filters (and blind coding's hidden
codings) choose the codings before they form passages; its group, participant and
attribute filters then choose passages by their speaker.

**How it is counted** (:mod:`.framework_counts`). The whole project's matrix, nothing
hidden (Explore's first view, the report, the Codebook screen; by group, participant or
attribute), is read from the evidence tally (:mod:`.tally`: passages per code, document
and speaker, kept fresh by the store's triggers), when the store knows several coders;
with one coder, the whole matrix by group is counted in SQL by :mod:`.passage_counts`.
Any other matrix (a scope, blind coding) forms the passages of its codings in scope,
read a few documents at a time, so its memory holds one batch of codings, not all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import events
from toc_studio.coding import blind
from toc_studio.coding.analysis import framework_counts
from toc_studio.coding.analysis import passages as ps
from toc_studio.coding.analysis.bins import Binned, Bins, binned_attribute, parse_bins
from toc_studio.coding.analysis.queries import DEFAULT_CONTEXT, Excerpt, excerpts
from toc_studio.coding.codebook import code_paths
from toc_studio.coding.models import Code, Coding
from toc_studio.coding.scope import NONE, Scope, coding_filter, person_filter
from toc_studio.errors import Invalid
from toc_studio.project.models import Group, Participant, ParticipantAttribute, Project


@dataclass(frozen=True)
class Cell:
    """One cell of the matrix: passages, their distinct speakers, their distinct documents,
    and (for reference) the codings that form the passages."""

    passages: int
    participants: int
    documents: int
    codings: int = 0


@dataclass(frozen=True)
class MatrixRow:
    """One code's row of the matrix, with its cells by column and its total."""

    code_id: int
    code: str
    cells: dict[str, Cell]
    total: Cell


@dataclass(frozen=True)
class Matrix:
    """Codes × columns (groups, participants or values of an attribute)."""

    by: str
    columns: list[str]
    rows: list[MatrixRow]

    def as_dict(self) -> dict:
        return {
            "by": self.by,
            "columns": self.columns,
            "rows": [
                {
                    "code_id": r.code_id,
                    "code": r.code,
                    "cells": {k: asdict(v) for k, v in r.cells.items()},
                    "total": asdict(r.total),
                }
                for r in self.rows
            ],
        }


def _attribute(by: str) -> str | None:
    """The attribute's name of ``by`` ("attribute:NAME"), ``None`` for group and
    participant; anything else is refused."""
    if by in ("group", "participant"):
        return None
    if by.startswith("attribute:") and by[len("attribute:") :].strip():
        return by[len("attribute:") :].strip()
    raise Invalid(f"A matrix runs by group, participant or attribute:NAME, not {by!r}.")


def matrix(
    session: Session,
    project: Project,
    *,
    by: str = "group",
    codes: list[Code] | None = None,
    with_subcodes: bool = False,
    scope: Scope | None = None,
    bins: Bins | str | None = None,
) -> Matrix:
    """Count passages, participants and documents per code and per ``by`` value
    ("group", "participant" or "attribute:NAME"). With ``with_subcodes`` a code's row
    includes its sub-codes' passages. Passages with no value fall in the "(none)" column.
    ``bins`` (a number attribute only: a count of equal ranges, or their edges) groups
    the attribute's values into ranges, one column each, in numeric order."""
    scope = blind.scoped(session, project, scope)
    binned = _binned(session, project, by, bins)
    paths = code_paths(session, project)
    wanted = [c.id for c in codes] if codes is not None else list(paths)
    rows = _rows(session, project, wanted, with_subcodes)
    if framework_counts.tally_serves(session, _whole(scope)):
        cells, total, seen = _from_tally(session, project, by, rows, binned)
    elif by == "group" and _whole(scope):
        cells, total, seen = _by_group_in_sql(session, project, rows)
    else:
        cells, total, seen = _counted(session, project, by, rows, scope, binned)
    if binned is not None:
        columns = binned.columns + ([NONE] if NONE in seen else [])
    else:
        columns = _columns_in_order(session, project, by, seen)
    return _matrix(session, project, by, columns, cells, total, wanted, paths)


def _whole(scope: Scope) -> bool:
    """Whether ``scope`` takes every coding of the project (no filter, nothing hidden)."""
    return not (scope.kinds or scope.coders or scope.documents or scope.needs_participant
                or scope.hidden is not None)  # fmt: skip


def _by_group_in_sql(session: Session, project: Project, rows: dict[int, list[int]]):
    """The whole matrix by group, counted in SQL by :func:`passage_counts.by_group` (by the
    same rule, only passages of several codings formed in Python): cells, totals, columns
    seen."""
    from toc_studio.coding.analysis import passage_counts
    from toc_studio.project.projects import list_groups

    groups = {group.id: group.name for group in list_groups(session, project)}
    cells: dict[int, dict[str, Cell]] = {}
    total: dict[int, Cell] = {}
    seen: set[str] = set()
    for key, found in passage_counts.by_group(session, project.id, rows, list(groups)).items():
        t = found.total
        total[key] = Cell(t.passages, t.participants, t.documents, t.codings)
        for group_id, n in found.by_group.items():
            label = NONE if group_id is passage_counts.NO_GROUP else groups[group_id]
            seen.add(label)
            cells.setdefault(key, {})[label] = Cell(
                n.passages, n.participants, n.documents, n.codings
            )
    return cells, total, seen


def _from_tally(session, project, by, rows, binned):
    """The whole matrix counted from the evidence tally's rows: cells, totals, columns seen."""
    counter = framework_counts.Counter()
    labels_of = _labels(session, project, by, binned)
    framework_counts.from_tally(session, _of_code(rows), labels_of, (NONE,), counter)
    return counter.counted(Cell)


def _counted(session, project, by, rows, scope, binned):
    """The matrix counted over the passages of :func:`_placed`: cells, totals, columns seen."""
    counter = framework_counts.Counter()
    for p, labels, keys in _placed(session, project, by, rows, scope, binned):
        for key in keys:
            counter.add(key, labels, p.participant_id, p.document_id, 1, len(p.coding_ids))
    return counter.counted(Cell)


def _of_code(rows: dict[int, list[int]]) -> dict[int, list[int]]:
    """Each code, with the rows it counts for."""
    of_code: dict[int, list[int]] = {}
    for key, codes in rows.items():
        for code_id in codes:
            of_code.setdefault(code_id, []).append(key)
    return of_code


def _rows(
    session: Session, project: Project, wanted: list[int], with_subcodes: bool
) -> dict[int, list[int]]:
    """Each row's codes: the code, and with ``with_subcodes`` its sub-codes at any depth."""
    if not with_subcodes:
        return {code_id: [code_id] for code_id in wanted}
    children: dict[int | None, list[int]] = {}
    for code_id, parent_id in session.execute(
        select(Code.id, Code.parent_id).where(Code.project_id == project.id)
    ):
        children.setdefault(parent_id, []).append(code_id)

    def family(code_id: int) -> list[int]:
        found, todo = [], [code_id]
        while todo:
            found.append(todo.pop())
            todo.extend(children.get(found[-1], ()))
        return found

    return {code_id: family(code_id) for code_id in wanted}


def _placed(
    session: Session,
    project: Project,
    by: str,
    rows: dict[int, list[int]],
    scope: Scope,
    binned: Binned | None,
) -> Iterator[tuple[ps.Passage, tuple[str, ...], list[int]]]:
    """Each passage of the rows' codes in scope, with its column labels (one, or several
    for a speaker with several values of the attribute) and the rows it counts for.

    The codings in scope (documents, kinds, coders, hidden) are read a few documents at
    a time (:func:`framework_counts.streamed`) and formed into passages; the speaker
    filters of ``scope`` then keep the passages whose speaker is in it."""
    of_code = _of_code(rows)
    if not of_code:
        return
    filters = coding_filter(project, scope, Coding.__table__.c)
    found = framework_counts.streamed(session, project.id, list(of_code), filters)
    allowed = _speakers_in_scope(session, project, scope)
    labels_of = _labels(session, project, by, binned)
    nobody = (NONE,)
    for passage in found:
        person = passage.participant_id
        if allowed is not None and person not in allowed:
            continue
        yield passage, labels_of.get(person, nobody), of_code[passage.code_id]


def _speakers_in_scope(session: Session, project: Project, scope: Scope) -> set | None:
    """The speakers the scope's group, participant and attribute filters accept (``None``
    among them when "(none)" is one of its groups and nothing else narrows it); ``None``
    when it has no such filter."""
    if not scope.needs_participant:
        return None
    accepted: set[int | None] = set(
        session.execute(
            select(Participant.id).where(
                Participant.project_id == project.id, *person_filter(Participant.id, scope)
            )
        ).scalars()
    )
    if NONE in scope.groups and not scope.participants and not scope.attributes:
        accepted.add(None)  # a passage without a speaker is in the "(none)" group
    return accepted


def _labels(
    session: Session, project: Project, by: str, binned: Binned | None
) -> dict[int, tuple[str, ...]]:
    """Each participant's column label(s) for ``by`` (none listed: "(none)")."""
    name = _attribute(by)
    if by == "group":
        stmt = (
            select(Participant.id, Group.name)
            .join(Group, Group.id == Participant.group_id)
            .where(Participant.project_id == project.id)
        )
    elif by == "participant":
        stmt = select(Participant.id, Participant.label).where(Participant.project_id == project.id)
    else:
        stmt = (
            select(ParticipantAttribute.participant_id, ParticipantAttribute.value)
            .join(Participant, Participant.id == ParticipantAttribute.participant_id)
            .where(Participant.project_id == project.id, ParticipantAttribute.name == name)
            .order_by(ParticipantAttribute.participant_id, ParticipantAttribute.value)
        )
    found: dict[int, tuple[str, ...]] = {}
    for person, value in session.execute(stmt):
        label = str(value) if binned is None else binned.labels.get(value, str(value))
        if label not in found.get(person, ()):
            found[person] = (*found.get(person, ()), label)
    return found


def _matrix(session, project, by, columns, cells, totals, wanted, paths) -> Matrix:
    """The matrix's rows in codebook order, zero for a code without passages in scope."""
    order = {code.id: i for i, code in enumerate(_ordered_codes(session, project))}
    rows = [
        MatrixRow(
            code_id, paths[code_id], cells.get(code_id, {}), totals.get(code_id, Cell(0, 0, 0))
        )
        for code_id in sorted(wanted, key=lambda i: order.get(i, 0))
    ]
    return Matrix(by, columns, rows)


def _binned(session: Session, project: Project, by: str, bins) -> Binned | None:
    if bins is None or bins == "":
        return None
    if not by.startswith("attribute:"):
        raise Invalid("--bins groups a number attribute's values: use --by attribute:NAME.")
    _attribute(by)  # validates ``by``
    return binned_attribute(session, project, by.split(":", 1)[1].strip(), parse_bins(bins))


def _ordered_codes(session: Session, project: Project) -> list[Code]:
    from toc_studio.coding.codebook import list_codes

    return list_codes(session, project)


def _columns_in_order(session: Session, project: Project, by: str, seen: set[str]) -> list[str]:
    if by == "group":
        names = list(
            session.execute(
                select(Group.name)
                .where(Group.project_id == project.id)
                .order_by(Group.position, Group.id)
            ).scalars()
        )
    elif by == "participant":
        names = list(
            session.execute(
                select(Participant.label)
                .where(Participant.project_id == project.id)
                .order_by(Participant.label)
            ).scalars()
        )
    else:
        names = sorted(v for v in seen if v != NONE)
        ordering = events.AttributeValuesOrdering(project.id, by.split(":", 1)[1].strip(),
                                                  tuple(names))  # fmt: skip
        names = next((a for a in events.emit(session, ordering) if a is not None), names)
    return names + ([NONE] if NONE in seen else [])


def cell_excerpts(
    session: Session,
    project: Project,
    code: Code,
    by: str,
    value: str,
    *,
    with_subcodes: bool = False,
    scope: Scope | None = None,
    context: int = DEFAULT_CONTEXT,
    limit: int | None = None,
    offset: int = 0,
    bins: Bins | str | None = None,
) -> list[Excerpt]:
    """The excerpts behind one cell of :func:`matrix` (with the same ``bins``, ``value``
    is a range's label): one per passage, its representative coding's, in document
    order."""
    scope = blind.scoped(session, project, scope)
    _attribute(by)  # validates ``by``
    if by == "participant" and value == NONE:
        raise Invalid("Pick a participant's cell; '(none)' has no participant to filter.")
    if by.startswith("attribute:") and value == NONE:
        raise Invalid("Pick a cell with an attribute value.")
    binned = _binned(session, project, by, bins)
    rows = _rows(session, project, [code.id], with_subcodes)
    shown = {
        p.coding_id
        for p, labels, _ in _placed(session, project, by, rows, scope, binned)
        if value in labels
    }
    if not shown:
        return []
    # the excerpts of the codes in the scope's documents, kinds and coders; the passages
    # above already chose by speaker
    codings_scope = Scope(kinds=scope.kinds, coders=scope.coders, documents=scope.documents,
                          hidden=scope.hidden)  # fmt: skip
    found = excerpts(
        session, project, code, with_subcodes=with_subcodes, scope=codings_scope, context=context
    )
    found = [e for e in found if e.coding_id in shown]
    return found[offset:] if limit is None else found[offset : offset + limit]

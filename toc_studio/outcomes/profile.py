"""The profile of the people involved: per attribute, counts and % for categories,
n / mean / median / range for numbers, first and last for dates; overall or by group."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.outcomes import values
from toc_studio.outcomes.attributes import AttrType, attribute_types
from toc_studio.outcomes.grouping import split_participants
from toc_studio.project.models import Participant, ParticipantAttribute, Project


def profile(session: Session, project: Project, by: str | None = None) -> dict[str, Any]:
    """The profile table as plain data (unrounded). Percentages are of the participants
    with a value ("valid per cent"); ``missing`` counts those without one."""
    split = split_participants(session, project, by)
    members: dict[str, list[int]] = {g: [] for g in split.order}
    for pid, group in split.of.items():
        members[group].append(pid)
    stored: dict[str, dict[int, str]] = {}
    for pid, name, value in session.execute(
        select(
            ParticipantAttribute.participant_id,
            ParticipantAttribute.name,
            ParticipantAttribute.value,
        )
        .join(Participant, Participant.id == ParticipantAttribute.participant_id)
        .where(Participant.project_id == project.id)
    ):
        stored.setdefault(name, {})[pid] = value
    types = attribute_types(session, project)
    attributes = []
    if split.by != "group":
        group_of = _stakeholder_groups(session, project)
        attributes.append(_attribute(AttrType("group", "category"), group_of, members))
    for name in sorted(stored, key=str.casefold):
        if split.by == f"attribute:{name}":
            continue
        typed = types.get(name, AttrType(name, "category"))
        attributes.append(_attribute(typed, stored[name], members))
    return {
        "participants": len(split.of),
        "by": split.by,
        "groups": [{"group": g, "participants": len(members[g])} for g in split.order],
        "attributes": attributes,
    }


def _stakeholder_groups(session: Session, project: Project) -> dict[int, str]:
    split = split_participants(session, project, "group")
    return split.of


def _attribute(typed: AttrType, of: dict[int, str], members: dict[str, list[int]]) -> dict:
    groups = []
    for group, pids in members.items():
        present = [of[p] for p in pids if p in of]
        summary: dict[str, Any] = {"group": group, "n": len(present)}
        summary["missing"] = len(pids) - len(present)
        if typed.kind == "number":
            summary.update(_numbers([values.parse_number(v) for v in present if _ok(v)]))
        elif typed.kind == "date":
            summary["earliest"] = min(present) if present else None
            summary["latest"] = max(present) if present else None
        else:
            summary["categories"] = _categories(typed, present)
        groups.append(summary)
    return {"name": typed.name, "type": typed.kind, "groups": groups}


def _ok(value: str) -> bool:
    return values.fits("number", value)


def _numbers(numbers: list[float]) -> dict[str, float | None]:
    if not numbers:
        return {"mean": None, "median": None, "min": None, "max": None}
    import numpy as np  # here, not at the top: a command that never reaches it starts faster

    array = np.asarray(numbers, dtype=float)
    return {
        "mean": float(np.mean(array)),
        "median": float(np.median(array)),
        "min": float(np.min(array)),
        "max": float(np.max(array)),
    }


def _categories(typed: AttrType, present: list[str]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for value in present:
        counts[value] = counts.get(value, 0) + 1
    order = list(typed.levels) if typed.kind == "ordinal" else []
    order += sorted((v for v in counts if v not in order), key=typed.sort_key())
    total = len(present)
    return [
        {"value": v, "count": counts.get(v, 0), "percent": 100.0 * counts.get(v, 0) / total}
        for v in order
        if total and (v in counts or typed.kind == "ordinal")
    ]


def counts(session: Session, project: Project, name: str) -> list[dict[str, Any]]:
    """One category attribute's values with their counts and % (destinations at exit)."""
    table = profile(session, project)
    found = next((a for a in table["attributes"] if a["name"] == name), None)
    if found is None or "categories" not in found["groups"][0]:
        return []
    return found["groups"][0]["categories"]

"""Change on an instrument between each participant's first and last reading, by group.

Start is a participant's earliest reading, last the latest; people with one reading count
in ``no_follow_up`` only. The score is the total of the items (occasions where every
item was scored) or one item. Improved / declined / same compare last with start in the
instrument's better direction; the figures themselves keep the score's own direction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.errors import Invalid
from toc_studio.outcomes import stats
from toc_studio.outcomes.grouping import NO_GROUP, NO_VALUE, split_participants
from toc_studio.outcomes.instruments import InstrumentView, get_instrument, view
from toc_studio.outcomes.models import Instrument
from toc_studio.outcomes.readings import occasions
from toc_studio.project.models import Participant, Project


@dataclass(frozen=True)
class ParticipantChange:
    participant_id: int
    label: str
    group: str
    readings: int  # occasions scored
    start: float
    last: float
    change: float  # last - start
    outcome: str  # "improved", "declined", "same" or "no follow-up"


def resolve_item(instrument: Instrument, item: str | None) -> int | None:
    """The position of ``item`` (a name or a number from 1); None for the total."""
    items = json.loads(instrument.items)
    if item is None or str(item).strip() == "":
        if json.loads(instrument.reversed_items):
            raise Invalid(
                f"{instrument.name} has no total score (its items point different ways): "
                "choose one item."
            )
        return None
    text = " ".join(str(item).split())
    for index, name in enumerate(items):
        if name.casefold() == text.casefold():
            return index
    if text.isdigit() and 1 <= int(text) <= len(items):
        return int(text) - 1
    raise Invalid(
        f"{instrument.name} has no item {text[:80]!r}; its items are: {', '.join(items)}."
    )


def participant_changes(
    session: Session,
    project: Project,
    instrument_name: str,
    item: str | None = None,
    by: str | None = None,
) -> tuple[InstrumentView, str, list[ParticipantChange], list[str]]:
    """(instrument, score name, each participant's change, the groups in order)."""
    instrument = get_instrument(session, project, instrument_name)
    index = resolve_item(instrument, item)
    shown = view(session, instrument)
    score = "total" if index is None else shown.items[index]
    sign = shown.better_sign(None if index is None else shown.items[index])
    split = split_participants(session, project, by)
    found = occasions(session, instrument, index)
    labels = dict(
        session.execute(
            select(Participant.id, Participant.label).where(Participant.project_id == project.id)
        ).all()
    )
    changes = []
    for pid, scored in found.items():
        start, last = scored[0][1], scored[-1][1]
        delta = last - start
        if len(scored) < 2:
            outcome = "no follow-up"
        else:
            outcome = "improved" if delta * sign > 0 else "declined" if delta * sign < 0 else "same"
        changes.append(ParticipantChange(pid, labels[pid], split.of[pid], len(scored),
                                         start, last, delta, outcome))  # fmt: skip
    present = {c.group for c in changes}
    return shown, score, changes, [g for g in split.order if g in present]


def change(
    session: Session,
    project: Project,
    instrument_name: str,
    item: str | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """The change table, unrounded, in the shape ``outcomes change --json`` prints."""
    shown, score, changes, order = participant_changes(session, project, instrument_name, item, by)
    groups = [_group(g, [c for c in changes if c.group == g]) for g in order]
    compared = [g for g in order if g not in (NO_GROUP, NO_VALUE)]
    comparison = None
    if len(compared) == 2:
        first, second = (
            [c.change for c in changes if c.group == g and c.outcome != "no follow-up"]
            for g in compared
        )
        result = stats.compare(first, second)
        comparison = {
            "groups": compared,
            "difference_in_mean_change": result.difference,
            "ci95": result.ci95,
            "hedges_g": result.hedges_g,
            "p_value": result.p_value,
        }
    return {"instrument": shown.name, "score": score, "groups": groups, "comparison": comparison}


def _group(name: str, members: list[ParticipantChange]) -> dict[str, Any]:
    followed = [c for c in members if c.outcome != "no follow-up"]
    result = stats.paired([c.start for c in followed], [c.last for c in followed])
    return {
        "group": name,
        "n": len(followed),
        "no_follow_up": len(members) - len(followed),
        "mean_start": result.mean_start,
        "mean_last": result.mean_last,
        "mean_change": result.mean_change,
        "ci95": result.ci95,
        "improved": sum(1 for c in followed if c.outcome == "improved"),
        "declined": sum(1 for c in followed if c.outcome == "declined"),
        "same": sum(1 for c in followed if c.outcome == "same"),
        "effect_size_dz": result.effect_size_dz,
        "p_value": result.p_value,
    }

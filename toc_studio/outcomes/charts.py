"""The data behind the Outcomes screen's tables and charts, as plain rows (no Streamlit):
rounded group tables, start and last mean per item, improved / declined / same by group,
the change of each participant."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from toc_studio.coding.analysis import wording as words
from toc_studio.outcomes.attributes import attribute_types
from toc_studio.outcomes.change import ParticipantChange
from toc_studio.outcomes.grouping import NO_VALUE, split_participants
from toc_studio.outcomes.instruments import get_instrument
from toc_studio.outcomes.models import Instrument, Reading
from toc_studio.outcomes.readings import item_scores
from toc_studio.project.models import Project

CAVEAT = (
    "The groups were not assigned at random: this comparison does not show that the "
    "programme (or mentoring) caused the difference."
)


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def p_text(p: float | None) -> str:
    """A p-value as reports write it: "p = 0.042", "p < 0.001", or "p not available"."""
    if p is None:
        return "p not available"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def with_split_names(table: dict[str, Any], by: str | None) -> dict[str, Any]:
    """The change table with each group named for a reader: by an attribute, "mentored:
    yes" rather than "yes" (the figures are unchanged)."""
    if not by or not by.startswith("attribute:"):
        return table
    name = by.split(":", 1)[1].strip()

    def label(group: str) -> str:
        return group if group == NO_VALUE else f"{name}: {group}"

    comparison = table["comparison"]
    return {
        **table,
        "groups": [{**g, "group": label(g["group"])} for g in table["groups"]],
        "comparison": comparison
        and {**comparison, "groups": [label(g) for g in comparison["groups"]]},
    }


def group_rows(table: dict[str, Any]) -> list[dict[str, Any]]:
    """The change table's groups for a screen or a report: figures rounded."""
    rows = []
    for g in table["groups"]:
        ci = g["ci95"] or [None, None]
        rows.append({
            "Group": g["group"], "n": g["n"], "One reading only": g["no_follow_up"],
            "Mean at start": _round(g["mean_start"], 1), "Mean at last": _round(g["mean_last"], 1),
            "Mean change": _round(g["mean_change"], 2),
            "95% CI": "" if ci[0] is None else f"{ci[0]:.2f} to {ci[1]:.2f}",
            "Improved": g["improved"], "Declined": g["declined"], "Same": g["same"],
            "Effect size (dz)": _round(g["effect_size_dz"], 2),
            "p": _round(g["p_value"], 4),
        })  # fmt: skip
    return rows


def comparison_sentence(table: dict[str, Any]) -> str | None:
    """The two groups' comparison in words, with n and the caveat."""
    c = table["comparison"]
    if not c or c["difference_in_mean_change"] is None:
        return None
    sizes = {g["group"]: g["n"] for g in table["groups"]}
    first, second = c["groups"]
    text = (
        f"{first} (n = {sizes[first]}) against {second} (n = {sizes[second]}): the mean change "
        f"differs by {c['difference_in_mean_change']:.2f}"
    )
    if c["ci95"]:
        text += f" (95% CI {c['ci95'][0]:.2f} to {c['ci95'][1]:.2f}; Welch's t, "
        text += f"{p_text(c['p_value'])}; Hedges' g = {c['hedges_g']:.2f})"
    return text + ". " + CAVEAT


def outcome_rows(table: dict[str, Any]) -> list[dict[str, Any]]:
    """Improved / declined / same per group, for a stacked bar."""
    return [
        {"Group": g["group"], "Outcome": outcome.capitalize(), "People": g[outcome]}
        for g in table["groups"]
        for outcome in ("improved", "same", "declined")
    ]


def change_rows(changes: list[ParticipantChange]) -> list[dict[str, Any]]:
    """Each participant's change (with a follow-up), for the distribution."""
    return [
        {"Group": c.group, "Change": c.change, "Participant": c.label}
        for c in changes
        if c.outcome != "no follow-up"
    ]


def item_rows(
    session: Session, project: Project, instrument_name: str, by: str | None = None
) -> list[dict[str, Any]]:
    """Mean at start and at last review per item (and group), over the participants with
    at least two readings of that item."""
    instrument = get_instrument(session, project, instrument_name)
    items = json.loads(instrument.items)
    split = split_participants(session, project, by)
    first: dict[tuple[int, int], float] = {}
    last: dict[tuple[int, int], float] = {}
    seen: dict[tuple[int, int], int] = {}
    for pid, _day, item, score in item_scores(session, instrument):  # in date order
        key = (pid, item)
        first.setdefault(key, score)
        last[key] = score
        seen[key] = seen.get(key, 0) + 1
    sums: dict[tuple[str, int, str], list[float]] = {}
    for key, count in seen.items():
        if count < 2:
            continue
        group = split.of.get(key[0], "")
        sums.setdefault((group, key[1], "Start"), []).append(first[key])
        sums.setdefault((group, key[1], "Last"), []).append(last[key])
    return [
        {"Group": group, "Item": items[item], "When": when, "Mean": sum(v) / len(v),
         "n": len(v)}
        for (group, item, when), v in sorted(sums.items(), key=lambda kv: (kv[0][1], kv[0][2]))
    ]  # fmt: skip


def readings_count(session: Session, instrument: Instrument) -> tuple[int, int]:
    """(readings, participants) of an instrument."""
    readings, people = session.execute(
        select(func.count(), func.count(func.distinct(Reading.participant_id))).where(
            Reading.instrument_id == instrument.id
        )
    ).one()
    return int(readings), int(people)


def change_sentence(instrument: str, group: dict[str, Any]) -> str:
    """One group's change in words, stating n (for the report and the screen)."""
    if group["n"] == 0:
        return (
            f"{group['group']} — nobody has a follow-up reading on {instrument} yet "
            f"({group['no_follow_up']} with one reading)."
        )
    text = (
        f"{group['group']} — of {words.count(group['n'], 'participant')} with a follow-up "
        f"reading on "
        f"{instrument}, {group['improved']} improved, {group['declined']} declined and "
        f"{group['same']} stayed the same; the mean score was {group['mean_start']:.1f} at "
        f"the start and {group['mean_last']:.1f} at the last review (mean change "
        f"{group['mean_change']:.1f}"
    )
    if group["ci95"]:
        text += f", 95% CI {group['ci95'][0]:.1f} to {group['ci95'][1]:.1f}"
    text += ")."
    if group["no_follow_up"]:
        text += f" {group['no_follow_up']} more had one reading only."
    return text


def report_splits(session: Session, project: Project) -> list[str | None]:
    """The splits a report shows change by: everyone, the stakeholder groups when there
    are two or more, and each yes/no attribute (had a mentor or not)."""
    splits: list[str | None] = [None]
    if len(split_participants(session, project, "group").order) >= 2:
        splits.append("group")
    splits += [
        f"attribute:{name}"
        for name, typed in sorted(attribute_types(session, project).items())
        if typed.kind == "yesno"
    ]
    return splits

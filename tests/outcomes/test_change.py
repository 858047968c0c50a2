"""Change between first and last readings, by group, through the whole store."""

from __future__ import annotations

import pytest

from tests.outcomes.test_stats import DRUG_1, DRUG_2
from toc_studio.errors import Invalid
from toc_studio.outcomes import attributes, instruments, readings
from toc_studio.outcomes.change import change, participant_changes
from toc_studio.project import projects


@pytest.fixture
def project(session):
    return projects.create_project(session, "Sleep study", ["Drug 1", "Drug 2"])


def _load(session, project, lines: list[str]) -> None:
    text = "participant,date,hours\n" + "\n".join(lines) + "\n"
    readings.import_readings(session, project, "Sleep", text.encode(), "sleep.csv")


def test_paired_change_matches_the_published_sleep_example(session, project):
    """Each patient's first reading is drug 1, the last drug 2 (see test_stats for the
    source): mean change 1.58, CI 0.7001142 to 2.4598858, p = 0.002833."""
    instruments.add_instrument(session, project, "Sleep", ["hours"], -5, 20)
    lines = []
    for number, (a, b) in enumerate(zip(DRUG_1, DRUG_2, strict=True), start=1):
        lines += [f"P{number},2025-01-01,{a}", f"P{number},2025-02-01,{a + 9}",
                  f"P{number},2025-03-01,{b}"]  # fmt: skip
    lines.append("P11,2025-01-01,2")
    _load(session, project, lines)
    result = change(session, project, "Sleep")
    assert result["instrument"] == "Sleep" and result["score"] == "total"
    assert result["comparison"] is None
    [everyone] = result["groups"]
    assert everyone["group"] == "All"
    assert (everyone["n"], everyone["no_follow_up"]) == (10, 1)
    assert everyone["mean_start"] == pytest.approx(0.75)
    assert everyone["mean_last"] == pytest.approx(2.33)
    assert everyone["mean_change"] == pytest.approx(1.58)
    assert everyone["ci95"] == pytest.approx([0.7001142, 2.4598858], abs=1e-7)
    assert everyone["p_value"] == pytest.approx(0.002833, abs=5e-7)
    assert (everyone["improved"], everyone["declined"], everyone["same"]) == (9, 0, 1)
    assert set(everyone) == {
        "group", "n", "no_follow_up", "mean_start", "mean_last", "mean_change", "ci95",
        "improved", "declined", "same", "effect_size_dz", "p_value",
    }  # fmt: skip


def test_two_groups_are_compared_with_welch(session, project):
    """Changes of group 'Drug 1' are DRUG_1, of 'Drug 2' DRUG_2: R's Welch example
    gives difference -1.58, CI -3.3654832 to 0.2054832, p = 0.07939."""
    instruments.add_instrument(session, project, "Sleep", ["hours"], -5, 20)
    lines, people = [], []
    for group, changes in (("Drug 1", DRUG_1), ("Drug 2", DRUG_2)):
        for number, delta in enumerate(changes, start=1):
            label = f"{group} P{number}"
            people.append(f"{label},{group}")
            lines += [f"{label},2025-01-01,2", f"{label},2025-06-01,{2 + delta}"]
    attributes.import_participants(
        session, project, ("label,group\n" + "\n".join(people)).encode(), "people.csv"
    )
    _load(session, project, lines)
    result = change(session, project, "Sleep", by="group")
    assert [g["group"] for g in result["groups"]] == ["Drug 1", "Drug 2"]
    comparison = result["comparison"]
    assert comparison["groups"] == ["Drug 1", "Drug 2"]
    assert comparison["difference_in_mean_change"] == pytest.approx(-1.58)
    assert comparison["ci95"] == pytest.approx([-3.3654832, 0.2054832], abs=1e-7)
    assert comparison["p_value"] == pytest.approx(0.07939, abs=5e-6)
    assert comparison["hedges_g"] < 0


def test_lower_is_better_and_by_attribute(session, project):
    people = "label,mentored\nA,yes\nB,yes\nC,no\nD,no\nE,\n"
    attributes.import_participants(session, project, people.encode(), "p.csv")
    items = "Work,Home management,Social leisure,Private leisure,Close relationships"
    text = "participant,date," + items + "\n" + "\n".join([
        "A,2025-01-01,8,8,8,8,8", "A,2025-05-01,2,2,2,2,2",  # down 30: improved
        "B,2025-01-01,1,1,1,1,1", "B,2025-05-01,2,2,2,2,2",  # up 5: declined
        "C,2025-01-01,4,4,4,4,4", "C,2025-05-01,4,4,4,4,4",  # same
        "D,2025-01-01,6,6,6,6,6", "D,2025-05-01,5,5,5,5,5",
        "E,2025-01-01,6,6,6,6,6",
    ]) + "\n"  # fmt: skip
    readings.import_readings(session, project, "WSAS", text.encode(), "wsas.csv")
    result = change(session, project, "WSAS", by="attribute:mentored")
    groups = {g["group"]: g for g in result["groups"]}
    assert list(groups) == ["no", "yes", "No value"]
    assert (groups["yes"]["improved"], groups["yes"]["declined"]) == (1, 1)
    assert (groups["no"]["improved"], groups["no"]["same"]) == (1, 1)
    assert groups["No value"]["no_follow_up"] == 1 and groups["No value"]["n"] == 0
    assert result["comparison"]["groups"] == ["no", "yes"]
    work = change(session, project, "WSAS", item="Work")
    assert work["score"] == "Work" and work["groups"][0]["mean_change"] == pytest.approx(-6 / 4)
    _, _, each, _ = participant_changes(session, project, "WSAS", item="1")
    assert {c.label: c.outcome for c in each}["A"] == "improved"


def test_an_instrument_without_a_total_needs_an_item(session, project):
    text = "participant,date,Life satisfaction,Worthwhile,Happiness,Anxiety\n"
    text += "A,2025-01-01,3,3,3,9\nA,2025-03-01,6,6,6,2\nB,2025-01-01,5,5,5,5\n"
    text += "B,2025-03-01,5,5,5,7\n"
    readings.import_readings(session, project, "ONS-4", text.encode(), "ons.csv")
    with pytest.raises(Invalid, match="no total score"):
        change(session, project, "ONS-4")
    anxiety = change(session, project, "ONS-4", item="Anxiety")["groups"][0]
    assert (anxiety["improved"], anxiety["declined"]) == (1, 1)  # lower anxiety is better
    with pytest.raises(Invalid, match="has no item 'Calm'"):
        change(session, project, "ONS-4", item="Calm")
    with pytest.raises(Invalid, match="Split by"):
        change(session, project, "ONS-4", item="Anxiety", by="site")

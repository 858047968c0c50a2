"""The demo project's outcome data: enough for every part of the Outcomes screen."""

from __future__ import annotations

from toc_studio.demo import load_demo
from toc_studio.outcomes import contacts
from toc_studio.outcomes.change import change
from toc_studio.outcomes.profile import counts, profile
from toc_studio.outcomes.survey_query import survey_results


def test_the_demo_compares_mentored_and_other_clients_on_the_star(session):
    project = load_demo(session)
    session.commit()
    table = change(session, project, "Outcomes Star", by="attribute:mentored")
    groups = {g["group"]: g for g in table["groups"]}
    assert set(groups) == {"no", "yes"}
    assert all(g["n"] >= 8 and g["no_follow_up"] == 1 for g in groups.values())
    assert groups["yes"]["mean_change"] > groups["no"]["mean_change"] > 0
    assert table["comparison"]["groups"] == ["no", "yes"]
    related = contacts.relate(session, project, "Outcomes Star")
    assert related["n"] == 18 and related["rho"] is not None
    assert sum(c["count"] for c in counts(session, project, "destination")) == 20
    [survey] = survey_results(session, project)["surveys"]
    assert (survey["respondents"], survey["invited"]) == (9, 10)
    assert [q["kind"] for q in survey["questions"]] == [
        "ordinal", "ordinal", "yesno", "multiple", "number"
    ]  # fmt: skip
    ages = next(a for a in profile(session, project)["attributes"] if a["name"] == "age_band")
    assert ages["type"] == "ordinal"

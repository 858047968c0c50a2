"""Contacts, contacts per month, and how contact relates to change; destinations."""

from __future__ import annotations

import pytest
from scipy.stats import spearmanr
from sqlalchemy import func, select

from toc_studio.outcomes import attributes, contacts, instruments, readings
from toc_studio.outcomes.models import Contact
from toc_studio.outcomes.profile import counts
from toc_studio.outcomes.tablefile import ImportRejected
from toc_studio.project import projects


@pytest.fixture
def project(session):
    return projects.create_project(session, "Housing support", ["Client"])


def test_contacts_give_months_supported_and_contacts_per_month(session, project):
    text = (
        "participant,date,kind\nC1,2025-01-01,visit\nC1,2025-01-15,call\nC1,2025-07-02,visit\n"
        "C2,2025-03-03,\n"
    )
    result = contacts.import_contacts(session, project, text.encode(), "contacts.csv")
    assert (result.contacts, result.participants) == (4, 2)
    assert result.participants_created == ["C1", "C2"]
    figures = contacts.contact_figures(session, project)
    c1 = figures[projects.get_participant(session, project, "C1").id]
    assert c1.contacts == 3
    assert c1.months_supported == pytest.approx(182 / 30.4375)
    assert c1.contacts_per_month == pytest.approx(3 / (182 / 30.4375))
    c2 = figures[projects.get_participant(session, project, "C2").id]
    assert (c2.months_supported, c2.contacts_per_month) == (0, 1)  # under a month counts as one


def test_bad_contact_rows_store_nothing(session, project):
    text = "participant,date\nC1,2025-01-01\n,2025-01-02\nC2,someday\n"
    with pytest.raises(ImportRejected) as caught:
        contacts.import_contacts(session, project, text.encode(), "contacts.csv")
    assert "row 3: no participant" in str(caught.value)
    assert "row 4: the date 'someday' is not a date" in str(caught.value)
    assert session.scalar(select(func.count()).select_from(Contact)) == 0


def test_relate_gives_spearman_between_contacts_and_change(session, project):
    """Contacts per participant from Hollander & Wolfe's x, changes from their y: rho is
    0.6 (see test_stats for the source)."""
    x = [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1]
    y = [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8]
    instruments.add_instrument(session, project, "Scale", ["score"], 0, 20)
    lines = ["participant,date,score"]
    for n, change in enumerate(y):
        lines += [f"P{n},2025-01-01,5", f"P{n},2025-06-01,{5 + change}"]
    lines.append("P99,2025-01-01,5")  # no follow-up: left out
    readings.import_readings(session, project, "Scale", "\n".join(lines).encode(), "s.csv")
    people = "label,sessions\n" + "\n".join(f"P{n},{v}" for n, v in enumerate(x)) + "\nP99,3\n"
    attributes.import_participants(session, project, people.encode(), "p.csv")
    result = contacts.relate(session, project, "Scale", x="attribute:sessions")
    assert result["n"] == 9
    assert result["rho"] == pytest.approx(0.6)
    assert result["p_value"] == pytest.approx(0.0876, abs=5e-5)
    assert result["points"][0] == {"participant": "P0", "x": 44.4, "change": pytest.approx(2.6)}
    contact_lines = ["participant,date"] + [
        f"P{n},2025-01-{d + 1:02d}" for n in range(9) for d in range(n + 1)
    ]
    contacts.import_contacts(session, project, "\n".join(contact_lines).encode(), "c.csv")
    by_count = contacts.relate(session, project, "Scale", x="contacts")
    assert by_count["n"] == 9 and by_count["x"] == "contacts"
    assert by_count["rho"] == pytest.approx(spearmanr(range(1, 10), y).statistic)


def test_destinations_are_counted(session, project):
    people = "label,destination\nA,Still supported\nB,Moved to other support\nC,Still supported\n"
    attributes.import_participants(session, project, people.encode(), "p.csv")
    assert counts(session, project, "destination") == [
        {"value": "Moved to other support", "count": 1, "percent": pytest.approx(100 / 3)},
        {"value": "Still supported", "count": 2, "percent": pytest.approx(200 / 3)},
    ]

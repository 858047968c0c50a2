"""Participants' attributes in bulk, typed: import, types, profile."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from toc_studio.errors import Invalid
from toc_studio.outcomes import attributes
from toc_studio.outcomes.profile import profile
from toc_studio.outcomes.tablefile import ImportRejected
from toc_studio.project import projects
from toc_studio.project.models import Participant, ParticipantAttribute

PEOPLE = (
    "label,group,months,age band,mentored,joined\n"
    "Mentee C1,Mentee,10,25-34,yes,2025-01-06\n"
    "Mentee C2,Mentee,4,35-44,no,06/02/2025\n"
    "Mentee C3,mentee,14,25-34,Yes,2025-03-01\n"
    "Mentor B1,Mentor,20.0,45-54,no,2024-11-20\n"
    "Mentor B2,Mentor,5,,no,2024-12-01\n"
)


@pytest.fixture
def project(session):
    return projects.create_project(session, "Peer mentoring", ["Mentor", "Mentee"])


def _attrs(session, project):
    return {p.label: (p.group, p.attributes) for p in projects.list_participants(session, project)}


def test_import_creates_participants_with_typed_canonical_values(session, project):
    projects.add_participant(session, project, "Mentor B1", "Mentor", {"site": "North"})
    result = attributes.import_participants(session, project, PEOPLE.encode(), "people.csv")
    assert result.created == ["Mentee C1", "Mentee C2", "Mentee C3", "Mentor B2"]
    assert result.updated == ["Mentor B1"]
    assert result.types == {
        "months": "number", "age band": "category", "mentored": "yesno", "joined": "date"
    }  # fmt: skip
    stored = _attrs(session, project)
    assert stored["Mentee C3"] == (
        "Mentee",
        {"months": "14", "age band": "25-34", "mentored": "yes", "joined": "2025-03-01"},
    )
    assert stored["Mentee C2"][1]["joined"] == "2025-02-06"  # day first
    assert stored["Mentor B1"][1] == {
        "months": "20", "age band": "45-54", "mentored": "no", "joined": "2024-11-20",
        "site": "North",
    }  # fmt: skip
    assert "age band" not in stored["Mentor B2"][1]  # a blank cell sets nothing


def test_bad_cells_are_reported_by_row_and_column_and_nothing_is_stored(session, project):
    bad = (
        PEOPLE.replace("Mentee C2,Mentee,4", "Mentee C2,Mentee,about 4").replace(
            "Mentor B2,Mentor", "Mentor B2,Mentr"
        )
        + "Mentee C1,Mentee,3,25-34,no,2025-01-01\n,Mentee,3,,,\n"
    )
    with pytest.raises(ImportRejected) as caught:
        attributes.import_participants(session, project, bad.encode(), "people.csv")
    message = str(caught.value)
    assert "row 3, column 'months': 'about 4' is not a number" in message
    assert "row 6, column 'group': the project has no group 'Mentr'" in message
    assert "row 7: 'Mentee C1' is already on row 2" in message
    assert "row 8: no participant label" in message
    assert "Traceback" not in message
    assert session.scalar(select(func.count()).select_from(Participant)) == 0
    assert session.scalar(select(func.count()).select_from(ParticipantAttribute)) == 0


def test_xlsx_with_real_dates_and_numbers_and_new_groups(session, project):
    from datetime import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Participant", "Group", "Months", "Start"])
    sheet.append(["Carer A1", "Carer", 7, datetime(2025, 5, 1)])
    sheet.append(["Carer A2", "Carer", 2.5, datetime(2025, 6, 2)])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportRejected, match="no group 'Carer'"):
        attributes.import_participants(session, project, buffer.getvalue(), "carers.xlsx")
    result = attributes.import_participants(
        session, project, buffer.getvalue(), "carers.xlsx", create_groups=True
    )
    assert result.groups_created == ["Carer"]
    assert _attrs(session, project)["Carer A2"] == (
        "Carer",
        {"Months": "2.5", "Start": "2025-06-02"},
    )


def test_declared_type_checks_later_imports_and_ordinal_order(session, project):
    attributes.import_participants(session, project, PEOPLE.encode(), "people.csv")
    with pytest.raises(Invalid, match="'25-34', which is not one of"):
        attributes.set_attribute_type(session, project, "age band", "ordinal", ["35-44", "45-54"])
    typed = attributes.set_attribute_type(
        session, project, "age band", "ordinal", ["25-34", "35-44", "45-54", "55+"]
    )
    assert typed.levels == ("25-34", "35-44", "45-54", "55+")
    later = "label,age band\nMentee C9,18-24\n"
    with pytest.raises(ImportRejected, match="'18-24' is not one of 25-34"):
        attributes.import_participants(session, project, later.encode(), "later.csv")
    with pytest.raises(Invalid, match="needs its values in order"):
        attributes.set_attribute_type(session, project, "age band", "ordinal")
    with pytest.raises(Invalid, match="'about' is not a number|is not a number"):
        projects.set_attributes(
            session, projects.get_participant(session, project, "Mentee C1"), {"site": "about"}
        )
        attributes.set_attribute_type(session, project, "site", "number")


def test_retyping_as_number_rewrites_values_canonically(session, project):
    person = projects.add_participant(session, project, "Mentee C1", "Mentee", {"visits": "04.0"})
    attributes.set_attribute_type(session, project, "visits", "number")
    assert projects.list_participants(session, project)[0].attributes == {"visits": "4"}
    assert person.id is not None


def test_profile_counts_categories_and_summarises_numbers(session, project):
    attributes.import_participants(session, project, PEOPLE.encode(), "people.csv")
    attributes.set_attribute_type(
        session, project, "age band", "ordinal", ["25-34", "35-44", "45-54"]
    )
    table = profile(session, project)
    assert table["participants"] == 5
    by_name = {a["name"]: a for a in table["attributes"]}
    [everyone] = by_name["months"]["groups"]
    assert everyone == {
        "group": "All", "n": 5, "missing": 0, "mean": 10.6, "median": 10.0, "min": 4.0,
        "max": 20.0,
    }  # fmt: skip
    [ages] = by_name["age band"]["groups"]
    assert [(c["value"], c["count"]) for c in ages["categories"]] == [
        ("25-34", 2), ("35-44", 1), ("45-54", 1)
    ]  # fmt: skip
    assert ages["categories"][0]["percent"] == 50.0 and ages["missing"] == 1
    assert [(c["value"], c["count"]) for c in by_name["group"]["groups"][0]["categories"]] == [
        ("Mentee", 3), ("Mentor", 2)
    ]  # fmt: skip
    assert by_name["joined"]["groups"][0]["earliest"] == "2024-11-20"


def test_profile_by_group(session, project):
    attributes.import_participants(session, project, PEOPLE.encode(), "people.csv")
    table = profile(session, project, by="group")
    assert [g["group"] for g in table["groups"]] == ["Mentor", "Mentee"]
    months = next(a for a in table["attributes"] if a["name"] == "months")
    assert [(g["group"], g["n"], g["mean"]) for g in months["groups"]] == [
        ("Mentor", 2, 12.5), ("Mentee", 3, pytest.approx(28 / 3))
    ]  # fmt: skip
    assert all(a["name"] != "group" for a in table["attributes"])

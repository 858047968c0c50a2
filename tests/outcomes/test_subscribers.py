"""Typed attributes order the columns of the coding matrix (a matrix by months in the
programme reads 4, 14, not 14, 4), through the attribute-ordering event."""

from __future__ import annotations

import pytest

from toc_studio.coding.analysis.bins import bin_values, parse_bins
from toc_studio.coding.analysis.framework import cell_excerpts, matrix
from toc_studio.errors import Invalid
from toc_studio.outcomes.attributes import import_participants, set_attribute_type


def test_matrix_columns_follow_the_attribute_type(session, mentoring):
    project = mentoring.project
    people = "label,months,band\nMentor B1,14,Older\nMentee C1,4,Young\nMentee C2,10,Middle\n"
    import_participants(session, project, people.encode(), "p.csv")
    by_months = matrix(session, project, by="attribute:months")
    assert [c for c in by_months.columns if c != "(none)"] == ["4", "14"]  # "14" < "4" as text
    by_band = matrix(session, project, by="attribute:band")
    assert [c for c in by_band.columns if c != "(none)"] == ["Older", "Young"]
    set_attribute_type(session, project, "band", "ordinal", ["Young", "Middle", "Older"])
    by_band = matrix(session, project, by="attribute:band")
    assert [c for c in by_band.columns if c != "(none)"] == ["Young", "Older"]


def test_matrix_bins_a_number_attribute_into_ranges_in_numeric_order(session, mentoring):
    project = mentoring.project
    people = "label,months,band\nMentor B1,14,Older\nMentee C1,4,Young\nMentee C2,10,Middle\n"
    import_participants(session, project, people.encode(), "p.csv")
    by_two = matrix(session, project, by="attribute:months", bins=2)  # 4..14: width 6
    assert by_two.columns == ["4–9", "10–15"]
    by_edges = matrix(session, project, by="attribute:months", bins="0,6,12,24", with_subcodes=True)
    assert by_edges.columns == ["0–5", "6–11", "12–24"]  # an empty range keeps its column
    rows = {r.code: r for r in by_edges.rows}
    mentor, mentee = rows["Mentor"].cells, rows["Mentee"].cells
    assert set(mentor) == {"12–24"} and set(mentee) == {"0–5"}
    assert by_edges.as_dict()["columns"] == by_edges.columns
    supervision = mentoring.codes["Mentor/Challenges/Access to supervision"]
    quotes = cell_excerpts(session, project, supervision, "attribute:months", "12–24",
                           bins="0,6,12,24")  # fmt: skip
    assert quotes and {q.participant for q in quotes} == {"Mentor B1"}
    by_narrow = matrix(session, project, by="attribute:months", bins="5,10")
    assert by_narrow.columns == ["under 5", "5–10", "over 10"]
    with pytest.raises(Invalid, match="number attribute"):
        matrix(session, project, by="attribute:band", bins=2)
    with pytest.raises(Invalid, match="attribute:NAME"):
        matrix(session, project, by="group", bins=2)
    with pytest.raises(Invalid, match="rise"):
        matrix(session, project, by="attribute:months", bins="6,0")


def test_bin_labels_for_fractions_and_values_that_are_not_numbers():
    binned = bin_values({"0.5": 0.5, "1.5": 1.5, "2.5": 2.5}, ["unknown"], 2)
    assert binned.columns == ["0.5 to under 1.5", "1.5–2.5", "unknown"]
    assert binned.labels == {
        "0.5": "0.5 to under 1.5", "1.5": "1.5–2.5", "2.5": "1.5–2.5", "unknown": "unknown"
    }  # fmt: skip
    assert bin_values({"3": 3.0}, [], 4).columns == ["3"]
    assert parse_bins("4") == 4 and parse_bins("0, 6,12") == (0.0, 6.0, 12.0)
    with pytest.raises(Invalid):
        parse_bins("0")

"""Typed attributes order the columns of the coding matrix (a matrix by months in the
programme reads 4, 14, not 14, 4), through the attribute-ordering event."""

from __future__ import annotations

from toc_studio.coding.analysis.framework import matrix
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

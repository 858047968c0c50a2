"""The report's outcomes section: profile, change by group with n and the caveat,
pictures, contact, destinations, closed survey answers; left out without outcome data."""

from __future__ import annotations

import io

import docx

from toc_studio.demo import load_demo
from toc_studio.outcomes import readings
from toc_studio.outcomes.attributes import import_participants
from toc_studio.outcomes.charts import CAVEAT
from toc_studio.project import projects
from toc_studio.report.docx_report import build_report
from toc_studio.report.templates import ReportChoices


def _read(session, project):
    buffer = io.BytesIO()
    summary = build_report(session, project, buffer, ReportChoices(sections=["outcomes"]))
    buffer.seek(0)
    return docx.Document(buffer), summary


def _headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def test_the_demo_report_shows_change_by_group_with_n_and_the_caveat(session):
    project = load_demo(session)
    session.commit()
    document, summary = _read(session, project)
    assert _headings(document, 1) == ["Outcomes"]
    assert _headings(document, 2) == [
        "The people involved", "Homelessness Outcomes Star", "Contact and change",
        "Destinations", "Closed survey questions",
    ]  # fmt: skip
    text = "\n".join(p.text for p in document.paragraphs)
    assert "mentored: yes — of nine participants with a follow-up reading on Homelessness " in text
    assert CAVEAT in text
    assert "does not show that more contact caused more change" in text
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert any("Change on Homelessness Outcomes Star, by mentored" in c for c in captions)
    change = next(t for t in document.tables if t.rows[0].cells[0].text == "Group"
                  and t.rows[1].cells[0].text == "mentored: no")  # fmt: skip
    assert [c.text for c in change.rows[0].cells][:4] == [
        "Group", "n", "One reading only", "Mean at start"
    ]  # fmt: skip
    assert summary.pictures >= 4 and len(document.inline_shapes) == summary.pictures
    destinations = next(t for t in document.tables if t.rows[0].cells[0].text == "Destination")
    assert sum(int(r.cells[1].text) for r in destinations.rows[1:]) == 20


def test_no_outcome_data_no_section(session):
    project = projects.create_project(session, "Interviews only", ["Mentor"])
    document, summary = _read(session, project)
    assert _headings(document, 1) == []
    assert "No outcome data: the outcomes section was left out." in summary.notes


def test_odd_names_are_drawn_as_text(session):
    project = projects.create_project(session, "Odd", ["$x^2$ group", "Other"])
    people = "label,group\nA,$x^2$ group\nB,$x^2$ group\nC,Other\nD,Other\n"
    import_participants(session, project, people.encode(), "p.csv")
    lines = ["participant,date,Work,Home management,Social leisure,Private leisure,"
             "Close relationships"]  # fmt: skip
    for n, label in enumerate("ABCD"):
        lines += [f"{label},2025-01-01,5,5,5,5,5", f"{label},2025-05-01,{n},3,3,3,3"]
    readings.import_readings(session, project, "WSAS", "\n".join(lines).encode(), "w.csv")
    document, summary = _read(session, project)
    assert "Change on WSAS, by stakeholder group" in [
        p.text.split(": ", 1)[-1] for p in document.paragraphs if p.style.name == "Caption"
    ]
    assert summary.pictures >= 2

"""The Word report's findings sections, read back with python-docx: Key findings,
Learning and numbered Recommendations with strength and quotes; case studies in a shaded
box; the summary grid instead of counts; only pseudonyms."""

from __future__ import annotations

import io

import docx
from sqlalchemy import select

from toc_studio.coding import codebook, codings
from toc_studio.coding.models import Coding
from toc_studio.findings import cases, edits, summaries
from toc_studio.ingest import keystore
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.models import Document
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.project import projects
from toc_studio.report.docx_report import build_report
from toc_studio.report.templates import ReportChoices

SECTIONS = ["register", "cases", "matrix"]


def _report(session, project, **choices) -> docx.document.Document:
    buffer = io.BytesIO()
    build_report(session, project, buffer, ReportChoices(sections=SECTIONS, **choices))
    buffer.seek(0)
    return docx.Document(buffer)


def _paragraphs(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.text.strip()]


def test_key_findings_learning_and_numbered_recommendations(session, mentoring):
    p = mentoring.project
    trust = session.execute(select(Coding.id).where(Coding.text.like("I trust%"))).scalar_one()
    edits.add_finding(session, p, "finding", "Mentees trust people again.", quotes=[trust],
                      codes=["Mentee/Outcomes/Personal/Trust"])  # fmt: skip
    edits.add_finding(session, p, "learning", "Ten sessions can feel short.")
    edits.add_finding(session, p, "recommendation", "Offer supervision at flexible times.",
                      codes=["Mentor/Challenges/Access to supervision"])  # fmt: skip
    edits.add_finding(session, p, "recommendation", "Review session length.", quotes=[trust])
    found = _paragraphs(_report(session, p))
    headings = [text for style, text in found if style == "Heading 1"]
    assert headings[:3] == ["Key findings", "Learning", "Recommendations"]
    texts = [text for _, text in found]
    assert "F1. Mentees trust people again." in texts
    assert "L1. Ten sessions can feel short." in texts
    assert texts.index("R1. Offer supervision at flexible times.") < texts.index(
        "R2. Review session length."
    )
    captions = [text for style, text in found if style == "Caption"]
    assert (
        "Evidence: One participant (1 of 3): Mentee 1 of 2; one passage in one document"
        in (captions[0])
    )
    assert "Evidence: No coded evidence yet." in captions
    quotes = [text for style, text in found if style == "Quote"]
    assert quotes == ["“I trust people again 🙂” — Mentee C1"]  # quoted once, not again in R2


def test_case_studies_are_boxed_and_the_summary_grid_replaces_counts(session, mentoring):
    p = mentoring.project
    cases.draft_case_study(session, p, participant="Mentee C1")
    summaries.set_summary(session, p, "Mentee/Outcomes/Personal/Trust", "group", "Mentee",
                          "Trust grows slowly.")  # fmt: skip
    summaries.set_summary(session, p, "Mentee", "document", "Mentee C1 interview",
                          "Trust and family contact.")  # fmt: skip
    document = _report(session, p, matrix_summaries=True)
    found = _paragraphs(document)
    assert ("Heading 1", "Case studies") in found and ("Heading 2", "Mentee C1's story") in found
    box = next(t for t in document.tables if len(t.rows) == 1 and len(t.columns) == 1)
    cell = box.rows[0].cells[0]
    assert "I trust people again" in cell.text and "Who they are" in cell.text
    fill = cell._tc.tcPr.xpath("./w:shd")[0].get(docx.oxml.ns.qn("w:fill"))
    assert fill == "EDF2F7"
    grid = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert grid == [["Code", "Mentee"], ["Mentee/Outcomes/Personal/Trust", "Trust grows slowly."]]
    aims = [[c.text for c in row.cells] for row in document.tables[2].rows]
    assert aims[1] == ["Mentee C1 interview", "Mentee", "Trust and family contact."]
    assert not any("codings (participants)" in text for _, text in found)
    counts = _paragraphs(_report(session, p))
    assert any("Framework matrix: passages (participants)" in text for _, text in counts)


def test_an_empty_register_is_left_out_with_a_note(session, mentoring):
    buffer = io.BytesIO()
    summary = build_report(session, mentoring.project, buffer, ReportChoices(sections=SECTIONS))
    assert any("findings register is empty" in note for note in summary.notes)
    assert any("No case study" in note for note in summary.notes)


def test_the_report_carries_only_pseudonyms(session):
    project = projects.create_project(session, "Names", ["Mentee"])
    keystore.add_term(session, project, "Maureen Ellis")
    upload = Upload("a.txt", b"I: Who helped?\n\nMentee A1: Maureen Ellis helped me find a flat.")
    [outcome] = import_batch(session, project, [upload], ImportOptions(ner=False, group="Mentee"))
    document = session.get(Document, outcome.documents[0].id)
    code = codebook.create_code(session, project, "Housing", category="outcome")
    coder = projects.get_or_create_coder(session, "Asha")
    coding = codings.add_coding(session, document, code, coder, document.text.index("[Person 1]"),
                                document.text.index(" find"))  # fmt: skip
    edits.add_finding(session, project, "finding", "Mentees found homes.", quotes=[coding.id])
    cases.draft_case_study(session, project, participant="Mentee A1")
    report = _report(session, project)
    text = "\n".join(p.text for p in report.paragraphs)
    text += "\n".join(c.text for t in report.tables for row in t.rows for c in row.cells)
    assert "[Person 1] helped me" in text
    assert "Maureen" not in text and "Ellis" not in text

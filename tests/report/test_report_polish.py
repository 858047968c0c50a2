"""Report polish: no quote twice, passages counted, A4 (or Letter), rows that do not
split across pages, wording that reads like a person, and the strength of evidence per
ToC element. Read back with python-docx; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections import Counter

import docx
import pytest
from docx.oxml.ns import qn

from tests.builders import span_of
from toc_studio.coding import codings
from toc_studio.coding.analysis.wording import count, listing, number, plural
from toc_studio.demo import load_demo
from toc_studio.errors import Invalid
from toc_studio.report.docx_parts import default_paper
from toc_studio.report.docx_report import build_report
from toc_studio.report.templates import ReportChoices


def read(session, project, choices=None) -> docx.document.Document:
    buffer = io.BytesIO()
    build_report(session, project, buffer, choices)
    buffer.seek(0)
    return docx.Document(buffer)


def quote_texts(document) -> list[str]:
    found = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    return [" ".join(q.rsplit(" — ", 1)[0].split()).casefold() for q in found]


def all_text(document) -> str:
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def demo(session):
    return load_demo(session)


def test_the_demo_report_never_repeats_a_quote(session, demo):
    found = quote_texts(read(session, demo))
    assert len(found) > 40
    assert [q for q, n in Counter(found).items() if n > 1] == []
    for i, q in enumerate(found):  # nor gives a quote inside another
        assert not any(q in other for j, other in enumerate(found) if j != i), q


def test_a_passage_coded_by_two_coders_is_quoted_and_counted_once(session, mentoring):
    m = mentoring
    trust = m.codes["Mentee/Outcomes/Personal/Trust"]
    start, end = span_of(m.mentee_doc, "I trust people again 🙂")
    codings.add_coding(session, m.mentee_doc, trust, m.ben, start, end - 2)
    session.commit()
    report = read(session, m.project, ReportChoices(sections=["findings"]))
    assert [q for q in quote_texts(report) if "trust" in q] == ["“i trust people again 🙂”"]
    captions = [p.text for p in report.paragraphs if p.style.name == "Caption"]
    assert "One excerpt from one participant." in captions


def test_the_paper_is_a4_by_default_and_letter_by_option_or_locale(session, mentoring, monkeypatch):
    for name in ("LC_PAPER", "LC_ALL", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    a4 = read(session, mentoring.project, ReportChoices(sections=["methods"])).sections[0]
    assert (round(a4.page_width.mm), round(a4.page_height.mm)) == (210, 297)
    letter = read(session, mentoring.project, ReportChoices(sections=["methods"], paper="letter"))
    assert (round(letter.sections[0].page_width.mm), round(letter.sections[0].page_height.mm)) == (
        216,
        279,
    )
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert default_paper() == "letter"
    monkeypatch.setenv("LC_PAPER", "de_DE.UTF-8")
    assert default_paper() == "a4"
    with pytest.raises(Invalid, match="A4 or Letter"):
        ReportChoices(paper="legal").check()


def test_landscape_pages_keep_the_paper(session, demo):
    report = read(session, demo, ReportChoices(sections=["toc"], paper="a4"))
    sizes = {(round(s.page_width.mm), round(s.page_height.mm)) for s in report.sections}
    assert sizes <= {(210, 297), (297, 210)} and (297, 210) in sizes


def test_no_table_row_splits_across_pages(session, demo):
    report = read(session, demo)
    # a case study's one-cell box holds a whole story, which may be longer than a page
    tables = [t for t in report.tables if (len(t.rows), len(t.columns)) != (1, 1)]
    rows = [row for table in tables for row in table.rows]
    assert len(rows) > 50
    for row in rows:
        props = row._tr.trPr
        assert props is not None and props.find(qn("w:cantSplit")) is not None


def test_the_wording_reads_like_a_person(session, demo):
    text = all_text(read(session, demo))
    assert "(s)" not in text
    assert "The evaluation drew on six sources with 24 participants." in text
    assert count(1, "source") == "one source" and count(2, "participant") == "two participants"
    assert count(12, "excerpt") == "12 excerpts" and count(0, "quote") == "no quotes"
    assert count(1, "excerpt", capital=True) == "One excerpt"
    assert count(3, "person", "people") == "three people"
    assert [plural(w) for w in ("study", "box", "day", "match")] == [
        "studies", "boxes", "days", "matches",
    ]  # fmt: skip
    assert number(1500) == "1,500" and listing(["a", "b", "c"]) == "a, b and c"


def test_the_strength_of_evidence_per_element_is_in_the_report(session, demo):
    report = read(session, demo, ReportChoices(sections=["toc"]))
    table = next(t for t in report.tables if t.rows[0].cells[0].text == "Element")
    header = [c.text for c in table.rows[0].cells]
    assert header == ["Element", "Branch", "Who", "Sources", "Strength"]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    who = rows["Community participation"][2]
    assert who == "most of the Mentee group (4 of 5)"
    assert rows["Community participation"][4].startswith("Mentee: most")
    thin = rows["Housing and finances"]
    assert "One participant carries this evidence." in thin[4]
    captions = [p.text for p in report.paragraphs if p.style.name == "Caption"]
    assert any("Strength of evidence per element" in c and "most from 75%" in c for c in captions)

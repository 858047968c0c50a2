"""Headings of Word documents: read with their level, stored as sections whose spans
follow the text through pseudonymisation and replacement."""

import io

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.ingest.files import make_headed_docx
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.models import Document
from toc_studio.ingest.pipeline import ImportOptions, Upload, read_upload
from toc_studio.ingest.sections import list_sections
from toc_studio.project import projects

PLAIN = ImportOptions(pseudonymise=False)
REPORT = [
    (0, "Carers' study"),
    (1, "Background"),
    (None, "Interviewer: How did you hear of it?"),
    (2, "First contact"),
    (None, "Carer A1: My GP told me."),
    (1, "Findings"),
    (None, "Carer A1: It helps."),
]


@pytest.fixture
def project(session):
    project = projects.create_project(session, "Carers", ["Carer"])
    session.commit()
    return project


def test_title_and_heading_styles_are_read_with_their_level_and_place_in_the_text():
    [read] = read_upload(Upload("report.docx", make_headed_docx(REPORT))).documents
    found = [(h.level, h.title, read.text[h.start : h.end]) for h in read.headings]
    assert found == [
        (0, "Carers' study", "Carers' study"),
        (1, "Background", "Background"),
        (2, "First contact", "First contact"),
        (1, "Findings", "Findings"),
    ]
    assert "Carer A1: My GP told me." in read.text


def test_a_bold_heading_is_not_taken_for_a_speaker_label_and_derived_styles_count():
    document = docx.Document()
    document.add_heading("", 1).add_run("Support").bold = True
    style = document.styles.add_style("Interview part", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Heading 2"]
    document.add_paragraph("Part two", style="Interview part")
    outlined = document.add_paragraph("Closing")
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "2")
    outlined._p.get_or_add_pPr().append(outline)
    document.add_paragraph("Body text.")
    out = io.BytesIO()
    document.save(out)
    [read] = read_upload(Upload("x.docx", out.getvalue())).documents
    assert read.text == "Support\n\nPart two\n\nClosing\n\nBody text."
    assert [(h.level, h.title) for h in read.headings] == [
        (1, "Support"), (2, "Part two"), (3, "Closing")
    ]  # fmt: skip
    assert "Support" not in read.known_labels


def test_a_section_runs_to_the_next_heading_of_the_same_or_a_higher_level(session, project):
    [outcome] = import_batch(session, project, [Upload("r.docx", make_headed_docx(REPORT))], PLAIN)
    document = session.get(Document, outcome.documents[0].id)
    sections = {s.title: s for s in list_sections(session, document)}
    text = document.text
    background = sections["Background"]
    assert text[background.start : background.end] == (
        "Background\n\nInterviewer: How did you hear of it?\n\nFirst contact\n\n"
        "Carer A1: My GP told me."
    )  # Heading 2 inside, ends before the next Heading 1
    assert text[background.start : background.heading_end] == "Background"
    first = sections["First contact"]
    assert text[first.heading_end : first.end] == "\n\nCarer A1: My GP told me."
    assert text[sections["Findings"].start : sections["Findings"].end] == (
        "Findings\n\nCarer A1: It helps."
    )
    title = sections["Carers' study"]
    assert (title.level, title.start, title.end) == (0, 0, len(text))


def test_sections_follow_the_text_through_pseudonymisation(session, project):
    blocks = [
        (None, "Interviewer: Maureen Ellis joined us."),
        (1, "Visit to Maureen Ellis"),
        (None, "Carer A1: Maureen Ellis was kind."),
        (1, "Ending"),
        (None, "Carer A1: Fine."),
    ]
    options = ImportOptions(ner=False, extra_terms=(("Maureen Ellis", "person"),))
    [outcome] = import_batch(
        session, project, [Upload("v.docx", make_headed_docx(blocks))], options
    )
    assert outcome.status == "imported", outcome.error
    document = session.get(Document, outcome.documents[0].id)
    assert "Maureen" not in document.text
    visit, ending = list_sections(session, document)
    assert visit.title == "Visit to [Person 1]"  # the stored title is pseudonymised too
    assert document.text[visit.start : visit.heading_end] == visit.title
    assert document.text[visit.heading_end : visit.end] == "\n\nCarer A1: [Person 1] was kind."
    assert document.text[ending.start : ending.end] == "Ending\n\nCarer A1: Fine."


def test_replacing_a_document_replaces_its_sections(session, project):
    blocks = [(1, "Visit to Tom"), (None, "Carer A1: Fine."), (1, "Ending"), (None, "Bye.")]
    upload = Upload("r.docx", make_headed_docx(blocks))
    import_batch(session, project, [upload], PLAIN)
    options = ImportOptions(ner=False, extra_terms=(("Tom", "person"),))
    [outcome] = import_batch(session, project, [upload], options, replace_existing=True)
    assert outcome.status == "replaced", outcome.error
    document = session.get(Document, outcome.documents[0].id)
    sections = list_sections(session, document)
    assert [s.title for s in sections] == ["Visit to [Person 1]", "Ending"]  # not four
    assert [document.text[s.start : s.end] for s in sections] == [
        "Visit to [Person 1]\n\nCarer A1: Fine.", "Ending\n\nBye."
    ]  # fmt: skip

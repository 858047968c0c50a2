"""The Word report, read back with python-docx; and converted to PDF by LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess

import docx
import pytest

from toc_studio.coding import codebook, codings, memos
from toc_studio.demo import load_demo
from toc_studio.errors import Refused
from toc_studio.report.docx_report import build_report
from toc_studio.report.templates import ReportChoices, mark_memo


def read(session, project, choices=None, **kwargs) -> docx.document.Document:
    buffer = io.BytesIO()
    build_report(session, project, buffer, choices, **kwargs)
    buffer.seek(0)
    return docx.Document(buffer)


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def quotes(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "Quote"]


@pytest.fixture
def demo(session):
    return load_demo(session)


def test_the_demo_report_has_real_word_structure(session, demo):
    report = read(session, demo)
    assert report.paragraphs[0].style.name == "Title"
    assert headings(report, 1) == [
        "Methods",
        "Theory of Change",
        "Findings",
        "Key findings",  # the demo's findings register
        "Learning",
        "Recommendations",
        "Case studies",
        "Outcomes",
        "Framework matrix",
        "Appendix: the codebook",
    ]
    h2 = headings(report, 2)
    assert "The Theory of Change in words: Draft 1" in h2  # in the Theory of Change section
    findings = h2[h2.index("Shared (all groups)") :]
    assert findings[:3] == ["Shared (all groups)", "Mentor branch", "Mentee branch"]
    assert h2.index("The Theory of Change in words: Draft 1") < h2.index("Shared (all groups)")
    assert {"Resources", "Activities", "Enablers", "Challenges", "Outcomes"} <= set(
        headings(report, 3)
    )
    captions = [p.text for p in report.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith("Table 1: Participants") for c in captions)
    assert any(c.startswith("Figure 1: Theory of Change") for c in captions)
    footer = report.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer


def test_the_participants_table_counts_sources_by_group_and_method(session, demo):
    table = read(session, demo).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Group", "Participants", "Interviews", "Workshops"]
    assert rows[1:] == [
        ["Mentor", "4", "2", "1"],
        ["Mentee", "5", "3", "1"],
        ["No group", "15", "0", "0"],  # the demo's clients with outcome data only
        ["All", "24", "5", "1"],
    ]
    assert table.style.name == "Light Grid Accent 1"


def test_quotes_are_attributed_by_participant_label(session, demo):
    found = quotes(read(session, demo))
    assert found
    assert all(q.startswith("“") for q in found)
    labels = {q.rsplit(" — ", 1)[1] for q in found}
    assert {"Mentee C1", "Mentor B1"} <= labels


def test_the_toc_picture_and_table_are_present(session, demo):
    report = read(session, demo, ReportChoices(sections=["toc"], paper="letter"))
    assert len(report.inline_shapes) == 1  # on A4 landscape, shorter, the demo's takes two
    toc_table = next(t for t in report.tables if t.rows[0].cells[0].text == "Branch")
    assert [c.text for c in toc_table.rows[0].cells] == [
        "Branch",
        "Resources",
        "Activities",
        "Enablers",
        "Challenges",
        "Outcomes",
    ]
    assert [r.cells[0].text for r in toc_table.rows[1:]] == ["Shared", "Mentor", "Mentee"]


def test_a_report_without_the_toc_section_has_no_picture(session, demo):
    choices = ReportChoices(sections=["methods", "findings"])
    report = read(session, demo, choices)
    assert len(report.inline_shapes) == 0
    assert headings(report, 1) == ["Methods", "Findings"]


def test_quote_limit_and_groups_are_respected(session, demo):
    choices = ReportChoices(sections=["findings"], quotes_per_theme=1, groups=["Mentee"])
    report = read(session, demo, choices)
    found = quotes(report)
    assert found and all(q.rsplit(" — ", 1)[1].startswith("Mentee") for q in found)
    assert "Mentor branch" not in headings(report, 2)
    themes = [p for p in report.paragraphs if p.style.name in ("Heading 4", "Heading 5")]
    assert len(found) <= len(themes)


def test_longest_quotes_come_first_unless_the_user_picked_others(session, mentoring):
    trust = mentoring.codes["Mentee/Outcomes/Personal/Trust"]
    doc = mentoring.mentee_doc
    short = codings.add_coding(session, doc, trust, mentoring.ben, *_span(doc, "I trust"))
    one = ReportChoices(sections=["findings"], quotes_per_theme=1)
    longest = "“I trust people again 🙂” — Mentee C1"
    found = quotes(read(session, mentoring.project, one))
    assert longest in found and "“I trust” — Mentee C1" not in found
    one.quote_order, one.picked = "picked", [short.id]
    found = quotes(read(session, mentoring.project, one))
    assert "“I trust” — Mentee C1" in found and longest not in found


def _span(document, quote):
    start = document.text.index(quote)
    return start, start + len(quote)


def test_memos_marked_for_the_report_are_in_it(session, mentoring):
    kept = memos.add_memo(session, mentoring.project, "Trust builds slowly.", title="On trust")
    memos.add_memo(session, mentoring.project, "Internal note.", title="Not for the report")
    mark_memo(session, kept)
    report = read(session, mentoring.project, ReportChoices(sections=["memos"]))
    assert headings(report, 1) == ["Analysts' memos"]
    assert headings(report, 2) == ["On trust"]
    assert "Trust builds slowly." in [p.text for p in report.paragraphs]


def test_names_come_back_only_for_a_project_owner(session, mentoring):
    from toc_studio.ingest.documents import add_document
    from toc_studio.ingest.keystore import save_key_entries
    from toc_studio.ingest.pseudonymise import KeyEntry
    from toc_studio.ingest.vault import set_first_passphrase

    text = "Mentee C2: [Person 1] at [Hospital 1] helped me a lot."
    doc = add_document(session, mentoring.project, "C2 notes", text)
    code, _ = codebook.ensure_code_path(session, mentoring.project, "Enablers", category="enabler")
    codings.add_coding(session, doc, code, mentoring.asha, 11, len(text))
    save_key_entries(
        session,
        mentoring.project,
        [KeyEntry("person", 1, "[Person 1]", "Sam", "C2 notes")],
    )
    choices = ReportChoices(sections=["findings"])
    assert any("[Person 1]" in q for q in quotes(read(session, mentoring.project, choices)))
    set_first_passphrase(session, mentoring.project, "the owners' passphrase")
    passphrase = "the owners' passphrase"
    named = quotes(read(session, mentoring.project, choices, reidentify_with=passphrase))
    assert any("Sam at [Hospital 1]" in q for q in named)
    with pytest.raises(Refused, match="does not open the key"):
        read(session, mentoring.project, choices, reidentify_with="not the passphrase")


def test_what_changed_since_the_previous_frozen_version(session, demo):
    from toc_studio.theory import versions

    versions.freeze(session, demo, "Report test A", "before the workshop")
    codebook.ensure_code_path(
        session,
        demo,
        "Mentee/Outcomes/Social/Volunteering",
        category="outcome",
        branch="Mentee",
        domain="Social",
    )
    versions.freeze(session, demo, "Report test B", "after the workshop")
    report = read(session, demo, ReportChoices(sections=["toc"], version="Report test B"))
    assert "What changed since Report test A" in headings(report, 2)
    bullets = [p.text for p in report.paragraphs if p.style.name == "List Bullet"]
    assert bullets, "the changes are listed"


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_converts_the_report_to_pdf(session, demo, tmp_path):
    source = tmp_path / "report.docx"
    build_report(session, demo, source)
    done = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    from pypdf import PdfReader

    assert len(PdfReader(pdf).pages) > 5


def test_the_methods_section_carries_the_profile_of_the_people_involved(session, demo):
    methods = read(session, demo, ReportChoices(sections=["methods"]))
    assert len(methods.tables) == 2
    profile = [[c.text for c in row.cells] for row in methods.tables[1].rows]
    assert profile[0] == ["Attribute", "Value", "n", "%"]
    mentored = {r[1]: (int(r[2]), r[3]) for r in profile[1:] if r[0] == "mentored"}
    assert set(mentored) == {"yes", "no"} and sum(n for n, _ in mentored.values()) > 0
    assert any(r[1].startswith("mean ") and ", median " in r[1] for r in profile[1:])
    captions = [p.text for p in methods.paragraphs if p.style.name == "Caption"]
    assert captions == [
        "Table 1: Participants and sources by group and method",
        "Table 2: Participants' characteristics",
    ]
    text = "\n".join(p.text for p in methods.paragraphs)
    assert "The people involved: 24 participants." in text
    whole = read(session, demo)  # shown once: in the methods, not again under Outcomes
    assert "The people involved" not in headings(whole, 2)
    assert sum(t.rows[0].cells[0].text == "Attribute" for t in whole.tables) == 1

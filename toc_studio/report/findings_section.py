"""The Word report's sections from the findings package: Key findings, Learning and the
numbered Recommendations (each entry with its strength of evidence in words and its
quotes), the case studies (each in a shaded box), and the framework matrix as a grid of
written summaries instead of counts (``ReportChoices.matrix_summaries``).

Each writer takes the report being built (``toc_studio.report.docx_report``): its
``doc``, ``session``, ``project``, ``choices``, ``summary`` (counts and notes), ``text()``
(the names back, only for an owner who asked) and ``table()``.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from toc_studio.findings.cases import list_case_studies
from toc_studio.findings.phrasing import strength_phrase
from toc_studio.findings.register import list_findings
from toc_studio.findings.summaries import cell_summaries, list_summaries
from toc_studio.report import docx_parts as parts
from toc_studio.report.refi.common import xml_safe

SHADE = "EDF2F7"  # a light grey-blue behind a case study
TITLES = {"finding": "Key findings", "learning": "Learning", "recommendation": "Recommendations"}


def write_register(report) -> None:
    """Key findings, Learning, Recommendations: each entry numbered (F1, L1, R1), with its
    strength and up to ``quotes_per_theme`` of its quotes (none repeated)."""
    views = list_findings(report.session, report.project)
    if not views:
        report.summary.notes.append(
            "The findings register is empty; the key findings, learning and recommendations "
            "are left out."
        )
        return
    quoted: set[int] = set()
    for kind, title in TITLES.items():
        mine = [v for v in views if v.kind == kind]
        if not mine:
            continue
        parts.heading(report.doc, title, level=1)
        for view in mine:
            paragraph = parts.styled(report.doc, "", "Normal")
            paragraph.add_run(f"{view.number}. ").bold = True
            paragraph.add_run(xml_safe(report.text(view.text)))
            parts.styled(report.doc, f"Evidence: {strength_phrase(view.strength)}", "Caption")
            fresh = [q for q in view.quotes if q.coding_id not in quoted]
            shown = 0
            for quote in fresh:  # report.quote gives no quote the report already has
                if shown >= report.choices.quotes_per_theme:
                    break
                quoted.add(quote.coding_id)
                shown += report.quote(report.text(quote.text), quote.participant or quote.document)


def write_case_studies(report) -> None:
    """Each case study under its title, in a shaded one-cell table (a box)."""
    cases = list_case_studies(report.session, report.project)
    if not cases:
        report.summary.notes.append("No case study is written; the section is left out.")
        return
    parts.heading(report.doc, "Case studies", level=1)
    for case in cases:
        parts.heading(report.doc, case.title, level=2)
        box = report.doc.add_table(rows=1, cols=1)
        box.style = parts.TABLE_STYLE
        cell = box.rows[0].cells[0]
        _shade(cell)
        _fill(cell, report.text(case.text))
        report.doc.add_paragraph()


def _shade(cell) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), SHADE)
    cell._tc.get_or_add_tcPr().append(shading)


def _fill(cell, text: str) -> None:
    """The case study's light markup as Word paragraphs in the box: ``## `` a bold
    heading line, ``> `` a quote (in italics, with its attribution), ``- `` a bullet,
    else a paragraph."""
    first = True
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        if line.startswith("## "):
            paragraph.add_run(xml_safe(line[3:])).bold = True
        elif line.startswith("> "):
            paragraph.add_run(xml_safe(line[2:])).italic = True
        elif line.startswith("- "):
            paragraph.add_run(f"• {xml_safe(line[2:])}")
        else:
            paragraph.add_run(xml_safe(line))


def write_summary_grid(report) -> None:
    """The framework matrix as written summaries (codes × groups or participants, as the
    matrix runs), then the summaries of each document per evaluation aim."""
    by = report.choices.matrix_by if report.choices.matrix_by == "participant" else "group"
    found = cell_summaries(report.session, report.project, by)
    documents = list_summaries(report.session, report.project, "document")
    if not found and not documents:
        report.summary.notes.append("No summary is written; the summary grid is left out.")
        return
    parts.heading(report.doc, "Framework matrix: summaries", level=1)
    if found:
        from toc_studio.coding.codebook import code_paths

        paths = code_paths(report.session, report.project)
        columns = sorted({name for _, name in found}, key=str.casefold)
        codes = sorted({code for code, _ in found}, key=lambda c: paths.get(c, "").casefold())
        rows = [[paths.get(code, "?"), *(report.text(found.get((code, c), "")) for c in columns)]
                for code in codes]  # fmt: skip
        parts.body(report.doc, f"What the team wrote for each theme and {by}.")
        report.table(["Code", *columns], rows, f"Summaries by theme and {by}")
    if documents:
        rows = [[v.name, v.code, report.text(v.text)] for v in documents]
        parts.body(report.doc, "What each source says against each evaluation aim.")
        report.table(["Document", "Aim", "Summary"], rows, "Summaries by document and aim",
                     widths=[1.8, 1.4, 3.6])  # fmt: skip

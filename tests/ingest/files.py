"""Fixture files written by the tests themselves: Word, Excel, PDF, hostile zips."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl


def make_docx(
    paragraphs: list[str | tuple[str, str]] = (),
    table: list[list[str]] | None = None,
    header: str = "",
    footer: str = "",
) -> bytes:
    """A .docx; a ``(label, text)`` paragraph gets the label in bold."""
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    for item in paragraphs:
        if isinstance(item, tuple):
            paragraph = document.add_paragraph()
            paragraph.add_run(item[0]).bold = True
            paragraph.add_run(item[1])
        else:
            document.add_paragraph(item)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_pdf(pages: list[str]) -> bytes:
    """A PDF with a real text layer, one page per string (matplotlib's PDF backend)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    out = io.BytesIO()
    with PdfPages(out) as pdf:
        for text in pages:
            figure = Figure(figsize=(8.27, 11.69))
            figure.text(0.1, 0.9, text, fontsize=12)
            pdf.savefig(figure)
    return out.getvalue()


def make_zip_bomb(megabytes: int = 300) -> bytes:
    """A zip laid out like a .docx whose document.xml unpacks to ``megabytes`` of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        with package.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


def make_headed_docx(blocks: list[tuple[int | None, str]]) -> bytes:
    """A .docx of ``(level, text)`` paragraphs: level 0 is the Title style, n is Heading n,
    None is body text."""
    document = docx.Document()
    for level, text in blocks:
        if level is None:
            document.add_paragraph(text)
        else:
            document.add_heading(text, level)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

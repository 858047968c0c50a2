"""Word building blocks: fields (page numbers, contents, caption numbers), captions,
tables in a built-in table style, quotes with their attribution. Real Word structure
only: built-in styles, no text as pictures."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from toc_studio.report.refi.common import xml_safe

TABLE_STYLE = "Light Grid Accent 1"
_STYLE_IDS: dict[str, str] = {}


def styled(document: Document, text: str, style: str):
    """A paragraph in a built-in style, set by id (python-docx's lookup by name scans
    every style each time, which dominates a long report)."""
    paragraph = document.add_paragraph(xml_safe(text))
    paragraph._p.get_or_add_pPr().style = style_id(document, style)
    return paragraph


def style_id(document: Document, style: str) -> str:
    """The id of a built-in style by its name (looked up once)."""
    if style not in _STYLE_IDS:
        _STYLE_IDS[style] = document.styles[style].style_id
    return _STYLE_IDS[style]


def heading(document: Document, text: str, level: int):
    return styled(document, text, "Title" if level == 0 else f"Heading {level}")


def add_field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, TOC, SEQ...) that Word and LibreOffice fill in."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = placeholder
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate, shown, end):
        run._r.append(element)


def page_numbers(document: Document) -> None:
    """ "Page N of M" centred in every section's footer."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("Page ")
        add_field(paragraph, "PAGE", "1")
        paragraph.add_run(" of ")
        add_field(paragraph, "NUMPAGES", "1")


def contents(document: Document):
    """A table of contents field over headings 1-3; :func:`fill_contents` writes the
    headings into it once the report is complete (Word refreshes it with page numbers)."""
    styled(document, "Contents", "TOC Heading" if _has(document, "TOC Heading") else "Heading 1")
    paragraph = document.add_paragraph()
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
    return paragraph


def _run(*children):
    run = OxmlElement("w:r")
    for child in children:
        run.append(child)
    return run


def _fld(kind: str):
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    return char


def fill_contents(document: Document, paragraph) -> None:
    """Fill the contents field with the report's headings (levels 1-3), one per line."""
    levels = {f"Heading{n}": n for n in (1, 2, 3)}
    entries = []
    for p in document.paragraphs:
        ppr = p._p.pPr
        level = levels.get(ppr.style if ppr is not None else None)
        if level:
            entries.append((level, p.text))
    entries = entries or [(1, "Update this field to list the headings.")]
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = ' TOC \\o "1-3" \\h \\z \\u '
    current = paragraph._p
    current.append(_run(_fld("begin")))
    current.append(_run(instruction))
    current.append(_run(_fld("separate")))
    for index, (level, title) in enumerate(entries):
        if index:
            new = OxmlElement("w:p")
            current.addnext(new)
            current = new
        indent = OxmlElement("w:ind")
        indent.set(qn("w:left"), str(360 * (level - 1)))
        current.get_or_add_pPr().append(indent)
        text = OxmlElement("w:t")
        text.set(qn("xml:space"), "preserve")
        text.text = title
        current.append(_run(text))
    current.append(_run(_fld("end")))


def _has(document: Document, style: str) -> bool:
    return any(s.name == style for s in document.styles)


def caption(document: Document, kind: str, text: str, number: int) -> None:
    """ "Table 3: text" / "Figure 1: text" in the Caption style with a SEQ number."""
    paragraph = styled(document, "", "Caption")
    paragraph.add_run(f"{kind} ")
    add_field(paragraph, f"SEQ {kind} \\* ARABIC", str(number))
    paragraph.add_run(f": {xml_safe(text)}")


def table(
    document: Document,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    title: str,
    number: int,
    widths: Sequence[float] | None = None,
) -> None:
    """A captioned table in the built-in grid style with a repeating header row."""
    caption(document, "Table", title, number)
    grid = document.add_table(rows=1, cols=len(header))
    grid.style = TABLE_STYLE
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(grid.rows[0].cells, header, strict=True):
        cell.text = xml_safe(str(name))
    header_props = grid.rows[0]._tr.get_or_add_trPr()
    keep_whole(grid.rows[0])
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    for values in rows:
        row = grid.add_row()
        keep_whole(row)
        cells = row.cells
        for cell, value in zip(cells, values, strict=True):
            lines = xml_safe("" if value is None else str(value)).split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    if widths:
        from docx.shared import Inches

        for row in grid.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Inches(width)
    document.add_paragraph()


def keep_whole(row) -> None:
    """A table row that does not split across pages (``w:cantSplit``): a long row moves
    to the next page whole instead of leaving half a quote or a figure behind."""
    props = row._tr.get_or_add_trPr()
    if props.find(qn("w:cantSplit")) is None:
        props.insert(0, OxmlElement("w:cantSplit"))  # first: the schema orders trPr's children


PAPERS = {"a4": (210, 297), "letter": (215.9, 279.4)}  # millimetres, portrait
# countries that use US Letter (the rest of the world uses A4): locale territory codes
LETTER_TERRITORIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PR", "SV", "PA"}


def default_paper() -> str:
    """"letter" where the locale's territory uses it (LC_PAPER, else LC_ALL, else LANG:
    en_US, es_MX, fr_CA...), else "a4"."""
    import os

    for name in ("LC_PAPER", "LC_ALL", "LANG"):
        value = os.environ.get(name, "")
        if value:
            territory = value.split(".")[0].split("@")[0].partition("_")[2].upper()
            return "letter" if territory in LETTER_TERRITORIES else "a4"
    return "a4"


def paper(document: Document, size: str) -> None:
    """Set every section's paper ("a4" or "letter"), keeping its orientation; sections
    added later copy the last one."""
    from docx.shared import Mm

    width, height = (Mm(v) for v in PAPERS[size])
    for section in document.sections:
        if section.orientation == WD_ORIENT.LANDSCAPE:
            section.page_width, section.page_height = height, width
        else:
            section.page_width, section.page_height = width, height


def quote(document: Document, text: str, attribution: str) -> None:
    """A quote in the Quote style, attributed "— Mentee C1"."""
    quote_into(styled(document, "", "Quote"), style_id(document, "Quote"), text, attribution)


def quote_into(paragraph, style: str, text: str, attribution: str) -> None:
    """Fill an empty paragraph with a quote (the style by id); the report's quotes are
    made here whether they go into the tree or are streamed into the saved file."""
    paragraph._p.get_or_add_pPr().style = style
    paragraph.add_run(f"“{xml_safe(' '.join(text.split()))}”")
    paragraph.add_run(f" — {xml_safe(attribution)}").italic = False


def body(document: Document, text: str, style: str | None = None) -> None:
    for block in xml_safe(text).split("\n\n"):
        if block.strip():
            styled(document, block.strip(), style or "Normal")


def landscape_section(document: Document) -> None:
    """Start a landscape section (wide tables such as the matrix and the ToC table)."""
    from docx.enum.section import WD_SECTION

    section = document.add_section(WD_SECTION.NEW_PAGE)
    if section.orientation != WD_ORIENT.LANDSCAPE:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width


def portrait_section(document: Document) -> None:
    from docx.enum.section import WD_SECTION

    section = document.add_section(WD_SECTION.NEW_PAGE)
    if section.orientation != WD_ORIENT.PORTRAIT:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = section.page_height, section.page_width


def base_font(document: Document) -> None:
    document.styles["Normal"].font.size = Pt(11)

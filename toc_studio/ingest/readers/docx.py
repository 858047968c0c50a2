"""Word documents: body paragraphs and tables in order; bold speaker labels.

Headers and footers ("Transcribed by ...") are not part of the body and are left out.
Table rows "time | speaker | text" and "speaker | text" become ``[time] Speaker: text``
and ``Speaker: text`` lines, which :mod:`toc_studio.ingest.turns` then recognises.
"""

from __future__ import annotations

import io
import re
import zipfile

from docx.oxml.ns import qn
from lxml import etree

from toc_studio.ingest.readers import (
    Heading,
    ReadDocument,
    ReadError,
    ReadResult,
    clean_controls,
    controls_warning,
    normalise_newlines,
)
from toc_studio.ingest.readers.zipsafe import open_checked

_TIME = re.compile(r"^\[?\(?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\)?\]?$")
_HEADER_WORDS = {"time", "timestamp", "speaker", "name", "text", "transcript", "speech", "words"}
MAX_LABEL_CHARS = 40


def read_docx(data: bytes, name: str) -> ReadResult:
    open_checked(data, name, "Word (.docx)", "word/document.xml")
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ReadError(
            f"{name} could not be opened as a Word document: a part of it is missing or "
            "damaged. Open it in Word and save it again."
        ) from exc
    except etree.XMLSyntaxError as exc:
        raise ReadError(
            f"{name} is damaged: its XML does not parse. Open it in Word and save it again."
        ) from exc
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[str] = []
    headings: list[Heading] = []
    labels: set[str] = set()
    levels = _heading_levels(document)
    at = 0  # where the next block starts in the joined text
    for child in document.element.body.iterchildren():
        tag = etree.QName(child).localname
        if tag == "p":
            paragraph = Paragraph(child, document)
            level = _level(child, levels)
            if level is not None:
                line = normalise_newlines(paragraph.text.strip())
            else:
                line = normalise_newlines(_paragraph(paragraph, labels))
            if not line:
                continue
            if level is not None:
                headings.append(Heading(at, at + len(line), level, " ".join(line.split())))
            blocks.append(line)
            at += len(line) + 2
        elif tag == "tbl":
            for line in _table(Table(child, document), labels):
                blocks.append(normalise_newlines(line))
                at += len(blocks[-1]) + 2
    text = "\n\n".join(blocks)
    if not text.strip():
        raise ReadError(f"{name} has no text in its body (headers and footers are not read).")
    text, replaced = clean_controls(text)  # one for one: the headings' offsets still hold
    warnings = [controls_warning(name, replaced)] if replaced else []
    read = ReadDocument(title=name, text=text, known_labels=frozenset(labels), headings=headings)
    return ReadResult("docx", "utf-8 (docx)", [read], warnings)


_HEADING_NAME = re.compile(r"^heading ([1-9])$", re.IGNORECASE)


def _heading_levels(document) -> dict[str, int]:
    """Style id -> heading level for the document's paragraph styles: "Title" is 0,
    "Heading n" is n, and a style based on one of them has its level."""
    from docx.enum.style import WD_STYLE_TYPE

    levels: dict[str, int] = {}
    for style in document.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        base, hops = style, 0
        while base is not None and hops < 10:
            name = (base.name or "").strip()
            found = _HEADING_NAME.match(name)
            if found or name.casefold() == "title":
                levels[style.style_id] = int(found.group(1)) if found else 0
                break
            base, hops = base.base_style, hops + 1
    return levels


def _level(p, levels: dict[str, int]) -> int | None:
    """The heading level of paragraph element ``p``: from its style, else from an outline
    level set on the paragraph itself (Word's "Level 1..9"); None for body text."""
    if p.style is not None and p.style in levels:
        return levels[p.style]
    if p.pPr is not None:
        outline = p.pPr.find(qn("w:outlineLvl"))
        if outline is not None and (value := outline.get(qn("w:val"), "")).isdigit():
            return int(value) + 1 if int(value) < 9 else None  # 9 means body text
    return None


def _paragraph(paragraph, labels: set[str]) -> str:
    runs = paragraph.runs
    bold_text = []
    rest_index = 0
    for index, run in enumerate(runs):
        if not run.text.strip():
            if bold_text:
                continue
            rest_index = index + 1
            continue
        if run.bold:
            bold_text.append(run.text)
            rest_index = index + 1
        else:
            break
    full = paragraph.text
    label = "".join(bold_text).strip()
    if not label:
        return full.strip()
    bare = label.rstrip(":").strip()
    if not bare or len(bare) > MAX_LABEL_CHARS or len(bare.split()) > 5 or bare[-1] in ".?!":
        return full.strip()
    rest = "".join(r.text for r in runs[rest_index:]).strip()
    if rest.startswith(":"):
        rest = rest[1:].strip()
    labels.add(bare)
    return f"{bare}: {rest}" if rest else f"{bare}:"


def _table(table, labels: set[str]) -> list[str]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:  # merged cells repeat: keep each once
            value = cell.text.strip()
            if not cells or value != cells[-1]:
                cells.append(value)
        cells = [c for c in cells if c]
        if not cells:
            continue
        if all(c.casefold() in _HEADER_WORDS for c in cells):
            continue
        if len(cells) == 3 and _TIME.match(cells[0]) and len(cells[1]) <= MAX_LABEL_CHARS:
            stamp = cells[0].strip("[]()")
            labels.add(cells[1].rstrip(":"))
            lines.append(f"[{stamp}] {cells[1].rstrip(':')}: {cells[2]}")
        elif len(cells) == 3 and _TIME.match(cells[1]) and len(cells[0]) <= MAX_LABEL_CHARS:
            stamp = cells[1].strip("[]()")
            labels.add(cells[0].rstrip(":"))
            lines.append(f"[{stamp}] {cells[0].rstrip(':')}: {cells[2]}")
        elif len(cells) == 2 and len(cells[0]) <= MAX_LABEL_CHARS and len(cells[0].split()) <= 5:
            labels.add(cells[0].rstrip(":"))
            lines.append(f"{cells[0].rstrip(':')}: {cells[1]}")
        else:
            lines.append("\t".join(cells))
    return lines

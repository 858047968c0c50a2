"""Word documents: body paragraphs and tables in order; bold speaker labels.

Headers and footers ("Transcribed by ...") are not part of the body and are left out.
Table rows "time | speaker | text" and "speaker | text" become ``[time] Speaker: text``
and ``Speaker: text`` lines, which :mod:`toc_studio.ingest.turns` then recognises.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from toc_studio.ingest.readers import ReadDocument, ReadError, ReadResult, normalise_newlines
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
        raise ReadError(f"{name} could not be opened as a Word document: {exc}.") from exc
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"{name} is damaged: its XML does not parse ({exc}).") from exc
    blocks: list[str] = []
    labels: set[str] = set()
    warnings: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = etree.QName(child).localname
        if tag == "p":
            from docx.text.paragraph import Paragraph

            line = _paragraph(Paragraph(child, document), labels)
            if line:
                blocks.append(line)
        elif tag == "tbl":
            from docx.table import Table

            blocks.extend(_table(Table(child, document), labels))
    text = normalise_newlines("\n\n".join(blocks))
    if not text.strip():
        raise ReadError(f"{name} has no text in its body (headers and footers are not read).")
    return ReadResult(
        "docx",
        "utf-8 (docx)",
        [ReadDocument(title=name, text=text, known_labels=frozenset(labels))],
        warnings,
    )


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

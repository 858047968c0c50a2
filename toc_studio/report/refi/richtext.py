"""The text of an imported source: its plain text, else its rich text, else its PDF.

REFI-QDA gives a text source a ``plainTextPath`` (the text selections count in) and may
give it a ``richTextPath`` (a ``.docx``). Some exports leave the plain text empty: NVivo
for Mac 15 writes a 1-byte ``.txt`` and puts the text in ``sources/<guid>.docx``. Then
the Word file is read, and since the offsets of the file's selections were counted over
the plain text the other tool made from it, the text whose word boundaries fit the
selections best is kept: the ingest reader's (paragraphs apart by a blank line, as a
Word transcript is imported), or one paragraph per line (LF or CRLF), as coding tools
make plain text of Word files. A PDF source without a plain-text representation is read
with the ingest PDF reader.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from toc_studio.errors import Invalid
from toc_studio.ingest.readers import Heading
from toc_studio.ingest.readers.docx import read_docx
from toc_studio.ingest.readers.pdf import read_pdf
from toc_studio.ingest.readers.zipsafe import open_checked
from toc_studio.report.refi import records as rr
from toc_studio.report.refi.offsets import SAMPLE, choose, score, stored_text

PLAIN, RICH, PDF = "plain text", "rich text (.docx)", "PDF"


@dataclass
class SourceText:
    raw: str  # the text as the other tool counted it (BOM, CRLF and all)
    origin: str  # PLAIN, RICH or PDF
    headings: list[Heading] = field(default_factory=list)  # over the stored text
    warnings: list[str] = field(default_factory=list)
    cleaned: bool = False  # its control characters already replaced (by the archive's read)


def source_text(archive, rec: rr.SourceRec, title: str) -> SourceText | None:
    """The source's text, from wherever the file keeps it; None when it has none."""
    if rec.content is not None and rec.content.strip():
        return SourceText(rec.content, PLAIN)
    for reference in (rec.plain_path, f"{rec.guid}.txt"):
        text = archive.read_text(reference)
        if text is not None and text.strip():
            return SourceText(text, PLAIN, cleaned=True)
    for reference in (rec.rich_path, f"{rec.guid}.docx"):
        data = archive.read_bytes(reference) if reference else None
        if data:
            return _from_docx(data, title, rec)
    if rec.pdf_path:
        data = archive.read_bytes(rec.pdf_path)
        if data:
            return _from_pdf(data, title)
    return None


def _from_docx(data: bytes, title: str, rec: rr.SourceRec) -> SourceText | None:
    try:
        read = read_docx(data, title).documents[0]
        lines = _paragraph_lines(data, title)
    except Invalid as exc:
        return SourceText("", RICH, warnings=[f"Source {title!r}: {exc}"])
    candidates = [
        SourceText(read.text, RICH, list(read.headings)),
        SourceText(lines, RICH),
        SourceText(lines.replace("\n", "\r\n"), RICH),
    ]
    selections = [(s[rr.S_START], s[rr.S_END], s[rr.S_NAME]) for s in rec.selections[:SAMPLE]]
    if not selections:
        return candidates[0]
    return max(candidates, key=lambda c: _fit(c.raw, selections))  # first of the best


def _fit(raw: str, selections: Sequence[tuple[int, int, str]]) -> int:
    _, mapping = choose(raw, selections)
    return score(stored_text(raw)[0], mapping, selections)


def _paragraph_lines(data: bytes, title: str) -> str:
    """One line per body paragraph (empty ones too) and per table row (cells apart by a
    tab): the plain text coding tools make of a Word file."""
    open_checked(data, title, "Word (.docx)", "word/document.xml")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rpartition("}")[2]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(line.replace("\r\n", "\n").replace("\r", "\n") for line in lines)


def _from_pdf(data: bytes, title: str) -> SourceText:
    try:
        result = read_pdf(data, title)
    except Invalid as exc:
        return SourceText("", PDF, warnings=[f"Source {title!r}: {exc}"])
    return SourceText(result.documents[0].text, PDF, warnings=list(result.warnings))

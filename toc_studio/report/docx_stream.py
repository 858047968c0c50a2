"""The report's quotes streamed into the saved file instead of held in python-docx's tree.

python-docx keeps the whole document as an lxml tree until it saves: about 2.4 KB a quote,
the one part of the report that grows with the quotes. :class:`QuoteStream` writes each
quote's paragraph, as python-docx would have made it (built by python-docx on a paragraph
of its own, serialised, then dropped), to a temporary file on disk, and leaves in the tree
one marker paragraph for each run of consecutive quotes. After python-docx saves,
:meth:`QuoteStream.save` copies the package into ``out`` entry by entry, and rewrites
``word/document.xml`` in blocks, each marker replaced by its quotes' XML read back from the
temporary file. The saved document is the one python-docx would have written with the
quotes in its tree, byte for byte in ``word/document.xml`` (tests compare them).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls
from docx.text.paragraph import Paragraph
from lxml import etree

from toc_studio.report import docx_parts as parts

PART = "word/document.xml"
CHUNK = 1 << 20  # bytes of document.xml read at a time
_W_DECLARATION = " " + nsdecls("w")  # on a detached paragraph's tag, not in the document


def quote_xml(style_id: str, text: str, attribution: str) -> bytes:
    """The paragraph :func:`~toc_studio.report.docx_parts.quote` adds, serialised as it is
    inside the saved document (UTF-8, no namespace declaration of its own)."""
    paragraph = Paragraph(OxmlElement("w:p"), None)
    parts.quote_into(paragraph, style_id, text, attribution)
    xml = etree.tostring(paragraph._p, encoding="unicode")
    return xml.replace(_W_DECLARATION, "", 1).encode("utf-8")


class QuoteStream:
    """Quotes kept out of the tree until the document is saved."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.style_id = parts.style_id(document, "Quote")
        self.prefix = f"tocstudio-quotes-{secrets.token_hex(8)}-"  # no user text can hold it
        self.spool = tempfile.TemporaryFile(prefix="toc-studio-quotes-")
        self.runs: list[tuple[int, int]] = []  # each marker's byte range in the spool
        self._marker = None

    def add(self, text: str, attribution: str) -> None:
        """Give a quote where the document ends now."""
        start = self.spool.tell()
        self.spool.write(quote_xml(self.style_id, text, attribution))
        if self._marker is not None and _is_last(self._marker):
            self.runs[-1] = (self.runs[-1][0], self.spool.tell())
            return
        self._marker = self.document.add_paragraph(f"{self.prefix}{len(self.runs)}")._p
        self.runs.append((start, self.spool.tell()))

    def save(self, out: str | Path | BinaryIO) -> None:
        """Save the document to ``out`` (a path or a binary file) with the quotes in it."""
        with tempfile.TemporaryFile(prefix="toc-studio-report-") as saved:
            self.document.save(saved)
            saved.seek(0)
            with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w") as target:
                for entry in source.infolist():
                    copy = zipfile.ZipInfo(entry.filename, entry.date_time)
                    copy.compress_type = entry.compress_type
                    copy.external_attr = entry.external_attr
                    with source.open(entry) as reader, target.open(copy, "w") as writer:
                        if entry.filename == PART:
                            self._rewrite(reader, writer)
                        else:
                            shutil.copyfileobj(reader, writer, CHUNK)
        self.spool.close()

    def _rewrite(self, reader, writer) -> None:
        """Copy ``document.xml`` with each marker paragraph replaced by its quotes."""
        opening = f"<w:p><w:r><w:t>{self.prefix}".encode()
        closing = b"</w:t></w:r></w:p>"
        pending = b""
        while True:
            block = reader.read(CHUNK)
            pending += block
            while (at := pending.find(opening)) >= 0:
                end = pending.find(closing, at)
                if end < 0:
                    break  # the marker's end is in the next block
                writer.write(pending[:at])
                self._copy_run(int(pending[at + len(opening) : end]), writer)
                pending = pending[end + len(closing) :]
            if not block:
                writer.write(pending)
                return
            at = pending.find(opening)  # a marker begun, or the start of one, stays
            keep = at if at >= 0 else max(len(pending) - len(opening) + 1, 0)
            writer.write(pending[:keep])
            pending = pending[keep:]

    def _copy_run(self, number: int, writer) -> None:
        start, end = self.runs[number]
        self.spool.seek(start)
        left = end - start
        while left:
            data = self.spool.read(min(CHUNK, left))
            writer.write(data)
            left -= len(data)


def _is_last(element) -> bool:
    """Whether nothing follows ``element`` in the body but its final section properties."""
    after = element.getnext()
    return after is None or after.tag.endswith("}sectPr")

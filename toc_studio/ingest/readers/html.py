"""HTML transcripts (saved web pages, exports of transcription services), UTF-8 or cp1252.

The stored text is what a browser shows: tags, scripts, styles and the head are gone,
entities are characters, white space inside a paragraph is one space, paragraphs are one
blank line apart, ``<br>`` is a line break and table cells are tab-separated. ``<h1>`` to
``<h6>`` become sections. A paragraph that starts with a bold label (``<b>Name:</b>``)
names its speaker (passed on as a known label for :mod:`toc_studio.ingest.turns`).

The encoding comes from a byte-order mark, else the page's own ``charset`` declaration,
else the same guess as for plain text (UTF-8, then Windows-1252).
"""

from __future__ import annotations

import codecs
import re

from toc_studio.ingest.readers import Heading, ReadDocument, ReadError, ReadResult
from toc_studio.ingest.readers.text import decode

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_SPACE = re.compile(r"[ \t\n\r\f\v]+")
SKIP = frozenset({"head", "script", "style", "template", "noscript", "title", "svg", "math"})
BLOCKS = frozenset(
    {
        "p", "div", "li", "tr", "table", "ul", "ol", "dl", "dt", "dd", "blockquote", "section",
        "article", "header", "footer", "main", "aside", "nav", "figure", "figcaption", "pre",
        "address", "hr", "form", "fieldset", "details", "summary", "h1", "h2", "h3", "h4",
        "h5", "h6", "body", "html",
    }
)  # fmt: skip
_BREAK = "\x00"  # marks a <br> in a block's pieces until white space is collapsed
_CELL = "\x01"  # marks the end of a table cell likewise


def read_html(data: bytes, name: str) -> ReadResult:
    text, encoding, warnings = _decode(data, name)
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"{name} could not be read as an HTML page ({exc}).") from exc
    blocks = _Blocks()
    body = root.find("body")
    blocks.walk(body if body is not None else root)
    blocks.flush()
    if not blocks.parts:
        raise ReadError(f"{name} has no visible text to import.")
    document = ReadDocument(
        title=name,
        text="\n\n".join(blocks.parts),
        known_labels=frozenset(blocks.labels),
        headings=blocks.headings,
    )
    return ReadResult("html", encoding, [document], warnings)


def _decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data, name)
    declared = _CHARSET.search(data[:4096])
    if declared is None:
        return decode(data, name)
    label = declared.group(1).decode("ascii").casefold()
    try:
        codec = codecs.lookup("cp1252" if label in ("iso-8859-1", "latin1", "us-ascii") else label)
    except LookupError:
        return decode(data, name)
    try:
        text = data.decode(codec.name)
    except UnicodeDecodeError:
        text, encoding, warnings = decode(data, name)
        warnings.append(f"{name} says it is {label} but is not; read as {encoding}.")
        return text, encoding, warnings
    if "\x00" in text:
        raise ReadError(f"{name} looks like a binary file, not text (it contains NUL bytes).")
    return text.replace("\r\n", "\n").replace("\r", "\n"), codec.name, []


class _Blocks:
    """Collects the visible text of a page, block by block."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.headings: list[Heading] = []
        self.labels: set[str] = set()
        self.pieces: list[str] = []
        self.length = 0  # of "\n\n".join(self.parts)

    def walk(self, element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].casefold()
        if tag in SKIP or not tag:
            return  # comments, processing instructions, invisible content (tails elsewhere)
        if tag in BLOCKS:
            self.flush()
        elif tag == "br":
            self.pieces.append(_BREAK)
        elif tag in ("b", "strong") and not "".join(self.pieces).strip():
            self._label(element)
        self.pieces.append(element.text or "")
        for child in element:
            self.walk(child)
            self.pieces.append(child.tail or "")
        if tag in ("td", "th"):
            self.pieces.append(_CELL)
        if tag in BLOCKS:
            level = int(tag[1]) if re.fullmatch(r"h[1-6]", tag) else None
            self.flush(level)

    def _label(self, element) -> None:
        text = " ".join(element.text_content().split())
        tail = (element.tail or "").lstrip()
        if text.endswith(":") or (text and tail.startswith(":")):
            label = text.rstrip(":").strip()
            if 0 < len(label) <= 60 and len(label.split()) <= 5:
                self.labels.add(label)

    def flush(self, level: int | None = None) -> None:
        raw = "".join(self.pieces)
        self.pieces = []
        lines = [" ".join(_SPACE.split(line)).strip() for line in raw.split(_BREAK)]
        lines = [
            "\t".join(cell.strip() for cell in line.split(_CELL)).strip("\t ") for line in lines
        ]
        text = "\n".join(line for line in lines if line)
        if not text:
            return
        if self.parts:
            self.length += 2
        self.parts.append(text)
        if level is not None:
            title = " ".join(text.split())
            self.headings.append(Heading(self.length, self.length + len(text), level, title))
        self.length += len(text)

"""REFI-QDA files written for the tests, reproducing what real tools' exports do."""

from __future__ import annotations

import zipfile
from pathlib import Path

NS = "urn:QDA-XML:project:1.0"
SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "refi-qda"
SCHEMA = SCHEMAS / "Project-mrt2019.xsd"
CODEBOOK_SCHEMA = SCHEMAS / "Codebook.xsd"

# As NVivo writes a Windows transcript: UTF-8 BOM, CRLF line endings, non-BMP characters.
NVIVO_TEXT = (
    "\ufeffInterviewer: What changed for you?\r\n\r\n"
    "Mentee C1: I trust people again 🙂 and I’ve started seeing my sister.\r\n\r\n"
    "Interviewer: Anything difficult?\r\n\r\n"
    "Mentee C1: Ten sessions 😕 felt short; it ended just as I opened up.\r\n"
)
USER = "AD68FBE7-E1EE-4A82-A279-23CC698C8E0D"


def utf16_span(raw: str, quote: str) -> tuple[int, int]:
    """NVivo's offsets of ``quote``: UTF-16 units over the text after the BOM, CRLF as two."""
    body = raw.lstrip("\ufeff")
    start = body.index(quote)

    def units(s: str) -> int:
        return len(s.encode("utf-16-le")) // 2

    return units(body[:start]), units(body[: start + len(quote)])


def codepoint_span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def project_xml(body: str, name: str = "Imported study", extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n'
        f'<Project xmlns="{NS}" name="{name}" origin="Test tool" {extra}>{body}</Project>'
    )


def write_qdpx(
    path: Path,
    qde: str | bytes,
    files: dict[str, str | bytes] | None = None,
    qde_name: str = "project.qde",
) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde_name, qde)
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path

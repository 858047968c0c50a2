"""Builders of hostile zip packages: Word, Excel and REFI-QDA files."""

from __future__ import annotations

import functools
import io
import os
import zipfile
from xml.sax.saxutils import escape

W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
XXE = b'<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    b'<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    b'<!ENTITY xxe "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'
)
PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
LAUGHS_PROJECT = (
    b'<?xml version="1.0"?>' + LAUGHS + b'<Project xmlns="urn:QDA-XML:project:1.0" name="B">'
    b"<Description>&xxe;</Description></Project>"
)
LAUGHS_CODEBOOK = (
    b'<?xml version="1.0"?>' + LAUGHS + b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    b'<Code guid="1" name="&xxe;" isCodable="true"/></Codes></CodeBook>'
)


def zipped(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as package:
        for name, data in files.items():
            package.writestr(name, data)
    return out.getvalue()


def zip_bomb(required: str) -> bytes:
    """50 MB of zeros in one part: a 1,000:1 ratio."""
    return zipped({required: bytes(50_000_000)})


def big_zip(required: str, size: int) -> bytes:
    """A part of ``size`` bytes at a plausible ratio (8 MB of noise, then zeros)."""
    noise = os.urandom(8_000_000)
    return zipped({required: noise + bytes(size - len(noise))})


@functools.cache
def _docx_template() -> dict[str, bytes]:
    import docx

    out = io.BytesIO()
    docx.Document().save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as package:
        return {name: package.read(name) for name in package.namelist()}


def docx(body: bytes, raw: bool = False, prolog: bytes = b"") -> bytes:
    """A Word file whose body holds ``body``; ``raw``: the XML is left as given (broken)."""
    document = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + prolog
        + b"<w:document " + W + b"><w:body>" + body
        + (b"" if raw else b"</w:body></w:document>")
    )  # fmt: skip
    return zipped({**_docx_template(), "word/document.xml": document})


def docx_paragraphs(lines: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{escape(line)}</w:t></w:r></w:p>" for line in lines)
    return docx(body.encode("utf-8"))


def docx_with_doctype(doctype: bytes) -> bytes:
    return docx(b"<w:p><w:r><w:t>Mentee C1: &xxe;</w:t></w:r></w:p>", prolog=doctype)


def _xlsx(rows: list[list[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite(package: bytes, old: bytes, new: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        files = {name: source.read(name).replace(old, new) for name in source.namelist()}
    return zipped(files)


SURVEY_ROWS = [
    ["ResponseId", "Site", "What helped you most?"],
    ["R_1", "North", "Having someone who had been there before me"],
    ["R_2", "South", "The group sessions on a Tuesday evening"],
]


def xlsx_huge_dimension() -> bytes:
    """Three real rows, a declared dimension of the whole sheet (16,384 x 1,048,576)."""
    return _rewrite(
        _xlsx(SURVEY_ROWS), b'<dimension ref="A1:C3"/>', b'<dimension ref="A1:XFD1048576"/>'
    )


def xlsx_escaped_controls() -> bytes:
    """Cells carrying Excel's escapes for NUL and BEL (_x0000_, _x0007_): read as written."""
    rows = [*SURVEY_ROWS, ["R_3", "PLACEHOLDER", "it helped me a great deal overall"]]
    return _rewrite(_xlsx(rows), b"PLACEHOLDER", b"No_x0000_rth_x0007_")


def wide_xlsx(columns: int) -> bytes:
    return _xlsx(
        [[f"Q{i}" for i in range(columns)], [f"answer {i} in words" for i in range(columns)]]
    )


def wide_csv(columns: int) -> bytes:
    header = ",".join(f"Question {i}" for i in range(columns))
    row = ",".join(f"an answer of several words {i}" for i in range(columns))
    return f"{header}\n{row}\n{row}\n".encode()


def blank_header_csv(blanks: int) -> bytes:
    header = "ResponseId,Answer" + "," * blanks
    rows = "".join(f"R_{i},answer number {i} in a few words{',x' * 3}\n" for i in range(3))
    return f"{header}\n{rows}".encode()


def qdpx(project: bytes, files: dict[str, bytes] | None = None) -> bytes:
    return zipped({"project.qde": project, **(files or {})})


def _g(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-000000000000"


def qdpx_nul_source() -> bytes:
    """A text source whose text file holds NUL and other control characters."""
    body = (
        f'<Users><User guid="{_g(1)}" name="Asha"/></Users>'
        f'<Sources><TextSource guid="{_g(2)}" name="Mentee C1" '
        f'plainTextPath="internal://{_g(2)}.txt"/></Sources>'
    )
    project = f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{PROJECT_NS}" name="Nul">'
    files = {f"sources/{_g(2)}.txt": b"Mentee C1: I trust\0 people \x07again."}
    return qdpx((project + body + "</Project>").encode(), files)


def _nested(depth: int) -> str:
    opening = "".join(
        f'<Code guid="{_g(i + 10)}" name="c{i}" isCodable="true">' for i in range(depth)
    )
    return opening + "</Code>" * depth


def deep_codes_project(depth: int) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{PROJECT_NS}" name="Deep">'
        f"<CodeBook><Codes>{_nested(depth)}</Codes></CodeBook></Project>"
    ).encode()


def deep_codebook(depth: int) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="{CODEBOOK_NS}">'
        f"<Codes>{_nested(depth)}</Codes></CodeBook>"
    ).encode()

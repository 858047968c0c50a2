"""A hostile corpus: damaged, huge, tricky and malicious files for every reader and importer.

    .venv/bin/python tests/data/hostile/make_corpus.py OUT_DIR     # writes the files

Files are generated (the large ones are never committed). Each :class:`Case` says which
door it goes through (``ingest``: the import pipeline; ``refi``: the REFI-QDA project
importer; ``codebook``: the codebook importer), whether it must be ``refused`` or
``imported`` (or ``either``: any clean outcome), and words its message must contain.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # when run as a script

from tests.data.hostile import pdfs, tables  # noqa: E402

REFUSED, IMPORTED, EITHER = "refused", "imported", "either"


@dataclass(frozen=True)
class Case:
    name: str
    door: str  # ingest | refi | codebook
    expect: str  # refused | imported | either
    says: str = ""  # a few words the error (refused) or a warning (imported) must contain


CASES: list[tuple[Case, Callable[[], bytes]]] = []


def case(name: str, expect: str, says: str = "", door: str = "ingest"):
    def register(make: Callable[[], bytes]) -> Callable[[], bytes]:
        CASES.append((Case(name, door, expect, says), make))
        return make

    return register


def text_case(name: str, expect: str, says: str, data: bytes | Callable[[], bytes]) -> None:
    case(name, expect, says)(data if callable(data) else (lambda: data))


DIALOGUE = "Interviewer: How was it?\n\nMentee C1: It helped, mostly. I felt heard.\n\n"

# --- plain text and Markdown ------------------------------------------------------------
text_case("empty.txt", REFUSED, "empty", b"")
text_case("blank.txt", REFUSED, "blank space", b" \n\t\n  ")
text_case("binary.txt", REFUSED, "binary", (bytes(8) + bytes(range(256))) * 64)
text_case("utf16le-no-bom.txt", IMPORTED, "UTF-16 little-endian", DIALOGUE.encode("utf-16-le"))
text_case("utf16be-no-bom.txt", IMPORTED, "UTF-16 big-endian", DIALOGUE.encode("utf-16-be"))
text_case("utf16-bom.txt", IMPORTED, "", DIALOGUE.encode("utf-16"))
text_case("nul-in-text.txt", IMPORTED, "control character", (DIALOGUE * 50 + "\0x\0").encode())
text_case("escape-codes.txt", IMPORTED, "control character",
          (DIALOGUE + "\x1b[31mred\x1b[0m \x07bell\x08 \x0cpage").encode())  # fmt: skip
text_case("not-any-encoding.txt", REFUSED, "neither UTF-8", b"Mentee: caf\x81\x8d\x90 ok")
text_case(
    "cp1252.txt", IMPORTED, "Windows-1252", "Mentee C1: caf\u00e9 \u2019ok\u2019".encode("cp1252")
)
text_case("label-storm.txt", REFUSED, "60,000", lambda: b"A: a\n" * 1_000_000)  # 5 MB
text_case("one-line-of-labels.txt", IMPORTED, "", lambda: b"A: " * 1_700_000)  # 5 MB
text_case("over-size-limit.txt", REFUSED, "MB limit", lambda: b"word " * 5_300_000)  # 26.5 MB
text_case("one-long-token.txt", IMPORTED, "", lambda: b"x" * 2_000_000)
text_case("bidi-and-zero-width.txt", IMPORTED, "",
          "Mentee C1: \u202egnp.exe\u202c \u200b\u200d\ufeff ok".encode())  # fmt: skip
text_case("encoded-surrogate.txt", EITHER, "", b"Mentee C1: \xed\xa0\x80 odd")
text_case("mixed-line-ends.txt", IMPORTED, "", b"Interviewer: a\r\nMentee C1: b\rMentee C1: c\n")
MARKDOWN = b"# Notes\n\n![b](http://host/x.png) <script>alert(1)</script> {{7*7}} \\href{x}\n"
text_case("markdown-payloads.md", IMPORTED, "", MARKDOWN)
text_case("deep-quotes.md", EITHER, "", lambda: b">" * 100_000 + b" deep\n")
text_case("deep-lists.md", EITHER, "",
          lambda: "".join("  " * i + "- item\n" for i in range(3_000)).encode())  # fmt: skip
text_case("script.html", IMPORTED, "",
          b"<html><body><script>alert(1)</script><p>Mentee C1: fine</p></body></html>")  # fmt: skip
text_case("deep.html", EITHER, "", lambda: b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000)
text_case("unsupported.rtf", REFUSED, "cannot be imported", b"{\\rtf1 hello}")
text_case("no-extension", REFUSED, "cannot be imported", b"hello")

# --- Word -----------------------------------------------------------------------------
case("zip-bomb.docx", REFUSED, "zip bomb")(lambda: tables.zip_bomb("word/document.xml"))
case("unpacks-too-big.docx", REFUSED, "40 MB limit")(
    lambda: tables.big_zip("word/document.xml", 41_000_000)
)
text_case("not-a-zip.docx", REFUSED, "not a zip package", b"PK? not really a zip")
case("zip-without-document.docx", REFUSED, "no word/document.xml")(
    lambda: tables.zipped({"hello.txt": b"hi"})
)
case("broken-xml.docx", REFUSED, "damaged")(lambda: tables.docx(b"<w:p><w:r><w:t>cut", raw=True))
case("xxe.docx", EITHER, "")(lambda: tables.docx_with_doctype(tables.XXE))
case("billion-laughs.docx", EITHER, "")(lambda: tables.docx_with_doctype(tables.LAUGHS))
case("deep-xml.docx", EITHER, "")(lambda: tables.docx(b"<w:p>" * 50_000, raw=True))
case("small.docx", IMPORTED, "")(
    lambda: tables.docx_paragraphs(["Interviewer: hi", "Mentee C1: ok"])
)

# --- captions ---------------------------------------------------------------------------
CUE = "{n}\n00:00:0{n}.000 {arrow} 00:00:0{m}.000\nMentee C1: cue {n}\n\n"
case("broken-timings.vtt", IMPORTED, "3 of 4 caption blocks")(
    lambda: ("WEBVTT\n\n" + "".join(
        CUE.format(n=n, m=n + 1, arrow="-->" if n == 1 else "->") for n in range(1, 5)
    )).encode()
)  # fmt: skip
text_case("no-header.vtt", REFUSED, "does not start with 'WEBVTT'", b"00:00:01.000 --> x\nhi\n")
text_case("only-notes.vtt", REFUSED, "no captions", b"WEBVTT\n\nNOTE nothing here\n")
text_case(
    "no-blank-lines.srt",
    IMPORTED,
    "",
    b"1\n00:00:01,000 --> 00:00:02,000\nA: one\n2\n00:00:03,000 --> 00:00:04,000\nB: two\n",
)
case("huge-cue.vtt", IMPORTED, "")(
    lambda: b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nMentee C1: " + b"word " * 400_000 + b"\n"
)
case("many-cues.vtt", REFUSED, "60,000")(
    lambda: ("WEBVTT\n\n" + "".join(
        f"00:{i // 6000 % 60:02d}:{i // 100 % 60:02d}.{i % 100:03d} --> 00:59:59.000\n"
        f"<v Speaker {i % 2}>cue {i}\n\n" for i in range(65_000)
    )).encode()
)  # fmt: skip
text_case(
    "tags.vtt",
    IMPORTED,
    "",
    b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A<v B>><script>x</script><b>bold</b>\n",
)
text_case(
    "nul.srt", IMPORTED, "control character", b"1\n00:00:01,000 --> 00:00:02,000\nA: o\x00ne\n"
)
text_case(
    "utf16.vtt", IMPORTED, "", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA: hi\n".encode("utf-16")
)

# --- surveys ----------------------------------------------------------------------------
SURVEY_HEAD = "ResponseId,Site,What helped you most?\n"
text_case(
    "unclosed-quote.csv",
    REFUSED,
    "never closed",
    (SURVEY_HEAD + 'R_1,North,"It helped a lot\nR_2,South,The group\nR_3,North,Fine\n').encode(),
)
case("big-field.csv", IMPORTED, "")(
    lambda: (
        SURVEY_HEAD + 'R_1,North,"' + "word " * 40_000 + '"\nR_2,South,ok then fine\n'
    ).encode()
)
case("over-field-limit.csv", REFUSED, "1,000,000 characters")(
    lambda: (SURVEY_HEAD + 'R_1,North,"' + "x" * 1_100_000 + '"\n').encode()
)
case("ten-thousand-columns.csv", REFUSED, "columns")(lambda: tables.wide_csv(10_000))
case("too-many-answers.csv", REFUSED, "100,000")(
    lambda: (SURVEY_HEAD + "".join(f"R_{i},N,my answer is number {i}\n" for i in range(110_000)))
    .encode()
)  # fmt: skip
text_case("header-only.csv", REFUSED, "no answers", SURVEY_HEAD.encode())
text_case("formula-cells.csv", IMPORTED, "",
          (SURVEY_HEAD + "R_1,=cmd|' /C calc'!A0,=HYPERLINK(\"http://x\") helped me a lot\n"
           "R_2,@SUM(1+1),+1+1 and then some more words\n").encode())  # fmt: skip
text_case("semicolons-cp1252.csv", IMPORTED, "",
          "ResponseId;Site;Answer\nR_1;Nord;caf\u00e9 was good for me\nR_2;Sud;so was the tea\n"
          .encode("cp1252"))  # fmt: skip
text_case("ragged.csv", IMPORTED, "more cells than there are column names",
          (SURVEY_HEAD + "R_1,North,it was good for me,EXTRA,MORE\nR_2,South,it was fine too\n")
          .encode())  # fmt: skip
case("blank-headers.csv", IMPORTED, "have no name")(lambda: tables.blank_header_csv(300))
text_case(
    "nul-cells.csv",
    IMPORTED,
    "control character",
    (SURVEY_HEAD + "R_1,No\0rth,it was good for me\nR_2,South,it was fine\0 too\n").encode(),
)
text_case(
    "utf16.tsv",
    IMPORTED,
    "",
    "ResponseId\tAnswer\nR_1\tit was good for me\nR_2\tit was fine for me too\n".encode("utf-16"),
)
case("huge-dimension.xlsx", IMPORTED, "")(tables.xlsx_huge_dimension)
case("zip-bomb.xlsx", REFUSED, "zip bomb")(lambda: tables.zip_bomb("xl/workbook.xml"))
text_case("not-a-zip.xlsx", REFUSED, "not a zip package", b"id,answer\n1,hi\n")
case("no-workbook.xlsx", REFUSED, "no xl/workbook.xml")(lambda: tables.zipped({"a.xml": b"<a/>"}))
case("escaped-controls.xlsx", IMPORTED, "")(tables.xlsx_escaped_controls)
case("two-thousand-columns.xlsx", REFUSED, "columns")(lambda: tables.wide_xlsx(2_000))

# --- PDF --------------------------------------------------------------------------------
# AES needs the cryptography package (a dependency since team mode): a file whose keys do
# not open with an empty password is password-protected; one that does is read.
case("aes-encrypted.pdf", REFUSED, "password-protected")(pdfs.aes_declared)
case("aes-empty-password.pdf", IMPORTED, "")(lambda: pdfs.aes(""))
case("password.pdf", REFUSED, "password-protected")(lambda: pdfs.rc4("secret"))
case("empty-password.pdf", IMPORTED, "")(lambda: pdfs.rc4(""))
text_case("not-a-pdf.pdf", REFUSED, "not a PDF", b"hello, I am text")
case("truncated.pdf", EITHER, "")(lambda: pdfs.plain("Mentee C1: cut short")[:300])
case("no-text-layer.pdf", REFUSED, "no text layer")(lambda: pdfs.plain(""))
case("deep-arrays.pdf", EITHER, "")(pdfs.deep_arrays)
case("small.pdf", IMPORTED, "")(lambda: pdfs.plain("Mentee C1: it helped"))

# --- REFI-QDA projects and codebooks ------------------------------------------------------
case("nul-source.qdpx", IMPORTED, "control character", "refi")(tables.qdpx_nul_source)
case("laughs.qdpx", REFUSED, "", "refi")(lambda: tables.qdpx(tables.LAUGHS_PROJECT))
case("empty-project.qdpx", REFUSED, "empty or not XML", "refi")(lambda: tables.qdpx(b""))
case("not-a-zip.qdpx", REFUSED, "", "refi")(lambda: b"not a zip")
case("deep-codes.qdpx", REFUSED, "", "refi")(lambda: tables.qdpx(tables.deep_codes_project(20_000)))
case("deep-codes.qdc", REFUSED, "50", "codebook")(lambda: tables.deep_codebook(20_000))
case("laughs.qdc", REFUSED, "refused for safety", "codebook")(lambda: tables.LAUGHS_CODEBOOK)
case("empty.qdc", REFUSED, "empty or not XML", "codebook")(lambda: b"")
case("deep-path.csv", REFUSED, "50", "codebook")(
    lambda: ("path,definition\n" + "/".join(f"c{i}" for i in range(20_000)) + ",deep\n").encode()
)


def build(folder: Path) -> list[tuple[Case, Path]]:
    """Write every file of the corpus into ``folder``; (case, path) for each."""
    folder.mkdir(parents=True, exist_ok=True)
    random.seed(20)
    written = []
    for spec, make in CASES:
        path = folder / spec.name
        path.write_bytes(make())
        written.append((spec, path))
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for spec, path in build(out):
        print(f"{spec.door:8} {spec.expect:8} {path.stat().st_size:>11,}  {path.name}")
    print(f"{len(CASES)} files in {out}")

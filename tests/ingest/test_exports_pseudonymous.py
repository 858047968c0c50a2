"""Exports carry no real name: a project built from the labelled set, every export grepped.

The labelled transcripts are imported with NER, and the names the small pipeline misses
added in the review, as a researcher does there (this test is about what exports show,
recall is measured in test_pseudonymise_quality.py and the benchmark); every
turn is coded, the Theory of Change is built, and every export is read back as text: the
Word report, the REFI-QDA project, the quote bank and matrix (csv and xlsx) and the ToC as
PNG, SVG and HTML. None may hold any labelled form of any name.
"""

import html
import re
import zipfile

import pytest

from tests.ingest.labelled import form_pattern, labelled_files
from toc_studio.cli import main
from toc_studio.coding import codebook, codings
from toc_studio.ingest import documents
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.ingest.pseudonymise import load_ner
from toc_studio.project import projects
from toc_studio.project.models import Role

ADDED_IN_REVIEW = (
    ("Priyanka", "person"),
    ("Salvation Army", "organisation"),
    ("Riverside Mentoring", "organisation"),
    ("Women in Tech Bradford", "organisation"),
    ("St Luke's Hospital", "organisation"),
    ("Kirkgate Market", "place"),
    ("Merthyr Tydfil", "place"),
    ("Cardiff", "place"),
)
CODES = (("Practical help", "activity"), ("Confidence", "outcome"), ("Short support", "challenge"))


def _build(session):
    project = projects.create_project(session, "Labelled", ["Mentor", "Mentee"])
    files = labelled_files()
    options = ImportOptions(group="Mentee", extra_terms=ADDED_IN_REVIEW)
    outcomes = import_batch(session, project, [Upload(f.name, f.data) for f in files], options)
    assert {o.status for o in outcomes} == {"imported"}, [o.error for o in outcomes]
    coder = projects.get_or_create_coder(session, "Owner", Role.OWNER)
    codes = [codebook.create_code(session, project, n, category=c) for n, c in CODES]
    for outcome in outcomes:
        for stored in outcome.documents:
            document = documents.get_document(session, project, stored.id)
            for number, turn in enumerate(documents.list_turns(session, document)):
                code = codes[number % len(codes)]
                codings.add_coding(session, document, code, coder, turn.start, turn.end)
    session.commit()
    return files


_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def _without_libraries(page: str) -> str:
    """The page less vis-network's own in-line code (minified: identifiers like "Ed")."""
    return _SCRIPT.sub(lambda m: "" if len(m.group(1)) > 100_000 else m.group(0), page)


def _decoded(data: bytes) -> str:
    """A member's text; '' for pictures and other binary members (noise, not text)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return ""


def _text(path) -> str:
    data = path.read_bytes()
    if path.suffix == ".html":
        return html.unescape(_without_libraries(data.decode("utf-8")))
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            parts = [_decoded(archive.read(n)) for n in archive.namelist()]
        return html.unescape("\n".join(parts))
    return html.unescape(data.decode("utf-8", "replace") if path.suffix != ".png" else "")


@pytest.mark.skipif(load_ner("en_core_web_sm") is None, reason="needs the en_core_web_sm pipeline")
def test_no_export_of_a_project_built_from_the_labelled_set_holds_a_real_name(
    session, database_url, tmp_path, capsys
):
    files = _build(session)
    db = ("--db", database_url, "--project", "Labelled")
    out = tmp_path / "exports"
    out.mkdir()
    commands = [
        ("toc", "build", *db),
        ("toc", "image", *db, "--output", str(out / "toc.png")),
        ("toc", "image", *db, "--output", str(out / "toc.svg")),
        ("toc", "image", *db, "--output", str(out / "toc.html")),
        ("export", "qdpx", *db, str(out / "project.qdpx")),
        ("export", "csv", *db, str(out / "quotes.csv")),
        ("export", "csv", *db, "--table", "matrix", str(out / "matrix.csv")),
        ("export", "xlsx", *db, str(out / "bank.xlsx")),
        ("report", "docx", *db, str(out / "report.docx")),
    ]
    for command in commands:
        assert main(list(command)) == 0, (command, capsys.readouterr())
    exports = {p.name: _text(p) for p in sorted(out.iterdir()) if p.is_file()}
    assert len(exports) == 8
    assert "[Person 1]" in exports["quotes.csv"] and "[Person 1]" in exports["report.docx"]
    forms = {form for f in files for form in f.forms}
    leaks = []
    for name, text in exports.items():
        for form in forms:
            found = form_pattern(form).search(text)
            if found:
                leaks.append(f"{name}: {form!r} …{text[max(0, found.start() - 40) : found.end()]}")
    assert leaks == []

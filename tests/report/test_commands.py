"""The report, export and import commands, as a script would run them."""

from __future__ import annotations

import json

import docx
import openpyxl
from sqlmodel import Session

from tests.report.refi_files import project_xml, write_qdpx
from toc_studio import db
from toc_studio.cli import main
from toc_studio.demo import load_demo
from toc_studio.project.projects import list_projects

DEMO = "Peer Mentoring Evaluation (demo)"


def run(database_url, capsys, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--db", database_url])
    out = capsys.readouterr()
    return code, out.out, out.err


def with_demo(database_url) -> None:
    engine = db.make_engine(database_url)
    with db.session_scope(engine) as session:
        load_demo(session)
    engine.dispose()


def projects(database_url) -> list[str]:
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        names = [p.name for p in list_projects(session)]
    engine.dispose()
    return names


def test_export_then_import_prints_counts_and_conventions(database_url, tmp_path, capsys):
    with_demo(database_url)
    out = tmp_path / "demo.qdpx"
    code, text, _ = run(database_url, capsys, "export", "qdpx", str(out), "--project", DEMO)
    assert code == 0 and "173 codings" in text
    code, text, _ = run(
        database_url, capsys, "import", "qdpx", str(out), "--project", "Copy", "--json"
    )
    assert code == 0
    result = json.loads(text)
    assert result["project"] == "Copy"
    assert result["counts"]["codings"] == 173
    assert result["offset_conventions"] == {"code points": 6}
    assert sorted(projects(database_url)) == ["Copy", DEMO]


def test_import_prints_every_warning(database_url, tmp_path, capsys):
    body = '<Sources><PictureSource guid="11111111-0000-4000-8000-000000000001" name="Photo"/>'
    body += "</Sources>"
    path = write_qdpx(tmp_path / "p.qdpx", project_xml(body, "Pictures"))
    code, text, _ = run(database_url, capsys, "import", "qdpx", str(path))
    assert code == 0
    assert "1 warning(s):" in text and "Skipped picture source 'Photo'" in text


def test_a_refused_import_exits_1_and_leaves_the_store_as_it_was(database_url, tmp_path, capsys):
    path = write_qdpx(tmp_path / "bad.qdpx", project_xml("<Sources>"), {"../x.txt": "x"})
    code, _, err = run(database_url, capsys, "import", "qdpx", str(path))
    assert code == 1 and "unsafe path" in err
    assert projects(database_url) == []


def test_csv_and_xlsx_exports(database_url, tmp_path, capsys):
    with_demo(database_url)
    book = tmp_path / "demo.xlsx"
    assert run(database_url, capsys, "export", "xlsx", str(book), "--project", DEMO)[0] == 0
    workbook = openpyxl.load_workbook(book)
    assert workbook.sheetnames == ["Quote bank", "Matrix"]
    assert workbook["Quote bank"].max_row == 174
    csv_path = tmp_path / "matrix.csv"
    args = ("export", "csv", str(csv_path), "--project", DEMO, "--table", "matrix")
    assert run(database_url, capsys, *args)[0] == 0
    header = csv_path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("Code,Mentor: passages,Mentor: participants")


def test_report_docx_saves_and_reuses_a_template(database_url, tmp_path, capsys):
    with_demo(database_url)
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    args = ("report", "docx", str(first), "--project", DEMO)
    code, text, _ = run(
        database_url,
        capsys,
        *args,
        "--sections",
        "methods,findings",
        "--quotes",
        "1",
        "--save-template",
        "Short",
    )
    assert code == 0 and "two sections" in text
    code, text, _ = run(
        database_url,
        capsys,
        "report",
        "docx",
        str(second),
        "--project",
        DEMO,
        "--template",
        "Short",
        "--json",
    )
    assert code == 0 and json.loads(text)["sections"] == ["methods", "findings"]
    headings = [p.text for p in docx.Document(second).paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Methods", "Findings"]


def test_report_with_an_unknown_template_names_the_saved_ones(database_url, tmp_path, capsys):
    with_demo(database_url)
    args = ("report", "docx", str(tmp_path / "r.docx"), "--project", DEMO, "--template", "Nope")
    code, _, err = run(database_url, capsys, *args)
    assert code == 1 and "no report template 'Nope'" in err

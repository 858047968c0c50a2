"""toc-studio codebook|code|query|undo: the documented flows, JSON and CSV output."""

import csv
import io
import json

import pytest

from tests.builders import MENTOR_TEXT, build_mentoring_project
from toc_studio import db
from toc_studio.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def url(database_url):
    engine = db.make_engine(database_url)
    with db.session_scope(engine) as s:
        build_mentoring_project(s)
    engine.dispose()
    return database_url


def test_agreement_json_gives_path_coders_and_statistics_per_code(capsys, url, tmp_path):
    rows = tmp_path / "ben.csv"
    quote = "The induction gave me confidence."
    start = MENTOR_TEXT.index(quote)
    rows.write_text(
        "document,start,end,code,coder\n"
        f"Mentor B1 interview,{start},{start + len(quote)},Activities/Induction training,Ben\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--db", url, "code", "--project", "Mentoring", str(rows), "--json")
    assert code == 0 and json.loads(out)["inserted"] == 1
    code, out, err = run(
        capsys, "--db", url, "query", "agreement", "--project", "Mentoring",
        "--coders", "Asha,Ben", "--json",
    )  # fmt: skip
    assert code == 0, err
    by_code = {r["code"]: r for r in json.loads(out)["agreement"]}
    induction = by_code["Activities/Induction training"]
    assert induction["coders"] == ["Asha", "Ben"]
    assert {"percent_agreement", "kappa", "alpha"} <= set(induction)
    assert induction["percent_agreement"] == 1.0  # same span: full agreement
    assert by_code["Mentor/Challenges/Access to supervision"]["kappa"] == 0.0


def test_excerpts_and_matrix_as_csv(capsys, url):
    code, out, _ = run(
        capsys, "--db", url, "query", "excerpts", "--project", "Mentoring", "--code", "Mentee",
        "--subcodes", "--group", "Mentee", "--csv",
    )  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["text"] for r in rows] == ["I trust people again 🙂", "I’ve started seeing my sister"]
    assert rows[0]["attributes"] == "site=C"
    code, out, _ = run(
        capsys, "--db", url, "query", "matrix", "--project", "Mentoring", "--subcodes", "--csv"
    )
    matrix = {r["code"]: r for r in csv.DictReader(io.StringIO(out))}
    assert matrix["Mentee"] == {"code": "Mentee", "Mentor": "0", "Mentee": "2", "total": "2"}


def test_cooccurrence_and_frequency(capsys, url):
    code, out, _ = run(
        capsys, "--db", url, "query", "cooccurrence", "--project", "Mentoring",
        "--code", "Activities/Induction training", "--within-turns", "2", "--json",
    )  # fmt: skip
    assert code == 0
    assert [r["code"] for r in json.loads(out)["cooccurrence"]] == [
        "Mentor/Challenges/Access to supervision"
    ]
    code, out, _ = run(
        capsys, "--db", url, "query", "frequency", "--project", "Mentoring", "--kwic", "sister",
        "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["lines"][0]["keyword"] == "sister"


def test_codebook_export_import_and_undo(capsys, url, tmp_path):
    target = tmp_path / "book.qdc"
    assert (
        run(capsys, "--db", url, "codebook", "export", "--project", "Mentoring", str(target))[0]
        == 0
    )
    assert run(capsys, "--db", url, "project", "create", "Copy")[0] == 0
    code, out, _ = run(
        capsys, "--db", url, "codebook", "import", str(target), "--project", "Copy", "--json"
    )
    report = json.loads(out)
    assert code == 0 and sorted(report["new_groups"]) == ["Mentee", "Mentor"]
    assert "Mentee/Outcomes/Social/Family contact" in report["created"]
    code, _, err = run(capsys, "--db", url, "undo", "--project", "Copy")
    assert code == 1 and "nothing to undo" in err


def test_a_bad_codings_file_exits_1_and_changes_nothing(capsys, url, tmp_path):
    rows = tmp_path / "bad.csv"
    rows.write_text("document,start,end,code\nMentor B1 interview,0,5,X\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", url, "code", "--project", "Mentoring", str(rows))
    assert code == 1 and "lacks the column(s) coder" in err

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


def mentoring_url(database_url: str) -> str:
    """``database_url`` with the mentoring project built in it, for commands to run on."""
    engine = db.make_engine(database_url)
    with db.session_scope(engine) as s:
        build_mentoring_project(s)
    engine.dispose()
    return database_url


@pytest.fixture
def url(database_url):
    return mentoring_url(database_url)


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


def _ben_codes_part_of_the_induction_quote(capsys, url, tmp_path) -> tuple[int, int]:
    quote = "The induction gave me confidence."
    start = MENTOR_TEXT.index(quote)
    rows = tmp_path / "ben.csv"
    rows.write_text(
        "document,start,end,code,coder\n"
        f"Mentor B1 interview,{start},{start + 13},Activities/Induction training,Ben\n",
        encoding="utf-8",
    )
    assert run(capsys, "--db", url, "code", "--project", "Mentoring", str(rows))[0] == 0
    return start, start + len(quote)


def test_disagreements_are_listed_with_a_reference_and_each_coders_version(capsys, url, tmp_path):
    start, end = _ben_codes_part_of_the_induction_quote(capsys, url, tmp_path)
    code, out, err = run(
        capsys, "--db", url, "query", "disagreements", "--project", "Mentoring",
        "--coders", "Asha,Ben", "--json",
    )  # fmt: skip
    assert code == 0, err
    listed = json.loads(out)
    assert listed["coders"] == ["Asha", "Ben"]
    by_code = {d["code"]: d for d in listed["disagreements"]}
    # Asha and Ben both coded both interviews: every code where they differ is listed
    assert sorted(by_code) == [
        "Activities/Induction training",
        "Mentee/Outcomes/Personal/Trust",
        "Mentee/Outcomes/Social/Family contact",
        "Mentor/Challenges/Access to supervision",
    ]
    induction = by_code["Activities/Induction training"]
    assert (induction["start"], induction["end"]) == (start, end)
    assert induction["text"] == "The induction gave me confidence."
    assert [v[0]["end"] - v[0]["start"] for v in induction["versions"].values()] == [33, 13]
    assert induction["ref"] == f"{induction['document_id']}:{induction['code_id']}:{start}-{end}"
    code, out, _ = run(
        capsys, "--db", url, "query", "disagreements", "--project", "Mentoring",
        "--code", "Activities/Induction training", "--csv",
    )  # fmt: skip
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["ref"] == induction["ref"]
    assert row["versions"] == f"Asha: {start}-{end}; Ben: {start}-{start + 13}"


def test_resolving_keeps_one_version_merges_or_keeps_both_and_can_be_undone(capsys, url, tmp_path):
    start, end = _ben_codes_part_of_the_induction_quote(capsys, url, tmp_path)

    def listed() -> dict[str, dict]:
        out = run(
            capsys, "--db", url, "query", "disagreements", "--project", "Mentoring",
            "--coders", "Asha,Ben", "--json",
        )[1]  # fmt: skip
        return {d["code"]: d for d in json.loads(out)["disagreements"]}

    def resolve(ref: str, *how: str) -> tuple[int, str, str]:
        return run(
            capsys, "--db", url, "resolve", ref, "--project", "Mentoring", "--coders",
            "Asha,Ben", *how,
        )  # fmt: skip

    before = listed()
    induction = before["Activities/Induction training"]["ref"]
    code, out, err = resolve(induction, "--keep", "Ben", "--json")
    assert code == 0, err
    assert json.loads(out)["decision"] == "keep_one"
    now = listed()
    assert "Activities/Induction training" not in now and len(now) == 3
    code, out, _ = run(
        capsys, "--db", url, "query", "excerpts", "--project", "Mentoring", "--code",
        "Activities/Induction training", "--json",
    )  # fmt: skip
    spans = sorted((e["coder"], e["start"], e["end"]) for e in json.loads(out)["excerpts"])
    assert spans == [("Asha", start, start + 13), ("Ben", start, start + 13)]

    trust = now["Mentee/Outcomes/Personal/Trust"]
    assert resolve(trust["ref"], "--merge")[0] == 0
    supervision = now["Mentor/Challenges/Access to supervision"]["ref"]
    code, out, _ = resolve(supervision, "--keep-both")
    assert code == 0 and "kept both versions" in out
    assert sorted(listed()) == ["Mentee/Outcomes/Social/Family contact"]

    # a stale or malformed reference is refused with what to do
    code, _, err = resolve(induction, "--merge")
    assert code == 1 and "List them again" in err
    code, _, err = resolve("induction", "--merge")
    assert code == 1 and "toc-studio query disagreements" in err
    family = now["Mentee/Outcomes/Social/Family contact"]["ref"]
    code, _, err = resolve(family, "--keep", "Nobody")
    assert code == 1 and "Say whose version to keep: one of Asha, Ben" in err

    # the merge is undone first, then the kept version
    assert run(capsys, "--db", url, "undo", "--project", "Mentoring")[0] == 0
    assert "Mentee/Outcomes/Personal/Trust" in listed()
    assert run(capsys, "--db", url, "undo", "--project", "Mentoring")[0] == 0
    assert "Activities/Induction training" in listed()

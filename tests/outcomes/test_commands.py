"""The outcomes commands: the flows of the issue, JSON output, exit codes, clear errors."""

from __future__ import annotations

import json

import pytest

from tests.outcomes.test_stats import DRUG_1, DRUG_2
from tests.outcomes.test_survey import SURVEY
from toc_studio.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli(capsys, database_url, tmp_path):
    def call(*argv: str) -> tuple[int, str, str]:
        return run(capsys, "--db", database_url, *argv)

    assert call("project", "create", "Sleep", "--groups", "Drug 1,Drug 2")[0] == 0
    return call


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_participants_attributes_and_profile(cli, tmp_path):
    people = _write(tmp_path, "people.csv", "label,group,months\nP1,Drug 1,4\nP2,Drug 2,10\n")
    code, out, _ = cli("participants", "import", "--project", "Sleep", people, "--json")
    assert code == 0 and json.loads(out)["attributes"] == {"months": "number"}
    code, out, _ = cli("attributes", "type", "--project", "Sleep", "months", "ordinal",
                       "--order", "4,10")  # fmt: skip
    assert code == 0 and "ordinal (4, 10)" in out
    code, out, _ = cli("query", "profile", "--project", "Sleep", "--by", "group", "--json")
    months = next(a for a in json.loads(out)["attributes"] if a["name"] == "months")
    assert [(g["group"], g["categories"][1]["count"]) for g in months["groups"]] == [
        ("Drug 1", 0), ("Drug 2", 1)
    ]  # fmt: skip
    bad = _write(tmp_path, "bad.csv", "label,months\nP3,lots\n")
    code, _, err = cli("participants", "import", "--project", "Sleep", bad)
    assert code == 1 and "row 2, column 'months': 'lots' is not one of 4, 10" in err
    assert "Traceback" not in err


def test_query_matrix_bins_a_number_attribute(cli, tmp_path):
    people = _write(tmp_path, "people.csv", "label,months\nP1,4\nP2,10\nP3,23\n")
    assert cli("participants", "import", "--project", "Sleep", people)[0] == 0
    code, out, _ = cli("query", "matrix", "--project", "Sleep", "--by", "attribute:months",
                       "--bins", "0,6,12,24", "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["columns"] == ["0–5", "6–11", "12–24"]
    code, out, _ = cli("query", "matrix", "--project", "Sleep", "--by", "attribute:months",
                       "--bins", "2", "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["columns"] == ["4–13", "14–23"]
    code, _, err = cli("query", "matrix", "--project", "Sleep", "--bins", "2")
    assert code != 0 and "attribute:NAME" in err and "Traceback" not in err


def test_instrument_readings_change_and_relate(cli, tmp_path):
    assert cli("outcomes", "instrument", "add", "--project", "Sleep", "--name", "Sleep",
               "--items", "hours", "--min", "-5", "--max", "20")[0] == 0  # fmt: skip
    code, out, _ = cli("outcomes", "instrument", "list", "--project", "Sleep", "--json")
    assert [i["name"] for i in json.loads(out)["instruments"]][:2] == [
        "Sleep", "Homelessness Outcomes Star"
    ]  # fmt: skip
    lines = ["participant,date,hours"]
    contacts = ["participant,date,kind"]
    for n, (a, b) in enumerate(zip(DRUG_1, DRUG_2, strict=True)):
        lines += [f"P{n},2025-01-01,{a}", f"P{n},2025-03-01,{b}"]
        contacts += [f"P{n},2025-01-{d + 1:02d},call" for d in range(n + 1)]
    readings = _write(tmp_path, "sleep.csv", "\n".join(lines))
    code, out, _ = cli("outcomes", "import", "--project", "Sleep", "--instrument", "Sleep",
                       readings, "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["readings"] == 20
    code, out, _ = cli("outcomes", "change", "--project", "Sleep", "--instrument", "Sleep",
                       "--json")  # fmt: skip
    table = json.loads(out)
    assert table["groups"][0]["ci95"] == pytest.approx([0.7001142, 2.4598858], abs=1e-7)
    assert table["comparison"] is None
    code, out, _ = cli("outcomes", "change", "--project", "Sleep", "--instrument", "Sleep")
    assert code == 0 and "mean_change" in out and "1.580" in out
    contacts_file = _write(tmp_path, "contacts.csv", "\n".join(contacts))
    assert cli("outcomes", "contacts", "import", "--project", "Sleep", contacts_file)[0] == 0
    code, out, _ = cli("outcomes", "relate", "--project", "Sleep", "--instrument", "Sleep",
                       "--x", "contacts", "--json")  # fmt: skip
    related = json.loads(out)
    assert related["n"] == 10 and -1 <= related["rho"] <= 1 and len(related["points"]) == 10
    code, _, err = cli("outcomes", "change", "--project", "Sleep", "--instrument", "Nope")
    assert code == 1 and "no instrument 'Nope'" in err


def test_survey_import_query_and_destinations(cli, tmp_path):
    survey = _write(tmp_path, "survey.csv", SURVEY)
    code, out, _ = cli("outcomes", "survey", "import", "--project", "Sleep", survey,
                       "--invited", "5", "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["respondents"] == 4
    code, out, _ = cli("query", "survey", "--project", "Sleep", "--question", "Felt listened to",
                       "--json")  # fmt: skip
    [result] = json.loads(out)["surveys"]
    assert result["response_rate"] == 80.0
    assert result["questions"][0]["groups"][0]["median"] == "Agree"
    code, out, _ = cli("query", "survey", "--project", "Sleep", "--csv")
    assert code == 0 and out.splitlines()[0].startswith("question,group,answered")
    people = _write(tmp_path, "p.csv", "label,destination\nRespondent R1,Employment\n")
    cli("participants", "import", "--project", "Sleep", people)
    code, out, _ = cli("outcomes", "destinations", "--project", "Sleep", "--json")
    assert json.loads(out)["counts"] == [{"value": "Employment", "count": 1, "percent": 100.0}]

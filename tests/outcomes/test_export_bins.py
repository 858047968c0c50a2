"""`export csv|xlsx --table matrix --bins`: the matrix's number attribute in ranges, as
`query matrix --bins` shows it."""

from __future__ import annotations

import csv

from tests.outcomes.test_commands import _write, cli  # noqa: F401 (the fixture)


def test_export_csv_matrix_bins_a_number_attribute_like_query_matrix(cli, tmp_path):  # noqa: F811
    people = _write(tmp_path, "people.csv", "label,months\nP1,4\nP2,10\nP3,23\n")
    assert cli("participants", "import", "--project", "Sleep", people)[0] == 0
    out = tmp_path / "matrix.csv"
    code, _, err = cli("export", "csv", "--project", "Sleep", str(out), "--table", "matrix",
                       "--by", "attribute:months", "--bins", "0,6,12,24")  # fmt: skip
    assert code == 0, err
    header = next(csv.reader(out.open(encoding="utf-8-sig")))
    assert header == [
        "Code", "0–5: passages", "0–5: participants", "6–11: passages", "6–11: participants",
        "12–24: passages", "12–24: participants", "All: passages", "All: participants",
    ]  # fmt: skip
    code, _, err = cli("export", "xlsx", "--project", "Sleep", str(tmp_path / "m.xlsx"),
                       "--by", "attribute:months", "--bins", "0,6,5")  # fmt: skip
    assert code != 0 and "--bins edges must rise" in err and "Traceback" not in err

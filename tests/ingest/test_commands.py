"""``toc-studio ingest``: per-file results, JSON, exit codes."""

import json

from toc_studio.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_ingest_reports_each_file_and_exits_1_when_one_failed(database_url, tmp_path, capsys):
    assert (
        run(capsys, "--db", database_url, "project", "create", "Study", "--groups", "Mentee")[0]
        == 0
    )
    good = tmp_path / "mentee c1.txt"
    good.write_text("Interviewer: Hi.\r\n\r\nMentee C1: Ring me on 07700 900123.\r\n")
    bad = tmp_path / "bomb.docx"
    bad.write_bytes(b"PK\x03\x04 not really")
    code, out, _ = run(
        capsys, "ingest", "--db", database_url, "--project", "Study", str(good), str(bad),
        "--group", "Mentee", "--no-ner", "--json",
    )  # fmt: skip
    assert code == 1
    files = {f["file"]: f for f in json.loads(out)["files"]}
    imported = files["mentee c1.txt"]
    assert imported["status"] == "imported"
    [document] = imported["documents"]
    assert (document["title"], document["turns"], document["replacements"]) == (
        "mentee c1.txt", 2, 1)  # fmt: skip
    assert document["speakers"] == ["Interviewer", "Mentee C1"]
    assert files["bomb.docx"]["status"] == "failed" and "bomb.docx" in files["bomb.docx"]["error"]
    code, out, _ = run(capsys, "ingest", "--db", database_url, "--project", "Study", str(good))
    assert code == 0 and "skipped" in out


def test_no_pseudonymise_and_the_size_limit(database_url, tmp_path, capsys):
    run(capsys, "--db", database_url, "project", "create", "Study")
    note = tmp_path / "note.txt"
    note.write_text("Met Sam at sam@example.org about the group. " * 30_000)
    code, out, _ = run(capsys, "ingest", "--db", database_url, "--project", "Study", str(note),
                       "--max-mb", "1")  # fmt: skip
    assert code == 1 and "over the 1 MB limit" in out
    code, out, _ = run(capsys, "ingest", "--db", database_url, "--project", "Study", str(note),
                       "--max-mb", "2", "--no-pseudonymise", "--json")  # fmt: skip
    assert code == 0
    assert json.loads(out)["files"][0]["documents"][0]["replacements"] == 0


def test_an_unknown_project_or_group_is_an_error_before_anything_is_read(database_url, capsys):
    run(capsys, "--db", database_url, "project", "create", "Study")
    code, _, err = run(capsys, "ingest", "--db", database_url, "--project", "Nope", "x.txt")
    assert code == 1 and "No project 'Nope'" in err
    code, _, err = run(capsys, "ingest", "--db", database_url, "--project", "Study", "--group",
                       "Carer", "x.txt")  # fmt: skip
    assert code == 1 and "no group 'Carer'" in err


def test_names_are_listed_and_the_key_is_shown_only_with_an_owners_passphrase(
    database_url, tmp_path, capsys, monkeypatch
):
    import io

    run(capsys, "--db", database_url, "project", "create", "Study")
    assert (
        run(capsys, "names", "add", "--db", database_url, "--project", "Study", "Ann Lee")[0] == 0
    )
    note = tmp_path / "n.txt"
    note.write_text("I: Who?\nR: Ann Lee did.")
    run(capsys, "ingest", "--db", database_url, "--project", "Study", str(note), "--no-ner")
    db = ("--db", database_url, "--project", "Study")
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    code, out, _ = run(capsys, "names", "passphrase", "set", *db, "--passphrase-stdin")
    assert code == 0 and "nobody can read the key again" in out
    code, out, _ = run(capsys, "names", "list", *db, "--sealed", "--json")
    assert json.loads(out) == {"sealed": {"person": 1}}
    monkeypatch.setenv("TOC_STUDIO_PASSPHRASE", "correct horse battery")
    code, out, _ = run(capsys, "names", "list", *db, "--json")
    assert json.loads(out)["names"] == [{"name": "Ann Lee", "kind": "person"}]
    code, out, _ = run(capsys, "names", "key", *db, "--json")
    assert code == 0
    assert json.loads(out)["key"][0] == {
        "placeholder": "[Person 1]", "original": "Ann Lee", "kind": "person", "source": "list",
    }  # fmt: skip
    monkeypatch.setenv("TOC_STUDIO_PASSPHRASE", "wrong horse battery")
    code, out, err = run(capsys, "names", "key", *db, "--json")
    assert code == 1 and "does not open the key" in err and "Ann Lee" not in out + err


def test_names_keep_stops_a_word_being_replaced_and_places_sets_the_policy(
    database_url, tmp_path, capsys
):
    assert run(capsys, "--db", database_url, "project", "create", "Keep")[0] == 0
    code, out, _ = run(capsys, "names", "keep", "--db", database_url, "--project", "Keep", "Ada")
    assert code == 0 and "'Ada' will not be replaced" in out
    code, out, _ = run(capsys, "names", "keep", "--db", database_url, "--project", "Keep", "--json")
    assert json.loads(out) == {"keep": ["Ada"]}
    transcript = tmp_path / "t.txt"
    transcript.write_text("Ada Lovelace: I write Ada at work.\n\nBob Smith: So do I, Ada.\n")
    code, out, _ = run(
        capsys, "ingest", "--db", database_url, "--project", "Keep", str(transcript), "--no-ner",
        "--json",
    )  # fmt: skip
    [document] = json.loads(out)["files"][0]["documents"]
    assert document["speakers"] == ["[Person 1]", "[Person 2]"]
    code, out, _ = run(capsys, "names", "places", "--db", database_url, "--project", "Keep", "keep")
    assert code == 0 and out.startswith("Only listed places")
    code, _, err = run(
        capsys, "names", "keep", "--db", database_url, "--project", "Keep", "--remove", "Zed"
    )
    assert code == 1 and "'Zed' is not in the project's keep list" in err

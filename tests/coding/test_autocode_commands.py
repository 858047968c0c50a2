"""toc-studio autocode suggest|apply|pattern: review suggestions, apply some, undo them."""

import csv
import io
import json

import pytest

from tests.coding.test_commands import mentoring_url, run

MENTEE = ["--project", "Mentoring", "--code", "Mentee"]


@pytest.fixture
def url(database_url):
    return mentoring_url(database_url)


def test_suggest_by_speaker_group_lists_each_turn_with_its_rule(capsys, url):
    code, out, err = run(
        capsys, "--db", url, "autocode", "suggest", *MENTEE, "--speaker-group", "Mentee", "--json"
    )
    assert code == 0, err
    found = json.loads(out)["suggestions"]
    assert [(s["number"], s["document"], s["rule"]) for s in found] == [
        (1, "Mentee C1 interview", "rule: speaker group Mentee"),
        (2, "Mentee C1 interview", "rule: speaker group Mentee"),
    ]
    assert found[1]["text"] == "Ten sessions felt short; it ended just as I opened up."
    code, out, _ = run(
        capsys, "--db", url, "autocode", "suggest", *MENTEE, "--participant", "Mentee C1"
    )
    assert code == 0
    assert "Ten sessions felt short" in out and "2 suggestion(s)" in out


def test_apply_only_the_chosen_suggestions_then_undo_them(capsys, url):
    argv = ["--db", url, "autocode", "apply", *MENTEE, "--speaker-group", "Mentee"]
    code, out, err = run(capsys, *argv, "--only", "2", "--json")
    assert code == 0, err
    assert json.loads(out)["added"] == 1 and json.loads(out)["suggested"] == 2
    code, out, _ = run(
        capsys, "--db", url, "query", "excerpts", *MENTEE, "--coder",
        "rule: speaker group Mentee", "--csv",
    )  # fmt: skip
    assert [r["text"] for r in csv.DictReader(io.StringIO(out))] == [
        "Ten sessions felt short; it ended just as I opened up."
    ]
    # the applied one is no longer suggested
    code, out, _ = run(capsys, *argv[:3], "suggest", *argv[4:], "--json")
    assert len(json.loads(out)["suggestions"]) == 1
    code, out, _ = run(capsys, "--db", url, "undo", "--project", "Mentoring")
    assert code == 0 and "auto-code 1 span(s) with 'Mentee'" in out
    code, out, _ = run(capsys, *argv[:3], "suggest", *argv[4:], "--json")
    assert len(json.loads(out)["suggestions"]) == 2


def test_apply_refuses_numbers_outside_the_list_and_codes_nothing(capsys, url):
    argv = ["--db", url, "autocode", "apply", *MENTEE, "--speaker-group", "Mentee"]
    code, _, err = run(capsys, *argv, "--only", "1,7")
    assert code == 1 and "from 1 to 2" in err
    code, out, _ = run(capsys, "--db", url, "autocode", "apply", *MENTEE, "--speaker-group",
                       "Mentee")  # fmt: skip
    assert code == 0 and "Coded 2 of 2" in out


def test_unknown_code_group_and_heading_are_explained(capsys, url):
    base = ["--db", url, "autocode", "suggest", "--project", "Mentoring"]
    code, _, err = run(capsys, *base, "--code", "Nope", "--speaker-group", "Mentee")
    assert code == 1 and "no code 'Nope'" in err
    code, _, err = run(capsys, *base, "--code", "Mentee", "--speaker-group", "Staff")
    assert code == 1 and "no group 'Staff' (groups: Mentor, Mentee)" in err
    code, _, err = run(capsys, *base, "--code", "Mentee", "--heading", "Background")
    assert code == 1 and "No heading" in err and "import a .docx" in err
    code, _, err = run(capsys, *base, "--code", "Mentee", "--pattern-rules")
    assert code == 1 and "has no patterns yet" in err


def test_patterns_are_added_listed_used_and_removed(capsys, url):
    trust = ["--project", "Mentoring", "--code", "Mentee/Outcomes/Personal/Trust"]
    base = ["--db", url, "autocode"]
    code, out, err = run(capsys, *base, "pattern", "add", *trust, "sessions", "--json")
    assert code == 0, err
    pattern_id = json.loads(out)["id"]
    code, _, err = run(capsys, *base, "pattern", "add", *trust, "[{oops", "--tokens")
    assert code == 1 and "JSON" in err
    code, out, _ = run(capsys, *base, "pattern", "list", *trust, "--csv")
    assert list(csv.DictReader(io.StringIO(out))) == [
        {"id": str(pattern_id), "kind": "phrase", "pattern": "sessions"}
    ]
    code, out, _ = run(capsys, *base, "suggest", *trust, "--pattern-rules", "--extend", "match",
                       "--json")  # fmt: skip
    assert {s["text"] for s in json.loads(out)["suggestions"]} == {"sessions"}
    code, _, err = run(capsys, *base, "pattern", "remove", *trust, str(pattern_id + 100))
    assert code == 1 and "no pattern" in err
    code, out, _ = run(capsys, *base, "pattern", "remove", *trust, str(pattern_id))
    assert code == 0 and "Undo with `toc-studio undo`" in out
    code, out, _ = run(capsys, *base, "pattern", "list", *trust)
    assert "no patterns yet" in out
    code, out, _ = run(capsys, "--db", url, "undo", "--project", "Mentoring")
    assert code == 0 and "Undid: remove pattern 'sessions' from 'Trust'." in out
    code, out, _ = run(capsys, *base, "pattern", "list", *trust, "--json")
    assert [p["id"] for p in json.loads(out)["patterns"]] == [pattern_id]

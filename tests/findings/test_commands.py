"""`toc-studio findings ...`, `casestudy ...` and `summary ...` on a real store."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from toc_studio.cli import main
from toc_studio.coding.models import Coding

P = "Mentoring"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def url(database_url, mentoring, session):
    session.commit()
    return database_url


def test_findings_add_list_move_remove_restore(capsys, url, session, mentoring):
    trust = session.execute(select(Coding.id).where(Coding.text.like("I trust%"))).scalar_one()
    element = f"code:{mentoring.codes['Mentee/Outcomes/Social/Family contact'].id}"
    session.commit()  # SQLite: the test's session holds no write lock while the CLI runs
    code, out, err = run(capsys, "findings", "add", "--db", url, "--project", P, "--kind",
                         "finding", "--text", "Mentees trust again.", "--code",
                         "Mentee/Outcomes/Personal/Trust", "--quote", str(trust),
                         "--element", element)  # fmt: skip
    assert code == 0, err
    assert out.startswith("Added F1 (#")
    run(capsys, "findings", "add", "--db", url, "--project", P, "--kind", "recommendation",
        "--text", "Offer flexible supervision.")  # fmt: skip
    run(capsys, "findings", "add", "--db", url, "--project", P, "--kind", "recommendation",
        "--text", "Extend the sessions.")  # fmt: skip
    code, out, _ = run(capsys, "findings", "list", "--db", url, "--project", P, "--json")
    listed = json.loads(out)["findings"]
    assert [f["number"] for f in listed] == ["F1", "R1", "R2"]
    assert listed[0]["quotes"][0]["participant"] == "Mentee C1"
    assert listed[0]["elements"][0]["label"] == "Family contact"
    assert listed[0]["strength"]["passages"] == 2
    assert run(capsys, "findings", "move", "--db", url, "--project", P, "R2", "--to", "1")[0] == 0
    code, out, _ = run(capsys, "findings", "show", "--db", url, "--project", P, "R1")
    assert "Extend the sessions." in out
    code, out, _ = run(capsys, "findings", "remove", "--db", url, "--project", P, "R1")
    assert code == 0 and "findings restore" in out
    removed = json.loads(run(capsys, "findings", "list", "--db", url, "--project", P,
                             "--removed", "--json")[1])["findings"]  # fmt: skip
    assert [f["text"] for f in removed] == ["Extend the sessions."]
    code, out, _ = run(capsys, "findings", "restore", "--db", url, "--project", P,
                       str(removed[0]["id"]))  # fmt: skip
    assert code == 0 and "as R1" in out
    code, out, _ = run(capsys, "findings", "edit", "--db", url, "--project", P, "R1", "--text",
                       "Extend the sessions to twelve.")  # fmt: skip
    assert code == 0
    code, out, _ = run(capsys, "findings", "list", "--db", url, "--project", P)
    assert "Extend the sessions to twelve." in out and "One participant" in out
    code, _, err = run(capsys, "findings", "show", "--db", url, "--project", P, "F9")
    assert code == 1 and "no F9" in err


def test_casestudy_draft_edit_redraft_show(capsys, url, tmp_path):
    code, out, err = run(capsys, "casestudy", "draft", "--db", url, "--project", P,
                         "--participant", "Mentee C1")  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, "casestudy", "show", "--db", url, "--project", P, "1")
    assert "## Their journey in their own words" in out and "I trust people again" in out
    edited = tmp_path / "story.txt"
    edited.write_text("C1 trusts people again.\n", encoding="utf-8")
    code, _, _ = run(capsys, "casestudy", "edit", "--db", url, "--project", P, "1",
                     "--file", str(edited))  # fmt: skip
    assert code == 0
    code, out, _ = run(capsys, "casestudy", "redraft", "--db", url, "--project", P, "1")
    assert code == 0 and "Your edits are kept" in out
    out = run(capsys, "casestudy", "show", "--db", url, "--project", P, "1")[1]
    assert "C1 trusts people again." in out and "I trust people" not in out
    out = run(capsys, "casestudy", "show", "--db", url, "--project", P, "1", "--draft")[1]
    assert "I trust people again" in out
    listed = json.loads(run(capsys, "casestudy", "list", "--db", url, "--project", P,
                            "--json")[1])["case_studies"]  # fmt: skip
    assert [(c["title"], c["edited"]) for c in listed] == [("Mentee C1's story", True)]
    code, _, err = run(capsys, "casestudy", "delete", "--db", url, "--project", P, "1")
    assert code == 1 and "--yes" in err
    assert run(capsys, "casestudy", "delete", "--db", url, "--project", P, "1", "--yes")[0] == 0


def test_summary_set_and_list(capsys, url):
    code, _, err = run(capsys, "summary", "set", "--db", url, "--project", P, "--code",
                       "Mentee/Outcomes/Personal/Trust", "--group", "Mentee", "--text",
                       "Trust grows slowly.")  # fmt: skip
    assert code == 0, err
    run(capsys, "summary", "set", "--db", url, "--project", P, "--code", "Mentee",
        "--document", "Mentee C1 interview", "--text", "Trust and family.")  # fmt: skip
    rows = json.loads(run(capsys, "summary", "list", "--db", url, "--project", P,
                          "--json")[1])["summaries"]  # fmt: skip
    assert [(r["code"], r["target"], r["name"]) for r in rows] == [
        ("Mentee", "document", "Mentee C1 interview"),
        ("Mentee/Outcomes/Personal/Trust", "group", "Mentee"),
    ]
    out = run(capsys, "summary", "list", "--db", url, "--project", P, "--target", "group")[1]
    assert "Trust grows slowly." in out and "Trust and family." not in out

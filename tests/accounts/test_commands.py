"""toc-studio user|member|audit: the flows the README shows, sentences for what is wrong."""

import io
import json

import pytest

from toc_studio import db
from toc_studio.accounts import signin
from toc_studio.cli import main

PASSWORD = "correct horse battery"


@pytest.fixture
def cli(capsys, monkeypatch, database_url):
    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["--db", database_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    assert run("project", "create", "Mentoring")[0] == 0
    return run


def test_users_are_added_listed_disabled_and_given_passwords(cli, database_url):
    code, out, _ = cli("user", "add", "Asha", "--admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0 and out == "Added the administrator account 'Asha'.\n"
    assert cli("user", "add", "Cleo", "--email", "Cleo@Example.org")[0] == 0
    code, out, _ = cli("user", "list", "--json")
    listed = json.loads(out)["users"]
    assert [(u["name"], u["admin"], u["email"], u["password"]) for u in listed] == [
        ("Asha", True, None, True),
        ("Cleo", False, "cleo@example.org", False),
    ]
    assert PASSWORD not in out
    assert (
        cli("user", "disable", "Cleo")[1]
        == "Disabled the account 'Cleo': it can no longer sign in.\n"
    )
    assert cli("user", "enable", "Cleo")[0] == 0
    code, out, _ = cli(
        "user", "passwd", "Cleo", "--password-stdin", stdin="a brand new password\r\n"
    )
    assert code == 0 and "new password" in out
    engine = db.make_engine(database_url)
    with db.session_scope(engine) as s:
        assert signin.sign_in(s, "Cleo", "a brand new password").user is not None
        assert signin.sign_in(s, "Asha", PASSWORD).user is not None
    engine.dispose()


def test_weak_passwords_and_unknown_users_are_sentences(cli):
    code, _, err = cli("user", "add", "Ben", "--password-stdin", stdin="short\n")
    assert code == 1 and "too short: use at least 10 characters" in err
    code, _, err = cli("user", "add", "Ben", "--password-stdin", stdin="\n")
    assert code == 1 and "The password is empty." in err
    code, _, err = cli("user", "add", "Ben")
    assert code == 1 and "--password-stdin" in err
    code, _, err = cli("user", "disable", "Nobody")
    assert code == 1 and "There is no account 'Nobody'" in err
    code, _, err = cli(
        "member", "add", "--project", "Mentoring", "--user", "Nobody", "--role", "coder"
    )
    assert code == 1 and "There is no account 'Nobody'" in err
    assert "Traceback" not in err


def test_members_and_the_last_owner(cli):
    for name in ("Olu", "Cody"):
        assert cli("user", "add", name, "--password-stdin", stdin=PASSWORD)[0] == 0
    code, out, _ = cli(
        "member", "add", "--project", "Mentoring", "--user", "Olu", "--role", "owner"
    )
    assert code == 0 and out == "'Olu' is now an owner of 'Mentoring'.\n"
    cli("member", "add", "--project", "Mentoring", "--user", "Cody", "--role", "coder")
    code, out, _ = cli("member", "list", "--project", "Mentoring", "--json")
    assert [(m["name"], m["role"]) for m in json.loads(out)["members"]] == [
        ("Olu", "owner"),
        ("Cody", "coder"),
    ]
    code, _, err = cli("member", "remove", "--project", "Mentoring", "--user", "Olu")
    assert code == 1 and "'Olu' is the last owner of 'Mentoring'" in err
    assert cli("member", "remove", "--project", "Mentoring", "--user", "Cody")[0] == 0
    code, _, err = cli(
        "member", "add", "--project", "Mentoring", "--user", "Cody", "--role", "boss"
    )
    assert code == 2  # argparse: not one of the roles


def test_audit_lists_a_projects_events_and_the_whole_stores(cli):
    cli("user", "add", "Olu", "--password-stdin", stdin=PASSWORD)
    cli("member", "add", "--project", "Mentoring", "--user", "Olu", "--role", "owner")
    code, out, _ = cli("audit", "--project", "Mentoring", "--json")
    [event] = json.loads(out)["events"]
    assert (event["action"], event["detail"], event["project"]) == (
        "member.add",
        "Made 'Olu' an owner.",
        "Mentoring",
    )
    code, out, _ = cli("audit")
    assert code == 0 and "user.add" in out and "member.add" in out

"""The toc-studio command: the documented flows, JSON output and exit codes."""

import json
import subprocess
import sys

import pytest

from toc_studio.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def blank_url(backend, database_url, tmp_path):
    """A store URL that has not been set up: a new SQLite file, or the fresh PG database."""
    return f"sqlite:///{tmp_path / 'new.db'}" if backend == "sqlite" else database_url


def test_init_demo_and_list_as_the_readme_shows(capsys, blank_url):
    assert run(capsys, "--db", blank_url, "init")[0] == 0
    code, out, _ = run(capsys, "--db", blank_url, "demo")
    assert code == 0 and "Loaded the demo project" in out
    code, out, _ = run(capsys, "--db", blank_url, "project", "list", "--json")
    assert code == 0
    assert json.loads(out) == {
        "projects": [
            {
                "name": "Peer Mentoring Evaluation (demo)",
                "groups": ["Mentor", "Mentee"],
                "documents": 6,
                "participants": 24,  # 9 interviewed, 15 more clients with outcome data
                "codes": 45,
                "codings": 173,
            }
        ]
    }


def test_db_may_also_follow_the_sub_command(capsys, database_url):
    assert run(capsys, "project", "create", "Late flag", "--db", database_url)[0] == 0
    code, out, _ = run(capsys, "project", "list", "--db", database_url)
    assert code == 0 and "Late flag" in out


def test_the_environment_names_the_default_store(capsys, database_url, monkeypatch):
    monkeypatch.setenv("TOC_STUDIO_DATABASE_URL", database_url)
    run(capsys, "project", "create", "From env", "--groups", "Carer,Staff")
    code, out, _ = run(capsys, "project", "list", "--json")
    assert json.loads(out)["projects"][0]["groups"] == ["Carer", "Staff"]


def test_demo_if_missing_loads_once(capsys, database_url):
    assert run(capsys, "--db", database_url, "demo", "--if-missing")[0] == 0
    code, out, _ = run(capsys, "--db", database_url, "demo", "--if-missing")
    assert code == 0 and "already loaded" in out
    assert (
        len(
            json.loads(run(capsys, "--db", database_url, "project", "list", "--json")[1])[
                "projects"
            ]
        )
        == 1
    )


def test_a_store_that_is_not_set_up_gets_an_actionable_message(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'missing.db'}"
    code, out, err = run(capsys, "--db", url, "project", "list")
    assert code == 1 and out == ""
    assert f"toc-studio --db '{url}' init" in err
    code, _, err = run(capsys, "--db", url, "project", "create", "X")
    assert code == 1 and "init" in err


def test_errors_exit_1_and_usage_errors_exit_2(capsys, database_url):
    run(capsys, "--db", database_url, "project", "create", "Twice")
    code, _, err = run(capsys, "--db", database_url, "project", "create", "Twice")
    assert code == 1 and "already exists" in err and "Traceback" not in err
    assert run(capsys, "--db", database_url, "project", "frobnicate")[0] == 2
    assert run(capsys)[0] == 2
    code, _, err = run(capsys, "--db", database_url, "project", "delete", "Twice")
    assert code == 1 and "--yes" in err


def test_deleting_a_project_from_the_command_line(capsys, database_url):
    run(capsys, "--db", database_url, "demo")
    run(capsys, "--db", database_url, "project", "create", "Other")
    code, out, _ = run(
        capsys,
        "--db",
        database_url,
        "project",
        "delete",
        "Peer Mentoring Evaluation (demo)",
        "--yes",
    )
    assert code == 0
    listed = json.loads(run(capsys, "--db", database_url, "project", "list", "--json")[1])
    assert [p["name"] for p in listed["projects"]] == ["Other"]


def test_the_installed_command_runs_as_a_module(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "toc_studio", "--db", url, "init"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "toc_studio", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "project" in done.stdout


def test_help_lists_every_command_with_its_line(capsys, monkeypatch):
    from toc_studio.cli import COMMANDS

    monkeypatch.setenv("COLUMNS", "200")  # one line per command
    code, out, _ = run(capsys, "--help")
    assert code == 0
    # a name too long for the column ("participants") has its help on the next line
    lines = out.splitlines()
    listed = [line.split()[0] for line in lines if line.startswith("    ") and line[4] != " "]
    assert listed == list(COMMANDS)
    assert "resolve settle one disagreement between coders" in [" ".join(x.split()) for x in lines]


def test_the_registry_and_the_command_modules_agree():
    import argparse
    import importlib

    from toc_studio.cli import COMMANDS
    from toc_studio.cli.common import Commands

    subparsers = argparse.ArgumentParser().add_subparsers()
    cli = Commands(subparsers, argparse.ArgumentParser(add_help=False))
    for module in dict.fromkeys(m for command in COMMANDS.values() for m in command.modules):
        importlib.import_module(module).register(cli)
    assert sorted(subparsers.choices) == sorted(COMMANDS)


@pytest.mark.parametrize("name", ["init", "project", "names", "query", "resolve", "autocode"])
def test_each_command_has_its_own_help(capsys, name):
    code, out, _ = run(capsys, name, "--help")
    assert code == 0 and out.startswith(f"usage: toc-studio {name}")


def test_query_holds_the_actions_of_two_packages(capsys):
    code, out, _ = run(capsys, "query", "--help")
    assert code == 0
    for action in ("excerpts", "matrix", "agreement", "disagreements"):
        assert f"    {action}" in out


def test_an_unknown_command_is_a_usage_error_naming_the_commands(capsys):
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "invalid choice: 'frobnicate'" in err and "'autocode'" in err

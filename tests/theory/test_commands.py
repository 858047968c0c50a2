"""`toc-studio toc ...`: build, freeze, versions, diff, image, table."""

import json

import pytest

from toc_studio.cli import main

DEMO = "Peer Mentoring Evaluation (demo)"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_url(database_url, capsys):
    assert run(capsys, "--db", database_url, "demo")[0] == 0
    return database_url


def test_build_prints_the_stable_json_form(capsys, demo_url):
    code, out, _ = run(capsys, "toc", "build", "--project", DEMO, "--db", demo_url, "--json")
    assert code == 0
    document = json.loads(out)
    assert document["version"] == "Working draft" and document["groups"] == ["Mentor", "Mentee"]
    again = run(capsys, "toc", "build", "--project", DEMO, "--db", demo_url, "--json")[1]
    assert again == out
    code, out, _ = run(capsys, "toc", "build", "--project", DEMO, "--db", demo_url)
    assert code == 0 and "Mentors feel valued by the service" in out and "[hand-made]" in out


def test_build_can_roll_up_and_read_a_frozen_version(capsys, demo_url):
    out = run(
        capsys, "toc", "build", "--project", DEMO, "--db", demo_url, "--json", "--level", "3"
    )[1]
    labels = {n["label"] for n in json.loads(out)["nodes"]}
    assert "Social" in labels and "Reconnected with family" not in labels
    out = run(
        capsys,
        "toc",
        "build",
        "--project",
        DEMO,
        "--db",
        demo_url,
        "--json",
        "--version",
        "Draft 1",
    )[1]
    assert json.loads(out)["version"] == "Draft 1"


def test_freeze_versions_and_diff(capsys, demo_url):
    code, out, _ = run(
        capsys,
        "toc",
        "freeze",
        "--project",
        DEMO,
        "--db",
        demo_url,
        "--name",
        "Draft 2",
        "--note",
        "After the feedback workshop",
    )
    assert code == 0 and "Froze 'Draft 2'" in out
    out = run(capsys, "toc", "versions", "--project", DEMO, "--db", demo_url, "--json")[1]
    rows = json.loads(out)["versions"]
    assert [(r["name"], r["state"]) for r in rows] == [
        ("Draft 1", "frozen"),
        ("Draft 2", "frozen"),
        ("Working draft", "working"),
    ]
    code, out, _ = run(
        capsys, "toc", "diff", "Draft 1", "Draft 2", "--project", DEMO, "--db", demo_url
    )
    assert code == 0 and "renamed 'Trust in mentor'" in out and "feedback workshop" in out
    out = run(capsys, "toc", "diff", "Draft 1", "--project", DEMO, "--db", demo_url, "--json")[1]
    assert json.loads(out)["after"] == "Working draft"


def test_image_writes_png_svg_and_an_offline_page(capsys, demo_url, tmp_path):
    kinds = (("toc.png", b"\x89PNG"), ("toc.svg", b"<?xml"), ("toc.html", b"<!DOCTYPE html>"))
    for name, magic in kinds:
        code, out, _ = run(
            capsys, "toc", "image", "--project", DEMO, "--db", demo_url, "-o", str(tmp_path / name)
        )
        assert code == 0, out
        assert (tmp_path / name).read_bytes().lstrip().startswith(magic)
    code, _, err = run(
        capsys, "toc", "image", "--project", DEMO, "--db", demo_url, "-o", str(tmp_path / "toc.gif")
    )
    assert code == 1 and ".png, .svg or .html" in err


def test_table_and_clear_errors(capsys, demo_url):
    out = run(capsys, "toc", "table", "--project", DEMO, "--db", demo_url, "--json")[1]
    assert [r["Branch"] for r in json.loads(out)["rows"]] == ["Shared", "Mentor", "Mentee"]
    code, _, err = run(capsys, "toc", "diff", "Draft 9", "--project", DEMO, "--db", demo_url)
    assert code == 1 and "no Theory of Change version 'Draft 9'" in err and "Draft 1" in err
    code, _, err = run(
        capsys, "toc", "freeze", "--project", DEMO, "--db", demo_url, "--name", "Draft 1"
    )
    assert code == 1 and "already a version called 'Draft 1'" in err

"""The README tells the truth (Datasette's ``test_docs.py`` is the model).

- Every ``toc-studio`` command, and every option of it, is named in the README; every
  ``toc-studio ...`` command the README shows exists.
- Every migration is listed in the README's architecture section, and no other.
- Every top-level package of ``toc_studio`` is described, and every ``toc_studio/...`` path
  the README names exists.
"""

from __future__ import annotations

import argparse
import re
from functools import cache
from pathlib import Path

import pytest

from toc_studio.cli import full_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Options every command has, explained once near the top of the README.
COMMON_OPTIONS = {"-h", "--help", "--db"}


def sub_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


@cache
def commands() -> dict[str, argparse.ArgumentParser]:
    """Every command path ("query matrix") with its parser, leaves and groups alike."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(prefix: str, parser: argparse.ArgumentParser) -> None:
        for name, child in sub_parsers(parser).items():
            path = f"{prefix} {name}".strip()
            found[path] = child
            walk(path, child)

    walk("", full_parser())
    return found


def leaves() -> list[str]:
    return sorted(path for path, parser in commands().items() if not sub_parsers(parser))


def mentioned(command: str) -> bool:
    """The README names ``command`` ("query matrix"), alone or among alternatives
    ("autocode pattern add|list|remove", "export csv|xlsx")."""
    alternative = r"(?:[\w-]+\|)*{}(?:\|[\w-]+)*"
    words = r"\s+".join(alternative.format(re.escape(w)) for w in command.split())
    return re.search(rf"(?<![\w-]){words}(?![\w-])", README) is not None


@pytest.mark.parametrize("command", leaves())
def test_every_command_is_in_the_readme(command):
    assert mentioned(command), f"`toc-studio {command}` is not described in README.md"


@pytest.mark.parametrize("command", leaves())
def test_every_option_is_in_the_readme(command):
    options = {
        option
        for action in commands()[command]._actions
        for option in action.option_strings
        if option.startswith("--")
    }
    missing = sorted(o for o in options - COMMON_OPTIONS if not re.search(
        rf"(?<![\w-]){re.escape(o)}(?![\w-])", README
    ))
    assert missing == [], f"`toc-studio {command}`: options not in README.md: {missing}"


def readme_invocations() -> list[list[str]]:
    """The words after each ``toc-studio`` in the README, up to the first option or value."""
    calls = []
    for match in re.finditer(r"toc-studio((?:\s+(?:--db\s+\S+|[a-z][a-z0-9-]*))+)", README):
        words = [w for w in match.group(1).split() if not w.startswith("--db")]
        words = [w for w in words if not w.startswith(("sqlite:", "'", '"'))]
        calls.append(words)
    return calls


def test_every_command_the_readme_shows_exists():
    known = commands()
    wrong = []
    for words in readme_invocations():
        if not words:
            continue
        if words[0] not in known:
            wrong.append(" ".join(words))
            continue
        path = words[0]
        for word in words[1:]:
            if not sub_parsers(known[path]):
                break
            if f"{path} {word}" not in known:
                wrong.append(" ".join(words))
                break
            path = f"{path} {word}"
    assert wrong == []


def test_the_checks_read_a_real_command_tree():
    assert {"init", "project list", "query matrix", "toc build"} <= set(commands())
    assert len(leaves()) > 30


def migration_revisions() -> set[str]:
    return {p.stem for p in (ROOT / "toc_studio" / "migrations" / "versions").glob("0*.py")}


def test_every_migration_is_listed_in_the_readme_and_no_other():
    listed = set(re.findall(r"\b(\d{4}_[a-z0-9_]+)\b", README))
    assert listed == migration_revisions()


def test_every_top_level_package_is_described():
    packages = sorted(
        p.name for p in (ROOT / "toc_studio").iterdir()
        if (p / "__init__.py").exists() and p.name != "migrations"
    )
    missing = [name for name in packages if f"toc_studio/{name}" not in README]
    assert missing == []


def test_every_path_the_readme_names_exists():
    paths = set(re.findall(r"\b((?:toc_studio|screens|tests|benchmarks|docs)/[\w./-]*\w)", README))
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert missing == []


def test_the_licence_file_matches_the_project_metadata():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = { text = "MIT" }' in pyproject
    assert licence.startswith("MIT License")

"""The structure of the package, checked from its own code and by running it.

- No private name (``_x``) is imported from another module of ``toc_studio``, nor read as
  an attribute of one: what two modules share is public.
- ``toc-studio --help`` and ``toc-studio project list`` start without the heavy libraries
  (SQLAlchemy, SQLModel, spaCy, Streamlit): the command line stays fast to start.
- Each work command (query, export, toc, ingest, code, codebook, findings, outcomes) loads
  none of the heavy libraries its work does not use (spaCy, python-docx, openpyxl, lxml,
  PIL, SciPy, NumPy, networkx, pandas, altair, Alembic, Streamlit).
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "toc_studio"
HEAVY = ("sqlalchemy", "sqlmodel", "spacy", "streamlit")


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_borrowings(path: Path) -> list[str]:
    """``from toc_studio.x import _y`` and ``x._y`` on a module imported from toc_studio."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {
                a.asname or a.name.split(".")[0] for a in node.names if "toc_studio" in a.name
            }
        elif isinstance(node, ast.ImportFrom) and (
            node.level or (node.module or "").startswith("toc_studio")
        ):
            modules |= {a.asname or a.name for a in node.names}
            found += [
                f"{path.name}:{node.lineno} imports {a.name}"
                for a in node.names
                if is_private(a.name)
            ]
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and is_private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            found.append(f"{path.name}:{node.lineno} reads {node.value.id}.{node.attr}")
    return found


def test_no_private_name_is_imported_across_modules():
    found = [
        f"{path.parent.relative_to(PACKAGE.parent)}/{borrowing}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for borrowing in private_borrowings(path)
    ]
    assert found == [], "make these names public (and rename their call sites):\n" + "\n".join(
        found
    )


def test_the_private_name_check_catches_both_forms(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from toc_studio.coding.codebook import _sibling_clash, list_codes\n"
        "from toc_studio.coding import undo\n"
        "from . import helpers\n"
        "undo._table('code')\n"
        "helpers._tidy()\n"
        "self._state = undo.__name__\n",
        encoding="utf-8",
    )
    assert private_borrowings(sample) == [
        "sample.py:1 imports _sibling_clash",
        "sample.py:4 reads undo._table",
        "sample.py:5 reads helpers._tidy",
    ]


def modules_loaded_by(argv: list[str]) -> tuple[int, list[str]]:
    """Run ``toc-studio argv`` in a fresh interpreter: its exit code and the modules it loaded."""
    script = (
        "import contextlib, io, json, sys\n"
        "from toc_studio.cli import main\n"
        "out, err = io.StringIO(), io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):\n"
        f"    code = main({argv!r})\n"
        "print(json.dumps([code, sorted(sys.modules)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    code, modules = json.loads(done.stdout)
    return code, modules


def heavy(modules: list[str]) -> list[str]:
    return sorted({m.split(".")[0] for m in modules} & set(HEAVY))


def test_help_starts_without_the_heavy_libraries():
    code, modules = modules_loaded_by(["--help"])
    assert code == 0
    assert heavy(modules) == []
    # the help lines come from the registry: no command module is read
    assert [m for m in modules if m.endswith("commands")] == []


def test_project_list_starts_without_the_heavy_libraries(tmp_path):
    from toc_studio.cli import main

    url = f"sqlite:///{tmp_path / 'quick.db'}"
    assert main(["--db", url, "init"]) == 0
    code, modules = modules_loaded_by(["--db", url, "project", "list"])
    assert code == 0
    assert heavy(modules) == []
    # only the module adding ``project`` is imported
    assert "toc_studio.project.commands" in modules
    assert "toc_studio.coding.commands" not in modules


# --- work commands load only the heavy libraries their work needs ------------------------------

DEMO = "Peer Mentoring Evaluation (demo)"
NEVER = {"streamlit", "alembic", "altair", "pandas"}  # the app's and migrations' libraries
DOCUMENTS = {"docx", "openpyxl", "lxml", "PIL"}  # Word, Excel, XML, images
GRAPHS_AND_STATS = {"networkx", "scipy", "numpy"}
NLP = {"spacy"}
# Each work command family, an example of it, and what it must not import.
WORK_COMMANDS = {
    "query excerpts": (
        ["query", "excerpts", "--project", DEMO, "--code", "Resources/Funding"],
        NEVER | DOCUMENTS | GRAPHS_AND_STATS | NLP,
    ),
    "query matrix": (["query", "matrix", "--project", DEMO],
                     NEVER | DOCUMENTS | GRAPHS_AND_STATS | NLP),
    "export csv": (["export", "csv", "{tmp}/quotes.csv", "--project", DEMO],
                   NEVER | DOCUMENTS | GRAPHS_AND_STATS | NLP),
    "toc versions": (["toc", "versions", "--project", DEMO],
                     NEVER | DOCUMENTS | GRAPHS_AND_STATS | NLP),
    "toc table": (["toc", "table", "--project", DEMO], NEVER | DOCUMENTS | {"scipy"} | NLP),
    "ingest": (["ingest", "{tmp}/other.txt", "--project", DEMO, "--no-pseudonymise"],
               NEVER | DOCUMENTS | GRAPHS_AND_STATS | NLP),
    "code": (["code", "{tmp}/codings.csv", "--project", DEMO],
             NEVER | DOCUMENTS | GRAPHS_AND_STATS | NLP),
    "codebook export": (["codebook", "export", "{tmp}/codebook.csv", "--project", DEMO],
                        NEVER | DOCUMENTS | GRAPHS_AND_STATS | NLP),
    "findings list": (["findings", "list", "--project", DEMO],
                      NEVER | DOCUMENTS | {"scipy", "numpy"} | NLP),
    "outcomes change": (["outcomes", "change", "--project", DEMO, "--instrument", "WEMWBS"],
                        NEVER | DOCUMENTS | {"networkx"} | NLP),
}  # fmt: skip


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> tuple[str, Path]:
    """A SQLite store with the demo project, and a folder with a transcript and a CSV."""
    from toc_studio.cli import main

    folder = tmp_path_factory.mktemp("work")
    url = f"sqlite:///{folder / 'demo.db'}"
    for name, who in (("talk.txt", "Mentee C9"), ("other.txt", "Mentor B9")):
        (folder / name).write_text(
            f"Interviewer: How did the sessions go?\n{who}: My mentor helped me find work.\n",
            encoding="utf-8",
        )
    (folder / "codings.csv").write_text(
        "document,start,end,code,coder\ntalk.txt,0,20,Start-up check,Tester\n", encoding="utf-8"
    )
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--db", url, "demo", "--init"]) == 0
        talk = ["ingest", str(folder / "talk.txt"), "--project", DEMO, "--no-pseudonymise"]
        assert main(["--db", url, *talk]) == 0  # the document the codings CSV names
    return url, folder


@pytest.mark.parametrize("name", list(WORK_COMMANDS))
def test_a_work_command_loads_only_the_heavy_libraries_it_uses(name, demo_store):
    """Run in a fresh interpreter: an eager import of spaCy, python-docx, openpyxl, SciPy,
    networkx... at the top of a module on the command's path makes this fail."""
    url, folder = demo_store
    argv, forbidden = WORK_COMMANDS[name]
    argv = [a.replace("{tmp}", str(folder)) for a in argv]
    code, modules = modules_loaded_by(["--db", url, *argv])
    assert code == 0, f"toc-studio {' '.join(argv)} failed"
    loaded = sorted({m.split(".")[0] for m in modules} & forbidden)
    assert loaded == [], f"toc-studio {name} imports {loaded}: import them where they are used"

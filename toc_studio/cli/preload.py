"""What the warm command server imports before it forks: the store's libraries, every
package's tables, the command modules and the services their commands call, but none of
the heavy libraries that only some commands use (:data:`LAZY`).

Which of our modules to load is read from the code, not listed by hand: starting from the
command modules (``toc_studio.cli.COMMANDS``), every ``toc_studio`` module they import,
at the top or inside a function, and so on; a module is loaded only if what it imports
when it is itself imported (its top level, not its functions, nor ``TYPE_CHECKING``
blocks) names no :data:`LAZY` library, directly or through another of our modules. So a
new command and its services are loaded without a list to keep, and a module that
imports spaCy at its top stays out. ``tests/cli/test_cli_server.py`` checks that the
server's process holds none of :data:`LAZY` and no thread.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
#: Loaded only by the commands that use them: large, slow to import, or starting threads
#: (NumPy's BLAS): spaCy, python-docx, openpyxl, Streamlit, the statistics and data
#: frames, charts, images, migrations.
LAZY = frozenset(
    "spacy thinc torch docx openpyxl streamlit numpy scipy statsmodels pandas altair "
    "matplotlib PIL alembic pyarrow".split()
)
#: Cheap libraries most store-opening commands use, loaded ahead (measured: see the
#: benchmarks README, "Work commands start fast").
EXTRA = (
    "sqlalchemy.orm",
    "sqlmodel",
    "sqlite3",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "psycopg",
    "sqlalchemy.dialects.postgresql.psycopg",
)


def module_path(name: str) -> Path | None:
    """The source file of our module ``name`` (a package's ``__init__.py``), or None."""
    parts = name.split(".")[1:]
    if not parts:
        return PACKAGE / "__init__.py"
    relative = Path(*parts)
    for candidate in (PACKAGE / relative.with_suffix(".py"), PACKAGE / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def resolve(module: str, node: ast.ImportFrom) -> list[str]:
    """The absolute names an ``import from`` in ``module`` can mean."""
    base = node.module or ""
    if node.level:
        is_package = (module_path(module) or Path()).name == "__init__.py"
        parts = module.split(".")
        anchor = parts if is_package else parts[:-1]
        anchor = anchor[: len(anchor) - node.level + 1]
        base = ".".join(anchor + ([base] if base else []))
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


@cache
def parsed(module: str) -> ast.Module | None:
    path = module_path(module)
    return None if path is None else ast.parse(path.read_text(encoding="utf-8"))


def imports(module: str, *, top_only: bool) -> set[str]:
    """What ``module`` imports (absolute names, every candidate): at its top level only
    (what importing it runs), or anywhere in the file."""
    tree = parsed(module)
    if tree is None:
        return set()
    found: set[str] = set()
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if top_only and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if top_only and isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.update(resolve(module, node))
        pending.extend(ast.iter_child_nodes(node))
    return found


def ours(names: set[str]) -> set[str]:
    return {n for n in names if n.split(".")[0] == "toc_studio" and module_path(n) is not None}


def loading_lazy(modules: list[str]) -> set[str]:
    """Those of ``modules`` whose import imports a :data:`LAZY` library, directly or
    through our modules' top-level imports (cycles allowed)."""
    edges: dict[str, set[str]] = {}
    lazy: set[str] = set()
    pending = list(modules)
    while pending:
        module = pending.pop()
        if module in edges:
            continue
        top = imports(module, top_only=True)
        edges[module] = ours(top) - {module}
        if any(name.split(".")[0] in LAZY for name in top):
            lazy.add(module)
        pending.extend(edges[module] - edges.keys())
    changed = True
    while changed:  # a module importing a lazy-loading one is lazy-loading too
        grown = {m for m, targets in edges.items() if m not in lazy and targets & lazy}
        lazy |= grown
        changed = bool(grown)
    return lazy & set(modules)


def reachable() -> list[str]:
    """Our modules the command modules reach by imports anywhere in their files."""
    from toc_studio.cli import COMMANDS

    found: set[str] = set()
    pending = {m for command in COMMANDS.values() for m in command.modules}
    pending |= {"toc_studio.cli.child", "toc_studio.cli.server_commands"}
    while pending:
        module = pending.pop()
        if module in found:
            continue
        found.add(module)
        pending |= ours(imports(module, top_only=False)) - found
    return sorted(found)


def wanted() -> list[str]:
    """Our modules to load: reachable from the commands, and loading nothing lazy."""
    modules = reachable()
    lazy = loading_lazy(modules)
    parsed.cache_clear()  # the syntax trees: 50 MB a server would otherwise keep
    return [m for m in modules if m not in lazy and "migrations" not in m]


def preload(modules: list[str] | None = None) -> int:
    """Import what the commands need that is cheap to hold: the store's libraries, the
    tables, and ``modules`` (default :func:`wanted`); returns how many modules are loaded.
    A module that fails to import is left for the command to report."""
    from toc_studio import db

    db.import_models()
    for name in [*EXTRA, *(wanted() if modules is None else modules)]:
        if name in EXTRA and importlib.util.find_spec(name.split(".")[0]) is None:
            continue
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - the command will meet it and say so
            print(f"preload: {name}: {type(exc).__name__}", file=sys.stderr)
    from sqlalchemy.orm import configure_mappers

    try:
        configure_mappers()  # else each command's first query would do it
    except Exception as exc:  # noqa: BLE001 - a broken table: the commands will say so
        print(f"preload: the tables' mappers: {type(exc).__name__}", file=sys.stderr)
    return len(sys.modules)

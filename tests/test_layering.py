"""The shape of the house, checked from the code's own imports and sizes.

- No import cycle between modules of ``toc_studio`` (function-local imports included).
- One way down: a package imports only packages below it (the order is ``LAYERS``); the
  store (``db``) may load every package's tables and event handlers, nothing else
  upward. A package's ``commands`` modules belong to the command line, the top layer.
- No module over 450 lines, no function over 80 (Alembic migrations excepted).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "toc_studio"

# Lowest first. Modules at the top of toc_studio/ are named by their file.
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(names.split())
    for names in (
        "config errors timeutil schema_version events access history cells",
        "db quickdb backup",
        "project",
        "accounts",
        "ingest",
        "coding",
        "outcomes",
        "theory",
        "findings",
        "report",
        "workspace",
        "demo",
        "ui cli __main__",
    )
)
MIGRATIONS = PACKAGE / "migrations"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in PACKAGE.rglob("*.py")
        if MIGRATIONS not in path.parents
    }


def imported_modules(name: str, path: Path) -> set[str]:
    """Every toc_studio module ``name`` imports, anywhere in the file."""
    known = modules()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known else base)
    return {m for m in found if m in known and m != name}


def layer_of(module: str) -> int:
    """A package's rank; its ``commands`` modules are the CLI's, whatever package holds them."""
    if module.rsplit(".", 1)[-1].endswith("commands"):
        return len(LAYERS) - 1
    top = module.split(".")[1] if "." in module else module
    for rank, names in enumerate(LAYERS):
        if top in names:
            return rank
    raise AssertionError(f"{module}: its package is in no layer of tests/test_layering.py")


def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for name, path in modules().items():
        graph.add_node(name)
        graph.add_edges_from((name, target) for target in imported_modules(name, path))
    return graph


def test_no_module_imports_itself_back_through_others():
    graph = import_graph()
    # A package's __init__ importing its own modules is not a cycle of meaning.
    cycles = [
        sorted(group)
        for group in nx.strongly_connected_components(graph)
        if len(group) > 1
    ]
    assert cycles == []


def test_every_package_imports_only_packages_below_it():
    upward = []
    for name, target in import_graph().edges:
        if name == "toc_studio.db" and target.rsplit(".", 1)[-1] in {
            "models", "tables", "subscribers"
        }:
            continue  # the store loads every package's tables (and event handlers)
        if layer_of(target) > layer_of(name):
            upward.append(f"{name} -> {target}")
    assert upward == []


def test_project_and_ingest_import_nothing_from_coding():
    offenders = [
        f"{name} -> {target}"
        for name, target in import_graph().edges
        if name.split(".")[1] in {"project", "ingest"} and target.startswith("toc_studio.coding")
    ]
    assert offenders == []


def test_modules_and_functions_stay_small():
    too_long = []
    for name, path in modules().items():
        source = path.read_text(encoding="utf-8")
        if len(source.splitlines()) > 450:
            too_long.append(f"{name}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 80:
                    too_long.append(f"{name}.{node.name}: {length} lines")
    assert too_long == []


def test_the_checks_see_the_whole_package():
    # A walk that found nothing would pass every check above: make sure it did not.
    graph = import_graph()
    assert graph.number_of_nodes() > 100
    assert ("toc_studio.theory.versions", "toc_studio.theory.models") in graph.edges

"""Which public service functions write to the store, found by reading the source (AST),
so that the role table of ``test_refusals.py`` cannot silently fall behind the services.

A function writes when its body calls ``session.add/add_all/delete/merge``, builds an SQL
``insert``/``update``/``delete`` (SQLAlchemy's), runs raw ``INSERT INTO``/``UPDATE ... SET``/
``DELETE FROM`` text, or calls another function that writes (followed through module-level
imports, function-local ones included). Functions that only *materialise derived rows on
first read* are named in :data:`DERIVED` and not followed, so the reads built on them (a
diagram, a chart) are not counted as writes; each is justified there.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "toc_studio"
PACKAGES = ("project", "ingest", "coding", "outcomes", "theory", "findings", "report", "workspace")
SESSION_WRITES = {"add", "add_all", "delete", "merge", "bulk_save_objects", "bulk_insert_mappings"}
SQL_WRITES = {"insert", "update", "delete"}
RAW_SQL = re.compile(r"^\s*(INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.I)

# Reads that create a row the first time they are asked for it: whoever may read may cause
# it, and what they create is derived, not anyone's work.
DERIVED = {
    # The project's editable working version of the Theory of Change, made empty on first
    # view of the diagram (reading the diagram, exporting the report, comparing versions).
    "toc_studio.theory.versions.working_version",
    # A built-in instrument (Outcomes Star, WEMWBS...) stored in the project on first use,
    # also by a chart or a change table a viewer reads.
    "toc_studio.outcomes.instruments.get_instrument",
    # The evidence tally (passages per code, document and speaker): recounted from the
    # codings where they changed, when the evidence is read or a bulk insert ends. Derived
    # data, never anyone's work; whoever may read the evidence may cause it.
    "toc_studio.coding.analysis.tally.fresh",
    "toc_studio.coding.analysis.tally.refresh",
    "toc_studio.coding.analysis.tally.refresh_session",
    "toc_studio.coding.analysis.tally.refresh_elsewhere",
    "toc_studio.coding.analysis.tally_batch.refresh_many",
    "toc_studio.coding.analysis.tally_batch.insert_rows",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _service_modules() -> dict[str, ast.Module]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.name.endswith("commands.py") or path.name in ("models.py", "tables.py"):
                continue  # the command line (above the services) and table definitions
            found[_module_name(path)] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _imports(module: str, tree: ast.Module) -> dict[str, str]:
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative: from . import x
                base = ".".join(module.split(".")[: -node.level] + ([base] if base else []))
            for alias in node.names:
                names.setdefault(alias.asname or alias.name, f"{base}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names.setdefault(alias.asname or alias.name, alias.name)
    return names


def _target(module: str, call: ast.Call, local: set[str], names: dict[str, str]) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return f"{module}.{func.id}" if func.id in local else names.get(func.id)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        base = names.get(func.value.id)
        return f"{base}.{func.attr}" if base else None
    return None


def _passes_create_false(call: ast.Call) -> bool:
    return any(
        k.arg == "create" and isinstance(k.value, ast.Constant) and k.value.value is False
        for k in call.keywords
    )


def writers() -> set[str]:
    """Qualified names of every public service function that writes to the store."""
    direct: dict[str, bool] = {}
    calls: dict[str, set[str]] = {}
    classes: set[str] = set()  # a class counts as one unit: constructing it runs its methods
    for module, tree in _service_modules().items():
        names = _imports(module, tree)
        functions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        local = {f.name for f in functions}
        classes.update(f"{module}.{f.name}" for f in functions if isinstance(f, ast.ClassDef))
        for function in functions:
            name = f"{module}.{function.name}"
            writes, called = False, set()
            for node in ast.walk(function):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    writes |= bool(RAW_SQL.match(node.value))
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                if isinstance(func, ast.Attribute) and func.attr in SESSION_WRITES:
                    receiver = func.value
                    held = getattr(receiver, "id", None) or getattr(receiver, "attr", "")
                    writes |= "session" in held
                target = _target(module, node, local, names)
                if target is None or _passes_create_false(node):
                    continue
                if target.startswith(("sqlalchemy", "sqlmodel")):
                    writes |= target.rsplit(".", 1)[1] in SQL_WRITES
                elif target not in DERIVED:
                    called.add(target)
            direct[name], calls[name] = writes, called
    found = {name for name, writes in direct.items() if writes}
    grown = True
    while grown:
        grown = False
        for name, called in calls.items():
            if name not in found and called & found:
                found.add(name)
                grown = True
    return {n for n in found - classes if not n.rsplit(".", 1)[1].startswith("_")}

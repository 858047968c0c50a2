"""The shared layer of the ``toc-studio`` command: what every package's commands use.

A command module imports from here only: the store (a session on ``--db``), project
lookup by name, the ``--json``/``--csv`` output helpers, :class:`CommandError` and the exit
codes, comma-list splitting, and :class:`Commands`, through which it adds its commands.
This module imports no package's commands and nothing heavy at import time (SQLAlchemy
is imported inside :func:`store`), so that ``toc-studio --help`` starts fast.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # names for the hints only: importing them at start-up is what we avoid
    from sqlmodel import Session

    from toc_studio.project.models import Project

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports a command ended by SIGINT

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """An error to print (without a traceback) and exit 1 on."""


class Commands:
    """Where a command module adds its commands: the top level of ``toc-studio`` or a group.

    ``command`` adds a command that runs ``handler`` (it takes the parsed arguments and
    returns an exit code); every command accepts ``--db``. ``group`` adds a command with
    actions (``toc-studio query matrix``); asking twice for the same group, from the same
    module or another one, returns the same group, so two packages may add actions to it.
    ``helps`` holds the help lines of the top-level commands (``toc_studio.cli.COMMANDS``),
    used when a command is added without one.
    """

    def __init__(
        self,
        subparsers: Any,
        common: argparse.ArgumentParser,
        helps: dict[str, str] | None = None,
    ) -> None:
        self._subparsers = subparsers
        self._common = common
        self._helps = helps or {}
        self._groups: dict[str, Commands] = {}

    def command(
        self, name: str, handler: Handler, help: str | None = None, **kwargs: Any
    ) -> argparse.ArgumentParser:
        """Add the command ``name``; returns its parser, to add arguments to."""
        parser = self._subparsers.add_parser(
            name, parents=[self._common], **self._help(name, help), **kwargs
        )
        parser.set_defaults(handler=handler)
        return parser

    def group(self, name: str, help: str | None = None, *, metavar: str = "ACTION") -> Commands:
        """The group of actions ``name`` (created on first use), to add commands to."""
        if name not in self._groups:
            parser = self._subparsers.add_parser(name, **self._help(name, help))
            subparsers = parser.add_subparsers(dest=f"{name}_command", metavar=metavar)
            self._groups[name] = Commands(subparsers, self._common)
        return self._groups[name]

    def _help(self, name: str, given: str | None) -> dict[str, str]:
        line = given if given is not None else self._helps.get(name)
        return {} if line is None else {"help": line}


# --- the store --------------------------------------------------------------------------------


@contextmanager
def store(args: argparse.Namespace, *, initialise: bool = False) -> Iterator[Session]:
    """A session on the store named by ``--db``; commits at the end, rolls back on error.

    Refuses to work on a store whose schema is out of date unless ``initialise``.
    """
    from toc_studio import db

    engine = db.make_engine(args.db)
    try:
        if initialise:
            db.init_db(engine)
        elif not db.schema_is_current(engine):
            raise CommandError(
                f"The store at {engine.url.render_as_string()} is not set up or is out of date. "
                f"Run: toc-studio --db '{engine.url.render_as_string()}' init"
            )
        with db.session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


def get_project(session: Session, name: str) -> Project:
    """The project named ``name``; a clear error naming the projects there are if none."""
    from toc_studio.project import projects

    return projects.get_project(session, name)


# --- arguments --------------------------------------------------------------------------------


def split_list(value: str | None) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``: the items of a comma-separated option."""
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def output_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--json`` and ``--csv`` (one or the other) for a command printing rows."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print JSON")
    group.add_argument("--csv", action="store_true", help="print CSV")


PASSPHRASE_ENV = "TOC_STUDIO_PASSPHRASE"
NEW_PASSPHRASE_ENV = "TOC_STUDIO_NEW_PASSPHRASE"


def passphrase_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--passphrase-stdin`` (else ``$TOC_STUDIO_PASSPHRASE``, else a prompt)."""
    parser.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help=f"read the owner's passphrase from standard input (else ${PASSPHRASE_ENV}, "
        "else a prompt); a lost passphrase loses the key: nobody can open it again",
    )


def read_passphrases(args: argparse.Namespace, wanted: tuple[str, ...]) -> list[str]:
    """The passphrases ``wanted`` names ("current", "new"), in order: one line each from
    standard input with ``--passphrase-stdin``; else ``$TOC_STUDIO_PASSPHRASE`` (current)
    and ``$TOC_STUDIO_NEW_PASSPHRASE`` (new); else asked for on the terminal."""
    import getpass
    import os

    if getattr(args, "passphrase_stdin", False):
        lines = [sys.stdin.readline().rstrip("\r\n") for _ in wanted]
        if not all(lines):
            raise CommandError(f"Expected {len(wanted)} passphrase line(s) on standard input.")
        return lines
    found = []
    for what in wanted:
        variable = PASSPHRASE_ENV if what == "current" else NEW_PASSPHRASE_ENV
        value = os.environ.get(variable, "")
        if not value and sys.stdin.isatty():
            value = getpass.getpass(f"{what.capitalize()} passphrase: ")
            if what == "new" and value and getpass.getpass("The same again: ") != value:
                raise CommandError("The two passphrases differ; nothing was changed.")
        if not value:
            raise CommandError(
                f"This needs the {what} passphrase: pass it on standard input with "
                f"--passphrase-stdin, or set ${variable}."
            )
        found.append(value)
    return found


# --- output -----------------------------------------------------------------------------------


def emit_json(payload: Any) -> None:
    """Print ``payload`` as indented JSON (non-ASCII kept, dates as strings)."""
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def emit_rows(args: argparse.Namespace, rows: list[dict], columns: list[str], payload: Any) -> None:
    """Print ``payload`` as JSON with ``--json``, ``rows`` as CSV with ``--csv``, else a table.

    The table shows ``columns`` only, each cell on one line and at most 60 characters wide.
    """
    if getattr(args, "json", False):
        emit_json(payload)
    elif getattr(args, "csv", False):
        writer = csv.DictWriter(sys.stdout, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        from toc_studio.cells import neutralise  # no cell a spreadsheet would run

        writer.writerows({k: neutralise(v) for k, v in row.items()} for row in rows)
    else:
        widths = {c: max([len(c)] + [len(cell_text(r.get(c))) for r in rows]) for c in columns}
        widths = {c: min(w, 60) for c, w in widths.items()}
        print("  ".join(c.ljust(widths[c]) for c in columns).rstrip())
        for row in rows:
            print("  ".join(cell_text(row.get(c))[: widths[c]].ljust(widths[c]) for c in columns))


def cell_text(value: Any) -> str:
    """A table cell: floats to three places, whitespace folded, nothing for None."""
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else " ".join(str(value).split())

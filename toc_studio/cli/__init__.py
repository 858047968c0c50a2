"""The ``toc-studio`` command: the same operations as the app, for scripts and batches.

Exit codes: 0 ok, 1 error (the message says what to do), 2 usage.

How a package adds commands
---------------------------
1. Write ``toc_studio/<package>/commands.py`` with a function ``register(cli)``. ``cli`` is a
   :class:`toc_studio.cli.common.Commands`: ``cli.command(name, handler, help, ...)`` adds a
   command and returns its ``argparse`` parser (``--db`` is already there);
   ``cli.group(name, help)`` returns a group of actions (``toc-studio outcomes list``) with
   the same two methods. A group may be shared: another module asking for
   ``cli.group("query")`` adds its actions to the same ``query``.
2. A handler takes the parsed arguments and returns an exit code. It imports the services
   (and anything heavy: SQLAlchemy, spaCy, python-docx) inside its body, and from the
   shared layer :mod:`toc_studio.cli.common` only: ``store(args)`` for a session,
   ``get_project``, ``split_list``, ``output_options``/``emit_rows``/``emit_json``,
   ``CommandError`` and the ``EXIT_*`` codes. A command module never imports another
   command module.
3. List the module in :data:`COMMAND_MODULES` below with the top-level command names it
   adds. Modules are imported by name, lazily: ``toc-studio NAME ...`` imports only the
   modules listing ``NAME``; ``toc-studio --help`` (or an unknown name) imports them all.
   This keeps start-up under 0.1 s (``tests/test_structure.py`` checks that ``--help``
   imports neither SQLAlchemy nor spaCy nor Streamlit).

Example::

    def register(cli: Commands) -> None:
        group = cli.group("outcomes", "readings and change per participant")
        p = group.command("list", cmd_list, "list the readings of a project")
        p.add_argument("--project", required=True)
        output_options(p)
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from toc_studio.cli.common import EXIT_ERROR, EXIT_USAGE, CommandError, Commands, Handler

#: Each command module, with the top-level commands it adds (in the order ``--help`` shows).
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "toc_studio.cli.foundation": ("init", "demo"),
    "toc_studio.project.commands": ("project",),
    "toc_studio.ingest.commands": ("ingest", "names"),
    "toc_studio.theory.commands": ("toc",),
    "toc_studio.report.commands": ("report", "export", "import"),
    "toc_studio.coding.commands": ("codebook", "code", "undo", "query"),
    "toc_studio.coding.analysis.disagreement_commands": ("query", "resolve"),
    "toc_studio.coding.autocode.commands": ("autocode",),
}

DB_HELP = "database URL (default: $TOC_STUDIO_DATABASE_URL, then ./data/toc_studio.db)"


def named_command(argv: Sequence[str]) -> str | None:
    """The top-level command named in ``argv`` (the first word that is not an option)."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def modules_for(argv: Sequence[str]) -> list[str]:
    """The command modules to import for ``argv``: those adding its command, else all."""
    name = named_command(argv)
    chosen = [module for module, names in COMMAND_MODULES.items() if name in names]
    return chosen or list(COMMAND_MODULES)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv``, with the commands of every module it may need."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=DB_HELP)
    parser = argparse.ArgumentParser(
        prog="toc-studio",
        description="TOC Studio: code transcripts, build a Theory of Change, report.",
    )
    # The global --db is stored apart from a sub-command's own --db (same meaning), so
    # that one given before the sub-command is not lost when the sub-parser runs.
    parser.add_argument("--db", metavar="URL", dest="global_db", help=DB_HELP)
    cli = Commands(parser.add_subparsers(dest="command", metavar="COMMAND"), common)
    names = sys.argv[1:] if argv is None else argv
    for module_name in modules_for(names):
        importlib.import_module(module_name).register(cli)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``toc-studio`` with ``argv`` (default: the process's); returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    args.db = getattr(args, "db", None) or getattr(args, "global_db", None)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return run(handler, args)


def run(handler: Handler, args: argparse.Namespace) -> int:
    """Run ``handler``; a refusal is printed as one sentence and exits 1."""
    from toc_studio.errors import TocStudioError

    try:
        return handler(args)
    except (CommandError, TocStudioError) as exc:
        print(f"toc-studio: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(
            f"toc-studio: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr
        )
        return EXIT_ERROR
    except database_errors() as exc:
        print(f"toc-studio: the database refused: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


def database_errors() -> tuple[type[BaseException], ...]:
    """SQLAlchemy's errors, imported only once one was raised."""
    from sqlalchemy.exc import SQLAlchemyError

    return (SQLAlchemyError,)


if __name__ == "__main__":
    raise SystemExit(main())

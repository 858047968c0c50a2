"""The ``toc-studio`` command: the same operations as the app, for scripts and batches.

Exit codes: 0 ok, 1 error (the message says what to do), 2 usage, 130 interrupted (Ctrl-C).

How a package adds commands
---------------------------
1. Write ``toc_studio/<package>/commands.py`` with a function ``register(cli)``. ``cli`` is a
   :class:`toc_studio.cli.common.Commands`: ``cli.command(name, handler, ...)`` adds a
   command and returns its ``argparse`` parser (``--db`` is already there);
   ``cli.group(name)`` returns a group of actions (``toc-studio outcomes list``) with the
   same two methods. A group may be shared: another module asking for
   ``cli.group("query")`` adds its actions to the same ``query``. Below the top level,
   pass each command's one-line ``help``; a top-level command's comes from :data:`COMMANDS`.
2. A handler takes the parsed arguments and returns an exit code. It imports the services
   (and anything heavy: SQLAlchemy, spaCy, python-docx) inside its body, and from the
   shared layer :mod:`toc_studio.cli.common` only: ``store(args)`` for a session,
   ``get_project``, ``split_list``, ``output_options``/``emit_rows``/``emit_json``,
   ``CommandError`` and the ``EXIT_*`` codes. A command module never imports another
   command module.
3. List each top-level command it adds in :data:`COMMANDS` below: its one-line help and
   the module(s) adding it. Modules are imported by name, lazily: ``toc-studio NAME ...``
   imports only the modules of ``NAME``, and ``toc-studio --help`` imports none (it shows
   the help lines of :data:`COMMANDS`). This keeps start-up under 0.1 s;
   ``tests/test_structure.py`` checks that ``--help`` and ``project list`` import neither
   SQLAlchemy nor spaCy nor Streamlit, and ``tests/test_cli.py`` that :data:`COMMANDS`
   and the modules agree. A work command opens the store (SQLAlchemy and SQLModel, about
   0.4 s of CPU to import) but nothing its work does not use: the services import spaCy,
   python-docx, openpyxl, SciPy, networkx... in the functions that use them, and
   ``tests/test_structure.py`` runs each command family in a fresh interpreter to keep it
   so (``benchmarks/cli_startup.py`` measures the overhead). Run as ``toc-studio``, a work
   command is handed to the warm command server (:mod:`toc_studio.cli.client`,
   :mod:`toc_studio.cli.server`), which has all that imported already.

Example (``toc_studio/outcomes/commands.py``, listed as
``"outcomes": Command("readings and change per participant", OUTCOMES)``)::

    def register(cli: Commands) -> None:
        outcomes = cli.group("outcomes")
        p = outcomes.command("list", cmd_list, "list the readings of a project")
        p.add_argument("--project", required=True)
        output_options(p)
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NamedTuple

from toc_studio.cli.common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    CommandError,
    Commands,
    Handler,
)


class Command(NamedTuple):
    """A top-level command: its line in ``--help`` and the modules that add it."""

    help: str
    modules: tuple[str, ...]


CODING = ("toc_studio.coding.commands",)
DISAGREEMENTS = ("toc_studio.coding.analysis.disagreement_commands",)
REPORT = ("toc_studio.report.commands",)
OUTCOMES = ("toc_studio.outcomes.commands", "toc_studio.outcomes.survey_commands")
ACCOUNTS = ("toc_studio.accounts.commands",)

#: Every top-level command, in the order ``--help`` lists them.
COMMANDS: dict[str, Command] = {
    "init": Command("create the store or upgrade it in place", ("toc_studio.cli.foundation",)),
    "project": Command("create, list and delete projects", ("toc_studio.project.commands",)),
    "demo": Command("load the demo project", ("toc_studio.cli.foundation",)),
    "backup": Command(
        "copy the whole store to one file, with a checksum", ("toc_studio.cli.backup_commands",)
    ),
    "restore": Command(
        "restore a backup into an empty store (--force: replace)",
        ("toc_studio.cli.backup_commands",),
    ),
    "ingest": Command(
        "import transcripts (txt, md, html, docx, vtt, srt, csv, xlsx, pdf) into a project",
        ("toc_studio.ingest.commands",),
    ),
    "names": Command(
        "the project's lists of names to pseudonymise, and the key (owners only)",
        ("toc_studio.ingest.commands",),
    ),
    "toc": Command(
        "build, freeze, compare and draw the Theory of Change; its indicators, questions, "
        "assumptions and phases; in words",
        (
            "toc_studio.theory.commands",
            "toc_studio.theory.indicator_commands",
            "toc_studio.theory.notes_commands",
        ),
    ),
    "report": Command("write the Word report of a project", REPORT),
    "export": Command("export a project: qdpx, qdc, csv, xlsx", REPORT),
    "import": Command("import a project from another tool", REPORT),
    "codebook": Command("import or export a codebook (csv, qdc)", CODING),
    "code": Command("apply codings from a CSV file", CODING),
    "undo": Command("undo the newest destructive change", CODING),
    "blind": Command(
        "blind coding: coders see only their own codings until a lead reveals",
        ("toc_studio.coding.blind_commands",),
    ),
    "merge": Command(
        "bring another copy's codings, memos and new codes (.qdpx or .db) into a project",
        ("toc_studio.report.merge.commands",),
    ),
    "query": Command(
        "excerpts, matrix, co-occurrence, words, agreement, disagreements, profile, survey",
        CODING + DISAGREEMENTS + OUTCOMES,
    ),
    "resolve": Command("settle one disagreement between coders", DISAGREEMENTS),
    "strength": Command(
        "strength of evidence of a code, and the wording thresholds (all, most, over half)",
        ("toc_studio.coding.analysis.strength_commands",),
    ),
    "participants": Command("import participants' attributes (csv, xlsx), typed", OUTCOMES),
    "attributes": Command("declare an attribute's type (number, date, ordinal...)", OUTCOMES),
    "outcomes": Command("instruments, readings, change, contacts, closed survey answers", OUTCOMES),
    "findings": Command(
        "the findings register: findings, learning points, recommendations",
        ("toc_studio.findings.commands",),
    ),
    "casestudy": Command(
        "case studies: draft from a participant's record, edit, show",
        ("toc_studio.findings.case_commands",),
    ),
    "summary": Command(
        "written summaries per matrix cell and per document per aim",
        ("toc_studio.findings.case_commands",),
    ),
    "autocode": Command(
        "suggest codings by speaker, pattern or structure, then apply them",
        ("toc_studio.coding.autocode.commands",),
    ),
    "user": Command("add, list, disable accounts and set their passwords", ACCOUNTS),
    "member": Command("give accounts a role in a project (viewer, coder, lead, owner)", ACCOUNTS),
    "audit": Command("the audit log: sign-ins, role changes, key reads, deletes", ACCOUNTS),
    "server": Command(
        "the warm command server that starts work commands fast: status, start, stop",
        ("toc_studio.cli.server_commands",),
    ),
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


def modules_for(name: str | None) -> list[str]:
    """The command modules adding the top-level command ``name`` (none for an unknown one)."""
    command = COMMANDS.get(name or "")
    return list(command.modules) if command else []


def build_parser(
    argv: Sequence[str] | None = None, *, every: bool = False
) -> argparse.ArgumentParser:
    """The parser for ``argv``: the commands of the modules of the command it names.

    Naming none (``--help``) or an unknown one, every command gets its help line only;
    with ``every``, all commands with all their options (see :func:`full_parser`).
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=DB_HELP)
    parser = argparse.ArgumentParser(
        prog="toc-studio",
        description="TOC Studio: code transcripts, build a Theory of Change, report.",
    )
    # The global --db is stored apart from a sub-command's own --db (same meaning), so
    # that one given before the sub-command is not lost when the sub-parser runs.
    parser.add_argument("--db", metavar="URL", dest="global_db", help=DB_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    helps = {name: command.help for name, command in COMMANDS.items()}
    if every:
        modules = list(dict.fromkeys(m for command in COMMANDS.values() for m in command.modules))
    else:
        modules = modules_for(named_command(sys.argv[1:] if argv is None else argv))
    if not modules:
        for name, help_line in helps.items():
            subparsers.add_parser(name, help=help_line)
    cli = Commands(subparsers, common, helps)
    for module_name in modules:
        importlib.import_module(module_name).register(cli)
    return parser


def full_parser() -> argparse.ArgumentParser:
    """Every command with every option (imports every command module): for the docs' tests."""
    return build_parser([], every=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``toc-studio`` with ``argv`` (default: the process's); returns the exit code.

    Without ``argv`` (the ``toc-studio`` command itself), a work command is handed to the
    warm command server (:mod:`toc_studio.cli.client`) when one runs; else it runs here.
    A Ctrl-C ends the command with a sentence and exit code 130.
    """
    try:
        if argv is None:
            argv = sys.argv[1:]
            if through_server(argv):
                from toc_studio.cli import client

                code = client.run(argv)
                if code is not None:
                    return code
        return run_here(list(argv))
    except KeyboardInterrupt:
        return interrupted()


def through_server(argv: list[str]) -> bool:
    """Whether ``argv`` is a work command for the server: not help, not a usage error, not
    ``project list`` (fast without it) nor ``server`` itself; and the server not off."""
    import os

    name = named_command(argv)
    if name not in COMMANDS or name == "server" or "-h" in argv or "--help" in argv:
        return False
    if name == "project" and named_command(argv[argv.index("project") + 1 :]) == "list":
        return False
    return os.environ.get("TOC_STUDIO_CLI_SERVER", "").strip().lower() not in {
        "off", "0", "no", "false"
    }  # fmt: skip


def interrupted() -> int:
    """Say that a Ctrl-C ended the command; its exit code (130, as a shell would give)."""
    print(
        "toc-studio: interrupted (Ctrl-C); what the command had not yet saved was not saved.",
        file=sys.stderr,
    )
    return EXIT_INTERRUPTED


def run_here(argv: list[str]) -> int:
    """Parse ``argv`` and run its command in this process."""
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
        from toc_studio.errors import database_error_sentence

        print(f"toc-studio: {database_error_sentence(exc)}", file=sys.stderr)
        return EXIT_ERROR


def database_errors() -> tuple[type[BaseException], ...]:
    """SQLAlchemy's errors, imported only once one was raised."""
    from sqlalchemy.exc import SQLAlchemyError

    return (SQLAlchemyError,)


if __name__ == "__main__":
    raise SystemExit(main())

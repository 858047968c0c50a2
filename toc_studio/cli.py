"""The ``toc-studio`` command: the same operations as the app, for scripts and batches.

Exit codes: 0 ok, 1 error (the message says what to do), 2 usage.
Heavy libraries (SQLAlchemy, spaCy, Streamlit, python-docx) are imported inside the
handlers, so that ``--help`` and simple listings start fast.

Each package may add commands: a module listed in ``COMMAND_MODULES`` has a function
``register(subparsers, common)`` that adds its sub-commands; ``common`` is the parent
parser carrying ``--db``. Handlers take the parsed arguments and return an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

COMMAND_MODULES: tuple[str, ...] = (
    "toc_studio.ingest.commands",
    "toc_studio.theory.commands",
    "toc_studio.report.commands",
    "toc_studio.coding.commands",
)

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """An error to print (without a traceback) and exit 1 on."""


def emit_json(payload: Any) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


@contextmanager
def store(args: argparse.Namespace, *, initialise: bool = False) -> Iterator[Any]:
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


# --- foundation commands ------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from toc_studio import db

    engine = db.make_engine(args.db)
    try:
        revision = db.init_db(engine)
    finally:
        engine.dispose()
    print(f"Store ready at {engine.url.render_as_string()} (schema revision {revision}).")
    return EXIT_OK


def cmd_project_create(args: argparse.Namespace) -> int:
    from toc_studio.project import projects

    groups = [g.strip() for g in (args.groups or "").split(",") if g.strip()]
    with store(args) as session:
        project = projects.create_project(session, args.name, groups, description=args.description)
        name = project.name
    if args.json:
        emit_json({"project": {"name": name, "groups": groups}})
    else:
        print(
            f"Created project {name!r}" + (f" with groups {', '.join(groups)}." if groups else ".")
        )
    return EXIT_OK


def cmd_project_list(args: argparse.Namespace) -> int:
    # Through the plain driver: this command must start fast (see toc_studio.quickdb).
    from toc_studio import quickdb
    from toc_studio.project import summary
    from toc_studio.schema_version import migration_heads

    conn = quickdb.connect(args.db)
    if conn is None or quickdb.current_revisions(conn) != migration_heads():
        raise CommandError(
            "The store is not set up or is out of date. Run: toc-studio "
            + (f"--db '{args.db}' " if args.db else "")
            + "init"
        )
    try:
        summaries = summary.summaries(
            quickdb.fetch_all(conn, summary.PROJECTS_SQL),
            quickdb.fetch_all(conn, summary.GROUPS_SQL),
        )
    finally:
        conn.close()
    if args.json:
        emit_json({"projects": [s.as_dict() for s in summaries]})
        return EXIT_OK
    if not summaries:
        print("No projects yet. Create one with: toc-studio project create NAME")
        return EXIT_OK
    header = ("Project", "Groups", "Documents", "Participants", "Codes", "Codings")
    rows = [
        (s.name, ", ".join(s.groups) or "-", s.documents, s.participants, s.codes, s.codings)
        for s in summaries
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return EXIT_OK


def cmd_project_delete(args: argparse.Namespace) -> int:
    from toc_studio.project import projects

    if not args.yes:
        raise CommandError(
            f"Deleting {args.name!r} removes all its documents, codes and codings. "
            "Repeat with --yes to confirm."
        )
    with store(args) as session:
        projects.delete_project(session, projects.get_project(session, args.name))
    print(f"Deleted project {args.name!r}.")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from toc_studio import demo

    with store(args, initialise=args.init) as session:
        if args.if_missing and demo.demo_exists(session):
            print("The demo project is already loaded.")
            return EXIT_OK
        project = demo.load_demo(session, args.name)
        name = project.name
    print(f"Loaded the demo project {name!r}.")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL (default: $TOC_STUDIO_DATABASE_URL, then ./data/toc_studio.db)",
    )
    parser = argparse.ArgumentParser(
        prog="toc-studio",
        description="TOC Studio: code transcripts, build a Theory of Change, report.",
    )
    # The global --db is stored apart from a sub-command's own --db (same meaning), so
    # that one given before the sub-command is not lost when the sub-parser runs.
    parser.add_argument("--db", metavar="URL", dest="global_db", help=common._actions[0].help)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", parents=[common], help="create the store or upgrade it in place")
    p.set_defaults(handler=cmd_init)

    project = sub.add_parser("project", help="create, list and delete projects")
    psub = project.add_subparsers(dest="project_command", metavar="ACTION")
    p = psub.add_parser("create", parents=[common], help="create a project")
    p.add_argument("name")
    p.add_argument("--groups", help="stakeholder groups in branch order, e.g. Mentor,Mentee")
    p.add_argument("--description", default="")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_project_create)
    p = psub.add_parser("list", parents=[common], help="list projects with their counts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_project_list)
    p = psub.add_parser("delete", parents=[common], help="delete a project and all it owns")
    p.add_argument("name")
    p.add_argument("--yes", action="store_true", help="confirm the deletion")
    p.set_defaults(handler=cmd_project_delete)

    p = sub.add_parser("demo", parents=[common], help="load the demo project")
    p.add_argument("--name", help="load it under another name")
    p.add_argument("--if-missing", action="store_true", help="do nothing if already loaded")
    p.add_argument("--init", action="store_true", help="set up or upgrade the store first")
    p.set_defaults(handler=cmd_demo)

    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    args.db = getattr(args, "db", None) or getattr(args, "global_db", None)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
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
    except _database_errors() as exc:
        print(f"toc-studio: the database refused: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _database_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy.exc import SQLAlchemyError

    return (SQLAlchemyError,)


if __name__ == "__main__":
    raise SystemExit(main())

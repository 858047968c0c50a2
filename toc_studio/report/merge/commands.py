"""``toc-studio merge``: bring another copy's work (a ``.qdpx`` or a TOC Studio ``.db``)
into a project (``toc_studio.report.merge``)."""

from __future__ import annotations

import argparse

from toc_studio.cli.common import EXIT_OK, Commands, emit_json, get_project, store


def register(cli: Commands) -> None:
    p = cli.command("merge", cmd_merge)
    p.add_argument("--project", required=True, help="the project to merge into")
    p.add_argument("file", metavar="FILE", help="FILE.qdpx (or .qde), or another store's FILE.db")
    p.add_argument(
        "--from-project",
        help="in a FILE.db: the project to merge from (default: the same name, or its only one)",
    )
    p.add_argument("--dry-run", action="store_true", help="say what would happen; change nothing")
    p.add_argument("--json", action="store_true")


def cmd_merge(args: argparse.Namespace) -> int:
    from toc_studio.report.merge.apply import merge
    from toc_studio.report.merge.source import open_source

    with store(args) as session:
        project = get_project(session, args.project)
        with open_source(args.file, project.name, args.from_project) as source:
            report = merge(session, project, source, dry_run=args.dry_run)
    if args.json:
        emit_json(report.as_dict())
    else:
        for line in report.summary():
            print(line.replace("--project NAME", f"--project {project.name!r}"))
    return EXIT_OK

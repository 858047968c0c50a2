"""``toc-studio project create|list|delete``: the projects of a store."""

from __future__ import annotations

import argparse

from toc_studio.cli.common import EXIT_OK, CommandError, Commands, emit_json, split_list, store


def register(cli: Commands) -> None:
    """Add ``project`` and its actions."""
    project = cli.group("project")
    p = project.command("create", cmd_project_create, "create a project")
    p.add_argument("name")
    p.add_argument("--groups", help="stakeholder groups in branch order, e.g. Mentor,Mentee")
    p.add_argument("--description", default="")
    p.add_argument("--json", action="store_true")
    p = project.command("list", cmd_project_list, "list projects with their counts")
    p.add_argument("--json", action="store_true")
    p = project.command("delete", cmd_project_delete, "delete a project and all it owns")
    p.add_argument("name")
    p.add_argument("--yes", action="store_true", help="confirm the deletion")


def cmd_project_create(args: argparse.Namespace) -> int:
    from toc_studio.project import projects

    groups = split_list(args.groups)
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

"""``toc-studio blind``: set a document or a whole project to blind coding, reveal it, or
say what is blind (``toc_studio.coding.blind``)."""

from __future__ import annotations

import argparse

from toc_studio.cli.common import EXIT_OK, Commands, emit_json, get_project, store


def register(cli: Commands) -> None:
    p = cli.command("blind", cmd_blind)
    p.add_argument("--project", required=True)
    p.add_argument("--document", help="one document (title or id); default: the whole project")
    p.add_argument(
        "state",
        nargs="?",
        choices=("on", "off"),
        help="on: coders see only their own codings; off: reveal. Without it: say what is blind",
    )
    p.add_argument("--json", action="store_true")


def cmd_blind(args: argparse.Namespace) -> int:
    from toc_studio.coding import blind
    from toc_studio.ingest.documents import get_document

    with store(args) as session:
        project = get_project(session, args.project)
        document = get_document(session, project, args.document) if args.document else None
        if args.state == "on":
            found = blind.set_blind(session, project, document)
        elif args.state == "off":
            found = blind.reveal(session, project, document)
        else:
            found = blind.state(session, project)
    if args.json:
        emit_json({"project": project.name, "blind": found.as_dict()})
    else:
        print(found.sentence())
    return EXIT_OK

"""``toc-studio init`` and ``toc-studio demo``: set up the store, load the demo project."""

from __future__ import annotations

import argparse

from toc_studio.cli.common import EXIT_OK, Commands, store


def register(cli: Commands) -> None:
    """Add ``init`` and ``demo``."""
    cli.command("init", cmd_init)
    p = cli.command("demo", cmd_demo)
    p.add_argument("--name", help="load it under another name")
    p.add_argument("--if-missing", action="store_true", help="do nothing if already loaded")
    p.add_argument("--init", action="store_true", help="set up or upgrade the store first")


def cmd_init(args: argparse.Namespace) -> int:
    from toc_studio import db

    engine = db.make_engine(args.db)
    try:
        revision = db.init_db(engine)
        with db.session_scope(engine) as session:  # speakers stored by an older rule
            from toc_studio.coding.speakers import refresh_stale

            refreshed = refresh_stale(session)
    finally:
        engine.dispose()
    print(f"Store ready at {engine.url.render_as_string()} (schema revision {revision}).")
    if refreshed:
        print(f"{refreshed} coding(s) now have their speaker by the current rule.")
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

"""``toc-studio backup`` and ``toc-studio restore``: the whole store to one file and back."""

from __future__ import annotations

import argparse

from toc_studio.cli.common import EXIT_OK, Commands, emit_json


def register(cli: Commands) -> None:
    """Add ``backup`` and ``restore``."""
    p = cli.command("backup", cmd_backup)
    p.add_argument("output", metavar="OUT")
    p.add_argument(
        "--logical", action="store_true", help="a logical dump (rows as JSON) even where a "
        "native copy is possible; restores into SQLite or PostgreSQL alike",
    )  # fmt: skip
    p.add_argument("--json", action="store_true")
    p = cli.command("restore", cmd_restore)
    p.add_argument("source", metavar="IN")
    p.add_argument(
        "--force", action="store_true",
        help="replace everything the store holds (refused without it unless the store is empty)",
    )  # fmt: skip
    p.add_argument("--json", action="store_true")


def cmd_backup(args: argparse.Namespace) -> int:
    from toc_studio import backup, db

    engine = db.make_engine(args.db)
    try:
        summary = backup.backup(engine, args.output, logical=args.logical)
    finally:
        engine.dispose()
    if args.json:
        emit_json({**summary.__dict__, "path": str(summary.path)})
    else:
        print(
            f"Wrote {summary.path} ({summary.kind}, {summary.bytes:,} bytes, schema "
            f"{summary.revision}); checksum in {summary.path.name}.sha256. The name secret "
            "is not in it: keep a copy of it apart (see the README)."
        )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from toc_studio import backup, db

    engine = db.make_engine(args.db)
    try:
        summary = backup.restore(engine, args.source, force=args.force)
    finally:
        engine.dispose()
    if args.json:
        emit_json(summary.__dict__)
    else:
        print(
            f"Restored the backup made {summary.created} ({summary.kind}, schema "
            f"{summary.revision})"
            + (", replacing what the store held." if summary.replaced else ".")
        )
    return EXIT_OK

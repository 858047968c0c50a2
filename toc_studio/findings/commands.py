"""``toc-studio findings add|list|show|edit|link|unlink|move|remove|restore``: the
findings register (findings F1.., learning points L1.., recommendations R1..)."""

from __future__ import annotations

import argparse

from toc_studio.cli.common import EXIT_OK, Commands, emit_json, emit_rows, get_project, store

REF_HELP = "the entry's number (F2, L1, R3) or its id (#12)"


def _link_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--code", action="append", default=[], metavar="PATH",
                   help="a code behind it, by path (repeat)")  # fmt: skip
    p.add_argument("--element", action="append", default=[], metavar="ID",
                   help="a ToC element behind it (code:12, hand:...; repeat)")  # fmt: skip
    p.add_argument("--quote", action="append", default=[], type=int, metavar="CODING_ID",
                   help="a quote behind it, by coding id (repeat)")  # fmt: skip


def register(cli: Commands) -> None:
    """Add ``findings`` and its actions."""
    findings = cli.group("findings")
    p = findings.command("add", cmd_add, "add a finding, learning point or recommendation")
    p.add_argument("--project", required=True)
    p.add_argument("--kind", required=True, choices=["finding", "learning", "recommendation"])
    p.add_argument("--text", required=True)
    _link_options(p)
    p = findings.command("list", cmd_list, "the register in order, with strength")
    p.add_argument("--project", required=True)
    p.add_argument("--kind", choices=["finding", "learning", "recommendation"])
    p.add_argument("--removed", action="store_true", help="list the removed entries")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = findings.command("show", cmd_show, "one entry with its quotes and strength")
    p.add_argument("--project", required=True)
    p.add_argument("ref", metavar="REF", help=REF_HELP)
    p.add_argument("--json", action="store_true", help="print JSON")
    p = findings.command("edit", cmd_edit, "change an entry's text or kind")
    p.add_argument("--project", required=True)
    p.add_argument("ref", metavar="REF", help=REF_HELP)
    p.add_argument("--text")
    p.add_argument("--kind", choices=["finding", "learning", "recommendation"])
    linking = [
        ("link", cmd_link, "tie codes, quotes or elements to an entry"),
        ("unlink", cmd_unlink, "untie codes, quotes or elements"),
    ]
    for name, handler, line in linking:
        p = findings.command(name, handler, line)
        p.add_argument("--project", required=True)
        p.add_argument("ref", metavar="REF", help=REF_HELP)
        _link_options(p)
    p = findings.command("move", cmd_move, "move an entry to another number of its kind")
    p.add_argument("--project", required=True)
    p.add_argument("ref", metavar="REF", help=REF_HELP)
    p.add_argument("--to", required=True, type=int, metavar="N", help="its new number (1: first)")
    p = findings.command("remove", cmd_remove, "remove an entry (restore brings it back)")
    p.add_argument("--project", required=True)
    p.add_argument("ref", metavar="REF", help=REF_HELP)
    p = findings.command("restore", cmd_restore, "bring back a removed entry by its id")
    p.add_argument("--project", required=True)
    p.add_argument("id", metavar="ID", help="the removed entry's id (findings list --removed)")


def cmd_add(args: argparse.Namespace) -> int:
    from toc_studio.findings.edits import add_finding
    from toc_studio.findings.register import numbers_of

    with store(args) as session:
        project = get_project(session, args.project)
        row = add_finding(session, project, args.kind, args.text, codes=args.code,
                          quotes=args.quote, elements=args.element)  # fmt: skip
        number = numbers_of(session, project)[row.id]
    print(f"Added {number} (#{row.id}).")
    return EXIT_OK


def _row(view) -> dict:
    from toc_studio.findings.phrasing import strength_phrase

    return {
        "number": view.number or f"#{view.id}", "id": view.id, "kind": view.kind,
        "text": view.text, "codes": len(view.codes), "quotes": len(view.quotes),
        "elements": len(view.elements), "strength": strength_phrase(view.strength),
    }  # fmt: skip


def cmd_list(args: argparse.Namespace) -> int:
    from toc_studio.findings.register import list_findings

    with store(args) as session:
        project = get_project(session, args.project)
        views = list_findings(session, project, kind=args.kind, removed=args.removed)
    rows = [_row(v) for v in views]
    columns = ["number", "id", "kind", "text", "codes", "quotes", "elements", "strength"]
    emit_rows(args, rows, columns, {"findings": [v.as_dict() for v in views]})
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from toc_studio.findings.phrasing import strength_phrase
    from toc_studio.findings.register import get_finding, list_findings

    with store(args) as session:
        project = get_project(session, args.project)
        row = get_finding(session, project, args.ref)
        view = next(v for v in list_findings(session, project, removed=row.removed)
                    if v.id == row.id)  # fmt: skip
    if args.json:
        emit_json(view.as_dict())
        return EXIT_OK
    print(f"{view.number or '(removed)'} (#{view.id}, {view.kind}): {view.text}")
    print(f"Strength: {strength_phrase(view.strength)}")
    for _, path in view.codes:
        print(f"Code: {path}")
    for element in view.elements:
        print(f"Element: {element.key} {element.label or '(no longer in the Theory of Change)'}")
    for quote in view.quotes:
        print(f"Quote {quote.coding_id}: “{quote.text}” — {quote.participant or quote.document}")
    return EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    from toc_studio.findings.edits import edit_finding
    from toc_studio.findings.register import numbers_of

    with store(args) as session:
        project = get_project(session, args.project)
        row = edit_finding(session, project, args.ref, text=args.text, kind=args.kind)
        number = numbers_of(session, project)[row.id]
    print(f"Saved {number or 'the removed entry'} (#{row.id}).")
    return EXIT_OK


def cmd_link(args: argparse.Namespace) -> int:
    from toc_studio.coding.analysis.wording import count
    from toc_studio.findings.edits import link

    with store(args) as session:
        project = get_project(session, args.project)
        added = link(session, project, args.ref, codes=args.code, quotes=args.quote,
                     elements=args.element)  # fmt: skip
    print(f"Added {count(added, 'link')} to {args.ref}.")
    return EXIT_OK


def cmd_unlink(args: argparse.Namespace) -> int:
    from toc_studio.coding.analysis.wording import count
    from toc_studio.findings.edits import unlink

    with store(args) as session:
        project = get_project(session, args.project)
        gone = unlink(session, project, args.ref, codes=args.code, quotes=args.quote,
                      elements=args.element)  # fmt: skip
    print(f"Removed {count(gone, 'link')} from {args.ref}.")
    return EXIT_OK


def cmd_move(args: argparse.Namespace) -> int:
    from toc_studio.findings.edits import move_finding

    with store(args) as session:
        number = move_finding(session, get_project(session, args.project), args.ref, args.to)
    print(f"{args.ref} is now {number}; the entries around it were renumbered.")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from toc_studio.findings.edits import remove_finding

    with store(args) as session:
        project = get_project(session, args.project)
        row = remove_finding(session, project, args.ref)
    print(f"Removed {args.ref}; the entries after it moved up a number. To bring it back: "
          f"toc-studio findings restore --project {project.name!r} {row.id}")  # fmt: skip
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from toc_studio.findings.edits import restore_finding

    with store(args) as session:
        number = restore_finding(session, get_project(session, args.project), args.id)
    print(f"Restored #{args.id.lstrip('#')} as {number}.")
    return EXIT_OK

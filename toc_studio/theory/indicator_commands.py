"""``toc-studio toc indicator add|link|list|remove``: indicators of ToC elements, in
words, measured by an outcome instrument, or both."""

from __future__ import annotations

import argparse

from toc_studio.cli.common import EXIT_OK, Commands, emit_json, emit_rows, get_project, store


def register(cli: Commands) -> None:
    """Add ``toc indicator`` and its actions."""
    indicator = cli.group("toc").group(
        "indicator", "indicators of elements: in words, measured, or both"
    )
    p = indicator.command(
        "add", cmd_add, "give an element an indicator: a sentence, an instrument, or both"
    )
    p.add_argument("--project", required=True)
    p.add_argument("--element", required=True, help="the element's id (code:12, hand:...)")
    p.add_argument("--text", default="", help="the indicator in words")
    p.add_argument("--instrument", help="an outcome instrument measuring it (outcomes only)")
    p.add_argument("--item", help="one item (name or number); default the total")
    p.add_argument("--json", action="store_true")
    p = indicator.command("link", cmd_link, "measure a written indicator with an instrument")
    p.add_argument("--project", required=True)
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--instrument", required=True)
    p.add_argument("--item", help="one item (name or number); default the total")
    p = indicator.command("list", cmd_list, "the indicators with their figures")
    p.add_argument("--project", required=True)
    p.add_argument("--json", action="store_true")
    p = indicator.command("remove", cmd_remove, "unlink an indicator by its number")
    p.add_argument("--project", required=True)
    p.add_argument("id", type=int, metavar="ID")


def cmd_add(args: argparse.Namespace) -> int:
    from toc_studio.theory.indicators import add_indicator

    with store(args) as session:
        project = get_project(session, args.project)
        link = add_indicator(
            session, project, args.element, args.instrument, args.item, text=args.text
        )
    if args.json:
        emit_json(link.as_dict())
    else:
        print(f"Indicator {link.id} of {link.element}: {_what(link)}.")
    return EXIT_OK


def _what(link) -> str:
    measured = (link.instrument or "") + (f", {link.item}" if link.item else "")
    if link.text and measured:
        return f"{link.text} (measured by {measured})"
    return link.text or f"measured by {measured}"


def cmd_link(args: argparse.Namespace) -> int:
    from toc_studio.theory.indicators import link_indicator

    with store(args) as session:
        project = get_project(session, args.project)
        link = link_indicator(session, project, args.id, args.instrument, args.item)
    print(f"Indicator {link.id} of {link.element}: {_what(link)}.")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from toc_studio.theory.indicators import indicator_figures, list_indicators

    with store(args) as session:
        project = get_project(session, args.project)
        links = list_indicators(session, project)
        figures = indicator_figures(session, project)
    rows = []
    for link in links:
        figure = next(
            f for f in figures[link.element]
            if f["instrument"] == link.instrument and f["item"] == link.item
            and f["text"] == link.text
        )  # fmt: skip
        rows.append({**link.as_dict(), **figure})
    columns = ["id", "element", "text", "instrument", "item", "n", "mean_change", "improved",
               "declined", "same"]  # fmt: skip
    emit_rows(args, rows, columns, {"indicators": rows})
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from toc_studio.theory.indicators import remove_indicator

    with store(args) as session:
        remove_indicator(session, get_project(session, args.project), args.id)
    print(f"Removed indicator {args.id}.")
    return EXIT_OK

"""``toc-studio strength``: the strength of a code's evidence, and the thresholds that word
it ("all / most / over half / some / one"), which a team agrees and a lead changes."""

from __future__ import annotations

import argparse

from toc_studio.cli.common import EXIT_OK, Commands, emit_json, get_project, store


def _share(value: str) -> float:
    try:
        return float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a share such as 0.75") from exc


def register(cli: Commands) -> None:
    """Add ``strength thresholds`` and ``strength show``."""
    strength = cli.group("strength", metavar="WHAT")
    p = strength.command(
        "thresholds", cmd_thresholds, "show or change the wording thresholds",
        description="The shares of a group from which evidence is worded 'all', 'most' and "
        "'over half' (else 'some', or 'one' for a single participant). With no option, "
        "shows them; with options, changes those given (leads).",
    )  # fmt: skip
    p.add_argument("--project", required=True)
    p.add_argument("--all", type=_share, help="share for 'all' (default 1.0)")
    p.add_argument("--most", type=_share, help="share from which it is 'most' (default 0.75)")
    p.add_argument(
        "--over-half", type=_share, help="share above which it is 'over half' (default 0.5)"
    )
    p.add_argument("--json", action="store_true")
    p = strength.command(
        "show", cmd_show, "the strength of a code's evidence (with its sub-codes)",
        description="Passages, participants n of N per group, documents, methods, flags "
        "and the wording of a code's evidence, its sub-codes included.",
    )  # fmt: skip
    p.add_argument("--project", required=True)
    p.add_argument("--code", required=True, help="a code path, e.g. Mentee/Outcomes/Hope")
    p.add_argument("--json", action="store_true")


def cmd_thresholds(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from toc_studio.coding.analysis import strength

    with store(args) as session:
        project = get_project(session, args.project)
        if any(v is not None for v in (args.all, args.most, args.over_half)):
            limits = strength.set_thresholds(
                session, project.id, all=args.all, most=args.most, over_half=args.over_half
            )
        else:
            limits = strength.thresholds(session, project.id)
    if args.json:
        emit_json(asdict(limits))
        return EXIT_OK
    print(
        f"all: from {limits.all:g} of a group; most: from {limits.most:g}; "
        f"over half: above {limits.over_half:g}; else some (one for a single participant)."
    )
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from toc_studio.coding import codebook
    from toc_studio.coding.analysis.strength import strength_of

    with store(args) as session:
        project = get_project(session, args.project)
        code = codebook.get_code_by_path(session, project, args.code)
        found = strength_of(session, project.id, code_ids=codebook.descendant_ids(session, code))
    if args.json:
        emit_json(found.as_dict())
        return EXIT_OK
    print(found.sentence())
    for flag in found.flags:
        print(f"  {flag}")
    return EXIT_OK

"""``toc-studio participants|attributes|outcomes`` and ``query profile|survey``: typed
participants' data, instruments, readings, change, contacts and closed survey answers."""

from __future__ import annotations

import argparse
from pathlib import Path

from toc_studio.cli.common import (
    EXIT_OK,
    CommandError,
    Commands,
    emit_json,
    emit_rows,
    get_project,
    output_options,
    split_list,
    store,
)

BY_HELP = "split by 'group' or 'attribute:NAME'"


def register(cli: Commands) -> None:
    """Add ``participants``, ``attributes``, ``outcomes`` and ``query profile|survey``."""
    p = cli.group("participants").command(
        "import", cmd_participants_import, "participants' attributes from a csv/xlsx file"
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--project", required=True)
    p.add_argument("--create-groups", action="store_true", help="create unknown groups")
    p.add_argument("--json", action="store_true")
    p = cli.group("attributes").command("type", cmd_attributes_type, "declare an attribute's type")
    p.add_argument("name", metavar="NAME")
    p.add_argument("kind", choices=["number", "date", "category", "ordinal", "yesno"])
    p.add_argument("--project", required=True)
    p.add_argument("--order", help="an ordinal's values, lowest first, comma-separated")
    p.add_argument("--json", action="store_true")
    query = cli.group("query", metavar="QUERY")
    p = query.command("profile", cmd_profile, "participants' attributes: counts, %%, mean...")
    p.add_argument("--project", required=True)
    p.add_argument("--by", help=BY_HELP)
    output_options(p)
    register_outcomes(cli.group("outcomes"))


def register_outcomes(outcomes: Commands) -> None:
    instrument = outcomes.group("instrument", "built-in and custom outcome instruments")
    p = instrument.command("add", cmd_instrument_add, "add a custom instrument")
    p.add_argument("--project", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--items", required=True, help="item names, comma-separated")
    p.add_argument("--min", type=float, required=True, dest="min_score")
    p.add_argument("--max", type=float, required=True, dest="max_score")
    p.add_argument("--lower-is-better", action="store_true")
    p.add_argument("--json", action="store_true")
    p = instrument.command("list", cmd_instrument_list, "the instruments (built-ins too)")
    p.add_argument("--project", required=True)
    output_options(p)
    p = outcomes.command("import", cmd_import, "import readings (wide or long csv/xlsx)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--project", required=True)
    p.add_argument("--instrument", required=True)
    p.add_argument(
        "--replace",
        action="store_true",
        help="the file replaces the stored readings of the participants it names",
    )
    p.add_argument("--json", action="store_true")
    p = outcomes.command("change", cmd_change, "change from first to last reading, by group")
    _score_options(p)
    p.add_argument("--by", help=BY_HELP)
    output_options(p)
    p = outcomes.command("relate", cmd_relate, "Spearman's rho between contact and change")
    _score_options(p)
    p.add_argument(
        "--x",
        default="contacts_per_month",
        help="contacts, months_supported, contacts_per_month or attribute:NAME",
    )
    output_options(p)
    p = outcomes.group("contacts", "contacts with participants").command(
        "import", cmd_contacts_import, "import contacts (participant, date[, kind])"
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--project", required=True)
    p.add_argument("--json", action="store_true")
    p = outcomes.command("destinations", cmd_destinations, "counts of a category attribute")
    p.add_argument("--project", required=True)
    p.add_argument("--attribute", default="destination")
    output_options(p)


def _score_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--project", required=True)
    p.add_argument("--instrument", required=True)
    p.add_argument("--item", help="one item (name or number); default the total")


def _read(path: str) -> tuple[bytes, str]:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"There is no file {path!r}.")
    return file.read_bytes(), file.name


def cmd_participants_import(args: argparse.Namespace) -> int:
    from toc_studio.outcomes.attributes import import_participants

    data, name = _read(args.file)
    with store(args) as session:
        project = get_project(session, args.project)
        result = import_participants(session, project, data, name, create_groups=args.create_groups)
    if args.json:
        emit_json(result.as_dict())
    else:
        print(
            f"Imported {result.rows} participant(s) from {name}: {len(result.created)} new, "
            f"{len(result.updated)} updated."
        )
        for attribute, kind in result.types.items():
            print(f"  {attribute}: {kind}")
    return EXIT_OK


def cmd_attributes_type(args: argparse.Namespace) -> int:
    from toc_studio.outcomes.attributes import set_attribute_type

    with store(args) as session:
        project = get_project(session, args.project)
        typed = set_attribute_type(session, project, args.name, args.kind, split_list(args.order))
    if args.json:
        emit_json({"attribute": typed.name, "type": typed.kind, "order": list(typed.levels)})
    else:
        order = f" ({', '.join(typed.levels)})" if typed.levels else ""
        print(f"Attribute {typed.name!r} is now {typed.kind}{order}.")
    return EXIT_OK


def cmd_profile(args: argparse.Namespace) -> int:
    from toc_studio.outcomes.profile import profile

    with store(args) as session:
        table = profile(session, get_project(session, args.project), args.by)
    rows = []
    for attribute in table["attributes"]:
        for group in attribute["groups"]:
            base = {
                "attribute": attribute["name"],
                "type": attribute["type"],
                "group": group["group"],
                "n": group["n"],
                "missing": group["missing"],
            }
            for category in group.get("categories", []):
                rows.append(
                    {
                        **base,
                        "value": category["value"],
                        "count": category["count"],
                        "percent": category["percent"],
                    }
                )
            if "categories" not in group:
                rows.append(
                    {
                        **base,
                        **{
                            k: group.get(k)
                            for k in ("mean", "median", "min", "max", "earliest", "latest")
                        },
                    }
                )
    columns = [
        "attribute",
        "group",
        "n",
        "value",
        "count",
        "percent",
        "mean",
        "median",
        "min",
        "max",
    ]
    emit_rows(args, rows, columns + ([] if args.json else ["earliest", "latest"]), table)
    return EXIT_OK


def cmd_instrument_add(args: argparse.Namespace) -> int:
    from toc_studio.outcomes.instruments import add_instrument

    with store(args) as session:
        project = get_project(session, args.project)
        made = add_instrument(
            session,
            project,
            args.name,
            split_list(args.items),
            args.min_score,
            args.max_score,
            lower_is_better=args.lower_is_better,
        )
        name = made.name
    if args.json:
        emit_json({"instrument": name})
    else:
        print(f"Added the instrument {name!r}.")
    return EXIT_OK


def cmd_instrument_list(args: argparse.Namespace) -> int:
    from toc_studio.outcomes.instruments import list_instruments

    with store(args) as session:
        found = list_instruments(session, get_project(session, args.project))
    payload = {"instruments": [v.as_dict() for v in found]}
    rows = [
        {**v.as_dict(), "items": len(v.items), "better": "lower" if v.lower_is_better else "higher"}
        for v in found
    ]
    emit_rows(args, rows, ["name", "items", "min", "max", "better", "builtin", "readings"], payload)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from toc_studio.outcomes.readings import import_readings

    data, name = _read(args.file)
    with store(args) as session:
        project = get_project(session, args.project)
        result = import_readings(
            session, project, args.instrument, data, name, replace=args.replace
        )
    if args.json:
        emit_json(result.as_dict())
    else:
        print(
            f"Imported {result.readings} reading(s) of {result.instrument} for "
            f"{result.participants} participant(s) from {name} ({result.layout} layout; "
            f"{len(result.participants_created)} new participant(s))."
        )
    return EXIT_OK


def cmd_change(args: argparse.Namespace) -> int:
    from toc_studio.outcomes.change import change

    with store(args) as session:
        table = change(
            session, get_project(session, args.project), args.instrument, args.item, args.by
        )
    rows = [
        {**g, "ci_low": (g["ci95"] or [None, None])[0], "ci_high": (g["ci95"] or [None, None])[1]}
        for g in table["groups"]
    ]
    columns = [
        "group",
        "n",
        "no_follow_up",
        "mean_start",
        "mean_last",
        "mean_change",
        "ci_low",
        "ci_high",
        "improved",
        "declined",
        "same",
        "effect_size_dz",
        "p_value",
    ]
    emit_rows(args, rows, columns, table)
    comparison = table["comparison"]
    if comparison and not (args.json or args.csv):
        ci = comparison["ci95"] or [None, None]
        print(
            f"{comparison['groups'][0]} - {comparison['groups'][1]}: difference in mean "
            f"change {_fmt(comparison['difference_in_mean_change'])} (95% CI {_fmt(ci[0])} "
            f"to {_fmt(ci[1])}), Hedges' g {_fmt(comparison['hedges_g'])}, Welch p "
            f"{_fmt(comparison['p_value'])}. Groups were not randomised: this does not "
            "show that one caused the difference."
        )
    return EXIT_OK


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def cmd_relate(args: argparse.Namespace) -> int:
    from toc_studio.outcomes.contacts import relate

    with store(args) as session:
        result = relate(
            session, get_project(session, args.project), args.instrument, args.x, args.item
        )
    summary = {k: result[k] for k in ("instrument", "score", "x", "n", "rho", "p_value")}
    emit_rows(
        args,
        result["points"] if args.csv else [summary],
        ["participant", "x", "change"] if args.csv else list(summary),
        result,
    )
    return EXIT_OK


def cmd_contacts_import(args: argparse.Namespace) -> int:
    from toc_studio.outcomes.contacts import import_contacts

    data, name = _read(args.file)
    with store(args) as session:
        result = import_contacts(session, get_project(session, args.project), data, name)
    if args.json:
        emit_json(result.as_dict())
    else:
        print(
            f"Imported {result.contacts} contact(s) with {result.participants} "
            f"participant(s) from {name}."
        )
    return EXIT_OK


def cmd_destinations(args: argparse.Namespace) -> int:
    from toc_studio.outcomes.profile import counts

    with store(args) as session:
        found = counts(session, get_project(session, args.project), args.attribute)
    emit_rows(
        args, found, ["value", "count", "percent"], {"attribute": args.attribute, "counts": found}
    )
    return EXIT_OK

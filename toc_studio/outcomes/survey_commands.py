"""``toc-studio outcomes survey import`` and ``query survey``: the closed answers of
surveys, stored typed and counted."""

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


def register(cli: Commands) -> None:
    """Add ``query survey`` and ``outcomes survey import``."""
    p = cli.group("query", metavar="QUERY").command(
        "survey", cmd_survey, "closed survey questions: frequencies, %%, rates"
    )
    p.add_argument("--project", required=True)
    p.add_argument("--question", help="one question (its column or its wording)")
    p.add_argument("--by", help="split by 'group' or 'attribute:NAME'")
    output_options(p)
    register_survey(cli.group("outcomes").group("survey", "closed survey answers"))


def register_survey(survey: Commands) -> None:
    p = survey.command("import", cmd_survey_import, "store a survey file's closed answers")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--project", required=True)
    p.add_argument("--id-column")
    p.add_argument("--kinds", help="COLUMN=KIND pairs, comma-separated (ordinal, yesno...)")
    p.add_argument(
        "--order",
        action="append",
        default=[],
        metavar="COLUMN=A|B|C",
        help="an ordinal question's answers, lowest first; repeatable",
    )
    p.add_argument("--invited", type=int, help="how many were invited (for the response rate)")
    p.add_argument("--replace", action="store_true", help="replace this survey's answers")
    p.add_argument("--json", action="store_true")


def cmd_survey(args: argparse.Namespace) -> int:
    from toc_studio.outcomes.survey_query import survey_results

    with store(args) as session:
        results = survey_results(
            session, get_project(session, args.project), args.question, args.by
        )
    rows = [
        {
            "question": q["question"],
            "group": g["group"],
            "answered": g["answered"],
            "response_rate": g["response_rate"],
            "value": a["value"],
            "count": a["count"],
            "percent": a["percent"],
            "median": g.get("median"),
        }
        for s in results["surveys"]
        for q in s["questions"]
        for g in q["groups"]
        for a in g["answers"]
    ]
    columns = [
        "question",
        "group",
        "answered",
        "response_rate",
        "value",
        "count",
        "percent",
        "median",
    ]
    emit_rows(args, rows, columns, results)
    return EXIT_OK


def cmd_survey_import(args: argparse.Namespace) -> int:
    from toc_studio.outcomes.survey_import import import_survey_answers

    kinds = dict(_pair(p) for p in split_list(args.kinds))
    orders = {k: split_list(v.replace("|", ",")) for k, v in map(_pair, args.order)}
    data, name = _read(args.file)
    with store(args) as session:
        result = import_survey_answers(
            session,
            get_project(session, args.project),
            data,
            name,
            id_column=args.id_column,
            kinds=kinds,
            orders=orders,
            invited=args.invited,
            replace=args.replace,
        )
    if args.json:
        emit_json(result.as_dict())
    else:
        print(
            f"Stored {result.answers} closed answer(s) of {result.respondents} respondent(s) "
            f"to {len(result.questions)} question(s) from {name}."
        )
        for column, kind in result.questions.items():
            print(f"  {column}: {kind}")
    return EXIT_OK


def _pair(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise CommandError(f"Write {text!r} as COLUMN=VALUE.")
    key, value = text.split("=", 1)
    return key.strip(), value.strip()


def _read(path: str) -> tuple[bytes, str]:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"There is no file {path!r}.")
    return file.read_bytes(), file.name

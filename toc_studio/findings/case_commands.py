"""``toc-studio casestudy draft|list|show|edit|redraft|delete`` and ``toc-studio summary
set|list``: case studies and written summaries."""

from __future__ import annotations

import argparse
import sys

from toc_studio.cli.common import (
    EXIT_OK,
    CommandError,
    Commands,
    emit_rows,
    get_project,
    store,
)

CASE_HELP = "the case study's id or its title"


def register(cli: Commands) -> None:
    """Add ``casestudy`` and ``summary`` and their actions."""
    cases = cli.group("casestudy")
    p = cases.command("draft", cmd_draft, "draft a case study from the project's data")
    p.add_argument("--project", required=True)
    p.add_argument("--participant", metavar="LABEL", help="a participant's story")
    p.add_argument("--group", metavar="NAME", help="a group's story")
    p.add_argument("--attribute", metavar="NAME=VALUE", help="a site's story (e.g. site=B)")
    p.add_argument("--title")
    p = cases.command("list", cmd_case_list, "the case studies")
    p.add_argument("--project", required=True)
    p.add_argument("--json", action="store_true", help="print JSON")
    p = cases.command("show", cmd_show, "print a case study's text (or its newest draft)")
    p.add_argument("--project", required=True)
    p.add_argument("case", metavar="CASE", help=CASE_HELP)
    p.add_argument("--draft", action="store_true", help="print the newest automatic draft")
    p = cases.command("edit", cmd_edit, "replace a case study's text (from a file or stdin)")
    p.add_argument("--project", required=True)
    p.add_argument("case", metavar="CASE", help=CASE_HELP)
    p.add_argument("--file", metavar="PATH", help="the new text ('-': standard input)")
    p.add_argument("--title")
    p = cases.command("redraft", cmd_redraft, "draft again; edits are kept unless --replace")
    p.add_argument("--project", required=True)
    p.add_argument("case", metavar="CASE", help=CASE_HELP)
    p.add_argument("--replace", action="store_true", help="let the new draft replace your edits")
    p = cases.command("delete", cmd_delete, "delete a case study")
    p.add_argument("--project", required=True)
    p.add_argument("case", metavar="CASE", help=CASE_HELP)
    p.add_argument("--yes", action="store_true", help="confirm: it cannot be undone")

    summary = cli.group("summary")
    p = summary.command("set", cmd_set, "write a summary (an empty text removes it)")
    p.add_argument("--project", required=True)
    p.add_argument("--code", required=True, metavar="PATH",
                   help="the theme, or the aim (a top-level code) for a document")  # fmt: skip
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--participant", metavar="LABEL")
    target.add_argument("--group", metavar="NAME")
    target.add_argument("--document", metavar="TITLE")
    p.add_argument("--text", required=True)
    p = summary.command("list", cmd_summary_list, "the written summaries")
    p.add_argument("--project", required=True)
    p.add_argument("--target", choices=["participant", "group", "document"])
    p.add_argument("--json", action="store_true", help="print JSON")


def _case_dict(case, edited: bool) -> dict:
    return {"id": case.id, "title": case.title, "subject": case.subject, "edited": edited,
            "drafted": case.drafted, "updated": case.updated}  # fmt: skip


def cmd_draft(args: argparse.Namespace) -> int:
    from toc_studio.findings.cases import draft_case_study

    with store(args) as session:
        case = draft_case_study(session, get_project(session, args.project),
                                participant=args.participant, group=args.group,
                                attribute=args.attribute, title=args.title)  # fmt: skip
    print(f"Drafted case study {case.id}: {case.title}.")
    return EXIT_OK


def cmd_case_list(args: argparse.Namespace) -> int:
    from toc_studio.findings.cases import edited, list_case_studies

    with store(args) as session:
        cases = list_case_studies(session, get_project(session, args.project))
        rows = [_case_dict(c, edited(c)) for c in cases]
    emit_rows(args, rows, ["id", "title", "subject", "edited"], {"case_studies": rows})
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from toc_studio.findings.cases import get_case_study

    with store(args) as session:
        case = get_case_study(session, get_project(session, args.project), args.case)
    print(f"# {case.title}\n")
    print(case.draft if args.draft else case.text)
    return EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    from toc_studio.findings.cases import edit_case_study

    text = None
    if args.file == "-":
        text = sys.stdin.read()
    elif args.file:
        with open(args.file, encoding="utf-8") as handle:
            text = handle.read()
    if text is None and args.title is None:
        raise CommandError("Give the new text (--file PATH, or --file - for standard input) "
                           "or a --title.")  # fmt: skip
    with store(args) as session:
        case = edit_case_study(session, get_project(session, args.project), args.case,
                               text=text, title=args.title)  # fmt: skip
    print(f"Saved case study {case.id}: {case.title}.")
    return EXIT_OK


def cmd_redraft(args: argparse.Namespace) -> int:
    from toc_studio.findings.cases import redraft_case_study

    with store(args) as session:
        done = redraft_case_study(session, get_project(session, args.project), args.case,
                                  replace=args.replace)  # fmt: skip
    if done.kept_edits:
        print(f"Drafted case study {done.case.id} again. Your edits are kept; the new draft "
              "waits beside them (casestudy show --draft; --replace to take it).")  # fmt: skip
    else:
        print(f"Drafted case study {done.case.id} again; its text is the new draft.")
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    from toc_studio.findings.cases import delete_case_study

    if not args.yes:
        raise CommandError("Deleting a case study cannot be undone: add --yes to confirm.")
    with store(args) as session:
        delete_case_study(session, get_project(session, args.project), args.case)
    print("Deleted the case study.")
    return EXIT_OK


def cmd_set(args: argparse.Namespace) -> int:
    from toc_studio.findings.summaries import set_summary

    target = next(t for t in ("participant", "group", "document") if getattr(args, t))
    with store(args) as session:
        row = set_summary(session, get_project(session, args.project), args.code, target,
                          getattr(args, target), args.text)  # fmt: skip
    print("Saved the summary." if row is not None else "Removed the summary.")
    return EXIT_OK


def cmd_summary_list(args: argparse.Namespace) -> int:
    from toc_studio.findings.summaries import list_summaries

    with store(args) as session:
        views = list_summaries(session, get_project(session, args.project), args.target)
    rows = [v.as_dict() for v in views]
    emit_rows(args, rows, ["code", "target", "name", "text"], {"summaries": rows})
    return EXIT_OK

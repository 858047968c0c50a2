"""``toc-studio toc question|assumption|narrative|compare|phase|phases``: evaluation
questions and assumptions on the Theory of Change, the ToC in words, two projects side
by side, and the data-collection phases each version drew on."""

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
    store,
)

STATUSES = ("untested", "supported", "challenged")


def register(cli: Commands) -> None:
    """Add the actions on questions, assumptions, narrative, comparison and phases."""
    toc = cli.group("toc")
    question = toc.group("question", "evaluation questions on elements")
    p = question.command("add", cmd_question_add, "ask an evaluation question of an element")
    p.add_argument("--project", required=True)
    p.add_argument("--element", required=True, help="the element's id (code:12, hand:...)")
    p.add_argument("--text", required=True)
    p = question.command("list", cmd_question_list, "the evaluation questions")
    p.add_argument("--project", required=True)
    p.add_argument("--json", action="store_true")
    p = question.command("remove", cmd_question_remove, "remove a question by its number")
    p.add_argument("--project", required=True)
    p.add_argument("id", type=int, metavar="ID")
    _assumptions(toc)
    p = toc.command("narrative", cmd_narrative, "the Theory of Change in words (Markdown, Word)")
    p.add_argument("--project", required=True)
    p.add_argument("--version", default="working")
    p.add_argument("--output", "-o", help="file to write: .md or .docx (default: print)")
    p = toc.command("compare", cmd_compare, "two projects' Theories of Change side by side")
    p.add_argument("--project", action="append", required=True, help="give it twice")
    p.add_argument("--version", action="append", help="each project's version, in order")
    p.add_argument("--json", action="store_true")
    p = toc.command("phase", cmd_phase, "label a document with its data-collection phase")
    p.add_argument("--project", required=True)
    p.add_argument("--document", required=True, help="document title or id")
    p.add_argument("phase", help='e.g. "Phase 1: interviews"; "" to clear')
    p = toc.command("phases", cmd_phases, "the phases, their documents, the versions using them")
    p.add_argument("--project", required=True)
    p.add_argument("--json", action="store_true")


def _assumptions(toc: Commands) -> None:
    assumption = toc.group("assumption", "assumptions on links, with their evidence")
    p = assumption.command("add", cmd_assumption_add, "say what must hold for a link")
    p.add_argument("--project", required=True)
    p.add_argument("--source", required=True, help="the link's first element id")
    p.add_argument("--target", required=True, help="the link's second element id")
    p.add_argument("--text", required=True)
    p.add_argument("--status", choices=STATUSES, default="untested")
    p.add_argument("--quote", type=int, action="append", default=[], help="a coding id")
    p = assumption.command("set", cmd_assumption_set, "change status, quotes or wording")
    p.add_argument("--project", required=True)
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--quote", type=int, action="append", help="a coding id (replaces them)")
    p.add_argument("--text")
    p = assumption.command("list", cmd_assumption_list, "the assumptions")
    p.add_argument("--project", required=True)
    p.add_argument("--json", action="store_true")
    p = assumption.command("remove", cmd_assumption_remove, "remove one by its number")
    p.add_argument("--project", required=True)
    p.add_argument("id", type=int, metavar="ID")


def cmd_question_add(args: argparse.Namespace) -> int:
    from toc_studio.theory.annotations import add_question

    with store(args) as session:
        row = add_question(session, get_project(session, args.project), args.element, args.text)
        print(f"Question {row.id} on {row.element}.")
    return EXIT_OK


def cmd_question_list(args: argparse.Namespace) -> int:
    from toc_studio.theory.annotations import list_questions

    with store(args) as session:
        rows = [
            {"id": q.id, "element": q.element, "text": q.text}
            for q in list_questions(session, get_project(session, args.project))
        ]
    emit_rows(args, rows, ["id", "element", "text"], {"questions": rows})
    return EXIT_OK


def cmd_question_remove(args: argparse.Namespace) -> int:
    from toc_studio.theory.annotations import remove_question

    with store(args) as session:
        remove_question(session, get_project(session, args.project), args.id)
    print(f"Removed question {args.id}.")
    return EXIT_OK


def cmd_assumption_add(args: argparse.Namespace) -> int:
    from toc_studio.theory.annotations import add_assumption

    with store(args) as session:
        project = get_project(session, args.project)
        found = add_assumption(
            session, project, args.source, args.target, args.text, args.status, tuple(args.quote)
        )
    print(f"Assumption {found.id} on {found.source} -> {found.target} ({found.status}).")
    return EXIT_OK


def cmd_assumption_set(args: argparse.Namespace) -> int:
    from toc_studio.theory.annotations import update_assumption

    quotes = tuple(args.quote) if args.quote is not None else None
    with store(args) as session:
        project = get_project(session, args.project)
        found = update_assumption(
            session, project, args.id, status=args.status, quotes=quotes, text=args.text
        )
    print(f"Assumption {found.id}: {found.status}, {len(found.quotes)} quote(s) behind it.")
    return EXIT_OK


def cmd_assumption_list(args: argparse.Namespace) -> int:
    from toc_studio.theory.annotations import list_assumptions

    with store(args) as session:
        rows = [a.as_dict() for a in list_assumptions(session, get_project(session, args.project))]
    emit_rows(args, rows, ["id", "source", "target", "status", "text"], {"assumptions": rows})
    return EXIT_OK


def cmd_assumption_remove(args: argparse.Namespace) -> int:
    from toc_studio.theory.annotations import remove_assumption

    with store(args) as session:
        remove_assumption(session, get_project(session, args.project), args.id)
    print(f"Removed assumption {args.id}.")
    return EXIT_OK


def cmd_narrative(args: argparse.Namespace) -> int:
    from toc_studio.theory import narrative, versions

    suffix = Path(args.output).suffix.casefold() if args.output else ".md"
    if suffix not in (".md", ".docx"):
        raise CommandError("Write the narrative to a .md or a .docx file.")
    with store(args) as session:
        project = get_project(session, args.project)
        version = versions.get_version(session, project, args.version)
        blocks = narrative.narrative(
            session, project, versions.version_document(session, project, version)
        )
    if suffix == ".docx":
        from toc_studio.report.narrative_section import narrative_docx

        Path(args.output).write_bytes(narrative_docx(blocks))
    elif args.output:
        Path(args.output).write_text(narrative.to_markdown(blocks), encoding="utf-8")
    else:
        print(narrative.to_markdown(blocks), end="")
    if args.output:
        print(f"Wrote the narrative to {args.output}.")
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from toc_studio.theory.compare_projects import compare_projects

    if len(args.project) != 2:
        raise CommandError("Name exactly two projects: --project A --project B.")
    chosen = list(args.version or []) + [None, None]
    with store(args) as session:
        a, b = (get_project(session, name) for name in args.project)
        result = compare_projects(session, a, b, chosen[0], chosen[1])
    if args.json:
        emit_json(result)
        return EXIT_OK
    first, second = result["projects"]
    print(f"{len(result['matched'])} element(s) in both {first!r} and {second!r}:")
    for m in result["matched"]:
        a_side, b_side = m["a"], m["b"]
        print(f"  {m['category']}: {m['label']} — {a_side['participants']} | "
              f"{b_side['participants']} participant(s)")  # fmt: skip
    for name, only in ((first, result["only_a"]), (second, result["only_b"])):
        print(f"Only in {name!r}: {len(only)}")
        for n in only:
            print(f"  {n['category']}: {n['label']}")
    return EXIT_OK


def cmd_phase(args: argparse.Namespace) -> int:
    from toc_studio.ingest.documents import get_document, set_phase

    with store(args) as session:
        project = get_project(session, args.project)
        document = set_phase(session, get_document(session, project, args.document), args.phase)
        title, phase = document.title, document.phase
    print(f"{title!r}: phase {phase!r}." if phase else f"{title!r} has no phase now.")
    return EXIT_OK


def cmd_phases(args: argparse.Namespace) -> int:
    import json

    from toc_studio.theory import phases, versions

    with store(args) as session:
        project = get_project(session, args.project)
        found = phases.project_phases(session, project)
        drew = {
            v.name: json.loads(v.phases)
            for v in versions.list_versions(session, project)
            if v.frozen
        }
    rows = [
        {"phase": phase, "documents": n, "versions": [v for v, ps in drew.items() if phase in ps]}
        for phase, n in found
    ]
    emit_rows(args, rows, ["phase", "documents", "versions"], {"phases": rows})
    return EXIT_OK

"""``toc-studio autocode suggest|apply|pattern``: auto-coding suggestions from the command line.

``suggest`` lists what one rule proposes for a code (numbered from 1); ``apply`` codes them
(all, or ``--only`` the chosen numbers) as a coder named after the rule, undoable with
``toc-studio undo``; ``pattern add|list|remove`` keeps the words and phrases stored with a code.
"""

from __future__ import annotations

import argparse
import sys

from toc_studio.cli.common import (
    EXIT_OK,
    CommandError,
    Commands,
    emit_json,
    emit_rows,
    get_project,
    output_options,
    store,
)

PREVIEW = 80


def register(cli: Commands) -> None:
    """Add ``autocode`` and its actions to ``toc-studio``."""
    auto = cli.group("autocode")
    p = auto.command(
        "suggest", cmd_suggest, "list what a rule would code",
        description="List the spans one rule proposes for a code, numbered for `apply --only`. "
        "Spans already coded with the code are left out.",
    )  # fmt: skip
    _selectors(p)
    output_options(p)
    p = auto.command(
        "apply", cmd_apply, "code what a rule suggests (all or --only some)",
        description="Code the suggestions of one rule with the code; the rule is recorded as "
        "the coder (e.g. 'rule: speaker group Mentee'). Undo with `toc-studio undo`.",
    )  # fmt: skip
    _selectors(p)
    p.add_argument("--only", metavar="N,M", help="only these suggestions (numbers from suggest)")
    p.add_argument("--json", action="store_true")

    pattern = auto.group("pattern", "words and phrases stored with a code")
    p = pattern.command("add", cmd_pattern_add, "store a phrase or token pattern (undoable)")
    _code(p)
    p.add_argument("pattern", help='a phrase (matched on lemmas) or JSON tokens [{"LEMMA": ...}]')
    p.add_argument("--tokens", action="store_true", help="the pattern is spaCy Matcher JSON")
    p.add_argument("--json", action="store_true")
    p = pattern.command("list", cmd_pattern_list, "the patterns stored with a code")
    _code(p)
    output_options(p)
    p = pattern.command("remove", cmd_pattern_remove, "delete a stored pattern (undoable)")
    _code(p)
    p.add_argument("id", type=int, help="the pattern's id, from `pattern list`")


def _code(p: argparse.ArgumentParser) -> None:
    p.add_argument("--project", required=True)
    p.add_argument("--code", required=True, help="code path, e.g. Mentee/Outcomes/Hope")


def _selectors(p: argparse.ArgumentParser) -> None:
    _code(p)
    rule = p.add_mutually_exclusive_group(required=True)
    rule.add_argument("--speaker-group", metavar="GROUP", help="every turn of this group")
    rule.add_argument("--participant", metavar="LABEL", help="every turn of this participant")
    rule.add_argument("--pattern-rules", action="store_true", help="the code's stored patterns")
    rule.add_argument("--heading", metavar="TEXT", help="the text under headings with TEXT")
    rule.add_argument("--question", metavar="TEXT", help="answers to survey questions with TEXT")
    p.add_argument("--level", type=int, help="with --heading: only headings of this level")
    p.add_argument(
        "--extend", choices=("match", "sentence", "turn"), default="sentence",
        help="with --pattern-rules: code the match, its sentence or its turn",
    )  # fmt: skip


def _rule(args: argparse.Namespace) -> tuple[str, str | None]:
    if args.level is not None and args.heading is None:
        raise CommandError("--level goes with --heading.")
    if args.speaker_group is not None:
        return "group", args.speaker_group
    if args.participant is not None:
        return "participant", args.participant
    if args.heading is not None:
        return "heading", args.heading
    if args.question is not None:
        return "question", args.question
    return "patterns", None


def _suggestions(session, args: argparse.Namespace):
    from toc_studio.coding import codebook
    from toc_studio.coding.autocode import rules as autocode_rules

    project = get_project(session, args.project)
    code = codebook.get_code_by_path(session, project, args.code)
    kind, value = _rule(args)
    found = autocode_rules.suggest(
        session, project, code, kind, value, level=args.level, extend=args.extend,
        progress=_progress if sys.stderr.isatty() else None,
    )  # fmt: skip
    return project, code, found


def _progress(done: int, total: int) -> None:
    """Documents tagged so far, on one line of the terminal."""
    print(f"\rTagged {done} of {total} document(s)", end="\n" if done == total else "",
          file=sys.stderr, flush=True)  # fmt: skip


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW else flat[: PREVIEW - 1] + "…"


def cmd_suggest(args: argparse.Namespace) -> int:

    with store(args) as session:
        _, _, found = _suggestions(session, args)
    items = [{"number": n, **s.as_dict()} for n, s in enumerate(found, 1)]
    if not args.json and not args.csv:
        if not found:
            print(f"No suggestions for {args.code!r}: everything that rule finds is coded.")
            return EXIT_OK
        rows = [{**item, "span": f"{item['start']}-{item['end']}",
                 "text": _preview(item["text"])} for item in items]  # fmt: skip
        emit_rows(args, rows, ["number", "document", "span", "rule", "text"], None)
        print(f"{len(found)} suggestion(s). Apply them with `toc-studio autocode apply` "
              "and the same rule (--only N,M for some).")  # fmt: skip
        return EXIT_OK
    columns = ["number", "document", "document_id", "start", "end", "rule", "text"]
    emit_rows(args, items, columns, {"code": args.code, "suggestions": items})
    return EXIT_OK


def _chosen(found: list, only: str | None) -> list:
    if only is None:
        return found
    numbers = []
    for part in only.split(","):
        part = part.strip()
        if not part.isdigit() or not 1 <= int(part) <= len(found):
            raise CommandError(
                f"--only takes suggestion numbers from 1 to {len(found)}, comma-separated; "
                f"{part!r} is not one. List them with `toc-studio autocode suggest`."
            )
        numbers.append(int(part))
    return [found[n - 1] for n in sorted(set(numbers))]


def cmd_apply(args: argparse.Namespace) -> int:
    from toc_studio.coding.autocode import suggestions as autocode

    with store(args) as session:
        project, code, found = _suggestions(session, args)
        chosen = _chosen(found, args.only)
        added, undo_id = autocode.accept_undoable(session, project, code, chosen)
    if args.json:
        emit_json({"code": args.code, "suggested": len(found), "added": added, "undo": undo_id})
    else:
        print(f"Coded {added} of {len(found)} suggestion(s) with {args.code!r}."
              + (" Undo with `toc-studio undo`." if added else ""))  # fmt: skip
    return EXIT_OK


def _pattern_code(session, args: argparse.Namespace):
    from toc_studio.coding import codebook

    project = get_project(session, args.project)
    return codebook.get_code_by_path(session, project, args.code)


def cmd_pattern_add(args: argparse.Namespace) -> int:
    from toc_studio.coding.autocode import suggestions as autocode

    with store(args) as session:
        code = _pattern_code(session, args)
        row, undo_id = autocode.add_pattern_undoable(
            session, code, args.pattern, kind="tokens" if args.tokens else "phrase"
        )
        added = {"id": row.id, "kind": row.kind, "pattern": row.pattern, "undo": undo_id}
    if args.json:
        emit_json(added)
    else:
        print(f"Stored pattern {added['id']} ({added['kind']}) with {args.code!r}. "
              "Undo with `toc-studio undo`.")  # fmt: skip
    return EXIT_OK


def cmd_pattern_list(args: argparse.Namespace) -> int:
    from toc_studio.coding.autocode import suggestions as autocode

    with store(args) as session:
        code = _pattern_code(session, args)
        rows = [
            {"id": p.id, "kind": p.kind, "pattern": p.pattern}
            for p in autocode.list_patterns(session, code)
        ]
    if not rows and not args.json and not args.csv:
        print(f"{args.code!r} has no patterns yet; add one with `toc-studio autocode pattern add`.")
        return EXIT_OK
    emit_rows(args, rows, ["id", "kind", "pattern"], {"code": args.code, "patterns": rows})
    return EXIT_OK


def cmd_pattern_remove(args: argparse.Namespace) -> int:
    from toc_studio.coding.autocode import suggestions as autocode

    with store(args) as session:
        code = _pattern_code(session, args)
        if args.id not in {p.id for p in autocode.list_patterns(session, code)}:
            raise CommandError(
                f"{args.code!r} has no pattern {args.id}; see `toc-studio autocode pattern list`."
            )
        autocode.remove_pattern(session, args.id)
    print(f"Removed pattern {args.id} from {args.code!r}. Undo with `toc-studio undo`.")
    return EXIT_OK

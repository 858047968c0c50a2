"""``toc-studio codebook|code|query|undo``: the coding store from the command line."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from toc_studio.cli import EXIT_OK, CommandError, emit_json, store


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--group", action="append", default=[], help="only these groups (repeat)")
    p.add_argument("--participant", action="append", default=[], help="only these participants")
    p.add_argument(
        "--attribute", action="append", default=[], metavar="NAME=VALUE",
        help="only participants with this attribute value (repeat)",
    )  # fmt: skip
    p.add_argument("--kind", action="append", default=[], help="only documents of this kind")
    p.add_argument("--coder", action="append", default=[], help="only codings by this coder")


def _output(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print JSON")
    group.add_argument("--csv", action="store_true", help="print CSV")


def register(subparsers, common: argparse.ArgumentParser) -> None:
    """Add the codebook, code, undo and query commands to ``toc-studio``."""
    book = subparsers.add_parser("codebook", help="import or export a codebook (csv, qdc)")
    bsub = book.add_subparsers(dest="codebook_command", metavar="ACTION")
    p = bsub.add_parser("import", parents=[common], help="import codes from .csv or .qdc")
    p.add_argument("file", type=Path)
    p.add_argument("--project", required=True)
    p.add_argument("--no-infer", action="store_true", help="do not infer ToC meaning from paths")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_codebook_import)
    p = bsub.add_parser("export", parents=[common], help="export the codebook to .csv or .qdc")
    p.add_argument("file", help="FILE.csv, FILE.qdc, or - for CSV on standard output")
    p.add_argument("--project", required=True)
    p.set_defaults(handler=cmd_codebook_export)

    p = subparsers.add_parser(
        "code", parents=[common], help="apply codings from a CSV file",
        description="Apply codings from a CSV with columns document (its title), start, end "
        "(code points, end exclusive), code (a path with /, created when missing) and coder "
        "(created when missing). All rows or none.",
    )  # fmt: skip
    p.add_argument("file", type=Path, metavar="FILE.csv")
    p.add_argument("--project", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_code)

    p = subparsers.add_parser("undo", parents=[common], help="undo the newest destructive change")
    p.add_argument("--project", required=True)
    p.add_argument("--list", action="store_true", help="list what can be undone instead")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_undo)

    query = subparsers.add_parser(
        "query", help="excerpts, matrix, co-occurrence, words, agreement, disagreements"
    )
    qsub = query.add_subparsers(dest="query_command", metavar="QUERY")
    p = qsub.add_parser("excerpts", parents=[common], help="the excerpts coded with a code")
    p.add_argument("--project", required=True)
    p.add_argument("--code", required=True, help="code path, e.g. Mentee/Outcomes/Personal")
    p.add_argument("--subcodes", action="store_true", help="include sub-codes")
    p.add_argument("--context", type=int, default=150, help="characters either side")
    p.add_argument("--limit", type=int)
    p.add_argument("--offset", type=int, default=0)
    _filters(p)
    _output(p)
    p.set_defaults(handler=cmd_excerpts)
    p = qsub.add_parser("matrix", parents=[common], help="codes × groups/participants/attribute")
    p.add_argument("--project", required=True)
    p.add_argument("--by", default="group", help="group, participant or attribute:NAME")
    p.add_argument("--subcodes", action="store_true", help="rows include their sub-codes")
    p.add_argument("--measure", choices=("codings", "participants", "documents"),
                   default="codings", help="what a text or CSV cell shows")  # fmt: skip
    _filters(p)
    _output(p)
    p.set_defaults(handler=cmd_matrix)
    p = qsub.add_parser("cooccurrence", parents=[common], help="codes near a code")
    p.add_argument("--project", required=True)
    p.add_argument("--code", required=True)
    p.add_argument("--subcodes", action="store_true")
    p.add_argument("--within-chars", type=int, default=0)
    p.add_argument("--within-turns", type=int)
    p.add_argument("--kind", action="append", default=[])
    p.add_argument("--coder", action="append", default=[])
    _output(p)
    p.set_defaults(handler=cmd_cooccurrence)
    p = qsub.add_parser("frequency", parents=[common], help="word frequency or keyword in context")
    p.add_argument("--project", required=True)
    p.add_argument("--code", help="only the excerpts of this code (else whole documents)")
    p.add_argument("--subcodes", action="store_true")
    p.add_argument("--top", type=int, default=50)
    p.add_argument("--words", action="store_true", help="count words as written, not lemmas")
    p.add_argument("--stop-words", action="store_true", help="keep stop words")
    p.add_argument("--kwic", metavar="KEYWORD", help="show a keyword in its context instead")
    _filters(p)
    _output(p)
    p.set_defaults(handler=cmd_frequency)
    p = qsub.add_parser("agreement", parents=[common], help="inter-coder agreement per code")
    p.add_argument("--project", required=True)
    p.add_argument("--coders", required=True, help="two or more coders, comma-separated")
    p.add_argument("--documents", help="document titles, comma-separated (default: shared)")
    p.add_argument("--unit", choices=("character", "sentence"), default="character")
    _output(p)
    p.set_defaults(handler=cmd_agreement)
    from toc_studio.coding.analysis import disagreement_commands

    disagreement_commands.register(qsub, subparsers, common)
    from toc_studio.coding.autocode import commands as autocode_commands

    autocode_commands.register(subparsers, common)


# --- handlers -------------------------------------------------------------------------------


def _project(session, name: str):
    from toc_studio.project import projects

    return projects.get_project(session, name)


def _scope(args: argparse.Namespace):
    from toc_studio.coding.scope import Scope

    attributes: dict[str, list[str]] = {}
    for item in getattr(args, "attribute", []):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"Write attributes as NAME=VALUE, not {item!r}.")
        attributes.setdefault(name.strip(), []).append(value.strip())
    return Scope(
        groups=getattr(args, "group", []),
        participants=getattr(args, "participant", []),
        attributes=attributes,
        kinds=args.kind,
        coders=args.coder,
    )


def _emit_rows(args, rows: list[dict], columns: list[str], payload) -> None:
    if args.json:
        emit_json(payload)
    elif args.csv:
        writer = csv.DictWriter(sys.stdout, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        widths = {c: max([len(c)] + [len(_cell(r.get(c))) for r in rows]) for c in columns}
        widths = {c: min(w, 60) for c, w in widths.items()}
        print("  ".join(c.ljust(widths[c]) for c in columns).rstrip())
        for row in rows:
            print("  ".join(_cell(row.get(c))[: widths[c]].ljust(widths[c]) for c in columns))


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else " ".join(str(value).split())


def cmd_codebook_import(args: argparse.Namespace) -> int:
    from toc_studio.coding import transfer

    with store(args) as session:
        report = transfer.import_codebook(
            session, _project(session, args.project), args.file, infer=not args.no_infer
        )
    if args.json:
        emit_json(report.as_dict())
        return EXIT_OK
    print(f"Imported {args.file.name}: {len(report.created)} code(s) created, "
          f"{len(report.updated)} updated.")  # fmt: skip
    for path, reasons in report.inferred.items():
        print(f"  inferred for {path}: {'; '.join(reasons)}")
    for group in report.new_groups:
        print(f"  created the group {group!r} (a branch named in the codebook)")
    for warning in report.warnings:
        print(f"  warning: {warning}")
    return EXIT_OK


def cmd_codebook_export(args: argparse.Namespace) -> int:
    from toc_studio.coding import transfer

    with store(args) as session:
        project = _project(session, args.project)
        if args.file == "-":
            sys.stdout.write(transfer.export_codebook_csv(session, project))
            return EXIT_OK
        target = Path(args.file)
        if target.suffix.lower() == ".qdc":
            target.write_bytes(transfer.export_codebook_qdc(session, project))
        elif target.suffix.lower() == ".csv":
            target.write_text(transfer.export_codebook_csv(session, project), encoding="utf-8")
        else:
            raise CommandError("Export the codebook to a .csv or .qdc file (or - for CSV).")
    print(f"Wrote the codebook of {args.project!r} to {target}.")
    return EXIT_OK


def cmd_code(args: argparse.Namespace) -> int:
    from toc_studio.coding.codings_csv import import_codings_csv

    data = args.file.read_text(encoding="utf-8-sig")
    with store(args) as session:
        result = import_codings_csv(session, _project(session, args.project), data)
    if args.json:
        emit_json(result.as_dict())
    else:
        print(f"Applied {result.inserted} coding(s) from {result.rows} row(s); "
              f"{result.duplicates} already there.")  # fmt: skip
        for path in result.codes_created:
            print(f"  created the code {path!r}")
    return EXIT_OK


def cmd_undo(args: argparse.Namespace) -> int:
    from toc_studio.coding import undo

    with store(args) as session:
        project = _project(session, args.project)
        if args.list:
            entries = [
                {"id": e.id, "action": e.action, "description": e.description,
                 "created": e.created.isoformat()}
                for e in undo.list_undo(session, project)
            ]  # fmt: skip
            if args.json:
                emit_json({"undo": entries})
            else:
                for e in entries:
                    print(f"{e['id']}  {e['action']}: {e['description']}")
            return EXIT_OK
        entry = undo.undo(session, project)
    if args.json:
        emit_json({"undone": {"id": entry.id, "description": entry.description}})
    else:
        print(f"Undid: {entry.description}.")
    return EXIT_OK


def cmd_excerpts(args: argparse.Namespace) -> int:
    from toc_studio.coding import codebook
    from toc_studio.coding.analysis import queries

    with store(args) as session:
        project = _project(session, args.project)
        code = codebook.get_code_by_path(session, project, args.code)
        found = queries.excerpts(
            session, project, code, with_subcodes=args.subcodes, scope=_scope(args),
            context=args.context, limit=args.limit, offset=args.offset,
        )  # fmt: skip
    rows = [e.as_dict() for e in found]
    for row in rows:
        row["attributes"] = "; ".join(f"{k}={v}" for k, v in row["attributes"].items())
    columns = ["document", "participant", "group", "code", "coder", "start", "end", "text"]
    if args.csv:
        columns += ["kind", "attributes", "before", "after", "coding_id"]
    _emit_rows(args, rows, columns, {"excerpts": [e.as_dict() for e in found]})
    return EXIT_OK


def cmd_matrix(args: argparse.Namespace) -> int:
    from toc_studio.coding.analysis import queries

    with store(args) as session:
        result = queries.matrix(
            session, _project(session, args.project), by=args.by,
            with_subcodes=args.subcodes, scope=_scope(args),
        )  # fmt: skip
    rows = []
    for row in result.rows:
        line = {"code": row.code}
        for column in result.columns:
            cell = row.cells.get(column)
            line[column] = getattr(cell, args.measure) if cell else 0
        line["total"] = getattr(row.total, args.measure)
        rows.append(line)
    _emit_rows(args, rows, ["code", *result.columns, "total"], result.as_dict())
    return EXIT_OK


def cmd_cooccurrence(args: argparse.Namespace) -> int:
    from toc_studio.coding import codebook
    from toc_studio.coding.analysis.cooccurrence import cooccurrence
    from toc_studio.coding.scope import Scope

    with store(args) as session:
        project = _project(session, args.project)
        code = codebook.get_code_by_path(session, project, args.code)
        found = cooccurrence(
            session, project, code, with_subcodes=args.subcodes,
            within_chars=args.within_chars, within_turns=args.within_turns,
            scope=Scope(kinds=args.kind, coders=args.coder),
        )  # fmt: skip
    rows = [r.as_dict() for r in found]
    columns = ["code", "pairs", "codings", "with_codings", "documents"]
    _emit_rows(args, rows, columns, {"code": args.code, "cooccurrence": rows})
    return EXIT_OK


def cmd_frequency(args: argparse.Namespace) -> int:
    from toc_studio.coding import codebook
    from toc_studio.coding.analysis import words

    with store(args) as session:
        project = _project(session, args.project)
        scope = _scope(args)
        if args.code:
            code = codebook.get_code_by_path(session, project, args.code)
            sources = words.excerpt_texts(
                session, project, code, with_subcodes=args.subcodes, scope=scope
            )
        else:
            if scope.needs_participant or scope.coders:
                raise CommandError("Filter by group, participant, attribute or coder with --code.")
            sources = list(words.project_texts(session, project, scope))
    lemmas = not args.words
    if args.kwic:
        lines = words.keyword_in_context(sources, args.kwic, lemmas=lemmas)
        rows = [line.as_dict() for line in lines]
        columns = ["source", "start", "left", "keyword", "right"]
        _emit_rows(args, rows, columns, {"keyword": args.kwic, "lines": rows})
        return EXIT_OK
    counts = words.word_frequency(
        (t for _, _, t in sources), top=args.top, lemmas=lemmas, stop_words=args.stop_words
    )
    rows = [c.as_dict() for c in counts]
    _emit_rows(args, rows, ["word", "count", "texts"], {"words": rows})
    return EXIT_OK


def cmd_agreement(args: argparse.Namespace) -> int:
    from toc_studio.coding.analysis import agreement
    from toc_studio.ingest import documents

    with store(args) as session:
        project = _project(session, args.project)
        doc_ids = [documents.get_document(session, project, t).id for t in _split(args.documents)]
        found = agreement.agreement(
            session, project, _split(args.coders), documents=doc_ids or None, unit=args.unit
        )
    rows = [r.as_dict() for r in found]
    for row in rows:
        row["coders"] = ", ".join(row["coders"])
    columns = ["code", "coders", "unit", "units", "percent_agreement", "kappa", "alpha"]
    _emit_rows(args, rows, columns, {"agreement": [r.as_dict() for r in found]})
    return EXIT_OK

"""``toc-studio codebook|code|query|undo``: the coding store from the command line."""

from __future__ import annotations

import argparse
import sys
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


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--group", action="append", default=[], help="only these groups (repeat)")
    p.add_argument("--participant", action="append", default=[], help="only these participants")
    p.add_argument(
        "--attribute", action="append", default=[], metavar="NAME=VALUE",
        help="only participants with this attribute value (repeat)",
    )  # fmt: skip
    p.add_argument("--kind", action="append", default=[], help="only documents of this kind")
    p.add_argument("--coder", action="append", default=[], help="only codings by this coder")


def register(cli: Commands) -> None:
    """Add the codebook, code, undo and query commands to ``toc-studio``."""
    book = cli.group("codebook")
    p = book.command("import", cmd_codebook_import, "import codes from .csv or .qdc")
    p.add_argument("file", type=Path)
    p.add_argument("--project", required=True)
    p.add_argument("--no-infer", action="store_true", help="do not infer ToC meaning from paths")
    p.add_argument("--json", action="store_true")
    p = book.command("export", cmd_codebook_export, "export the codebook to .csv or .qdc")
    p.add_argument("file", help="FILE.csv, FILE.qdc, or - for CSV on standard output")
    p.add_argument("--project", required=True)

    p = cli.command(
        "code", cmd_code,
        description="Apply codings from a CSV with columns document (its title), start, end "
        "(code points, end exclusive), code (a path with /, created when missing) and coder "
        "(created when missing). All rows or none.",
    )  # fmt: skip
    p.add_argument("file", type=Path, metavar="FILE.csv")
    p.add_argument("--project", required=True)
    p.add_argument("--json", action="store_true")

    p = cli.command("undo", cmd_undo)
    p.add_argument("--project", required=True)
    p.add_argument("--list", action="store_true", help="list what can be undone instead")
    p.add_argument("--json", action="store_true")

    query = cli.group("query", metavar="QUERY")
    register_retrieval(query)
    register_counting(query)


def register_retrieval(query: Commands) -> None:
    """Add ``query excerpts`` and ``query matrix``."""
    p = query.command("excerpts", cmd_excerpts, "the excerpts coded with a code")
    p.add_argument("--project", required=True)
    p.add_argument("--code", required=True, help="code path, e.g. Mentee/Outcomes/Personal")
    p.add_argument("--subcodes", action="store_true", help="include sub-codes")
    p.add_argument("--context", type=int, default=150, help="characters either side")
    p.add_argument("--limit", type=int)
    p.add_argument("--offset", type=int, default=0)
    _filters(p)
    output_options(p)
    p = query.command("matrix", cmd_matrix, "codes × groups/participants/attribute")
    p.add_argument("--project", required=True)
    p.add_argument("--by", default="group", help="group, participant or attribute:NAME")
    p.add_argument("--subcodes", action="store_true", help="rows include their sub-codes")
    p.add_argument("--bins", metavar="N|EDGES",
                   help="a number attribute in N ranges, or at edges e.g. 0,6,12")  # fmt: skip
    p.add_argument(
        "--measure",
        choices=("passages", "participants", "documents", "codings"),
        default="passages",
        help="what a text or CSV cell shows (codings: those behind the passages)",
    )
    _filters(p)
    output_options(p)


def register_counting(query: Commands) -> None:
    """Add ``query cooccurrence``, ``query frequency`` and ``query agreement``."""
    p = query.command("cooccurrence", cmd_cooccurrence, "codes near a code")
    p.add_argument("--project", required=True)
    p.add_argument("--code", required=True)
    p.add_argument("--subcodes", action="store_true")
    p.add_argument("--within-chars", type=int, default=0)
    p.add_argument("--within-turns", type=int)
    p.add_argument("--kind", action="append", default=[])
    p.add_argument("--coder", action="append", default=[])
    output_options(p)
    p = query.command("frequency", cmd_frequency, "word frequency or keyword in context")
    p.add_argument("--project", required=True)
    p.add_argument("--code", help="only the excerpts of this code (else whole documents)")
    p.add_argument("--subcodes", action="store_true")
    p.add_argument("--top", type=int, default=50)
    p.add_argument("--words", action="store_true", help="count words as written, not lemmas")
    p.add_argument("--stop-words", action="store_true", help="keep stop words")
    p.add_argument("--kwic", metavar="KEYWORD", help="show a keyword in its context instead")
    _filters(p)
    output_options(p)
    p = query.command("agreement", cmd_agreement, "inter-coder agreement per code")
    p.add_argument("--project", required=True)
    p.add_argument("--coders", required=True, help="two or more coders, comma-separated")
    p.add_argument("--documents", help="document titles, comma-separated (default: shared)")
    p.add_argument("--unit", choices=("character", "sentence"), default="character")
    output_options(p)


# --- handlers -------------------------------------------------------------------------------


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


def cmd_codebook_import(args: argparse.Namespace) -> int:
    from toc_studio.coding import transfer

    with store(args) as session:
        report = transfer.import_codebook(
            session, get_project(session, args.project), args.file, infer=not args.no_infer
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
        project = get_project(session, args.project)
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
        result = import_codings_csv(session, get_project(session, args.project), data)
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
        project = get_project(session, args.project)
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
        project = get_project(session, args.project)
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
    emit_rows(args, rows, columns, {"excerpts": [e.as_dict() for e in found]})
    return EXIT_OK


def cmd_matrix(args: argparse.Namespace) -> int:
    from toc_studio.coding.analysis import framework

    with store(args) as session:
        result = framework.matrix(
            session, get_project(session, args.project), by=args.by,
            with_subcodes=args.subcodes, scope=_scope(args), bins=args.bins,
        )  # fmt: skip
    rows = []
    for row in result.rows:
        line = {"code": row.code}
        for column in result.columns:
            cell = row.cells.get(column)
            line[column] = getattr(cell, args.measure) if cell else 0
        line["total"] = getattr(row.total, args.measure)
        rows.append(line)
    emit_rows(args, rows, ["code", *result.columns, "total"], result.as_dict())
    return EXIT_OK


def cmd_cooccurrence(args: argparse.Namespace) -> int:
    from toc_studio.coding import codebook
    from toc_studio.coding.analysis.cooccurrence import cooccurrence
    from toc_studio.coding.scope import Scope

    with store(args) as session:
        project = get_project(session, args.project)
        code = codebook.get_code_by_path(session, project, args.code)
        found = cooccurrence(
            session, project, code, with_subcodes=args.subcodes,
            within_chars=args.within_chars, within_turns=args.within_turns,
            scope=Scope(kinds=args.kind, coders=args.coder),
        )  # fmt: skip
    rows = [r.as_dict() for r in found]
    columns = ["code", "pairs", "codings", "with_codings", "documents"]
    emit_rows(args, rows, columns, {"code": args.code, "cooccurrence": rows})
    return EXIT_OK


def cmd_frequency(args: argparse.Namespace) -> int:
    from toc_studio.coding import codebook
    from toc_studio.coding.analysis import words

    with store(args) as session:
        project = get_project(session, args.project)
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
        emit_rows(args, rows, columns, {"keyword": args.kwic, "lines": rows})
        return EXIT_OK
    counts = words.word_frequency(
        (t for _, _, t in sources), top=args.top, lemmas=lemmas, stop_words=args.stop_words
    )
    rows = [c.as_dict() for c in counts]
    emit_rows(args, rows, ["word", "count", "texts"], {"words": rows})
    return EXIT_OK


def cmd_agreement(args: argparse.Namespace) -> int:
    from toc_studio.coding.analysis import agreement
    from toc_studio.ingest import documents

    with store(args) as session:
        project = get_project(session, args.project)
        titles = split_list(args.documents)
        doc_ids = [documents.get_document(session, project, t).id for t in titles]
        found = agreement.agreement(
            session, project, split_list(args.coders), documents=doc_ids or None, unit=args.unit
        )
    rows = [r.as_dict() for r in found]
    for row in rows:
        row["coders"] = ", ".join(row["coders"])
    columns = ["code", "coders", "unit", "units", "percent_agreement", "kappa", "alpha"]
    emit_rows(args, rows, columns, {"agreement": [r.as_dict() for r in found]})
    return EXIT_OK

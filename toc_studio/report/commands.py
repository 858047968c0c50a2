"""``toc-studio report``, ``export`` and ``import``: Word reports, tables, REFI-QDA."""

from __future__ import annotations

import argparse
from pathlib import Path

from toc_studio.cli.common import (
    EXIT_OK,
    CommandError,
    Commands,
    emit_json,
    get_project,
    passphrase_option,
    read_passphrases,
    split_list,
    store,
)


def register(cli: Commands) -> None:
    """Add ``report``, ``export`` and ``import``."""
    report = cli.group("report", metavar="FORMAT")
    p = report.command("docx", cmd_report_docx, "a Word (.docx) report")
    p.add_argument("output", metavar="OUT.docx")
    p.add_argument("--project", required=True)
    p.add_argument("--version", help="Theory of Change version (default: newest frozen)")
    p.add_argument("--template", help="use the report choices saved under this name")
    p.add_argument("--sections", help="comma-separated: title,methods,toc,findings,...")
    p.add_argument("--quotes", type=int, help="quotes per theme")
    p.add_argument("--groups", help="only quotes from these groups' participants")
    p.add_argument(
        "--pick",
        metavar="IDS",
        help="coding ids to quote first (see the quote bank's 'Coding id' column)",
    )
    p.add_argument("--save-template", metavar="NAME", help="save these choices for next time")
    p.add_argument(
        "--paper",
        choices=("a4", "letter"),
        help="paper size (default: Letter where the locale uses it, else A4)",
    )
    p.add_argument(
        "--summaries",
        action="store_true",
        help="the framework matrix as the written summaries instead of counts",
    )
    p.add_argument(
        "--reidentify",
        action="store_true",
        help="put real names back in quotes (an owner's passphrase for the key; audited)",
    )
    passphrase_option(p)
    p.add_argument("--json", action="store_true")
    register_export(cli)
    register_import(cli)


def register_export(cli: Commands) -> None:
    """Add ``export qdpx|qdc|csv|xlsx``."""
    export = cli.group("export", metavar="FORMAT")
    for fmt, text in (
        ("qdpx", "REFI-QDA project for NVivo, ATLAS.ti, MAXQDA, QualCoder"),
        ("qdc", "the codebook alone as a REFI-QDA codebook"),
        ("csv", "the quote bank or the framework matrix as CSV"),
        ("xlsx", "the quote bank and the framework matrix as an Excel workbook"),
    ):
        p = export.command(fmt, cmd_export, text)
        p.add_argument("output", metavar=f"OUT.{fmt}")
        p.add_argument("--project", required=True)
        if fmt in ("csv", "xlsx"):
            p.add_argument("--groups", help="only excerpts of these groups' participants")
            p.add_argument(
                "--by", default="group", help="matrix columns: group, participant or attribute:NAME"
            )
            p.add_argument(
                "--bins",
                metavar="N|EDGES",
                help="with --by attribute:NAME of a number: N ranges, or edges e.g. 0,6,12",
            )
        if fmt == "csv":
            p.add_argument("--table", choices=("quotes", "matrix"), default="quotes")
        p.add_argument("--json", action="store_true")
        p.set_defaults(format=fmt)


def register_import(cli: Commands) -> None:
    """Add ``import qdpx``."""
    imp = cli.group("import", metavar="FORMAT")
    p = imp.command(
        "qdpx",
        cmd_import_qdpx,
        "a REFI-QDA project (.qdpx, .qde) or codebook (.qdc) as a new project",
        description="Import in one transaction: a file that fails imports nothing. Prints "
        "what was imported, the offset convention found, and every warning.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--project", help="name of the new project (default: the file's)")
    p.add_argument(
        "--group-from-variable",
        metavar="NAME",
        help="the case variable that gives each participant's group (default: TOC Studio's "
        "own, else a variable whose values are the project's group names)",
    )
    p.add_argument("--json", action="store_true")


def cmd_report_docx(args: argparse.Namespace) -> int:
    from toc_studio.report.docx_report import build_report
    from toc_studio.report.templates import ReportChoices, load_template, save_template

    output = Path(args.output)
    if output.suffix.lower() != ".docx":
        raise CommandError(f"Write the report to a .docx file, not {output.name!r}.")
    output.parent.mkdir(parents=True, exist_ok=True)
    with store(args) as session:
        project = get_project(session, args.project)
        choices = load_template(session, project, args.template) if args.template else None
        choices = choices or ReportChoices()
        if args.version:
            choices.version = args.version
        if args.sections:
            choices.sections = split_list(args.sections)
        if args.quotes is not None:
            choices.quotes_per_theme = args.quotes
        if args.summaries:
            choices.matrix_summaries = True
        if args.paper:
            choices.paper = args.paper
        if args.groups:
            choices.groups = split_list(args.groups)
        if args.pick:
            try:
                choices.picked = [int(v) for v in split_list(args.pick)]
            except ValueError as exc:
                raise CommandError("--pick takes coding ids separated by commas.") from exc
            choices.quote_order = "picked"
        choices.check()
        passphrase = read_passphrases(args, ("current",))[0] if args.reidentify else None
        summary = build_report(session, project, output, choices, reidentify_with=passphrase)
        if args.save_template:
            save_template(session, project, args.save_template, choices)
    if args.json:
        emit_json({"output": str(output), **summary.__dict__})
        return EXIT_OK
    from toc_studio.coding.analysis.wording import count

    print(
        f"Wrote {output}: {count(len(summary.sections), 'section')}, "
        f"{count(summary.tables, 'table')}, {count(summary.quotes, 'quote')}, "
        f"{count(summary.pictures, 'picture')}."
    )
    for note in summary.notes:
        print(f"  note: {note}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from toc_studio.report import spreadsheets as tables

    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with store(args) as session:
        project = get_project(session, args.project)
        if args.format == "qdpx":
            from toc_studio.report.refi.export import export_qdpx  # lxml, networkx: qdpx only

            summary = export_qdpx(session, project, output).__dict__
        elif args.format == "qdc":  # the codebook's own exporter (toc-studio codebook export)
            from toc_studio.coding.codebook import list_codes
            from toc_studio.coding.transfer import export_codebook_qdc

            output.write_bytes(export_codebook_qdc(session, project))
            summary = {"codes": len(list_codes(session, project))}
        else:
            quotes = tables.quote_bank(session, project, split_list(args.groups))
            matrix = tables.matrix_table(session, project, by=args.by, bins=args.bins)
            if args.format == "xlsx":
                tables.write_xlsx([quotes, matrix], output)
            else:
                tables.write_csv(quotes if args.table == "quotes" else matrix, output)
            summary = {"quotes": len(quotes.rows), "matrix rows": len(matrix.rows)}
    if args.json:
        emit_json({"output": str(output), **summary})
    else:
        counts = ", ".join(f"{v} {k}" for k, v in summary.items())
        print(f"Wrote {output} ({counts}).")
    return EXIT_OK


def cmd_import_qdpx(args: argparse.Namespace) -> int:
    from toc_studio.report.refi.importer import import_refi

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"There is no file {str(path)!r}.")
    with store(args) as session:
        result = import_refi(
            session, path, project_name=args.project, group_variable=args.group_from_variable
        )
    if args.json:
        emit_json(result.as_dict())
        return EXIT_OK
    from toc_studio.report.refi.mapping import mapping_lines

    print(f"Imported {path.name} as project {result.project!r}:")
    for name, count in result.counts.items():
        print(f"  {count} {name}")
    for convention, sources in result.offset_conventions.items():
        print(f"  offsets: {convention} in {sources} source(s)")
    for line in mapping_lines(result.mapping):
        print(f"  {line}")
    if result.warnings:
        print(f"{len(result.warnings)} warning(s):")
        for warning in result.warnings:
            print(f"  - {warning}")
    return EXIT_OK

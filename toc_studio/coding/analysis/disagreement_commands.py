"""``toc-studio query disagreements`` and ``toc-studio resolve``: walk through the
disagreements between coders and settle them (keep one version, keep both, merge).

Each disagreement is named by a reference ``DOCUMENT_ID:CODE_ID:START-END`` (the span of
its cluster of codings), which the listing prints and ``resolve`` takes.
"""

from __future__ import annotations

import argparse
import re

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

_REF = re.compile(r"^(\d+):(\d+):(\d+)-(\d+)$")


def register(cli: Commands) -> None:
    """Add ``query disagreements`` (to the query sub-commands) and ``resolve``."""
    query = cli.group("query", metavar="QUERY")
    p = query.command(
        "disagreements", cmd_disagreements, "where coders differ, to walk through",
        description="List the unresolved disagreements between coders: per document and "
        "code, clusters of overlapping codings where the coders did not code the same "
        "characters. Settle each with `toc-studio resolve`.",
    )  # fmt: skip
    p.add_argument("--project", required=True)
    p.add_argument(
        "--coders", help="two or more coders, comma-separated (default: every coder who coded)"
    )
    p.add_argument("--documents", help="document titles, comma-separated (default: shared)")
    p.add_argument("--code", help="only this code (a path, e.g. Mentee/Outcomes/Hope)")
    output_options(p)

    p = cli.command(
        "resolve", cmd_resolve,
        description="Settle a disagreement listed by `toc-studio query disagreements`: keep "
        "one coder's version (the others' codings there become copies of it), keep both "
        "(nothing changes; it is no longer listed) or merge (every coder gets one coding "
        "over the whole span). Undo with `toc-studio undo`.",
    )  # fmt: skip
    p.add_argument("ref", metavar="REF", help="DOCUMENT_ID:CODE_ID:START-END, from the list")
    p.add_argument("--project", required=True)
    p.add_argument("--coders", help="the coders compared when listing (default: every coder)")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--keep", metavar="CODER", help="keep this coder's version")
    how.add_argument("--keep-both", action="store_true", help="keep every version as it is")
    how.add_argument("--merge", action="store_true", help="one coding over the whole span")
    p.add_argument("--json", action="store_true")


def _coders(session, project, value: str | None) -> list[str]:
    """The coders named, or every coder with codings in ``project``."""
    from sqlalchemy import select

    from toc_studio.coding.models import Coding
    from toc_studio.ingest.models import Document
    from toc_studio.project.models import Coder

    if value:
        return split_list(value)
    names = list(
        session.execute(
            select(Coder.name)
            .where(
                Coder.id.in_(
                    select(Coding.coder_id)
                    .join(Document, Document.id == Coding.document_id)
                    .where(Document.project_id == project.id)
                    .distinct()
                )
            )
            .order_by(Coder.name)
        ).scalars()
    )
    if len(names) < 2:
        raise CommandError(f"Project {project.name!r} has fewer than two coders to compare.")
    return names


def ref_of(item) -> str:
    """The reference of a disagreement, as ``resolve`` takes it."""
    return f"{item.document_id}:{item.code_id}:{item.start}-{item.end}"


def _versions(item) -> str:
    return "; ".join(
        f"{v.coder}: " + (", ".join(f"{s}-{e}" for _, s, e in v.codings) or "none")
        for v in item.versions
    )


def cmd_disagreements(args: argparse.Namespace) -> int:
    from toc_studio.coding import codebook
    from toc_studio.coding.analysis import disagreements
    from toc_studio.ingest import documents

    with store(args) as session:
        project = get_project(session, args.project)
        coders = _coders(session, project, args.coders)
        doc_ids = [
            documents.get_document(session, project, t).id for t in split_list(args.documents)
        ]
        code_ids = None
        if args.code:
            code_ids = [codebook.get_code_by_path(session, project, args.code).id]
        found = disagreements.list_disagreements(
            session, project, coders, documents=doc_ids or None, code_ids=code_ids
        )
    rows = [
        {"ref": ref_of(d), **d.as_dict(), "versions": _versions(d)} for d in found
    ]  # fmt: skip
    payload = {
        "coders": coders,
        "disagreements": [{"ref": ref_of(d), **d.as_dict()} for d in found],
    }
    columns = ["ref", "document", "code", "start", "end", "versions", "text"]
    if not args.json and not args.csv and not rows:
        print(f"No disagreements left between {', '.join(coders)}.")
        return EXIT_OK
    emit_rows(args, rows, columns, payload)
    return EXIT_OK


def cmd_resolve(args: argparse.Namespace) -> int:
    from toc_studio.coding.analysis import disagreements

    found = _REF.match(args.ref.strip())
    if found is None:
        raise CommandError(
            f"{args.ref!r} is not a disagreement reference; copy one (DOCUMENT_ID:CODE_ID:"
            "START-END) from `toc-studio query disagreements`."
        )
    doc_id, code_id, start, end = (int(g) for g in found.groups())
    decision = "keep_one" if args.keep else "keep_both" if args.keep_both else "merge"
    with store(args) as session:
        project = get_project(session, args.project)
        coders = _coders(session, project, args.coders)
        item = next(
            (
                d
                for d in disagreements.list_disagreements(
                    session, project, coders, documents=[doc_id], code_ids=[code_id]
                )
                if (d.start, d.end) == (start, end)
            ),
            None,
        )
        if item is None:
            raise CommandError(
                f"There is no open disagreement {args.ref} between {', '.join(coders)}; it may "
                "have been resolved already. List them again."
            )
        undo_id = disagreements.resolve(session, project, item, decision, args.keep)
    if args.json:
        emit_json({"resolved": ref_of(item), "decision": decision, "undo": undo_id})
    else:
        how = {"keep_one": f"kept {args.keep}'s version", "keep_both": "kept both versions",
               "merge": "merged the versions"}[decision]  # fmt: skip
        print(f"Resolved {ref_of(item)} in {item.document!r} for {item.code!r}: {how}.")
    return EXIT_OK

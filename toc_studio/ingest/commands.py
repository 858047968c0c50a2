"""``toc-studio ingest``: import transcripts into a project from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from toc_studio.cli.common import (
    EXIT_ERROR,
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
    """Add ``ingest`` and ``names``."""
    p = cli.command(
        "ingest",
        cmd_ingest,
        description="Import files into a project: speaker turns, participants, sentences; "
        "names are pseudonymised unless --no-pseudonymise. Exit code 1 when any file failed.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--project", required=True, help="the project's name")
    p.add_argument("--group", help="stakeholder group for new participants")
    p.add_argument("--kind", help="document kind (interview, workshop, focus_group, survey...)")
    p.add_argument("--no-pseudonymise", action="store_true", help="store the text as it is")
    p.add_argument("--no-ner", action="store_true", help="pseudonymise with rules only")
    p.add_argument(
        "--term",
        action="append",
        default=[],
        metavar="NAME[=KIND]",
        help="a name to replace (kind: person, place, organisation); repeatable",
    )
    p.add_argument("--replace", action="store_true", help="replace documents with the same content")
    p.add_argument("--max-mb", type=float, default=None, help="largest file accepted (MB)")
    p.add_argument("--id-column", help="survey: the respondent id column")
    p.add_argument("--text-columns", help="survey: open-ended columns, comma-separated")
    p.add_argument("--attribute-columns", help="survey: attribute columns, comma-separated")
    p.add_argument("--json", action="store_true")

    names = cli.group("names")
    p = names.command("add", cmd_names_add, "add a name to replace in future imports")
    p.add_argument("--project", required=True)
    p.add_argument("name")
    p.add_argument("--kind", default="person", choices=["person", "place", "organisation"])
    p = names.command(
        "list", cmd_names_list, "the names the project replaces (sealed: the passphrase shows them)"
    )
    p.add_argument("--project", required=True)
    passphrase_option(p)
    p.add_argument("--sealed", action="store_true", help="only count them (no passphrase)")
    p.add_argument("--json", action="store_true")
    p = names.command(
        "keep", cmd_names_keep, "words never to replace (technical words, products); no word: list"
    )
    p.add_argument("--project", required=True)
    p.add_argument("words", nargs="*", metavar="WORD")
    p.add_argument("--remove", action="store_true", help="replace these words again")
    p.add_argument("--json", action="store_true")
    p = names.command(
        "places", cmd_names_places, "replace places and organisations NER finds (default) or keep"
    )
    p.add_argument("--project", required=True)
    p.add_argument("policy", nargs="?", choices=["replace", "keep"])
    p = names.command(
        "key",
        cmd_names_key,
        "placeholder -> original, opened with an owner's passphrase (audited); a lost "
        "passphrase loses the key",
    )
    p.add_argument("--project", required=True)
    passphrase_option(p)
    p.add_argument("--json", action="store_true")
    phrases = names.group(
        "passphrase", "the owners' passphrases that open the key", metavar="ACTION"
    )
    for action, handler, text in (
        ("set", cmd_passphrase_set, "the key's first owner passphrase (one line on stdin)"),
        ("add", cmd_passphrase_add, "another owner's passphrase (stdin: a current one, the new)"),
        ("change", cmd_passphrase_change, "change yours (stdin: the current one, the new one)"),
        ("remove", cmd_passphrase_remove, "forget one (stdin: it); the last one stays"),
    ):
        p = phrases.command(action, handler, text)
        p.add_argument("--project", required=True)
        passphrase_option(p)


def cmd_ingest(args: argparse.Namespace) -> int:
    from toc_studio.ingest.commit import FileOutcome, import_batch
    from toc_studio.ingest.pipeline import DEFAULT_MAX_MB, ImportOptions, Upload
    from toc_studio.ingest.readers.survey import SurveyColumns
    from toc_studio.project import projects

    columns = None
    if args.text_columns:
        if not args.id_column:
            raise CommandError("--text-columns needs --id-column (the respondent id).")
        columns = SurveyColumns(
            args.id_column, split_list(args.text_columns), split_list(args.attribute_columns)
        )
    terms = []
    for term in args.term:
        name, _, kind = term.partition("=")
        terms.append((name.strip(), kind.strip() or "person"))
    max_mb = args.max_mb if args.max_mb is not None else DEFAULT_MAX_MB
    uploads, missing = [], []
    for path in map(Path, args.files):
        if not path.is_file():
            missing.append(FileOutcome(path.name, "failed", error=f"{path} is not a file."))
        elif path.stat().st_size > max_mb * 1_000_000:
            # Refused by its size, without reading it into memory.
            uploads.append(Upload(path.name, b"", size=path.stat().st_size))
        else:
            uploads.append(Upload(path.name, path.read_bytes(), columns))
    options = ImportOptions(
        pseudonymise=not args.no_pseudonymise,
        ner=False if args.no_ner else None,
        group=args.group,
        kind=args.kind,
        max_mb=max_mb,
        extra_terms=tuple(terms),
    )
    with store(args) as session:
        project = get_project(session, args.project)
        if args.group:
            projects.get_group(session, project, args.group)
        outcomes = import_batch(session, project, uploads, options, replace_existing=args.replace)
    outcomes = missing + outcomes
    failed = any(o.status == "failed" for o in outcomes)
    if args.json:
        emit_json({"project": args.project, "files": [o.as_dict() for o in outcomes]})
    else:
        for o in outcomes:
            _print(o)
    return EXIT_ERROR if failed else EXIT_OK


def _print(outcome) -> None:
    if outcome.status == "failed":
        print(f"FAILED   {outcome.name}: {outcome.error}")
    elif outcome.status == "skipped":
        print(f"skipped  {outcome.name}: same content already imported (use --replace)")
    for d in outcome.documents:
        print(
            f"{outcome.status:<8} {outcome.name} -> document {d.id} {d.title!r}: {d.turns} turns, "
            f"speakers {', '.join(d.speakers) or '-'}, {d.replacements} replacement(s)"
            + (f", {d.codings_moved} coding(s) re-anchored" if d.codings_moved else "")
        )
    for warning in outcome.warnings:
        print(f"         warning: {warning}")


def cmd_names_add(args: argparse.Namespace) -> int:
    from toc_studio.ingest import keystore

    with store(args) as session:
        project = get_project(session, args.project)
        added = keystore.add_term(session, project, args.name, args.kind)
    print(f"Added {args.name!r} ({args.kind})." if added else f"{args.name!r} was already listed.")
    return EXIT_OK


def cmd_names_list(args: argparse.Namespace) -> int:
    from toc_studio.ingest import keystore

    with store(args) as session:
        project = get_project(session, args.project)
        if args.sealed:
            counts = keystore.count_terms(session, project)
        else:
            [passphrase] = read_passphrases(args, ("current",))
            terms = keystore.list_terms(session, project, passphrase)
    if args.sealed:
        if args.json:
            emit_json({"sealed": counts})
        else:
            for kind, n in sorted(counts.items()):
                print(f"{kind:<13} {n} name(s), sealed")
    elif args.json:
        emit_json({"names": [{"name": t, "kind": k} for t, k in terms]})
    else:
        for term, kind in terms:
            print(f"{kind:<13} {term}")
    return EXIT_OK


def cmd_names_keep(args: argparse.Namespace) -> int:
    from toc_studio.ingest import keystore

    with store(args) as session:
        project = get_project(session, args.project)
        for word in args.words:
            if args.remove:
                keystore.unkeep_word(session, project, word)
                print(f"{word!r} will be replaced again when it is a name.")
            elif keystore.keep_word(session, project, word):
                print(f"{word!r} will not be replaced in future imports.")
            else:
                print(f"{word!r} was already kept.")
        kept = keystore.kept_words(session, project) if not args.words else []
    if args.json:
        emit_json({"keep": kept})
    else:
        for word in kept:
            print(word)
    return EXIT_OK


def cmd_names_places(args: argparse.Namespace) -> int:
    from toc_studio.ingest import keystore

    with store(args) as session:
        project = get_project(session, args.project)
        if args.policy:
            keystore.set_places_policy(session, project, args.policy)
        policy = keystore.places_policy(session, project)
    print(
        "Places and organisations found by NER are replaced."
        if policy == "replace"
        else "Only listed places and organisations are replaced."
    )
    return EXIT_OK


def cmd_names_key(args: argparse.Namespace) -> int:
    from toc_studio.ingest import keystore

    with store(args) as session:
        project = get_project(session, args.project)
        [passphrase] = read_passphrases(args, ("current",))
        rows = keystore.read_key(session, project, passphrase)
    if args.json:
        emit_json({"key": [row.__dict__ for row in rows]})
    else:
        for row in rows:
            print(f"{row.placeholder:<22} {row.original}  ({row.source})")
    return EXIT_OK


def cmd_passphrase_set(args: argparse.Namespace) -> int:
    from toc_studio.ingest import vault

    [new] = read_passphrases(args, ("new",))
    with store(args) as session:
        vault.set_first_passphrase(session, get_project(session, args.project), new)
    print(
        "The key now opens with this passphrase only. Keep it safe: if every owner's "
        "passphrase is lost, nobody can read the key again."
    )
    return EXIT_OK


def cmd_passphrase_add(args: argparse.Namespace) -> int:
    from toc_studio.ingest import vault

    current, new = read_passphrases(args, ("current", "new"))
    with store(args) as session:
        vault.add_passphrase(session, get_project(session, args.project), current, new)
    print("Added: the key also opens with the new passphrase.")
    return EXIT_OK


def cmd_passphrase_change(args: argparse.Namespace) -> int:
    from toc_studio.ingest import vault

    current, new = read_passphrases(args, ("current", "new"))
    with store(args) as session:
        vault.change_passphrase(session, get_project(session, args.project), current, new)
    print("Changed: the old passphrase no longer opens the key.")
    return EXIT_OK


def cmd_passphrase_remove(args: argparse.Namespace) -> int:
    from toc_studio.ingest import vault

    [current] = read_passphrases(args, ("current",))
    with store(args) as session:
        vault.remove_passphrase(session, get_project(session, args.project), current)
    print("Removed: that passphrase no longer opens the key.")
    return EXIT_OK

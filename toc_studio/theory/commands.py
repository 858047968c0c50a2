"""``toc-studio toc ...``: build, freeze, list, compare and draw Theory of Change versions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from toc_studio.cli.common import CommandError, Commands, emit_json, get_project, store


def register(cli: Commands) -> None:
    """Add ``toc`` and its actions."""
    toc = cli.group("toc")

    def parser(name: str, help_text: str, handler) -> argparse.ArgumentParser:
        p = toc.command(name, handler, help_text)
        p.add_argument("--project", required=True, help="project name")
        return p

    p = parser("build", "assemble a version from the coded evidence", cmd_build)
    p.add_argument("--version", default="working", help="version name (default: working)")
    p.add_argument("--level", type=int, help="roll sub-themes up to this code-tree depth")
    p.add_argument("--json", action="store_true", help="print the stable JSON form")
    p = parser("freeze", "freeze the working version under a name", cmd_freeze)
    p.add_argument("--name", required=True, help='e.g. "Draft 1"')
    p.add_argument("--note", default="", help="what this version is and why it changed")
    p = parser("versions", "list the versions", cmd_versions)
    p.add_argument("--json", action="store_true")
    p = parser("diff", "what changed between two versions, and why", cmd_diff)
    p.add_argument("before", help="older version name")
    p.add_argument("after", nargs="?", default="working", help="newer version (default: working)")
    p.add_argument("--json", action="store_true")
    p = parser("image", "draw a version as PNG, SVG or an interactive HTML page", cmd_image)
    p.add_argument("--version", default="working")
    p.add_argument("--output", "-o", required=True, help="file to write: .png, .svg or .html")
    p.add_argument("--presentation", action="store_true", help="large text (HTML only)")
    p = parser("table", "the table view: one row per branch", cmd_table)
    p.add_argument("--version", default="working")
    p.add_argument("--json", action="store_true")


def _version(session, args):
    from toc_studio.theory import versions

    project = get_project(session, args.project)
    return project, versions.get_version(session, project, getattr(args, "version", "working"))


def cmd_build(args: argparse.Namespace) -> int:
    from toc_studio.coding.analysis.wording import count
    from toc_studio.theory import export_json, versions
    from toc_studio.theory.assemble import assemble

    with store(args) as session:
        project, version = _version(session, args)
        if args.level is not None and not version.frozen:
            graph = assemble(session, project, version, level=args.level)
            document = export_json.to_dict(graph, versions.edit_log(session, version))
            document["note"] = version.note
        else:
            document = versions.version_document(session, project, version)
    if args.json:
        sys.stdout.write(export_json.dumps(document))
        return 0
    state = "frozen" if version.frozen else "working"
    print(f"{document['project']} - {document['version']} ({state})")
    for node in document["nodes"]:
        if node["category"] == "domain":
            continue
        e = node["evidence"]
        flags = [f for f, on in (("hand-made", node["hand_made"]), ("thin", node["thin"])) if on]
        people = (
            f"{e['participants']} of {e['of']} participants"
            if e.get("of")
            else count(e["participants"], "participant")
        )
        print(
            f"  {node['category']:<9} {node['branch']:<10} {node['label']}: "
            f"{count(e.get('passages', e['codings']), 'passage')}; {people}; "
            f"{count(e['documents'], 'document')}"
            + (f" [{', '.join(flags)}]" if flags else "")
        )
    links = [e for e in document["edges"] if e["kind"] != "structure"]
    print(
        f"  {len(document['nodes'])} nodes, {len(document['edges'])} links "
        f"({len(links)} drawn by the team)"
    )
    return 0


def cmd_freeze(args: argparse.Namespace) -> int:
    from toc_studio.theory import versions

    with store(args) as session:
        project = get_project(session, args.project)
        frozen, working = versions.freeze(session, project, args.name, args.note)
        names = frozen.name, working.name
    print(f"Froze {names[0]!r}; the team goes on in {names[1]!r}.")
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    from toc_studio.theory import versions

    with store(args) as session:
        project = get_project(session, args.project)
        rows = [
            {
                "name": v.name,
                "state": "frozen" if v.frozen else "working",
                "created": v.created.isoformat(timespec="seconds"),
                "frozen_at": v.frozen_at.isoformat(timespec="seconds") if v.frozen_at else None,
                "note": v.note,
                "edits": len(versions.edit_log(session, v)),
            }
            for v in versions.list_versions(session, project)
        ]
    if args.json:
        emit_json({"project": args.project, "versions": rows})
        return 0
    for r in rows:
        when = (r["frozen_at"] or r["created"])[:10]
        print(f"{r['name']:<28} {r['state']:<8} {when}  {r['edits']} edit(s)  {r['note']}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from toc_studio.theory import diff, versions

    with store(args) as session:
        project = get_project(session, args.project)
        before = versions.get_version(session, project, args.before)
        after = versions.get_version(session, project, args.after)
        result = diff.diff_versions(session, project, before, after)
    if args.json:
        emit_json(result.as_dict())
    else:
        print("\n".join(result.lines()))
    return 0


def cmd_image(args: argparse.Namespace) -> int:
    from toc_studio.theory import evidence, versions
    from toc_studio.theory.picture import html as render_html
    from toc_studio.theory.picture import image as render_image

    output = Path(args.output)
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "html"):
        raise CommandError(f"Write the diagram to a .png, .svg or .html file, not {output.name!r}.")
    with store(args) as session:
        project, version = _version(session, args)
        graph = versions.version_graph(session, project, version)
        if fmt == "html":
            quotes = evidence.hover_quotes(session, project.id, graph)
            data = render_html.version_html(graph, quotes, presentation=args.presentation).encode(
                "utf-8"
            )
        else:
            data = render_image.draw(graph, fmt)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    print(f"Wrote {output} ({len(data)} bytes).")
    return 0


def cmd_table(args: argparse.Namespace) -> int:
    from toc_studio.coding.analysis.strength import thresholds
    from toc_studio.theory import table, versions

    with store(args) as session:
        project, version = _version(session, args)
        limits = thresholds(session, project.id)
        rows = table.table_rows(versions.version_graph(session, project, version), limits)
    if args.json:
        emit_json({"rows": rows})
        return 0
    for row in rows:
        print(f"== {row['Branch']} ==")
        for column in table.COLUMNS:
            if row[column]:
                print(f"  {column}:")
                for line in row[column].split("\n"):
                    print(f"    {line}")
    return 0

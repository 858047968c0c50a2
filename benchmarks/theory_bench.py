"""Theory of Change at scale: assembly from a 1-million-coding project, then the pictures
of a ~300-element version (interactive page, PNG, SVG).

    .venv/bin/python benchmarks/theory_bench.py                # full size: 1,000,000 codings
    .venv/bin/python benchmarks/theory_bench.py --scale 0.1    # 100,000 codings
    .venv/bin/python benchmarks/theory_bench.py --db postgresql://...  # another store
    .venv/bin/python benchmarks/theory_bench.py --double 0.2   # a fifth of it double-coded
    .venv/bin/python benchmarks/theory_bench.py --evidence-only --check  # assembly only,
        # then the evidence counted exactly as before the tally (timed) and compared

The project is bulk-inserted by its own generator (2,000 documents of 100 speaker turns,
one in ten a workshop with five speakers, 2,000 participants in four groups, a codebook
with ~300 categorised leaf codes); with --double, that share of the documents is coded
again by a second coder, each coding shifted by three characters, so each pair is one
passage of two codings. The store is kept in benchmarks/.cache/ between runs
(pass --fresh to rebuild it; an older one is migrated, which fills its evidence tally).
The first assembly of the process is reported on its own (cold: a new process, imports
included), with its CPU time and the load average; the other figures are medians of
--repeat runs.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import time
from pathlib import Path

from sqlalchemy import select

GROUPS = ("Mentor", "Mentee", "Carer", "Staff")
DOMAINS = ("Personal", "Mental health and recovery", "Social", "Practical")
PROJECT = "Theory benchmark"
TURN_CHARS, TURNS = 200, 100
CACHE = Path(__file__).resolve().parent / ".cache"


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def server_cpu(session):
    """``server()``: the CPU seconds a local PostgreSQL server (its postmaster and every
    process under it, from /proc) has used so far; ``server(since, runs)``: the text
    ", server CPU x s" per run since then. SQLite: nothing (the query runs in-process)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return lambda since=None, runs=1: "" if since is not None else 0.0
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.hand_insert import server_cpu_seconds

    def used() -> float:
        return server_cpu_seconds(session)

    def server(since=None, runs=1):
        if since is None:
            return used()
        return f", server CPU {(used() - since) / runs:.2f} s"

    return server


def build(session, codings_total: int, seed: int = 7, double: float = 0.0) -> None:
    """Bulk-insert the benchmark project through the tables (no per-row services). With
    ``double``, that share of the documents is coded again by a second coder, each coding
    shifted by three characters (so the two coders' codings form one passage)."""
    from toc_studio.coding import codebook
    from toc_studio.coding.analysis import tally
    from toc_studio.coding.models import Coding
    from toc_studio.coding.speakers import speaker_lookup
    from toc_studio.ingest.models import Document, Turn
    from toc_studio.project import projects
    from toc_studio.project.models import Participant

    rng = random.Random(seed)
    project = projects.create_project(session, PROJECT, list(GROUPS))
    groups = {g.name: g.id for g in projects.list_groups(session, project)}
    coder = projects.get_or_create_coder(session, "Bench coder")
    second = projects.get_or_create_coder(session, "Bench coder 2") if double else None
    documents = max(20, codings_total // 500)
    people = [
        {"project_id": project.id, "label": f"P{i:05d}", "group_id": groups[GROUPS[i % 4]]}
        for i in range(documents)
    ]
    session.execute(Participant.__table__.insert(), people)
    person_ids = list(
        session.execute(
            select(Participant.id).where(Participant.project_id == project.id)
        ).scalars()
    )
    leaves = []
    for path, n, fields in [
        ("Resources", 20, {"category": "resource"}),
        ("Activities", 40, {"category": "activity"}),
    ]:
        parent, _ = codebook.ensure_code_path(session, project, path, **fields)
        for i in range(n):
            leaves.append(
                codebook.create_code(session, project, f"{path} {i}", parent=parent, **fields)
            )
    for group in GROUPS:
        for kind, category in (("Enablers", "enabler"), ("Challenges", "challenge")):
            parent, _ = codebook.ensure_code_path(
                session, project, f"{group}/{kind}", category=category, branch=group
            )
            for i in range(15):
                leaves.append(
                    codebook.create_code(
                        session,
                        project,
                        f"{group} {kind.lower()} {i}",
                        parent=parent,
                        category=category,
                        branch=group,
                    )
                )
        for domain in DOMAINS:
            parent, _ = codebook.ensure_code_path(
                session,
                project,
                f"{group}/Outcomes/{domain}",
                category="outcome",
                branch=group,
                domain=domain,
            )
            for i in range(7):
                leaves.append(
                    codebook.create_code(
                        session,
                        project,
                        f"{group} {domain} {i}",
                        parent=parent,
                        category="outcome",
                        branch=group,
                        domain=domain,
                    )
                )
    text = ("word " * (TURN_CHARS // 5)) * TURNS
    session.execute(
        Document.__table__.insert(),
        [
            {
                "project_id": project.id,
                "title": f"Interview {d:05d}",
                "kind": "interview",
                "original_filename": "",
                "sha256": "",
                "encoding": "utf-8",
                "text": text,
                "created": project.created,
            }
            for d in range(documents)
        ],
    )
    doc_ids = list(
        session.execute(select(Document.id).where(Document.project_id == project.id)).scalars()
    )
    turns = []
    for index, doc_id in enumerate(doc_ids):
        speakers = (
            [person_ids[(index + k) % len(person_ids)] for k in range(5)]
            if index % 10 == 0
            else [person_ids[index % len(person_ids)]]
        )
        for t in range(TURNS):
            interviewer = t % 2 == 0
            turns.append(
                {
                    "document_id": doc_id,
                    "start": t * TURN_CHARS,
                    "end": (t + 1) * TURN_CHARS - 2,
                    "speaker_label": "Interviewer" if interviewer else "Speaker",
                    "participant_id": None if interviewer else speakers[(t // 2) % len(speakers)],
                    "timestamp": None,
                    "is_interviewer": interviewer,
                }
            )
    session.execute(Turn.__table__.insert(), turns)
    speaker = speaker_lookup(session, doc_ids)  # each coding's stored speaker, by the rule
    per_doc = codings_total // len(doc_ids)
    batch = []
    doubled = set(doc_ids[:: round(1 / double)]) if double else set()
    for doc_id in doc_ids:
        for k in range(per_doc):
            start = (k * 37 + doc_id) % (TURN_CHARS * TURNS - 40)  # distinct within a document
            code_id = rng.choice(leaves).id
            for who, shift in [(coder, 0)] + ([(second, 3)] if doc_id in doubled else []):
                begin, end = start + shift, start + shift + 20 + k % 20
                batch.append(
                    {
                        "document_id": doc_id,
                        "code_id": code_id,
                        "coder_id": who.id,
                        "start": begin,
                        "end": end,
                        "text": "word word word word",
                        "created": project.created,
                        "participant_id": speaker(doc_id, begin, end),
                    }
                )
        if len(batch) >= 50_000:
            session.execute(Coding.__table__.insert(), batch)
            batch = []
    if batch:
        session.execute(Coding.__table__.insert(), batch)
    started = time.perf_counter()
    refreshed = tally.refresh_session(session)  # as a bulk import leaves it: counted
    print(f"evidence tally counted: {refreshed:,} pairs in {time.perf_counter() - started:.1f} s")
    session.commit()


def check_exact(session, project, version, graph) -> None:
    """The evidence counted the way it was before the tally (passages formed from the
    codings at every assembly), timed, and compared with the tally's: identical or fail."""
    from unittest import mock

    from toc_studio.coding.analysis import passage_counts
    from toc_studio.theory.assemble import assemble

    def exact(session, rows, group_ids):
        return passage_counts.by_group(session, project.id, rows, group_ids)

    started, cpu = time.perf_counter(), time.process_time()
    with mock.patch("toc_studio.theory.evidence.tally.by_group", exact):
        counted = assemble(session, project, version)
    print(
        f"same, counted exactly as before the tally: {time.perf_counter() - started:.2f} s "
        f"(CPU {time.process_time() - cpu:.2f} s)"
    )
    mine = {n: a["evidence"].as_dict() for n, a in graph.nodes(data=True)}
    theirs = {n: a["evidence"].as_dict() for n, a in counted.nodes(data=True)}
    assert mine == theirs, "the tally's evidence differs from the exact count"
    print(f"identical evidence for all {len(mine)} nodes")


def demo_figures(repeat: int) -> None:
    """The same steps on the demo project (173 codings): a typical small evaluation."""
    import tempfile

    from sqlmodel import Session

    from toc_studio import db
    from toc_studio.demo import load_demo
    from toc_studio.theory import evidence, versions
    from toc_studio.theory.assemble import assemble
    from toc_studio.theory.picture import html as render_html
    from toc_studio.theory.picture import image as render_image

    with tempfile.TemporaryDirectory() as folder:
        engine = db.make_engine(f"sqlite:///{folder}/demo.db")
        db.init_db(engine)
        with Session(engine, expire_on_commit=False) as session:
            project = load_demo(session)
            session.commit()
            version = versions.working_version(session, project)
            t, graph = timed(lambda: assemble(session, project, version), repeat)
            print(
                f"demo assembly, counted in SQL: {t * 1000:.0f} ms "
                f"({graph.number_of_nodes()} nodes)"
            )
            quotes = evidence.hover_quotes(session, project.id, graph)
        engine.dispose()
    render_html.version_html(graph, quotes)
    t, _ = timed(lambda: render_html.version_html(graph, quotes), repeat)
    print(f"demo HTML page: {t * 1000:.0f} ms")
    render_image.draw(graph)
    t, _ = timed(lambda: render_image.draw(graph), repeat)
    print(f"demo PNG: {t * 1000:.0f} ms")


def picture_figures(graph, repeat: int) -> None:
    """The static picture: PNG (at its default 100 dpi and as the report's 150-dpi
    landscape pages) and SVG. The first call also loads Pillow and the fonts."""
    from PIL import Image

    from toc_studio.theory.picture import image as render_image

    t, png = timed(lambda: render_image.draw(graph, "png"), 1)
    print(f"PNG, first call (imports, fonts): {t * 1000:.0f} ms")
    t, png = timed(lambda: render_image.draw(graph, "png"), repeat)
    size = Image.open(io.BytesIO(png)).size
    print(f"PNG: {t * 1000:.0f} ms ({size[0]} x {size[1]} px, {len(png) / 1e6:.1f} MB)")
    # a landscape Letter page (8.5 x 6.5 in inside the margins) under a caption, the first
    # also under the heading, as report/toc_section.py asks for
    ratio, first = 6.0 / 8.5, 4.9 / 8.5
    t, pages = timed(lambda: render_image.draw_pages(graph, ratio, 150, first), repeat)
    print(f"PNG pages for the report, 150 dpi: {t * 1000:.0f} ms ({len(pages)} pictures)")
    t, svg = timed(lambda: render_image.draw(graph, "svg"), repeat)
    print(f"SVG: {t * 1000:.0f} ms ({len(svg) / 1e6:.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 codings")
    parser.add_argument("--db", help="store URL (default: a SQLite file in benchmarks/.cache)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="rebuild the store")
    parser.add_argument(
        "--double", type=float, default=0.0,
        help="share of documents coded again by a second coder (overlapping: passages)",
    )  # fmt: skip
    parser.add_argument("--demo", action="store_true", help="measure the demo project only")
    parser.add_argument(
        "--check", action="store_true",
        help="also count the evidence exactly (every passage formed) and compare",
    )  # fmt: skip
    parser.add_argument(
        "--evidence-only", action="store_true", help="stop after assembly (no quotes, pictures)"
    )
    parser.add_argument(
        "--picture-json", help="time only the static picture of this version (toc build --json)"
    )
    args = parser.parse_args()
    if args.picture_json:
        from toc_studio.theory.export_json import graph_from_dict

        document = json.loads(Path(args.picture_json).read_text(encoding="utf-8"))
        graph = graph_from_dict(document)
        print(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} links")
        picture_figures(graph, args.repeat)
        return

    from sqlalchemy import func
    from sqlmodel import Session

    from toc_studio import db
    from toc_studio.coding.models import Coding
    from toc_studio.project import projects
    from toc_studio.theory import evidence, versions
    from toc_studio.theory.assemble import assemble
    from toc_studio.theory.picture import html as render_html

    if args.demo:
        demo_figures(args.repeat)
        return
    total = int(1_000_000 * args.scale)
    url = args.db
    if url is None:
        CACHE.mkdir(exist_ok=True)
        path = CACHE / (
            f"theory_{total}_d{args.double}.db" if args.double else f"theory_{total}.db"
        )
        if args.fresh and path.exists():
            path.unlink()
        url = f"sqlite:///{path}"
    engine = db.make_engine(url)
    started, cpu = time.perf_counter(), time.process_time()
    db.init_db(engine)  # an older store is migrated (0018 fills the evidence tally)
    print(f"store opened (and migrated) in {time.perf_counter() - started:.1f} s "
          f"(CPU {time.process_time() - cpu:.1f} s)")  # fmt: skip
    with Session(engine, expire_on_commit=False) as session:
        existing = session.execute(select(func.count()).select_from(Coding)).scalar_one()
        if existing < total:
            if existing:
                projects.delete_project(session, projects.get_project(session, PROJECT))
                session.commit()
            started = time.perf_counter()
            build(session, total, double=args.double)
            print(f"generated {total:,} codings in {time.perf_counter() - started:.1f} s")
        project = projects.get_project(session, PROJECT)
        codings = session.execute(select(func.count()).select_from(Coding)).scalar_one()
        version = versions.working_version(session, project)
        session.commit()
        print(f"store: {engine.url.get_backend_name()}, {codings:,} codings")
        print(f"nproc {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")

        def cold(**options):
            return assemble(session, project, version, **options)

        server = server_cpu(session)  # PostgreSQL's CPU (the query runs there), or None
        started, cpu, served = time.perf_counter(), time.process_time(), server()
        cold()
        print(
            f"first assembly in this process (cold): {time.perf_counter() - started:.2f} s "
            f"(CPU of this process {time.process_time() - cpu:.2f} s{server(served)}, "
            f"load {os.getloadavg()[0]:.1f})"
        )
        session.commit()
        cpu, served = time.process_time(), server()
        # the runs share one transaction, as several assemblies in one page run do
        t, graph = timed(cold, args.repeat)
        cpu = (time.process_time() - cpu) / args.repeat
        elements = sum(1 for _, a in graph.nodes(data=True) if a["category"] != "domain")
        print(
            f"assembly, evidence from the tally: {t * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms"
            f"{server(served, args.repeat)} ({elements} elements, "
            f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges; load "
            f"{os.getloadavg()[0]:.1f})"
        )
        t, rolled = timed(lambda: cold(level=2), args.repeat)
        print(f"  rolled up to level 2: {t * 1000:.0f} ms ({rolled.number_of_nodes()} nodes)")
        t, _ = timed(lambda: cold(with_evidence=False), args.repeat)
        print(f"  structure only, no evidence: {t * 1000:.0f} ms")
        if args.check:
            check_exact(session, project, version, graph)
        if args.evidence_only:
            return
        t, quotes = timed(lambda: evidence.hover_quotes(session, project.id, graph), 1)
        print(f"hover quotes for every element: {t * 1000:.0f} ms")
    engine.dispose()

    render_html.version_html(graph, quotes)  # first call loads the fonts
    t, html = timed(lambda: render_html.version_html(graph, quotes), args.repeat)
    print(f"HTML page: {t * 1000:.0f} ms ({len(html) / 1e6:.1f} MB)")
    picture_figures(graph, args.repeat)


if __name__ == "__main__":
    main()

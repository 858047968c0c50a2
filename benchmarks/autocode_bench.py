"""Auto-coding benchmark: suggest every turn of one speaker group for a code, accept them
all (one undo entry), undo, on the coding-store corpus (see coding_corpus.py).

    .venv/bin/python benchmarks/autocode_bench.py --scale 0.1 --backend sqlite
    .venv/bin/python benchmarks/autocode_bench.py --scale 0.1 --backend postgresql
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session  # noqa: E402

from benchmarks.coding_bench import scratch_store  # noqa: E402
from benchmarks.coding_corpus import GROUPS, generate  # noqa: E402
from toc_studio import db  # noqa: E402
from toc_studio.coding import autocode, autocode_rules, undo  # noqa: E402


def run(url: str, scale: float) -> None:
    engine = db.make_engine(url)
    db.init_db(engine)
    with Session(engine, expire_on_commit=False) as session:
        corpus = generate(session, scale)
        session.commit()
        project, code = corpus.project, corpus.target
        began = time.perf_counter()
        found = autocode_rules.suggest(session, project, code, "group", GROUPS[0])
        suggest_s = time.perf_counter() - began
        began = time.perf_counter()
        added, _ = autocode.accept_undoable(session, project, code, found)
        session.commit()
        accept_s = time.perf_counter() - began
        began = time.perf_counter()
        undo.undo(session, project)
        session.commit()
        undo_s = time.perf_counter() - began
    engine.dispose()
    print(f"  {len(corpus.documents)} documents; suggest by group {GROUPS[0]!r}: "
          f"{len(found)} suggestions in {suggest_s:.2f} s; accept all: {added} codings in "
          f"{accept_s:.2f} s (undo entry included); undo: {undo_s:.2f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="as coding_bench.py")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with scratch_store(args.backend, "autocode_bench_") as url:
        print(f"{args.backend}, scale {args.scale}:")
        run(url, args.scale)


if __name__ == "__main__":
    main()

"""What ingest pays to store a document, in this process on a fresh SQLite store: turns
(``documents.add_document``), participants with attributes (one at a time against
``projects.add_participants``) and ``clean_controls`` (a clean text and one with controls).

    .venv/bin/python benchmarks/ingest_store_bench.py

Prints CPU seconds (and wall) for each, the load average and ``nproc``, as one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toc_studio import db  # noqa: E402
from toc_studio.ingest import documents  # noqa: E402
from toc_studio.ingest.readers import clean_controls  # noqa: E402
from toc_studio.ingest.turns import DetectedTurn  # noqa: E402
from toc_studio.project import projects  # noqa: E402


def timed(out: dict, name: str, work) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    out[name] = {
        "cpu_s": round(time.process_time() - cpu, 3),
        "wall_s": round(time.perf_counter() - wall, 3),
    }


def main() -> None:
    out: dict = {"load": open("/proc/loadavg").read().split()[:3], "nproc": os.cpu_count()}
    line = "Speaker 1: " + "word " * 40 + "\n"
    text = line * 1000
    turns = [
        DetectedTurn(i * len(line), (i + 1) * len(line) - 1, f"Speaker {i % 2}")
        for i in range(1000)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(f"sqlite:///{Path(tmp) / 'store.db'}")
        db.init_db(engine)
        with db.session_scope(engine) as session:
            project = projects.create_project(session, "Bench", ["A", "B"])

            def docs() -> None:
                for d in range(200):
                    documents.add_document(session, project, f"Doc {d}", text, turns=turns)

            def singly() -> None:
                for i in range(500):
                    label = f"One {i}"
                    made = projects.add_participant(session, project, label, "A")
                    projects.set_attributes(session, made, {"site": "N", "wave": "1"})

            def bulk() -> None:
                wanted = [(f"Many {i}", "A", {"site": "N", "wave": "1"}) for i in range(500)]
                projects.add_participants(session, project, wanted)

            timed(out, "add_document, 200 documents x 1,000 turns", docs)
            timed(out, "500 participants + 2 attributes, one at a time", singly)
            timed(out, "500 participants + 2 attributes, add_participants", bulk)
        engine.dispose()
    clean = "Interviewer: How was it?\n\tR1: Fine, thank you. Café 🙂\r\n" * 400_000
    dirty = clean[:-1] + "\x00"
    for name, sample in (("clean", clean), ("one NUL at the end", dirty)):
        cpu = time.process_time()
        clean_controls(sample)
        per = (time.process_time() - cpu) / len(sample) * 1e9
        out[f"clean_controls, {len(sample):,} characters, {name}"] = f"{per:.2f} ns/character"
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()

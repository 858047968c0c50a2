"""Import with NER on one core and on two: words/s end to end, CPU time, recall/precision.

    .venv/bin/python benchmarks/ner_bench.py               # 20 transcripts x 8,000 words
    .venv/bin/python benchmarks/ner_bench.py --docs 6      # a quicker run

The corpus is ingest_bench.py's generator (two speakers, demo sentences, listed names,
markers, phone numbers). Each figure comes from a fresh process, once with
``TOC_STUDIO_NER_PROCESSES=1`` and once with ``2``:

- in-process: ``import_batch`` into a fresh SQLite store with the model loaded and the
  worker processes started first (``ner.warm``, as the app does at start);
- CLI: ``toc-studio ingest`` into a fresh store, everything included (interpreter start,
  imports, loading the model, starting the workers, the import, stopping them);
- quality: the labelled set (tests/data/pseudonymise/) planned as one batch; recall and
  precision per kind, and whether every replacement is the same with one and two processes.

CPU time is the importing process's plus its workers' (for the CLI: the command and every
process it started, model loading included); "CPU s per 1k words" is that over the words.
The load average is printed with every figure: on a shared machine, wall-clock speed-ups
from the second core show only when the machine is otherwise idle.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb(pid: int) -> int:
    """Peak resident memory of a running process (Linux /proc), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def in_process(folder: Path) -> dict:
    """``import_batch`` of the corpus, the model loaded and the workers ready first."""
    from toc_studio import config, db
    from toc_studio.ingest.commit import import_batch
    from toc_studio.ingest.pipeline import ImportOptions, Upload
    from toc_studio.ingest.pseudonymise import ner, ner_pool
    from toc_studio.project import projects

    paths = sorted(folder.glob("interview_*.txt"))
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    model = config.spacy_model()
    assert ner.warm(model), f"the spaCy pipeline {model} is not installed"
    workers = ner.processes() - 1
    pool = ner_pool.running(model, workers) if workers else None
    if pool is not None:
        pool.wait_ready()
    engine = db.make_engine(f"sqlite:///{folder / f'inproc_{ner.processes()}.db'}")
    db.init_db(engine)
    with db.session_scope(engine) as session:
        project = projects.create_project(session, "NER bench", ["Mentor"])
        uploads = [Upload(p.name, p.read_bytes()) for p in paths]
        before = pool.cpu_seconds() if pool else 0.0
        t0, c0, load0 = time.perf_counter(), time.process_time(), load()
        outcomes = import_batch(session, project, uploads, ImportOptions(ner=True))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        worker_cpu = pool.cpu_seconds() - before if pool else 0.0
        worker_rss = max((peak_rss_mb(p) for p in pool.pids()), default=0) if pool else 0
    engine.dispose()
    assert all(o.status == "imported" for o in outcomes), [o.error for o in outcomes]
    return {
        "words": words, "wall": wall, "cpu": cpu + worker_cpu, "caller_cpu": cpu,
        "worker_batches": pool.batches if pool else 0, "load": f"{load0} -> {load()}",
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "worker_rss_mb": worker_rss,
        "replacements": sum(d.replacements for o in outcomes for d in o.documents),
    }  # fmt: skip


def quality() -> dict:
    """The labelled set planned as one batch: scores and the replacements themselves."""
    from tests.ingest.labelled import NAME_KINDS, Score, gold_mentions, labelled_files
    from toc_studio import config, db
    from toc_studio.ingest.pipeline import ImportOptions, Upload, plan
    from toc_studio.ingest.pseudonymise import ner, ner_pool
    from toc_studio.project import projects

    model = config.spacy_model()
    ner.warm(model)
    workers = ner.processes() - 1
    if workers and (pool := ner_pool.running(model, workers)) is not None:
        pool.wait_ready()
    files = labelled_files()
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(f"sqlite:///{Path(tmp) / 'quality.db'}")
        db.init_db(engine)
        with db.session_scope(engine) as session:
            project = projects.create_project(session, "Quality", ["Mentor", "Mentee"])
            uploads = [Upload(f.name, f.data) for f in files]
            previews = plan(session, project, uploads, ImportOptions(ner=True))
        engine.dispose()
    score = Score()
    replacements = []
    for labelled, preview in zip(files, previews, strict=True):
        doc = preview.documents[0]
        score.add(doc.source_text, doc.replacements, gold_mentions(doc.source_text, labelled.forms))
        replacements.append([[r.start, r.end, r.kind, r.placeholder] for r in doc.replacements])
    kinds = {
        kind: [score.recalled[kind], score.gold[kind], score.correct[kind], score.predicted[kind]]
        for kind in NAME_KINDS
    }
    return {"kinds": kinds, "replacements": replacements}


def cli(folder: Path, processes: int) -> dict:
    """``toc-studio ingest`` of the corpus into a fresh store: the whole command."""
    paths = sorted(str(p) for p in folder.glob("interview_*.txt"))
    words = sum(len(Path(p).read_text(encoding="utf-8").split()) for p in paths)
    url = f"sqlite:///{folder / f'cli_{processes}.db'}"
    # Cold, in its own process: through the warm command server the work would run in the
    # server's child, out of this process's children's CPU count.
    env = dict(os.environ, TOC_STUDIO_NER_PROCESSES=str(processes), TOC_STUDIO_CLI_SERVER="off")
    tool = str(Path(sys.executable).with_name("toc-studio"))
    for command in (["--db", url, "init"], ["project", "create", "--db", url, "NER bench"]):
        subprocess.run([tool, *command], env=env, check=True, capture_output=True)
    c0, t0, load0 = children_cpu(), time.perf_counter(), load()
    done = subprocess.run([tool, "ingest", "--db", url, "--project", "NER bench", "--json",
                           *paths], env=env, capture_output=True, text=True)  # fmt: skip
    wall, cpu = time.perf_counter() - t0, children_cpu() - c0
    if done.returncode != 0:
        raise SystemExit(f"toc-studio ingest failed: {done.stderr[-2000:]}")
    return {"words": words, "wall": wall, "cpu": cpu, "load": f"{load0} -> {load()}"}


def child(mode: str, folder: Path, processes: int) -> dict:
    """One measurement in a fresh interpreter with ``processes`` processes for NER."""
    env = dict(os.environ, TOC_STUDIO_NER_PROCESSES=str(processes))
    done = subprocess.run(
        [sys.executable, __file__, "--mode", mode, "--folder", str(folder)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{mode} with {processes} process(es) failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def speed_line(label: str, r: dict) -> str:
    extra = ""
    if "worker_batches" in r:
        extra = (
            f" (importing process {r['caller_cpu']:.2f} s, worker "
            f"{r['cpu'] - r['caller_cpu']:.2f} s), worker batches {r['worker_batches']}"
        )
        extra += f"; peak RSS {r['rss_mb']} MB" + (
            f" + worker {r['worker_rss_mb']} MB" if r["worker_rss_mb"] else ""
        )
    return (
        f"  {label:<26} {r['words']:,} words in {r['wall']:.2f} s = {r['words'] / r['wall']:,.0f} "
        f"words/s; CPU {r['cpu']:.2f} s = {1000 * r['cpu'] / r['words']:.3f} CPU s per 1k words"
        f"{extra}; load {r['load']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20)
    parser.add_argument("--words", type=int, default=8000)
    parser.add_argument("--mode", help=argparse.SUPPRESS)  # internal: one figure, this process
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        result = in_process(Path(args.folder)) if args.mode == "inproc" else quality()
        print(json.dumps(result))
        return
    from ingest_bench import generate

    print(f"NER bench: {os.cpu_count()} CPUs, load average {load()} at the start", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, args.docs, args.words)
        scores = {}
        for n in (1, 2):
            scores[n] = child("quality", folder, n)
            print(speed_line(f"in-process, {n} process(es)", child("inproc", folder, n)),
                  flush=True)  # fmt: skip
            print(speed_line(f"CLI, {n} process(es)", cli(folder, n)), flush=True)
    for n in (1, 2):
        parts = []
        for kind, (recalled, gold, correct, predicted) in scores[n]["kinds"].items():
            parts.append(f"{kind} recall {recalled}/{gold} precision {correct}/{predicted}")
        print(f"  labelled set, {n} process(es): " + "; ".join(parts))
    same = scores[1]["replacements"] == scores[2]["replacements"]
    print(f"  the same replacements with 1 and 2 processes: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()

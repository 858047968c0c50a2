"""Hostile and huge files: the shapes issue #20 found exhausting the machine, each imported
(or refused) end to end in its own process, with words/s and peak memory.

    .venv/bin/python benchmarks/hostile_bench.py                 # every shape
    .venv/bin/python benchmarks/hostile_bench.py --shape labels  # one

Each shape runs ``import_batch`` (read, turns, sentences, rules-only pseudonymisation,
store) on a fresh SQLite store, or, for codebooks, ``import_codebook``. Peak memory is the
process's peak RSS (``ru_maxrss``) minus its RSS once the libraries were loaded.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = [f"w{i}" for i in range(3_000)] + ["the", "and", "of", "to", "it"] * 400


def prose(size: int) -> bytes:
    """Speaker turns of ordinary-looking sentences, ``size`` bytes."""
    rng, out, total = random.Random(20), [], 0
    while total < size:
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 20))) + ". "
            for _ in range(rng.randint(10, 25))
        ]
        line = f"{'Interviewer' if len(out) % 2 else 'Mentee C1'}: {''.join(sentences)}\n\n"
        out.append(line)
        total += len(line)
    return "".join(out).encode()


def docx(unpacked: int) -> bytes:
    from tests.data.hostile import tables

    rng, lines, total = random.Random(20), [], 0
    while total < unpacked:
        line = f"Speaker {len(lines) % 5}: " + " ".join(rng.choice(WORDS) for _ in range(400))
        lines.append(line)
        total += len(line) + 60  # the paragraph's markup
    return tables.docx_paragraphs(lines)


def wide_csv(columns: int, size: int) -> bytes:
    header = ",".join(f"Question {i}" for i in range(columns))
    rows, total, rng = [header], len(header), random.Random(20)
    while total < size:
        row = ",".join(" ".join(rng.choice(WORDS) for _ in range(5)) for _ in range(columns))
        rows.append(row)
        total += len(row)
    return ("\n".join(rows) + "\n").encode()


def deep_codebook(depth: int) -> bytes:
    from tests.data.hostile import tables

    return tables.deep_codebook(depth)


SHAPES = {
    # name: (file name, maker, what it stands for)
    "prose-24MB": ("prose.txt", lambda: prose(24_000_000), "24 MB text under the 25 MB cap"),
    "labels-5MB-one-line": ("aa.txt", lambda: b"A: " * 1_700_000, "5 MB of 'A: A: ...'"),
    "labels-5MB-lines": ("aa-lines.txt", lambda: b"A: a\n" * 1_000_000, "5 MB of 'A: a' lines"),
    "docx-35MB-unpacked": ("big.docx", lambda: docx(35_000_000), "a .docx just under 40 MB"),
    "docx-451MB-unpacked": (
        "bomb.docx",
        lambda: _zip_member("word/document.xml", 451_000_000),
        "12 MB .docx unpacking to 451 MB",
    ),
    "csv-10000-columns-8MB": ("wide.csv", lambda: wide_csv(10_000, 8_000_000), "8 MB, 10k cols"),
    "csv-1000-columns-8MB": ("wide1k.csv", lambda: wide_csv(1_000, 8_000_000), "8 MB, 1k cols"),
    "csv-100-columns-96k-answers": (
        "wide100.csv",
        lambda: wide_csv(100, 2_350_000),
        "2.35 MB, 100 columns: just under the answers limit",
    ),
    "codebook-20000-deep": ("deep.qdc", lambda: deep_codebook(20_000), "codes 20,000 deep"),
    "codebook-50-deep": ("deep50.qdc", lambda: deep_codebook(50), "codes 50 deep (the limit)"),
}


def _zip_member(name: str, size: int) -> bytes:
    """Compressible noise: ~12 MB of zip for ``size`` bytes unpacked (ratio ~37:1)."""
    rng = random.Random(20)
    block = bytes(rng.getrandbits(8) for _ in range(1_000_000))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        with package.open(name, "w", force_zip64=True) as member:
            for i in range(size // 1_000_000):
                member.write(block if i % 40 == 0 else bytes(1_000_000))
    return out.getvalue()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_shape(shape: str) -> dict:
    from toc_studio import db
    from toc_studio.coding.transfer import import_codebook
    from toc_studio.errors import TocStudioError
    from toc_studio.ingest.commit import import_batch
    from toc_studio.ingest.pipeline import ImportOptions, Upload
    from toc_studio.project import projects

    name, make, _ = SHAPES[shape]
    data = make()
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(f"sqlite:///{tmp}/store.db")
        db.init_db(engine)
        path = Path(tmp) / name
        path.write_bytes(data)
        with db.session_scope(engine) as session:  # warm up: every library loaded
            warm = projects.create_project(session, "Warm-up")
            import_batch(session, warm, [Upload("w.txt", b"A: hi")], ImportOptions(ner=False))
        base = rss_mb()
        began, cpu = time.perf_counter(), time.process_time()
        with db.session_scope(engine) as session:
            project = projects.create_project(session, "Bench")
            if name.endswith(".qdc"):
                try:
                    import_codebook(session, project, path)
                    outcome, message = "imported", ""
                except TocStudioError as exc:
                    outcome, message = "refused", str(exc)
            else:
                upload = Upload(name, data)
                [result] = import_batch(session, project, [upload], ImportOptions(ner=False))
                outcome = "refused" if result.status == "failed" else result.status
                message = result.error or ""
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    words = len(data.split()) if not name.endswith((".docx", ".qdc")) else _docx_words(data)
    return {
        "shape": shape, "bytes": len(data), "outcome": outcome, "message": message[:160],
        "seconds": round(seconds, 2), "cpu": round(cpu, 2), "words": words,
        "words_per_s": round(words / seconds) if outcome == "imported" else None,
        "peak_mb": round(rss_mb() - base), "rss_mb": round(rss_mb()),
    }  # fmt: skip


def _docx_words(data: bytes) -> int:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            info = package.getinfo("word/document.xml")
            if info.file_size > 50_000_000:
                return 0
            return package.read(info).count(b" ")
    except (KeyError, zipfile.BadZipFile):
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shape", choices=sorted(SHAPES))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_shape(args.shape)))
        return 0
    for shape in [args.shape] if args.shape else list(SHAPES):
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--shape", shape],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        if done.returncode:
            print(f"{shape}: failed\n{done.stderr[-2000:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        rate = f"{r['words_per_s']:,} words/s" if r["words_per_s"] else "-"
        print(f"| {shape} | {r['bytes'] / 1e6:.1f} MB | {r['outcome']} | {r['seconds']} s "
              f"(CPU {r['cpu']} s) | {rate} | +{r['peak_mb']} MB (peak RSS {r['rss_mb']} MB) "
              f"| {r['message']} |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

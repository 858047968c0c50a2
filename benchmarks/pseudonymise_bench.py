"""Pseudonymisation quality and speed on the labelled set (tests/data/pseudonymise/).

    python benchmarks/pseudonymise_bench.py            # spaCy NER + lists + speakers
    python benchmarks/pseudonymise_bench.py --no-ner   # without NER
    python benchmarks/pseudonymise_bench.py --repeat 20 --show-errors

Quality: the labelled files are planned as one import batch into a fresh SQLite project;
every labelled mention of a person, place or organisation counts (recall: its characters
all replaced; precision: a replacement of that type that overlaps a labelled mention).
"One person, one placeholder" is reported as people split over several placeholders and
placeholders shared by several people.

Speed: words of the planned documents per CPU second of ``plan`` (read, turns, NER,
clusters, scan, apply, sentences), the set repeated ``--repeat`` times as distinct files
(NER's memory of texts is emptied first, so every text really goes through the model).
With NER on two processes (``TOC_STUDIO_NER_PROCESSES``, default 2) the worker is started
first and its CPU time is counted too; ``TOC_STUDIO_NER_PROCESSES=1`` for one process.
Review: a 10,000-word file planned once, then re-planned after rejecting a name, keeping a
word and adding a name (what the import screen does on each click).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.ingest.labelled import (  # noqa: E402
    DATA,
    NAME_KINDS,
    Score,
    build_docx,
    damage,
    gold_mentions,
    labelled_files,
)
from toc_studio import db  # noqa: E402
from toc_studio.ingest.pipeline import ImportOptions, Upload, plan  # noqa: E402
from toc_studio.ingest.pseudonymise import ner  # noqa: E402
from toc_studio.project import projects  # noqa: E402


def quality(session, project, options: ImportOptions, show: bool) -> Score:
    files = labelled_files()
    previews = plan(session, project, [Upload(f.name, f.data) for f in files], options)
    score = Score()
    for labelled, preview in zip(files, previews, strict=True):
        if preview.error:
            raise SystemExit(f"{labelled.name}: {preview.error}")
        doc = preview.documents[0]
        gold = gold_mentions(doc.source_text, labelled.forms)
        assert len(gold) == labelled.mentions, (labelled.name, len(gold), labelled.mentions)
        score.add(doc.source_text, doc.replacements, gold)
        problem = damage(doc.source_text, doc.text, doc.replacements)
        if problem:
            raise SystemExit(f"{labelled.name}: text damaged: {problem}")
    if show:
        print("missed:", *score.missed, sep="\n  ")
        print("not names:", *score.wrong, sep="\n  ")
    return score


def speed(session, project, options: ImportOptions, repeat: int) -> tuple[int, float, float]:
    uploads = []
    for n in range(repeat):  # each copy differs (a line of its own), so NER runs on each
        for f in labelled_files():
            if f.name.endswith(".docx"):
                spec = (DATA / f"{f.name}.txt").read_text(encoding="utf-8")
                data = build_docx(f"Copy {n}.\n{spec}")
            else:
                data = f.data.replace(b"\n\n", f"\n\nCopy {n}.\n\n".encode(), 1)
            uploads.append(Upload(f"{n}_{f.name}", data))
    ner.forget()
    pool = workers() if options.ner is not False else None
    w0 = pool.cpu_seconds() if pool else 0.0
    t0, c0 = time.perf_counter(), time.process_time()
    previews = plan(session, project, uploads, options)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    cpu += (pool.cpu_seconds() - w0) if pool else 0.0  # the NER worker's share
    assert not any(p.error for p in previews), [p.error for p in previews if p.error]
    return sum(d.words for p in previews for d in p.documents), cpu, wall


def workers():
    """NER's worker processes, started and ready (None with one process, or without NER)."""
    from toc_studio import config
    from toc_studio.ingest.pseudonymise import ner_pool

    model, count = config.spacy_model(), ner.processes() - 1
    if count < 1 or not ner.warm(model):
        return None
    pool = ner_pool.running(model, count)
    return pool if pool is not None and pool.wait_ready() else None


def review(session, project, options: ImportOptions) -> list[tuple[str, float]]:
    """Seconds to plan a 10,000-word file, then to re-plan it after each review action."""
    texts = [f.data.decode("utf-8") for f in labelled_files() if f.name.endswith(".txt")]
    body = "\n\n".join(texts)
    text = "\n\n".join([body] * (10_000 // len(body.split()) + 1))
    upload = Upload("long_interview.txt", text.encode())
    ner.forget()
    steps = [
        ("first preview", options),
        ("reject a name (Kwame Asante)", _with(options, keep=frozenset({"Kwame Asante"}))),
        ("keep a word (Horton Housing)", _with(options, keep=frozenset({"Horton Housing"}))),
        ("add a name (Oastler)", _with(options, extra_terms=(("Oastler", "place"),))),
    ]
    timings = []
    for label, step_options in steps:
        t0 = time.perf_counter()
        [preview] = plan(session, project, [upload], step_options)
        seconds = time.perf_counter() - t0
        timings.append((f"{label} ({preview.documents[0].words:,} words)", seconds))
    return timings


def scale(names: int = 2_000) -> tuple[int, float]:
    """Seconds to scan an 11,000-word text for the forms of ``names`` known full names
    (a project whose key has grown large): index built, then the scan."""
    import random
    import string

    from toc_studio.ingest.pseudonymise import NameIndex
    from toc_studio.ingest.pseudonymise.names import Cluster

    rng = random.Random(1)

    def word() -> str:
        return rng.choice(string.ascii_uppercase) + "".join(rng.choices("aeiourstnlm", k=6))

    clusters = []
    for _ in range(names):
        first, last = word(), word()
        clusters.append(Cluster(f"{first} {last}", "person", {f"{first} {last}", first, last}))
    text = (DATA / "otter_interview.txt").read_text(encoding="utf-8") * 25
    t0 = time.perf_counter()
    NameIndex(clusters).scan(text)
    return len(text.split()), time.perf_counter() - t0


def review_in_a_large_project(engine, documents: int = 200) -> tuple[int, float, int]:
    """Seconds to re-plan a file with a new name in a project already holding
    ``documents`` transcripts (2,000 words each, imported without NER), one in ten of which
    mentions that name: the earlier documents are searched on every re-plan."""
    from toc_studio.ingest.commit import import_batch

    filler = (DATA / "staff_consultation.txt").read_text(encoding="utf-8")
    filler = " ".join(filler.split()[: 2_000 // 4]) + "\n\n"
    uploads = []
    for n in range(documents):
        extra = "R: Florentyna Wójcik rang again.\n\n" if n % 10 == 0 else ""
        text = f"Interviewer: Interview {n}.\n\n" + extra + filler * 4
        uploads.append(Upload(f"earlier_{n}.txt", text.encode()))
    with db.session_scope(engine) as session:
        project = projects.create_project(session, "Large", ["Mentor"])
        import_batch(session, project, uploads, ImportOptions(ner=False))
    new = Upload("new.txt", b"Interviewer: Hi.\n\nMentee C1: Florentyna helped.\n")
    with db.session_scope(engine) as session:
        project = projects.get_project(session, "Large")
        options = ImportOptions(extra_terms=(("Florentyna Wójcik", "person"),))
        plan(session, project, [new], options)
        t0 = time.perf_counter()
        [preview] = plan(session, project, [new], options)
        seconds = time.perf_counter() - t0
    return documents, seconds, len(preview.earlier)


def _with(options: ImportOptions, **changes) -> ImportOptions:
    from dataclasses import replace

    return replace(options, **changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-ner", action="store_true")
    parser.add_argument("--repeat", type=int, default=10, help="copies of the set for speed")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument(
        "--large", action="store_true", help="also re-plan in a project of 200 transcripts"
    )
    args = parser.parse_args()
    options = ImportOptions(ner=False if args.no_ner else None)
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(f"sqlite:///{os.path.join(tmp, 'bench.db')}")
        db.init_db(engine)
        with db.session_scope(engine) as session:
            project = projects.create_project(session, "Pseudonymisation bench", ["Mentor"])
            plan(session, project, [Upload("warm.txt", b"A: Tom Baker went to Leeds.\n")], options)
            score = quality(session, project, options, args.show_errors)
            words, cpu, wall = speed(session, project, options, args.repeat)
            timings = review(session, project, options)
        large = review_in_a_large_project(engine) if args.large else None
        engine.dispose()
    mode = "without NER" if args.no_ner else "with NER"
    files = len(labelled_files())
    print(f"Pseudonymisation, {mode}: {files} labelled files, {sum(score.gold.values())} mentions")
    for kind in NAME_KINDS:
        print(
            f"  {kind:<13} recall {score.recall(kind):6.1%} ({score.recalled[kind]}/"
            f"{score.gold[kind]})  precision {score.precision(kind):6.1%} "
            f"({score.correct[kind]}/{score.predicted[kind]})"
        )
    print(f"  all names     recall {score.recall():6.1%}  precision {score.precision():6.1%}")
    print(f"  people split over placeholders: {score.split_people() or 'none'}")
    print(f"  placeholders shared by people: {score.merged_people() or 'none'}")
    print(
        f"  speed: {words:,} words in {cpu:.2f} CPU s = {words / cpu:,.0f} words per CPU "
        f"second ({wall:.2f} s wall = {words / wall:,.0f} words/s)"
    )
    for label, seconds in timings:
        print(f"  review: {label}: {seconds:.2f} s")
    scanned, seconds = scale()
    print(f"  2,000 known names: index and scan of {scanned:,} words in {seconds:.3f} s")
    if large:
        documents, seconds, changed = large
        print(
            f"  re-plan with a new name in a project of {documents} transcripts: "
            f"{seconds:.2f} s ({changed} earlier documents would change)"
        )


if __name__ == "__main__":
    main()

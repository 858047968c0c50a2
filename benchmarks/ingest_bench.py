"""Ingest throughput: a generated corpus of transcripts imported end to end into the store.

    python benchmarks/ingest_bench.py                  # 200 transcripts x 8,000 words
    python benchmarks/ingest_bench.py --docs 20        # a quicker run

Three paths, each in its own process (so that peak memory is its own): pseudonymisation
off, rules only (project lists through the PhraseMatcher + patterns), and spaCy NER
(``--ner-docs`` transcripts, default 20: NER is two orders of magnitude slower). Each
process also times spaCy's bare tokenizer on the same texts, for the ratio. Wall-clock and
CPU-time figures are both given: on a shared machine the CPU time is the steadier one. "End to end"
means: read the files from disk, decode, detect turns and sentences, pseudonymise, and
commit documents, turns, sentences and participants to a fresh SQLite store.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NAMES = ["Maureen Ellis", "Tom Baker", "Deshawn Clarke", "Priya Shah", "Kofi Mensah", "Aoife",
         "Bridgeway", "Riverside Recovery", "Hull", "Leeds", "St Mary's", "Jo Bloggs"]  # fmt: skip
MARKERS = ["[laughs]", "[inaudible]", "((phone rings))", "[crosstalk]"]


def demo_sentences() -> list[str]:
    """Real-sounding speech: the sentences of the demo project's transcripts."""
    from toc_studio.demo import demo_spec, demo_text
    from toc_studio.ingest.segment import sentences_in
    from toc_studio.ingest.turns import detect_turns

    out = []
    for document in demo_spec()["documents"]:
        text = demo_text(document["file"])
        spans = sentences_in(text, [(t.start, t.end) for t in detect_turns(text)])
        out.extend(" ".join(text[s:e].split()) for s, e in spans)
    return out


def transcript(rng: random.Random, sentences: list[str], words: int, number: int) -> str:
    out, count, speaker = [], 0, 0
    label = f"Mentor B{number}"
    while count < words:
        chosen = []
        for _ in range(rng.randint(1, 6)):
            sentence = rng.choice(sentences).split(" ")
            roll = rng.random()
            if roll < 0.12:
                sentence.insert(rng.randrange(len(sentence)), rng.choice(NAMES))
            elif roll < 0.14:
                sentence.insert(rng.randrange(len(sentence)), rng.choice(MARKERS))
            elif roll < 0.145:
                sentence.insert(len(sentence) - 1, f"on 07700 9{rng.randint(10000, 99999)}")
            chosen.append(" ".join(sentence))
            count += len(sentence)
        out.append(f"{'Interviewer' if speaker == 0 else label}: {' '.join(chosen)}")
        speaker ^= 1
    return "\n\n".join(out) + "\n"


def generate(folder: Path, docs: int, words: int) -> list[Path]:
    rng = random.Random(20261123)
    sentences = demo_sentences()
    paths = []
    for i in range(docs):
        path = folder / f"interview_{i:03d}.txt"
        path.write_text(transcript(rng, sentences, words, i + 1), encoding="utf-8")
        paths.append(path)
    return paths


def run_mode(mode: str, paths: list[Path], db_url: str) -> dict:
    import spacy

    from toc_studio import db
    from toc_studio.ingest import keystore
    from toc_studio.ingest.commit import import_batch
    from toc_studio.ingest.pipeline import ImportOptions, Upload
    from toc_studio.project import projects

    texts = [p.read_text(encoding="utf-8") for p in paths]
    words = sum(len(t.split()) for t in texts)
    tokenizer = spacy.blank("en").tokenizer
    for text in texts:  # warm its vocabulary and cache first: the ratio is to its best
        tokenizer(text)
    t0, c0 = time.perf_counter(), time.process_time()
    for text in texts:
        tokenizer(text)
    tokenizer_wps = words / (time.perf_counter() - t0)
    tokenizer_cpu_wps = words / (time.process_time() - c0)
    options = {
        "off": ImportOptions(pseudonymise=False),
        "rules": ImportOptions(ner=False),
        "ner": ImportOptions(ner=True),
    }[mode]
    engine = db.make_engine(db_url)
    db.init_db(engine)
    with db.session_scope(engine) as session:
        project = projects.create_project(session, f"Bench {mode}", ["Mentor"])
        for name in NAMES:
            keystore.add_term(session, project, name)
    step = None
    if mode != "off":
        step = time_pseudonymisation(texts, words, use_ner=mode == "ner")
        from toc_studio.ingest.pseudonymise import ner

        ner.forget()  # NER remembers texts: the import below must run the model again
    with db.session_scope(engine) as session:
        project = projects.get_project(session, f"Bench {mode}")
        t0, c0 = time.perf_counter(), time.process_time()
        uploads = [Upload(p.name, p.read_bytes()) for p in paths]
        outcomes = import_batch(session, project, uploads, options)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    engine.dispose()
    failed = [o.error for o in outcomes if o.status != "imported"]
    if failed:
        raise SystemExit(f"{mode}: {len(failed)} file(s) failed: {failed[:3]}")
    return {
        "mode": mode,
        "docs": len(paths),
        "words": words,
        "seconds": round(elapsed, 2),
        "words_per_s": round(words / elapsed),
        "tokenizer_words_per_s": round(tokenizer_wps),
        "ratio_to_tokenizer": round(words / elapsed / tokenizer_wps, 2),
        "cpu_words_per_s": round(words / cpu),
        "tokenizer_cpu_words_per_s": round(tokenizer_cpu_wps),
        "cpu_ratio_to_tokenizer": round(words / cpu / tokenizer_cpu_wps, 2),
        "turns": sum(d.turns for o in outcomes for d in o.documents),
        "sentences": sum(d.sentences for o in outcomes for d in o.documents),
        "replacements": sum(d.replacements for o in outcomes for d in o.documents),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "step_cpu_words_per_s": step and round(step),
        "step_cpu_ratio_to_tokenizer": step and round(step / tokenizer_cpu_wps, 2),
    }


def time_pseudonymisation(texts: list[str], words: int, use_ner: bool) -> float:
    """Words per CPU second of the pseudonymisation step alone (find, assign, apply).

    Loading spaCy (the blank tokenizer, the trained pipeline) happens once per app process
    and is done here first, outside the timings of both this step and the import."""
    from toc_studio.ingest.pseudonymise import Key, Pseudonymiser, apply, assign

    pseudonymiser = Pseudonymiser([(n, "person") for n in NAMES], use_ner=use_ner)
    pseudonymiser.find("Warm up with Tom Baker in Leeds.")
    key = Key()
    c0 = time.process_time()
    for text in texts:
        apply(text, assign(pseudonymiser.find(text), key))
    return words / (time.process_time() - c0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--words", type=int, default=8000)
    parser.add_argument("--ner-docs", type=int, default=20, help="transcripts for the NER path")
    parser.add_argument("--modes", default="off,rules,ner")
    parser.add_argument("--mode", help=argparse.SUPPRESS)  # internal: one path in this process
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        folder = Path(args.folder)
        paths = sorted(folder.glob("interview_*.txt"))
        if args.mode == "ner":
            paths = paths[: args.ner_docs]
        url = f"sqlite:///{folder / f'store_{args.mode}.db'}"
        print(json.dumps(run_mode(args.mode, paths, url)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), args.docs, args.words)
        results = []
        for mode in args.modes.split(","):
            done = subprocess.run(
                [sys.executable, __file__, "--mode", mode, "--folder", tmp,
                 "--ner-docs", str(args.ner_docs)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            result = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(result)
            print(
                f"{mode:>5}: {result['docs']} docs, {result['words']:,} words in "
                f"{result['seconds']} s = {result['words_per_s']:,} words/s; bare tokenizer "
                f"{result['tokenizer_words_per_s']:,} words/s (ratio "
                f"{result['ratio_to_tokenizer']}); per CPU second {result['cpu_words_per_s']:,} "
                f"vs tokenizer {result['tokenizer_cpu_words_per_s']:,} (ratio "
                f"{result['cpu_ratio_to_tokenizer']}); "
                + (
                    f"pseudonymisation step alone {result['step_cpu_words_per_s']:,} words per CPU "
                    f"second (ratio {result['step_cpu_ratio_to_tokenizer']}); "
                    if result["step_cpu_words_per_s"]
                    else ""
                )
                + f"{result['turns']:,} turns, "
                f"{result['sentences']:,} sentences, {result['replacements']:,} replacements; "
                f"peak RSS {result['peak_rss_mb']} MB",
                flush=True,
            )


if __name__ == "__main__":
    main()

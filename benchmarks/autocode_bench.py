"""Auto-coding benchmark on the coding-store corpus (see coding_corpus.py): suggest every
turn of one speaker group for a code, accept them all (one undo entry), undo; suggest the
text under a heading (one "Part k" heading every 20 turns is stored per document); and
suggest by the code's stored patterns (two phrases and one token pattern, on lemmas,
widened to the sentence) over the first ``--pattern-documents`` documents.

    .venv/bin/python benchmarks/autocode_bench.py --scale 0.1 --backend sqlite
    .venv/bin/python benchmarks/autocode_bench.py --scale 0.1 --backend postgresql
    .venv/bin/python benchmarks/autocode_bench.py --scale 1 --pattern-documents 200
"""

from __future__ import annotations

import argparse
import inspect
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from benchmarks.coding_bench import scratch_store  # noqa: E402
from benchmarks.coding_corpus import GROUPS, generate  # noqa: E402
from toc_studio import db  # noqa: E402
from toc_studio.coding import undo  # noqa: E402
from toc_studio.coding.autocode import rules as autocode_rules  # noqa: E402
from toc_studio.coding.autocode import suggestions as autocode  # noqa: E402
from toc_studio.ingest.models import Document, Turn  # noqa: E402
from toc_studio.ingest.tables import Section  # noqa: E402

PATTERNS = (
    ("phrase", "lived experience"),
    ("phrase", "hoping"),
    ("tokens", '[{"LEMMA": "visit"}]'),
)


def add_sections(session: Session, corpus) -> int:
    """A level-1 heading "Part k" at every 20th turn of each document, its section running
    to the next one (or the end of the text)."""
    rows = []
    for doc in corpus.documents:
        starts = list(
            session.execute(
                select(Turn.start).where(Turn.document_id == doc.id).order_by(Turn.start)
            ).scalars()
        )[::20]
        ends = [*starts[1:], len(doc.text)]
        rows += [
            {"document_id": doc.id, "level": 1, "title": f"Part {k}", "start": s,
             "heading_end": s + 1, "end": e}
            for k, (s, e) in enumerate(zip(starts, ends, strict=True))
        ]  # fmt: skip
    session.execute(Section.__table__.insert(), rows)
    return len(rows)


def timed(fn):
    began = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - began


def run(url: str, scale: float, pattern_documents: int, prefilter: bool = True) -> None:
    engine = db.make_engine(url)
    db.init_db(engine)
    with Session(engine, expire_on_commit=False) as session:
        corpus = generate(session, scale)
        sections = add_sections(session, corpus)
        session.commit()
        project, code = corpus.project, corpus.target
        found, suggest_s = timed(
            lambda: autocode_rules.suggest(session, project, code, "group", GROUPS[0])
        )
        (added, _), accept_s = timed(
            lambda: autocode.accept_undoable(session, project, code, found)
        )
        session.commit()
        _, undo_s = timed(lambda: undo.undo(session, project))
        session.commit()
        print(f"  {len(corpus.documents)} documents; suggest by group {GROUPS[0]!r}: "
              f"{len(found)} suggestions in {suggest_s:.2f} s; accept all: {added} codings in "
              f"{accept_s:.2f} s (undo entry included); undo: {undo_s:.2f} s")  # fmt: skip
        under, heading_s = timed(
            lambda: autocode_rules.suggest(session, project, code, "heading", "Part 3")
        )
        print(f"  suggest by heading 'Part 3' ({sections} headings stored): {len(under)} "
              f"suggestions in {heading_s:.2f} s")  # fmt: skip
        for kind, pattern in PATTERNS:
            autocode.add_pattern(session, code, pattern, kind)
        session.commit()
        ids = [d.id for d in corpus.documents[:pattern_documents]]
        words = sum(
            text.count(" ") + 1
            for text in session.execute(select(Document.text).where(Document.id.in_(ids))).scalars()
        )
        extra = {}
        if "progress" in inspect.signature(autocode.suggest_by_patterns).parameters:
            extra["progress"] = lambda done, total: None
        if not prefilter:
            extra["prefilter"] = False
        from toc_studio.coding.analysis.words import load_pipeline

        load_pipeline()  # the model's loading is not the rule's cost
        for extend in ("sentence", "match"):
            matched, pattern_s = timed(
                lambda extend=extend: autocode.suggest_by_patterns(
                    session, project, code, documents=ids, extend=extend, **extra
                )
            )
            print(f"  suggest by patterns ({extend}) over {len(ids)} documents, {words:,} "
                  f"words: {len(matched)} suggestions in {pattern_s:.2f} s = "
                  f"{words / pattern_s:,.0f} words/s")  # fmt: skip
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="as coding_bench.py")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pattern-documents", type=int, default=20, help="documents for the pattern rule"
    )
    parser.add_argument(
        "--no-prefilter", action="store_true", help="tag every document (the filter off)"
    )
    args = parser.parse_args()
    with scratch_store(args.backend, "autocode_bench_") as url:
        print(f"{args.backend}, scale {args.scale}:")
        run(url, args.scale, args.pattern_documents, not args.no_prefilter)


if __name__ == "__main__":
    main()

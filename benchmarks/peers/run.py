"""TOC Studio against Taguette 1.5.2 and qualitative-coding (qc) 1.7.8 on one generated
corpus, same machine, same run; one table of ratios (ours / peer).

    .venv/bin/python benchmarks/peers/run.py            # medians of 3 (5 where cheap)
    .venv/bin/python benchmarks/peers/run.py --quick    # one try of the slow steps

Set-up (the only step that uses the network): each peer is installed from PyPI into its own
virtual environment under ``--cache`` (default ~/.cache/toc-studio-peers), once. Then the
script runs itself again inside a network namespace that has only the loopback interface
(``unshare -rn``): Taguette's start-up request for messages fails at once, and nothing
any tool does can leave the machine. Everything is written under ``--work`` (a fresh folder
under /tmp); the table goes to stdout and to ``--out``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.peers import corpus as cp  # noqa: E402
from benchmarks.peers import table as tb  # noqa: E402

PEERS = {"Taguette": ("taguette", "1.5.2", "taguette"), "qc": ("qualitative-coding", "1.7.8", "qc")}
INSIDE = "TOC_PEERS_NETNS"


def venv_ready(venv: Path, package: str, version: str, command: str) -> bool:
    name = package.replace("-", "_")
    found = list((venv / "lib").glob(f"python3*/site-packages/{name}-{version}.dist-info"))
    return bool(found) and (venv / "bin" / command).exists()


def set_up(cache: Path) -> dict[str, Path]:
    """Install each peer into its own virtual environment, unless it is there already."""
    venvs = {}
    for peer, (package, version, command) in PEERS.items():
        venv = cache / command
        if not venv_ready(venv, package, version, command):
            print(f"installing {package}=={version} into {venv} (network needed once)")
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
            subprocess.run(
                [str(venv / "bin" / "pip"), "install", "-q", f"{package}=={version}"], check=True
            )
        venvs[peer] = venv
    return venvs


def in_namespace(argv: list[str]) -> int:
    """Run this script again with only the loopback interface; its exit code."""
    if not shutil.which("unshare") or not shutil.which("ip"):
        raise SystemExit("needs unshare and ip (util-linux, iproute2) to run the peers offline")
    script = 'ip link set lo up && exec "$@"'
    env = dict(os.environ, **{INSIDE: "1"})
    command = ["unshare", "-rn", "sh", "-c", script, "sh", sys.executable, __file__, *argv]
    return subprocess.run(command, env=env).returncode


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def measure(args: argparse.Namespace) -> str:
    from benchmarks.peers import sections

    cache = Path(args.cache).expanduser()
    venvs = {peer: cache / command for peer, (_p, _v, command) in PEERS.items()}
    work = Path(args.work or tempfile.mkdtemp(prefix="toc-peers-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.smoke:  # a tiny corpus, to try the drivers out in a minute
        corpus = cp.write(work / "corpus", docs=3, words=800, big=20_000)
        items = cp.plan([len(t) for t in corpus.texts], total=1_000, big_codings=200)
        levels = (300, 1_000)
    else:
        corpus = cp.write(work / "corpus")
        items = cp.plan([len(t) for t in corpus.texts])
        levels = cp.LEVELS
    repeat, tries = (1, 10) if args.quick or args.smoke else (3, 20)
    setting = sections.Setting(
        corpus, items, work, repeat, tries, args.quick, *levels, args.qc_fill
    )
    loads = [load()]
    began = datetime.datetime.now(datetime.UTC)
    results: dict[str, dict[str, tb.Cell]] = {}
    runs = (
        ("TOC Studio", lambda cells: sections.ours(setting, cells)),
        ("Taguette", lambda cells: sections.taguette(setting, venvs["Taguette"], cells)),
        ("qc", lambda cells: sections.qc(setting, venvs["qc"], cells)),
    )
    for name, run in runs:
        if args.only and name not in args.only:
            continue
        print(f"== {name} (load {load()})", flush=True)
        cells = results.setdefault(name, {})
        try:
            run(cells)
        except Exception as error:  # a tool that breaks leaves its reason, not no table
            print(f"   {name} failed: {error!r}", flush=True)
            for row in sections.ROWS:
                cells.setdefault(row, tb.Cell.cannot(f"run failed: {error}"))
        loads.append(load())
    rows = [
        tb.Row(
            label,
            results.get("TOC Studio", {}).get(key, tb.Cell.cannot("not run")),
            {peer: results.get(peer, {}).get(key, tb.Cell.cannot("not run")) for peer in PEERS},
        )
        for key, label in sections.ROWS.items()
    ]
    mode = "--quick (one try of the slow steps)" if args.quick else "medians of 3 (5 where cheap)"
    header = tb.header_line(began.strftime("%Y-%m-%d %H:%M UTC"), os.cpu_count() or 0, loads, mode)
    text = tb.render(rows, list(PEERS), header)
    (work / "figures.json").write_text(
        json.dumps({k: {r: c.__dict__ for r, c in v.items()} for k, v in results.items()})
    )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one try of the slow steps")
    parser.add_argument("--cache", default="~/.cache/toc-studio-peers", help="the peers' venvs")
    parser.add_argument("--work", help="scratch folder (default: a new one under /tmp)")
    parser.add_argument("--out", default="/tmp/toc-studio-peers.md", help="the table, Markdown")
    parser.add_argument("--only", action="append", help="run one tool's section (repeatable)")
    parser.add_argument(
        "--qc-fill",
        choices=("sql", "api"),
        default="sql",
        help="write qc's stored codings into its database (sql) or through its "
        "update_coded_lines (api: the same rows, ten minutes at 100k)",
    )
    parser.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    # Our commands run cold, each in its own process, as the peers' do: through the warm
    # command server their work would run in the server's child, out of this run's CPU count.
    os.environ["TOC_STUDIO_CLI_SERVER"] = "off"
    if os.environ.get(INSIDE) != "1":
        set_up(Path(args.cache).expanduser())
        raise SystemExit(in_namespace(sys.argv[1:]))
    text = measure(args)
    Path(args.out).write_text(text)
    print()
    print(text)
    print(f"(written to {args.out})")


if __name__ == "__main__":
    main()

"""The warm command server: real commands through a real server, in subprocesses.

Each test has its own socket folder (``XDG_RUNTIME_DIR``), data folder and store, and runs
``python -m toc_studio`` on a copy of the package (``PYTHONPATH``), so that colleagues'
edits of the checkout do not retire the server mid-test. A finaliser stops every server
a test started and fails if a process of it is left. No timing asserts: waits are on
state (a socket answering, a process gone), with a generous deadline.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = "Peer Mentoring Evaluation (demo)"
DEADLINE = 120.0  # seconds: a loaded machine is slow, a broken server never gets there


def copy_package(into: Path) -> Path:
    """A copy of toc_studio (compiled files too, with their times) under ``into``."""
    shutil.copytree(ROOT / "toc_studio", into / "toc_studio", symlinks=True)
    return into


@pytest.fixture(scope="module")
def code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_package(tmp_path_factory.mktemp("code"))


def processes_naming(text: str) -> list[int]:
    """Live processes whose command line contains ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if text in line and state not in "ZX":
            found.append(int(entry.name))
    return found


def as_a_shell_starts_it() -> None:
    """In the new process before it runs: a process group of its own, as a shell gives a
    job, and the job-control signals at their defaults. The kernel discards a Ctrl-Z
    (SIGTSTP) sent to a process whose group is orphaned, which the test process's group
    is when the suite runs as a background job whose shell has gone; this group's parent,
    the test process, is in another group of the same session, so it is never orphaned."""
    os.setpgid(0, 0)
    for signum in (signal.SIGTSTP, signal.SIGCONT, signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def wait_for(condition, what: str):
    deadline = time.monotonic() + DEADLINE
    while not (result := condition()):
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)
    return result


class Cli:
    """``python -m toc_studio`` with a private socket folder, data folder and store."""

    def __init__(self, code: Path, runtime: Path, data: Path, url: str) -> None:
        self.runtime, self.data, self.url = runtime, data, url
        self.env = dict(
            os.environ,
            XDG_RUNTIME_DIR=str(runtime),
            TOC_STUDIO_CLI_SERVER="on",
            PYTHONPATH=str(code),
            TOC_STUDIO_DATA_DIR=str(data),
            TOC_STUDIO_DATABASE_URL=url,
        )
        self.env.pop("TOC_STUDIO_CLI_SERVER_MINUTES", None)

    def run(
        self,
        *args: str,
        cwd: Path | None = None,
        server: bool = True,
        input: bytes = b"",
        **env: str,
    ) -> tuple[int, bytes, bytes]:
        environ = dict(self.env, TOC_STUDIO_CLI_SERVER="on" if server else "off", **env)
        done = subprocess.run(
            [sys.executable, "-m", "toc_studio", *args],
            cwd=cwd or self.data,
            env=environ,
            input=input,
            capture_output=True,
            timeout=DEADLINE,
        )
        return done.returncode, done.stdout, done.stderr

    def popen(self, *args: str, cwd: Path | None = None, **env: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "toc_studio", *args],
            cwd=cwd or self.data,
            env=dict(self.env, **env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=as_a_shell_starts_it,
        )

    def status(self) -> list[dict]:
        """The servers answering in the socket folder (their status answers)."""
        script = (
            "import json, os\n"
            "from toc_studio.cli import client\n"
            "path = client.directory_path()\n"
            "fd = client.open_directory(path, create=False)\n"
            "names = sorted(n for n in os.listdir(fd) if n.endswith('.sock'))\n"
            "print(json.dumps([a for n in names if (a := client.ask(fd, path, n, 'status'))]))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=DEADLINE,
        )
        return json.loads(done.stdout)

    def start(self) -> int:
        """Start this code's server and wait until it answers; its pid."""
        code, out, err = self.run("server", "start")
        assert code == 0, err
        return int(out.decode().rsplit("pid ", 1)[1].split(")")[0])

    def left(self) -> list[int]:
        return processes_naming(str(self.runtime))


@pytest.fixture
def make_cli(tmp_path: Path, code: Path) -> Iterator:
    """Builds :class:`Cli` objects (a socket folder each); stops their servers at the end
    and fails if any process of theirs is left."""
    made: list[Cli] = []

    def make(url: str = "", package: Path = code) -> Cli:
        runtime = Path(tempfile.mkdtemp(prefix="tcs-", dir="/tmp"))  # short: socket paths
        data = tmp_path / f"data{len(made)}"
        data.mkdir()
        cli = Cli(package, runtime, data, url or f"sqlite:///{data / 'store.db'}")
        made.append(cli)
        return cli

    yield make
    leftovers = []
    for cli in made:
        cli.run("server", "stop")
        deadline = time.monotonic() + DEADLINE
        while cli.left() and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in cli.left():
            leftovers.append(pid)
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(cli.runtime, ignore_errors=True)
    assert leftovers == [], f"server processes left behind: {leftovers}"


def second_store(url: str, tmp_path: Path) -> str:
    """Another store like the fresh one at ``url`` (a copy of the file, or a database
    made from it as a template)."""
    if url.startswith("sqlite"):
        path = tmp_path / f"other-{uuid.uuid4().hex[:6]}.db"
        shutil.copy(url.removeprefix("sqlite:///"), path)
        return f"sqlite:///{path}"
    from sqlalchemy import create_engine, text

    name = f"t_{uuid.uuid4().hex[:12]}"
    base, query = url.split("?", 1)
    admin = create_engine(
        base.rsplit("/", 1)[0] + "/postgres?" + query, isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{base.rsplit("/", 1)[1]}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + f"/{name}?" + query


def commands_running(server: int, cwd: Path) -> list[int]:
    """The server's children running a command in ``cwd`` (they have taken the client's
    folder: its request, and the client's signal relay, are in place)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if parent == server and Path(os.readlink(entry / "cwd")) == cwd:
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def served(cli: Cli) -> tuple[int, int]:
    """The pid of the one server answering, and how many connections it has served."""
    (answer,) = cli.status()
    return answer["pid"], answer["served"]


TALK = "Interviewer: How did the sessions go?\nMentee C9: My mentor helped me find work.\n"
INTERRUPTED = (
    b"toc-studio: interrupted (Ctrl-C); what the command had not yet saved was not saved.\n"
)


def test_commands_through_the_server_match_runs_without_it(make_cli, database_url, tmp_path):
    cli = make_cli(database_url)
    urls = {False: second_store(database_url, tmp_path), True: database_url}
    folders = {}
    for mode in (False, True):  # each way its own store and working folder, the same work
        folders[mode] = tmp_path / f"work-{mode}"
        folders[mode].mkdir()
        (folders[mode] / "talk.txt").write_text(TALK, encoding="utf-8")
    sequence = [
        (("demo",), b""),
        (("ingest", "talk.txt", "--project", DEMO, "--no-pseudonymise"), b""),  # relative
        (("query", "excerpts", "--project", DEMO, "--code", "Resources/Funding", "--csv"), b""),
        (("toc", "versions", "--project", DEMO), b""),
        (("toc", "table", "--project", DEMO), b""),
        (("export", "csv", "quotes.csv", "--project", DEMO), b""),
        (("query", "excerpts", "--project", "No such project", "--code", "x"), b""),
        (("query", "excerpts", "--project", DEMO), b""),  # usage: --code is missing
        (("user", "add", "alice", "--password-stdin"), b"a long enough password\n"),
    ]
    cli.start()
    pid, before = served(cli)
    for args, given in sequence:
        results = {
            mode: cli.run(
                *args,
                cwd=folders[mode],
                server=mode,
                input=given,
                TOC_STUDIO_DATABASE_URL=urls[mode],
            )
            for mode in (False, True)
        }
        assert results[True] == results[False], f"toc-studio {' '.join(args)}"
    codes = [
        cli.run(
            *args,
            cwd=folders[False],
            server=False,
            input=given,
            TOC_STUDIO_DATABASE_URL=urls[False],
        )[0]
        for args, given in sequence[6:8]
    ]
    assert codes == [1, 2]
    assert (folders[True] / "quotes.csv").read_bytes() == (
        folders[False] / "quotes.csv"
    ).read_bytes()
    assert served(cli) == (pid, before + len(sequence) + 1)  # all of them through the server


def test_two_clients_at_once_each_get_a_child(make_cli):
    cli = make_cli()
    assert cli.run("init", server=False)[0] == 0
    server = cli.start()
    first = cli.popen("user", "add", "ann", "--password-stdin")
    second = cli.popen("user", "add", "bea", "--password-stdin")
    wait_for(lambda: len(commands_running(server, cli.data)) == 2, "two commands at once")
    outputs = [
        p.communicate(b"a long enough password\n", timeout=DEADLINE) for p in (first, second)
    ]
    assert [p.returncode for p in (first, second)] == [0, 0]
    assert sorted(out for out, _ in outputs) == [
        b"Added the account 'ann'.\n",
        b"Added the account 'bea'.\n",
    ]
    code, out, _ = cli.run("user", "list", "--json")
    assert code == 0 and {u["name"] for u in json.loads(out)["users"]} == {"ann", "bea"}
    wait_for(lambda: not commands_running(server, cli.data), "the children to be reaped")


def test_each_call_keeps_its_own_environment(make_cli, database_url, tmp_path):
    cli = make_cli(database_url)
    other = second_store(database_url, tmp_path)
    cli.start()
    pid, _ = served(cli)
    assert cli.run("demo")[0] == 0
    versions = ("toc", "versions", "--project", DEMO)
    assert cli.run(*versions)[0] == 0
    code, out, err = cli.run(*versions, TOC_STUDIO_DATABASE_URL=other)
    assert (code, out) == (1, b"") and b"no project" in err.lower()
    assert cli.run(*versions, TOC_STUDIO_DATABASE_URL=other, server=False) == (code, out, err)
    assert cli.run("--db", other, *versions) == (code, out, err)
    assert served(cli)[0] == pid  # one server, each command with its own store


def test_ctrl_c_reaches_the_command_and_ends_it_with_130(make_cli):
    cli = make_cli()
    assert cli.run("init", server=False)[0] == 0
    server = cli.start()
    waiting = cli.popen("user", "add", "bob", "--password-stdin")  # reads its standard input
    wait_for(lambda: commands_running(server, cli.data), "the command to start")
    waiting.send_signal(signal.SIGINT)
    assert waiting.wait(timeout=DEADLINE) == 130
    assert (waiting.stdout.read(), waiting.stderr.read()) == (b"", INTERRUPTED)
    waiting.stdin.close()
    waiting.stdout.close()
    waiting.stderr.close()
    assert json.loads(cli.run("user", "list", "--json")[1]) == {"users": []}  # none added


def test_server_stop_leaves_no_process(make_cli):
    cli = make_cli()
    pid = cli.start()
    wait_for(lambda: cli.left() == [pid], "the server alone (its status child has ended)")
    assert len(os.listdir(f"/proc/{pid}/task")) == 1  # the server runs no thread
    code, out, _ = cli.run("server", "stop")
    assert (code, out) == (0, f"Stopped the command server (pid {pid}).\n".encode())
    assert cli.left() == []
    code, out, _ = cli.run("server", "status")
    assert code == 0 and b"No command server is running" in out
    assert not [n for n in os.listdir(cli.runtime / "toc-studio") if n.endswith(".sock")]


def test_an_idle_server_exits_by_itself(make_cli):
    cli = make_cli()
    cli.env["TOC_STUDIO_CLI_SERVER_MINUTES"] = "0.005"  # 0.3 s
    assert cli.run("init")[0] == 0  # the first command starts a server
    log = cli.runtime / "toc-studio" / "server.log"
    wait_for(lambda: log.exists() and "stopped (idle" in log.read_text(), "the idle exit")
    assert "listening as" in log.read_text()
    assert "stopped (idle for 0.005 minutes)" in log.read_text()
    wait_for(lambda: not cli.left(), "the idle server's process to end")
    assert cli.status() == []


def test_a_code_change_starts_a_new_server_and_retires_the_old(make_cli, tmp_path):
    package = copy_package(tmp_path / "edited")
    cli = make_cli(package=package)
    old = cli.start()
    with open(package / "toc_studio" / "config.py", "a", encoding="utf-8") as source:
        source.write("\n# an edit: the code is not what the server loaded\n")
    assert cli.run("init")[0] == 0  # this code's first command: runs here, starts a server
    wait_for(lambda: old not in cli.left(), "the old server to notice the edit and exit")
    new = cli.start()
    assert new != old and [a["pid"] for a in cli.status()] == [new]


def test_a_socket_folder_others_may_enter_is_refused(make_cli, tmp_path):
    cli = make_cli()
    assert cli.run("init", server=False)[0] == 0
    expected = cli.run("user", "list", "--json", server=False)
    folder = cli.runtime / "toc-studio"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    cases = [lambda: None, lambda: (folder.rmdir(), folder.symlink_to(private))]
    if os.getuid() == 0:  # only root can give a folder away
        cases.append(
            lambda: (folder.unlink(), folder.mkdir(mode=0o700), os.chown(folder, 65534, 65534))
        )
    for arrange in cases:
        arrange()
        code, out, err = cli.run("user", "list", "--json")
        assert (code, out) == expected[:2]
        assert err.startswith(b"toc-studio: not using the command server: ")
        assert cli.left() == []  # no server was started


def test_help_project_list_and_off_run_without_a_server(make_cli):
    cli = make_cli()
    assert cli.run("init", server=False)[0] == 0
    assert cli.run("--help")[0] == 0
    assert cli.run("project", "list")[0] == 0
    assert cli.run("query", "excerpts", "--help")[0] == 0
    assert cli.run("user", "list", server=False)[0] == 0  # TOC_STUDIO_CLI_SERVER=off
    assert not (cli.runtime / "toc-studio").exists() and cli.left() == []


def test_the_server_loads_no_heavy_library_and_starts_no_thread():
    script = (
        "import json, sys, threading\n"
        "from toc_studio.cli import preload\n"
        "preload.preload()\n"
        "print(json.dumps([threading.active_count(), sorted(sys.modules)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=DEADLINE
    )
    threads, modules = json.loads(done.stdout)
    from toc_studio.cli.preload import LAZY

    assert threads == 1
    assert sorted({m.split(".")[0] for m in modules} & LAZY) == []
    assert {"sqlmodel", "toc_studio.coding.commands", "toc_studio.coding.models"} <= set(modules)


def test_a_terminal_is_handed_over_as_a_terminal(make_cli):
    """On a terminal the command sees one (isatty): it asks for the password with the
    echo off, as it would without the server."""
    import pty

    cli = make_cli()
    assert cli.run("init", server=False)[0] == 0
    cli.start()
    main, side = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "toc_studio", "user", "add", "cy", "--password-stdin"],
        cwd=cli.data, env=cli.env, stdin=side, stdout=side, stderr=side, close_fds=True,
    )  # fmt: skip
    os.close(side)
    seen = b""

    def answer(prompt: bytes) -> None:
        nonlocal seen
        while prompt not in seen:
            seen += os.read(main, 1024)
        seen = seen.split(prompt, 1)[1]
        os.write(main, b"a long enough password\n")

    answer(b"Password: ")
    answer(b"Again: ")
    assert process.wait(timeout=DEADLINE) == 0
    while b"Added" not in seen:
        seen += os.read(main, 1024)
    os.close(main)
    assert b"a long enough password" not in seen  # not echoed
    code, out, _ = cli.run("user", "list", "--json")
    assert [u["name"] for u in json.loads(out)["users"]] == ["cy"]


def test_which_commands_go_to_the_server(monkeypatch):
    from toc_studio.cli import through_server

    monkeypatch.setenv("TOC_STUDIO_CLI_SERVER", "on")
    assert through_server(["query", "excerpts", "--project", "P", "--code", "C"])
    assert through_server(["--db", "sqlite:///x.db", "project", "create", "P"])
    for argv in (
        [],
        ["--help"],
        ["query", "excerpts", "-h"],
        ["--db", "sqlite:///x.db", "project", "list", "--json"],
        ["server", "status"],
        ["no-such-command"],
    ):
        assert not through_server(argv), argv
    for off in ("off", "0", "no", "FALSE"):
        monkeypatch.setenv("TOC_STUDIO_CLI_SERVER", off)
        assert not through_server(["query", "excerpts"])


SYSCALLS = {"x86_64": {"read": "0", "recvfrom": "45"}, "aarch64": {"read": "63", "recvfrom": "207"}}


def in_syscall(pid: int, name: str, fd: int | None = None) -> bool:
    """Whether ``pid`` is blocked in the system call ``name`` (on descriptor ``fd``)."""
    import platform

    number = SYSCALLS.get(platform.machine(), {}).get(name)
    try:
        call = Path(f"/proc/{pid}/syscall").read_text().split()
    except OSError:
        call = []
    if number is None or not call:
        pytest.skip("which system call a process is in cannot be read here")
    return call[0] == number and (fd is None or call[1:2] == [hex(fd)])


def reading_stdin(pid: int) -> bool:
    """Whether ``pid`` is blocked reading its standard input (read(0, ...))."""
    return in_syscall(pid, "read", 0)


def test_ctrl_c_before_the_child_starts_reaches_it_once_it_does(make_cli):
    """The server is paused: the client has sent its request and waits for the child's
    pid when the Ctrl-C comes; the child gets it as soon as it is known."""
    cli = make_cli()
    assert cli.run("init", server=False)[0] == 0
    server = cli.start()
    wait_for(lambda: cli.left() == [server], "the server alone")
    os.kill(server, signal.SIGSTOP)
    try:
        waiting = cli.popen("user", "add", "eve", "--password-stdin")
        wait_for(lambda: in_syscall(waiting.pid, "recvfrom"), "the client to wait for it")
        waiting.send_signal(signal.SIGINT)
    finally:
        os.kill(server, signal.SIGCONT)
    assert waiting.wait(timeout=DEADLINE) == 130
    assert (waiting.stdout.read(), waiting.stderr.read()) == (b"", INTERRUPTED)
    for stream in (waiting.stdin, waiting.stdout, waiting.stderr):
        stream.close()
    assert json.loads(cli.run("user", "list", "--json")[1]) == {"users": []}


def test_ctrl_z_before_the_child_starts_stops_both_once_it_does(make_cli):
    """The server is paused when the Ctrl-Z comes: the client waits for the child's pid,
    then stops it and itself together (not itself alone, leaving the command running)."""
    cli = make_cli()
    assert cli.run("init", server=False)[0] == 0
    server = cli.start()
    wait_for(lambda: cli.left() == [server], "the server alone")
    os.kill(server, signal.SIGSTOP)
    try:
        waiting = cli.popen("user", "add", "gus", "--password-stdin")
        wait_for(lambda: in_syscall(waiting.pid, "recvfrom"), "the client to wait for it")
        waiting.send_signal(signal.SIGTSTP)
    finally:
        os.kill(server, signal.SIGCONT)
    (child,) = wait_for(lambda: commands_running(server, cli.data), "the command to start")
    wait_for(lambda: state(waiting.pid) == "T" and state(child) == "T", "both to stop")
    waiting.send_signal(signal.SIGCONT)
    wait_for(lambda: state(waiting.pid) != "T" and state(child) != "T", "both to go on")
    waiting.send_signal(signal.SIGINT)
    assert waiting.wait(timeout=DEADLINE) == 130
    for stream in (waiting.stdin, waiting.stdout, waiting.stderr):
        stream.close()


def test_ctrl_c_without_the_server_ends_with_a_sentence_too(make_cli):
    cli = make_cli()
    assert cli.run("init", server=False)[0] == 0
    waiting = cli.popen("user", "add", "dee", "--password-stdin", TOC_STUDIO_CLI_SERVER="off")
    wait_for(lambda: reading_stdin(waiting.pid), "the command to wait for its input")
    waiting.send_signal(signal.SIGINT)
    assert waiting.wait(timeout=DEADLINE) == 130
    assert (waiting.stdout.read(), waiting.stderr.read()) == (b"", INTERRUPTED)
    for stream in (waiting.stdin, waiting.stdout, waiting.stderr):
        stream.close()
    assert not (cli.runtime / "toc-studio").exists()


def state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_ctrl_z_stops_the_command_with_the_client_and_a_killed_client_ends_it(make_cli):
    cli = make_cli()
    assert cli.run("init", server=False)[0] == 0
    server = cli.start()
    waiting = cli.popen("user", "add", "fay", "--password-stdin")
    (child,) = wait_for(lambda: commands_running(server, cli.data), "the command to start")
    waiting.send_signal(signal.SIGTSTP)
    wait_for(lambda: state(waiting.pid) == "T" and state(child) == "T", "both to stop")
    waiting.send_signal(signal.SIGCONT)
    wait_for(lambda: state(waiting.pid) != "T" and state(child) != "T", "both to go on")
    waiting.send_signal(signal.SIGTSTP)
    wait_for(lambda: state(child) == "T", "the command to stop again")
    waiting.kill()  # the client dies while its command is stopped
    waiting.wait(timeout=DEADLINE)
    for stream in (waiting.stdin, waiting.stdout, waiting.stderr):
        stream.close()
    wait_for(lambda: child not in commands_running(server, cli.data), "the orphan to end")
    assert "has gone: ending the command" in (cli.runtime / "toc-studio" / "server.log").read_text()

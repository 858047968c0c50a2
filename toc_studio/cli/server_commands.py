"""``toc-studio server status|start|stop``: the warm command server, seen and handled.

These run in the calling process, never through a server (see :mod:`toc_studio.cli.client`).
"""

from __future__ import annotations

import argparse
import os
import time

from toc_studio.cli import client
from toc_studio.cli.common import EXIT_OK, CommandError, Commands

WAIT_SECONDS = 120.0  # longest wait for a server to answer after start, or to end after stop
POLL_SECONDS = 0.05


def register(cli: Commands) -> None:
    server = cli.group("server")
    server.command("status", cmd_status, "the command servers running, and the socket folder")
    server.command("start", cmd_start, "start this code's command server now, wait for it")
    server.command("stop", cmd_stop, "stop every command server of yours (commands finish)")


def sockets(dir_fd: int) -> list[str]:
    """The socket names in the folder, newest code's last."""
    return sorted(n for n in os.listdir(dir_fd) if n.startswith("cli-") and n.endswith(".sock"))


def folder(*, create: bool) -> tuple[int, str]:
    """The socket folder's descriptor and path; a sentence if it cannot be used."""
    path = client.directory_path()
    if not create and not os.path.lexists(path):
        return -1, path
    try:
        return client.open_directory(path, create=create), path
    except client.Unsafe as exc:
        raise CommandError(f"The command server cannot be used: {exc}.") from exc


def switch_line() -> str:
    if client.enabled():
        return "The command server is on"
    return f"The command server is off (${client.SWITCH_ENV}, or no Unix sockets here)"


def cmd_status(args: argparse.Namespace) -> int:
    dir_fd, path = folder(create=False)
    print(f"{switch_line()}; socket folder {path}.")
    if dir_fd < 0:
        print("No command server is running.")
        return EXIT_OK
    try:
        current = f"{client.server_name()}.sock"
        found = 0
        for name in sockets(dir_fd):
            answer = client.ask(dir_fd, path, name, "status")
            if answer is None:
                print(f"{name}: nobody answers (left by a server that ended).")
                continue
            found += 1
            which = "this code's" if name == current else "another version's"
            print(f"pid {answer['pid']}: {which} server, started {answer['started']} UTC, "
                  f"{answer['served']} command(s) served ({answer['children_cpu']:.2f} s of "
                  f"CPU), {answer['running']} running, "
                  f"exits after {answer['idle_minutes']:g} idle minutes; "
                  f"code {answer['code']}")  # fmt: skip
        if not found:
            print("No command server is running; the next work command starts one.")
    finally:
        os.close(dir_fd)
    return EXIT_OK


def cmd_start(args: argparse.Namespace) -> int:
    if not client.enabled():
        raise CommandError(f"{switch_line()}: nothing was started.")
    dir_fd, path = folder(create=True)
    try:
        name = client.server_name()
        answer = client.ask(dir_fd, path, f"{name}.sock", "status")
        if answer is not None:
            print(f"This code's command server is already running (pid {answer['pid']}).")
            return EXIT_OK
        client.start_server(dir_fd, path, name)
        deadline = time.monotonic() + WAIT_SECONDS
        while (answer := client.ask(dir_fd, path, f"{name}.sock", "status")) is None:
            if time.monotonic() > deadline:
                raise CommandError(
                    f"The command server did not answer within {WAIT_SECONDS:g} s; "
                    f"see {os.path.join(path, client.LOG_NAME)}."
                )
            time.sleep(POLL_SECONDS)
    finally:
        os.close(dir_fd)
    print(f"Started the command server (pid {answer['pid']}).")
    return EXIT_OK


def cmd_stop(args: argparse.Namespace) -> int:
    dir_fd, path = folder(create=False)
    if dir_fd < 0:
        print("No command server was running.")
        return EXIT_OK
    stopped = []
    try:
        for name in sockets(dir_fd):
            answer = client.ask(dir_fd, path, name, "stop")
            if answer is None:  # nobody listens: a dead server's socket
                try:
                    os.unlink(name, dir_fd=dir_fd)
                except FileNotFoundError:
                    pass
                continue
            stopped.append(answer["pid"])
    finally:
        os.close(dir_fd)
    deadline = time.monotonic() + WAIT_SECONDS
    while any(running(pid) for pid in stopped) and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    for pid in stopped:
        print(f"Stopped the command server (pid {pid})." if not running(pid) else
              f"Asked the command server (pid {pid}) to stop; it is still ending.")  # fmt: skip
    if not stopped:
        print("No command server was running.")
    return EXIT_OK


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting for its parent is not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, IndexError):
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

"""The warm command server: one process per user and version of the code that keeps the
store's libraries imported and forks a fresh child for each work command.

Started by :func:`toc_studio.cli.client.start_server` (never by hand; ``toc-studio server
start`` does the same). It takes a lock (one server per socket name), imports SQLAlchemy,
SQLModel, every package's tables and the command modules with the services they call
(:mod:`toc_studio.cli.preload`), opens no database connection and starts no thread, then
listens. For each connection from the same uid (SO_PEERCRED) it forks; the child reads
the request, becomes the client's process (cwd, environment, umask, standard streams,
signals), runs ``toc_studio.cli.main(argv)``, and reports the exit code. Each command is
a fresh fork of the same clean server: nothing a command does (logging set up, caches
filled, random state, a database pool) reaches the next one.

The server exits after :func:`~toc_studio.cli.client.idle_minutes` without a command, on
SIGTERM (``toc-studio server stop``), when its socket is removed or replaced, and when
the code it was started from changes (its fingerprint is checked every few seconds).
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import select
import signal
import socket
import struct
import sys
import time
from datetime import UTC, datetime

from toc_studio.cli import client

CHECK_SECONDS = 5.0  # how often the code's fingerprint and the socket are looked at
PEERCRED = struct.Struct("3i")  # pid, uid, gid


def log(message: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    print(f"{stamp} UTC server {os.getpid()}: {message}", file=sys.stderr, flush=True)


class Server:
    """The listening socket, its lock, and what a status request reports."""

    def __init__(self, path: str, name: str) -> None:
        self.path, self.name = path, name
        self.dir_fd = client.open_directory(path, create=False)
        self.socket_name = f"{name}.sock"
        self.lock_name = f"{name}.lock"
        self.modules_name = f"{name}.modules"  # the modules to load: see preload()
        self.minutes = client.idle_minutes()
        self.started = datetime.now(UTC)
        self.served = 0
        self.children: dict[int, int] = {}  # running child -> the pid of its client
        self.children_cpu = 0.0  # user + system seconds of the children that ended
        self.listener: socket.socket | None = None
        self.inode = 0
        self.lock = -1

    def take_lock(self) -> bool:
        """The lock of this socket name; False if another server holds it."""
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        self.lock = os.open(self.lock_name, flags, 0o600, dir_fd=self.dir_fd)
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def listen(self) -> None:
        try:
            os.unlink(self.socket_name, dir_fd=self.dir_fd)  # a dead server's
        except FileNotFoundError:
            pass
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        umask = os.umask(0o077)
        try:
            self.listener.bind(client.address(self.dir_fd, self.path, self.socket_name))
        finally:
            os.umask(umask)
        self.listener.listen(64)
        self.inode = self.socket_inode()

    def socket_inode(self) -> int:
        try:
            return os.stat(self.socket_name, dir_fd=self.dir_fd, follow_symlinks=False).st_ino
        except FileNotFoundError:
            return -1

    def preload(self) -> int:
        """Load what the commands need (:mod:`toc_studio.cli.preload`); which of our
        modules is read from the code once per version of it and kept beside the socket."""
        from toc_studio.cli import preload

        try:
            with open(self.modules_name, encoding="utf-8", opener=self.opener) as kept:
                modules = json.load(kept)
        except (OSError, ValueError):
            modules = preload.wanted()
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
            fd = os.open(f"{self.modules_name}.new", flags, 0o600, dir_fd=self.dir_fd)
            with os.fdopen(fd, "w", encoding="utf-8") as kept:
                json.dump(modules, kept)
            os.replace(f"{self.modules_name}.new", self.modules_name,
                       src_dir_fd=self.dir_fd, dst_dir_fd=self.dir_fd)  # fmt: skip
        for other in os.listdir(self.dir_fd):  # other versions' lists: read at their start
            if other.startswith("cli-") and ".modules" in other and other != self.modules_name:
                try:
                    os.unlink(other, dir_fd=self.dir_fd)
                except FileNotFoundError:
                    pass
        return preload.preload(modules)

    def opener(self, name: str, flags: int) -> int:
        return os.open(name, flags | os.O_NOFOLLOW, dir_fd=self.dir_fd)

    def status(self) -> dict:
        return {
            "pid": os.getpid(),
            "started": self.started.strftime("%Y-%m-%d %H:%M:%S"),
            "idle_minutes": self.minutes,
            "served": self.served,
            "running": len(self.children),
            "children_cpu": round(self.children_cpu, 6),
            "server_cpu": round(sum(os.times()[:2]), 3),
            "code": os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
            "python": sys.executable,
            "name": self.name,
        }

    def close(self, reason: str) -> None:
        """Stop listening; remove the socket and the lock if they are still this server's
        (and the list of modules to load, once the code has changed)."""
        if self.listener is not None:
            self.listener.close()
            if self.socket_inode() == self.inode:
                os.unlink(self.socket_name, dir_fd=self.dir_fd)
        for name in [self.lock_name] + [self.modules_name] * ("code changed" in reason):
            try:
                os.unlink(name, dir_fd=self.dir_fd)
            except FileNotFoundError:
                pass
        os.close(self.lock)
        log(f"stopped ({reason}); {self.served} command(s) served")


def main(path: str, name: str) -> None:
    """Serve the commands of the clients of the code named ``name`` until idle or stopped."""
    try:
        server = Server(path, name)
    except (client.Unsafe, OSError) as exc:
        log(f"not started: {exc}")
        return
    if not server.take_lock():
        return  # another server of this code is starting or running
    if f"cli-{client.fingerprint()}" != name:
        server.close("the code changed before the server started")
        return
    loaded = server.preload()
    gc.collect()
    gc.freeze()  # the children's copies of these objects stay shared with the server
    server.listen()
    log(f"listening as {server.socket_name} ({loaded} modules loaded in "
        f"{sum(os.times()[:2]):.2f} s of CPU, {sys.executable}; exits after "
        f"{server.minutes:g} idle minutes)")  # fmt: skip
    server.close(serve(server))


def serve(server: Server) -> str:
    """Accept and fork until a reason to stop; returns the reason."""
    wake_read, wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_write)
    stops: list[str] = []
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda s, f: stops.append(signal.Signals(s).name))
    signal.signal(signal.SIGCHLD, lambda s, f: None)  # wakes the select up: reap
    assert server.listener is not None
    last, next_check = time.monotonic(), time.monotonic() + CHECK_SECONDS
    while not stops:
        if reap(server):
            last = time.monotonic()
        now = time.monotonic()
        idle_left = server.minutes * 60 - (now - last)
        if not server.children and idle_left <= 0:
            return f"idle for {server.minutes:g} minutes"
        if now >= next_check:
            if server.socket_inode() != server.inode:
                return "its socket was removed or replaced"
            if f"cli-{client.fingerprint()}" != server.name:
                return "the code changed"
            end_orphans(server)
            next_check = now + CHECK_SECONDS
        wait = max(0.0, min(next_check - now, idle_left if not server.children else CHECK_SECONDS))
        ready, _, _ = select.select([server.listener, wake_read], [], [], wait)
        if wake_read in ready:
            while True:
                try:
                    if not os.read(wake_read, 512):
                        break
                except BlockingIOError:
                    break
        if server.listener in ready:
            accept(server, (wake_read, wake_write))
            last = time.monotonic()
    return f"signal {stops[0]}"


def end_orphans(server: Server) -> None:
    """End the commands whose client has gone (killed with SIGKILL, perhaps while the
    command was stopped by Ctrl-Z): run in the client's own process, the command would
    have ended with it."""
    for child, client_pid in list(server.children.items()):
        if not alive(client_pid):
            log(f"the client {client_pid} of command {child} has gone: ending the command")
            try:
                os.kill(child, signal.SIGKILL)  # as the killed client would have ended
            except ProcessLookupError:
                pass


def alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (not gone, not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def reap(server: Server) -> bool:
    """Collect the children that ended (no zombies), adding up their CPU time; True if
    any did."""
    ended = False
    while server.children:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            server.children.clear()
            return True
        if pid == 0:
            break
        server.children.pop(pid, None)
        server.children_cpu += usage.ru_utime + usage.ru_stime
        ended = True
    return ended


def accept(server: Server, wake: tuple[int, int]) -> None:
    """Take one connection: from another uid it is closed at once; else a child serves it."""
    assert server.listener is not None
    try:
        conn, _ = server.listener.accept()
    except OSError:
        return
    with conn:
        client_pid, uid, _ = PEERCRED.unpack(
            conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, PEERCRED.size)
        )
        if uid != os.getuid():
            log(f"refused a connection from uid {uid}")
            return
        status = server.status()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            code = 1
            try:
                signal.set_wakeup_fd(-1)
                for fd in (*wake, server.lock, server.dir_fd):
                    os.close(fd)
                server.listener.close()
                from toc_studio.cli import child

                code = child.serve_one(conn, status)
            finally:
                os._exit(code)
        server.children[pid] = client_pid
        server.served += 1

"""One command in a child of the warm command server (:mod:`toc_studio.cli.server`).

The child is a fresh fork of the clean server. It reads the client's request (see
:mod:`toc_studio.cli.client`), becomes the client's process for the command: its working
folder, its whole environment (and time zone and locale), umask, standard streams (the
client's descriptors, rebuilt with the client's encodings, line-buffered on a terminal),
``sys.argv`` and ``sys.path[0]``, and the signals as a fresh interpreter has them; then
sends its pid, runs ``toc_studio.cli.main(argv)``, ends as the interpreter would
(non-daemon threads joined, ``atexit`` functions run, streams flushed) and sends the
exit code.
"""

from __future__ import annotations

import atexit
import io
import json
import locale
import os
import signal
import socket
import sys
import threading
import time
import traceback

from toc_studio.cli import client

LARGEST_REQUEST = 16 * 1024 * 1024


def serve_one(conn: socket.socket, status: dict) -> int:
    """Answer the request on ``conn``; returns this process's exit status."""
    conn.setblocking(True)
    got = receive(conn)
    if got is None:
        return 1
    request, fds = got
    kind = request.get("kind")
    if kind in ("status", "stop"):
        send_json(conn, status)
        if kind == "stop":
            os.kill(status["pid"], signal.SIGTERM)
        return 0
    if kind != "run" or len(fds) != 3:
        return 1
    interrupt = {signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, interrupt)  # a Ctrl-C waits for the command
    become(request, fds)
    conn.sendall(client.FRAME.pack(b"P", os.getpid()))
    code = run_command(request["argv"], interrupt)
    signal.pthread_sigmask(signal.SIG_BLOCK, interrupt)  # a late one does not cut the end
    finish()
    conn.sendall(client.FRAME.pack(b"X", code))
    return 0


def receive(conn: socket.socket) -> tuple[dict, list[int]] | None:
    """The request and the descriptors attached to it; None if it is not one."""
    data, fds, _, _ = socket.recv_fds(conn, 65536, 3)
    while len(data) < client.HEADER.size:
        more = conn.recv(65536)
        if not more:
            return None
        data += more
    magic, length = client.HEADER.unpack_from(data)
    if magic != client.MAGIC or length > LARGEST_REQUEST:
        return None
    body = data[client.HEADER.size :]
    if len(body) < length:
        rest = client.read_exactly(conn, length - len(body))
        if rest is None:
            return None
        body += rest
    return json.loads(body), list(fds)


def send_json(conn: socket.socket, payload: dict) -> None:
    body = json.dumps(payload).encode("utf-8")
    conn.sendall(client.FRAME.pack(b"J", len(body)) + body)


def become(request: dict, fds: list[int]) -> None:
    """Take on the client's cwd, environment, umask, streams, argv and signals."""
    for signame in client.RELAYED:
        signum = getattr(signal, signame)
        if signame in request["ignored"]:
            signal.signal(signum, signal.SIG_IGN)
        else:
            signal.signal(signum, signal.default_int_handler if signame == "SIGINT"
                          else signal.SIG_DFL)  # fmt: skip
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    streams = [stream(fd, *described) for fd, described in enumerate(request["stdio"])]
    sys.stdin, sys.stdout, sys.stderr = streams
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = streams
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    try:
        locale.setlocale(locale.LC_CTYPE, "")
    except locale.Error:
        pass
    os.umask(request["umask"])
    os.chdir(request["cwd"])
    sys.argv = [request["argv0"], *request["argv"]]
    if sys.path:  # the script's folder or the cwd, as the client has it (the rest is the same)
        sys.path[0] = request["path0"]


def stream(fd: int, encoding: str, errors: str, tty: bool, unbuffered: bool) -> io.TextIOWrapper:
    """A standard stream on ``fd`` as the interpreter builds it at start-up (POSIX: no
    newline translation; stdout line-buffered on a terminal, stderr always; with ``-u``
    no buffer under the text layer, which writes through)."""
    mode = "rb" if fd == 0 else "wb"
    unbuffered = unbuffered and fd != 0  # -u leaves stdin buffered
    buffer = io.open(fd, mode, buffering=0 if unbuffered else -1, closefd=False)  # noqa: UP020
    text = io.TextIOWrapper(buffer, encoding=encoding, errors=errors, newline="\n",
                            line_buffering=bool(tty) or fd == 2,
                            write_through=unbuffered)  # fmt: skip
    text.mode = "r" if fd == 0 else "w"  # type: ignore[misc]
    return text


def run_command(argv: list[str], interrupt: set[signal.Signals]) -> int:
    """``toc_studio.cli.main(argv)``'s exit code, as the interpreter would make it; a
    Ctrl-C that came before (``interrupt`` blocked till now) ends it at once."""
    from toc_studio.cli import interrupted, main

    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, interrupt)
        return main(argv)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return int(exc.code or 0)
        print(exc.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return interrupted()
    except BaseException:  # noqa: BLE001 - what the interpreter would print
        traceback.print_exc()
        return 1


def finish() -> None:
    """End as the interpreter ends: wait for non-daemon threads, run ``atexit``, flush;
    then let go of the client's descriptors, so its readers see the end of output."""
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for out in (sys.stdout, sys.stderr):
        try:
            out.flush()
        except (OSError, ValueError):
            pass
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)

"""The client of the warm command server: hands a work command to a server that has the
libraries loaded, or starts one and runs this command here.

A work command (``toc-studio query ...``) spends 0.5-1 s importing SQLAlchemy, SQLModel and
the tables before its work. A server (:mod:`toc_studio.cli.server`) keeps them imported and
forks a fresh child per command. This module is what ``toc-studio`` loads to talk to it;
it imports only the standard library's small modules (no SQLAlchemy, no argparse
parsers), so asking costs milliseconds.

The conversation, over a Unix socket in a folder only the user can enter:

1. The client connects and sends one request: a header (``TOC1`` and the length), then
   JSON (argv, cwd, the whole environment, umask, the encodings and terminal flags of its
   standard streams, the signals it ignores), with file descriptors 0, 1 and 2 attached
   (SCM_RIGHTS).
2. The server checks the peer's uid (SO_PEERCRED) and forks a child, which takes those
   descriptors as its own standard streams, sends its pid (frame ``P``), runs the command
   as ``toc_studio.cli.main(argv)`` would here, and sends the exit code (frame ``X``).
3. The client relays SIGINT, SIGTERM and SIGHUP to the child, stops and continues it with
   itself on Ctrl-Z (SIGTSTP, then SIGCONT), and exits with its code.

No server running: the client starts one (detached) and runs the command in its own
process, so the first command is never slower than without a server. The socket's name
holds a fingerprint of the interpreter and of the code (:func:`fingerprint`): after an
upgrade or an edit a new server is used, and the old one notices and exits.
``TOC_STUDIO_CLI_SERVER=off`` (or 0, no, false) turns it all off.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys

SWITCH_ENV = "TOC_STUDIO_CLI_SERVER"
MINUTES_ENV = "TOC_STUDIO_CLI_SERVER_MINUTES"
DEFAULT_MINUTES = 15.0
OFF = frozenset({"off", "0", "no", "false"})
HEADER = struct.Struct("!4sI")  # magic, length of the JSON that follows
MAGIC = b"TOC1"
FRAME = struct.Struct("!ci")  # b"P" pid, b"X" exit code, b"J" length of JSON that follows
RELAYED = ("SIGINT", "SIGTERM", "SIGHUP")
LOG_NAME = "server.log"
LOG_LIMIT = 1_000_000  # bytes: a longer log is emptied when a server starts
LOST = (
    "toc-studio: the command server ended before the command did, so its result is unknown; "
    "run it again (TOC_STUDIO_CLI_SERVER=off runs it without the server)."
)


class Unsafe(Exception):
    """The socket folder is not a private folder of this user: the server is not used."""


def enabled(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Whether the server may be used: not switched off, and a platform that can check
    who connects (Linux: Unix sockets, descriptor passing, SO_PEERCRED)."""
    if environ.get(SWITCH_ENV, "").strip().lower() in OFF:
        return False
    return os.name == "posix" and all(
        hasattr(socket, name) for name in ("AF_UNIX", "SO_PEERCRED", "send_fds", "recv_fds")
    )


def idle_minutes(environ: dict[str, str] | os._Environ[str] = os.environ) -> float:
    """Minutes without a command after which a server exits (``TOC_STUDIO_CLI_SERVER_MINUTES``,
    default 15; fractions allowed; a value that is not a positive number gives the default)."""
    try:
        minutes = float(environ.get(MINUTES_ENV, DEFAULT_MINUTES))
    except ValueError:
        return DEFAULT_MINUTES
    return minutes if minutes > 0 else DEFAULT_MINUTES


def directory_path() -> str:
    """The socket folder: ``$XDG_RUNTIME_DIR/toc-studio``, else ``<temp>/toc-studio-<uid>``."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime):
        return os.path.join(runtime, "toc-studio")
    temp = next((os.environ[v] for v in ("TMPDIR", "TEMP", "TMP") if os.environ.get(v)), "/tmp")
    return os.path.join(temp, f"toc-studio-{os.getuid()}")


def open_directory(path: str, *, create: bool = True) -> int:
    """A descriptor on the socket folder, created 0700 if missing; :class:`Unsafe` unless it
    is a real folder (not a link) owned by this user that nobody else may enter."""
    if create:
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise Unsafe(f"{path} cannot be opened as a folder ({exc.strerror})") from exc
    status = os.fstat(fd)
    if status.st_uid != os.getuid() or status.st_mode & 0o077:
        os.close(fd)
        raise Unsafe(
            f"{path} is not private (owner uid {status.st_uid}, mode {status.st_mode & 0o777:o}; "
            f"it must be yours with mode 700)"
        )
    return fd


def address(dir_fd: int, path: str, name: str) -> str:
    """The socket's address: through the folder's descriptor where /proc allows (short,
    and no link in the path is followed), else the path itself."""
    if os.path.isdir(f"/proc/self/fd/{dir_fd}"):
        return f"/proc/self/fd/{dir_fd}/{name}"
    return os.path.join(path, name)


def python_flags() -> tuple[int, ...]:
    """The interpreter options that change how code runs (a server must share them)."""
    f = sys.flags
    return (f.optimize, f.dont_write_bytecode, f.no_user_site, f.ignore_environment,
            f.isolated, f.utf8_mode, f.safe_path, int(f.dev_mode))  # fmt: skip


def fingerprint() -> str:
    """16 hex digits naming the interpreter, its options and path, and the code: the path,
    size and time of every ``.py`` file of the package and of each folder on the path."""
    import hashlib

    digest = hashlib.blake2b(digest_size=8)
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = sys.path[1:]  # sys.path[0] is the script's folder or the cwd: not the code
    digest.update(repr((sys.executable, sys.version, python_flags(), path, package)).encode(
        "utf-8", "surrogateescape"))  # fmt: skip
    for entry in path:
        try:
            digest.update(b"%d\0" % os.stat(entry).st_mtime_ns)
        except OSError:
            digest.update(b"-\0")
    add_sources(digest, package)
    return digest.hexdigest()


def add_sources(digest: object, folder: str) -> None:
    """Feed ``digest`` the name, size and time of every ``.py`` file under ``folder``."""
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    add_sources(digest, entry.path)
            elif entry.name.endswith(".py"):
                status = entry.stat(follow_symlinks=False)
                line = f"{entry.path}\0{status.st_size}\0{status.st_mtime_ns}\0"
                digest.update(line.encode("utf-8", "surrogateescape"))  # type: ignore[attr-defined]


def server_name() -> str:
    """The base name of this code's server's socket and lock (``cli-<fingerprint>``)."""
    return f"cli-{fingerprint()}"


# --- talking -------------------------------------------------------------------------------


def connect(dir_fd: int, path: str, socket_name: str) -> socket.socket | None:
    """A connection to the server listening on ``socket_name``, or None if none is."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(address(dir_fd, path, socket_name))
    except OSError:
        sock.close()
        return None
    return sock


def send_request(sock: socket.socket, request: dict, fds: list[int]) -> None:
    """Send ``request`` (JSON) with ``fds`` attached to its first bytes."""
    body = json.dumps(request).encode("ascii")
    data = HEADER.pack(MAGIC, len(body)) + body
    sent = socket.send_fds(sock, [data], fds) if fds else sock.send(data)
    if sent < len(data):
        sock.sendall(data[sent:])


def read_exactly(sock: socket.socket, size: int) -> bytes | None:
    """``size`` bytes, or None if the connection ended first."""
    parts, left = [], size
    while left:
        part = sock.recv(left)
        if not part:
            return None
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def read_frame(sock: socket.socket) -> tuple[bytes, int | dict] | None:
    """The next frame: (b"P", pid), (b"X", exit code), (b"J", object); None at the end."""
    try:
        head = read_exactly(sock, FRAME.size)
        if head is None:
            return None
        kind, value = FRAME.unpack(head)
        if kind != b"J":
            return kind, value
        body = read_exactly(sock, value)
    except OSError:
        return None
    return None if body is None else (kind, json.loads(body))


def ask(dir_fd: int, path: str, socket_name: str, kind: str) -> dict | None:
    """Ask the server on ``socket_name`` for its ``status`` (or to ``stop``): its answer,
    or None if no server answers there."""
    sock = connect(dir_fd, path, socket_name)
    if sock is None:
        return None
    with sock:
        try:
            send_request(sock, {"kind": kind}, [])
        except OSError:
            return None
        frame = read_frame(sock)
    return frame[1] if frame and frame[0] == b"J" and isinstance(frame[1], dict) else None


def stdio_description() -> list[list] | None:
    """Encoding, errors, terminal flag and write-through (``-u``) of stdin, stdout and
    stderr; None if one is missing (a closed descriptor): such a command runs here."""
    found = []
    for fd, stream in enumerate((sys.stdin, sys.stdout, sys.stderr)):
        try:
            os.fstat(fd)
        except OSError:
            return None
        if stream is None or not getattr(stream, "encoding", None):
            return None
        unbuffered = bool(getattr(stream, "write_through", False))  # python -u
        found.append([stream.encoding, stream.errors, os.isatty(fd), unbuffered])
    return found


def command_request(argv: list[str]) -> dict | None:
    """What the server needs to run ``argv`` as this process would; None if it cannot."""
    stdio = stdio_description()
    try:
        cwd = os.getcwd()
    except OSError:
        return None
    if stdio is None:
        return None
    umask = os.umask(0o022)
    os.umask(umask)
    ignored = [n for n in RELAYED if signal.getsignal(getattr(signal, n)) == signal.SIG_IGN]
    return {"kind": "run", "argv": argv, "argv0": sys.argv[0] if sys.argv else "toc-studio",
            "path0": (sys.path[0] or cwd) if sys.path else cwd, "cwd": cwd,
            "env": dict(os.environ), "umask": umask, "stdio": stdio,
            "ignored": ignored}  # fmt: skip


# --- running a command through the server --------------------------------------------------


def run(argv: list[str]) -> int | None:
    """Run ``argv`` through this code's server and return its exit code; None when it is
    to run in this process (no server yet: one is started; or the server cannot be used)."""
    if not enabled():
        return None
    path = directory_path()
    try:
        dir_fd = open_directory(path)
    except Unsafe as exc:
        print(f"toc-studio: not using the command server: {exc}.", file=sys.stderr)
        return None
    except OSError:
        return None
    try:
        name = server_name()
        request = command_request(argv)
        if request is None:
            return None
        sock = connect(dir_fd, path, f"{name}.sock")
        if sock is None:
            if not starting(dir_fd, name):
                start_server(dir_fd, path, name)
            return None
        with sock:
            return converse(sock, request)
    finally:
        os.close(dir_fd)


def converse(sock: socket.socket, request: dict) -> int | None:
    """Hand the command over and wait for its exit code, relaying signals to the child.
    None if the child never started (the server was ending): the command runs here."""
    child: list[int] = []
    caught: list[int] = []
    stop_wanted: list[bool] = []  # a Ctrl-Z before the child was known

    def send(signum: int) -> None:
        try:
            os.kill(child[0], signum)
        except ProcessLookupError:
            pass

    def relay(signum: int, frame: object) -> None:
        caught.append(signum)
        if child:
            send(signum)

    def suspend(signum: int, frame: object) -> None:  # Ctrl-Z: the child stops too
        if not child:  # stop once the child is known, so that both stop, not this alone
            stop_wanted.append(True)
            return
        send(signal.SIGSTOP)
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)  # stops here until SIGCONT
        signal.signal(signal.SIGTSTP, suspend)
        send(signal.SIGCONT)

    previous = {}
    for signame in RELAYED:
        signum = getattr(signal, signame)
        if signame not in request["ignored"]:
            previous[signum] = signal.signal(signum, relay)
    if signal.getsignal(signal.SIGTSTP) == signal.SIG_DFL:
        previous[signal.SIGTSTP] = signal.signal(signal.SIGTSTP, suspend)
    try:
        try:
            send_request(sock, request, [0, 1, 2])
        except OSError:
            return None
        while (frame := read_frame(sock)) is not None:
            kind, value = frame
            if kind == b"P" and isinstance(value, int):
                child.append(value)
                for signum in dict.fromkeys(caught):  # a Ctrl-C before the child was known
                    send(signum)
                if stop_wanted:  # a Ctrl-Z before the child was known
                    stop_wanted.clear()
                    suspend(signal.SIGTSTP, None)
            elif kind == b"X" and isinstance(value, int):
                return value
        if not child and not caught:
            return None  # it never started (the server was ending): run it here
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if not child and set(caught) == {signal.SIGINT}:
        raise KeyboardInterrupt  # before the command started: as a Ctrl-C here would
    if caught:  # the child ended by the signal relayed to it: end the same way
        signal.signal(caught[-1], signal.SIG_DFL)
        os.kill(os.getpid(), caught[-1])
    print(LOST, file=sys.stderr)
    return 1


def starting(dir_fd: int, name: str) -> bool:
    """Whether a server of this code holds its lock (it is loading, not yet listening)."""
    import fcntl

    try:
        fd = os.open(f"{name}.lock", os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


BOOT = (
    "import sys, json\n"
    "sys.path[:] = json.loads(sys.argv[1])\n"
    "from toc_studio.cli.server import main\n"
    "main(sys.argv[2], sys.argv[3])\n"
)


def interpreter_options() -> list[str]:
    """Options giving a new interpreter this one's :func:`python_flags`."""
    f = sys.flags
    options = ["-O"] * f.optimize + [f"-W{w}" for w in sys.warnoptions]
    for flag, option in ((f.dont_write_bytecode, "-B"), (f.no_user_site, "-s"),
                         (f.ignore_environment, "-E"), (f.isolated, "-I"),
                         (f.safe_path, "-P"), (f.dev_mode, "-Xdev")):  # fmt: skip
        if flag:
            options.append(option)
    return [*options, f"-Xutf8={f.utf8_mode}"]


def start_server(dir_fd: int, path: str, name: str) -> None:
    """Start a server for this code, detached (its own session, stdio on /dev/null and the
    log), and return at once: it loads its libraries while this command runs here."""
    search = [entry or os.getcwd() for entry in sys.path]
    command = [sys.executable, *interpreter_options(), "-c", BOOT, json.dumps(search), path, name]
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child execs or exits
        try:
            os.setsid()
            if os.fork() == 0:
                os.chdir("/")
                null = os.open(os.devnull, os.O_RDWR)
                log = open_log(dir_fd)
                os.dup2(null, 0)
                os.dup2(log, 1)
                os.dup2(log, 2)
                os.closerange(3, 1 << 16)
                os.execv(sys.executable, command)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def open_log(dir_fd: int) -> int:
    """The servers' log in the socket folder, emptied once it passes :data:`LOG_LIMIT`."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW
    fd = os.open(LOG_NAME, flags, 0o600, dir_fd=dir_fd)
    if os.fstat(fd).st_size > LOG_LIMIT:
        os.ftruncate(fd, 0)
    return fd

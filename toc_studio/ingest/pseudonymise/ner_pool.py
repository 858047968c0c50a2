"""NER on more than one core: worker processes started once, when first needed, and reused.

The work (the chunks of one or more texts, in batches) is shared between the calling thread
and the workers: workers are handed batches from the front, the caller takes them from the
back, until none is left. A pool that is still starting costs the caller nothing (it works
alone until a worker has loaded the model), and a run of n processes starts n - 1 workers.

A worker is a fresh interpreter running :mod:`.ner_worker` (no fork: a copy of a threaded
process, such as the Streamlit server or an import in a background thread, can deadlock;
and not multiprocessing's spawn, which would run the parent's main script again in the
child, i.e. the Streamlit app). Each loads the model once, through the same
:func:`~toc_studio.ingest.pseudonymise.ner.load_ner` as the caller. A worker that dies
breaks the pool: its batches are done by the caller and the next run starts a new pool.
Workers end when the pool is shut down or the program exits.
"""

from __future__ import annotations

import atexit
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from pathlib import Path
from typing import IO, Any

WAIT_SECONDS = 0.2  # how often a caller with nothing left to do looks at cancellation
STOP_SECONDS = 5.0  # a worker still running this long after SIGTERM is killed
_LOCK = threading.Lock()
_POOL: Pool | None = None
_EXIT_HOOKED = False
_LENGTH = struct.Struct("<I")


def send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    """The next message, or None once the stream has ended."""
    head = _read_exactly(stream, _LENGTH.size)
    if head is None:
        return None
    data = _read_exactly(stream, _LENGTH.unpack(head)[0])
    return None if data is None else pickle.loads(data)


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    parts, left = [], size
    while left:
        part = stream.read(left)
        if not part:
            return None
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


class WorkerDied(Exception):
    """A worker process ended (killed, out of memory): the caller does its batches."""


class WorkerError(Exception):
    """The pipeline failed in a worker on a batch (the error's name only, never the text)."""


class Worker:
    """One worker process and the batches it has been sent."""

    def __init__(self, model: str) -> None:
        root = str(Path(__file__).resolve().parents[3])  # the folder holding toc_studio
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            p for p in (root, os.environ.get("PYTHONPATH")) if p))  # fmt: skip
        self.process = subprocess.Popen(
            [sys.executable, "-m", "toc_studio.ingest.pseudonymise.ner_worker", model],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True,
        )  # fmt: skip
        self.loaded: Future = Future()  # True once the model is loaded, False if it cannot be
        self.pending: dict[int, Future] = {}
        self.dead = False
        self.lock = threading.Lock()
        self.number = 0
        threading.Thread(target=self._read, name="toc-studio NER worker", daemon=True).start()

    def submit(self, pieces: Sequence[str]) -> Future:
        future: Future = Future()
        future.set_running_or_notify_cancel()  # sent at once: never cancelled half-way
        with self.lock:
            if self.dead:
                raise WorkerDied("the NER worker has ended")
            self.number += 1
            self.pending[self.number] = future
            try:
                send(self.process.stdin, (self.number, list(pieces)))
            except (OSError, ValueError) as exc:  # its input is closed: it has ended
                del self.pending[self.number]
                raise WorkerDied("the NER worker has ended") from exc
        return future

    def _read(self) -> None:
        try:
            while (message := receive(self.process.stdout)) is not None:
                kind, number, payload = message
                if kind == "ready":
                    self.loaded.set_result(bool(payload))
                    continue
                with self.lock:
                    future = self.pending.pop(number)
                if kind == "done":
                    future.set_result(payload)
                else:
                    future.set_exception(WorkerError(payload))
        except Exception:  # a broken message: the worker is of no further use
            self.process.kill()
        finally:
            with self.lock:
                self.dead = True
                pending, self.pending = list(self.pending.values()), {}
            if not self.loaded.done():
                self.loaded.set_result(False)
            for future in pending:
                future.set_exception(WorkerDied("the NER worker has ended"))

    def stop(self) -> None:
        """End it now (it holds nothing worth keeping: batches in hand are dropped)."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        self.process.terminate()
        try:
            self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Pool:
    """``workers`` processes holding ``model``, and whether they are ready."""

    def __init__(self, model: str, workers: int) -> None:
        self.model, self.workers = model, workers
        self.broken = False
        self.batches = 0  # batches the workers have done
        self.members = [Worker(model) for _ in range(workers)]

    def ready(self) -> bool:
        """Whether a worker has loaded the model (one that could not, or died, breaks it)."""
        if self.broken:
            return False
        if any(w.dead or (w.loaded.done() and not w.loaded.result()) for w in self.members):
            self.broken = True
            return False
        return any(w.loaded.done() for w in self.members)

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until every worker has loaded the model (or the pool broke)."""
        wait([w.loaded for w in self.members], timeout=timeout)
        return self.ready() and all(w.loaded.done() for w in self.members)

    def pids(self) -> list[int]:
        """The worker processes' ids (for measuring their CPU time)."""
        return [w.process.pid for w in self.members]

    def cpu_seconds(self) -> float:
        """CPU seconds the workers have used so far (Linux; 0 elsewhere): for benchmarks."""
        total = 0.0
        for pid in self.pids():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def submit(self, pieces: Sequence[str]) -> Future:
        """Send a batch to the ready worker with the fewest batches in hand."""
        ready = [w for w in self.members if w.loaded.done() and not w.dead]
        if not ready:
            raise WorkerDied("no NER worker is running")
        return min(ready, key=lambda w: len(w.pending)).submit(pieces)

    def shutdown(self, wait: bool = False) -> None:
        self.broken = True
        for worker in self.members:
            if wait:
                worker.stop()
            else:
                threading.Thread(target=worker.stop, daemon=True).start()


def running(model: str, workers: int) -> Pool | None:
    """The pool for ``model`` with ``workers`` workers, if one is running."""
    with _LOCK:
        pool = _POOL
    if pool is not None and not pool.broken and (pool.model, pool.workers) == (model, workers):
        return pool
    return None


def start(model: str, workers: int) -> Pool:
    """The running pool for ``model``, or a new one (any other is stopped); starting does
    not wait for the workers."""
    global _POOL, _EXIT_HOOKED
    with _LOCK:
        pool = _POOL
        if pool is not None and not pool.broken and (pool.model, pool.workers) == (model, workers):
            return pool
        _POOL = Pool(model, workers)
        if not _EXIT_HOOKED:
            atexit.register(shutdown)
            _EXIT_HOOKED = True
        started = _POOL
    if pool is not None:
        pool.shutdown()
    return started


def discard(pool: Pool) -> None:
    """Stop ``pool`` (broken); the next run that wants workers starts a new one."""
    global _POOL
    with _LOCK:
        if _POOL is pool:
            _POOL = None
    pool.shutdown()


def shutdown() -> None:
    """Stop the workers (they are started again when next needed)."""
    global _POOL
    with _LOCK:
        pool, _POOL = _POOL, None
    if pool is not None:
        pool.shutdown(wait=True)


def run(
    batches: Sequence[Sequence[str]],
    local: Callable[[Sequence[str]], list],
    pool: Pool | None,
    check: Callable[[], None] = lambda: None,
) -> list[list]:
    """``local(batch)`` for every batch, in order; batches go to ``pool``'s workers too once
    they are ready. ``check`` is called between batches (it raises to cancel: what the
    workers hold is then dropped)."""
    results: list[Any] = [None] * len(batches)
    pending = deque(range(len(batches)))
    inflight: dict[Future, int] = {}
    while pending or inflight:
        check()
        if pool is not None and pool.ready():
            try:
                while pending and len(inflight) < pool.workers + 1:
                    index = pending.popleft()
                    inflight[pool.submit(batches[index])] = index
            except WorkerDied:
                pending.appendleft(index)
                discard(pool)
                pool = None
        if pending:
            index = pending.pop()
            results[index] = local(batches[index])
        elif inflight:
            wait(list(inflight), timeout=WAIT_SECONDS, return_when=FIRST_COMPLETED)
        for future in [f for f in inflight if f.done()]:
            index = inflight.pop(future)
            try:
                results[index] = future.result()
            except WorkerDied:  # the caller does its batches
                pending.append(index)
                if pool is not None:
                    discard(pool)
                    pool = None
                continue
            if pool is not None:
                pool.batches += 1
    return results

"""Reading a large REFI-QDA project file in a second process while this one stores it.

Reading the XML is a fifth of a large import's CPU time and storing it the rest; in one
process they add up, in two they overlap (the importer's wall time is about the larger
of the two, on a machine with two cores or more). The child runs this module
(``python -m toc_studio.report.refi.apart``): it reads the project file from its
standard input with the same reader as in-process imports
(:func:`toc_studio.report.refi.parse.records`, ``defusedxml``, nothing fetched) and
writes pickled batches to its standard output, one per chunk of the file read: the
records read since, with the bytes read so far (for the progress bar). The bulk of a
file, its selections and codings, are plain lists (``refi.records``) whose strings
repeat (users, codes, dates) and are sent once per batch.

This process feeds the child the project file (as read from the zip, its declared size
enforced) from a thread, and reads the batches. Whatever ends the import (the last
record, an error of the file or of the import, Cancel) the child is killed and waited
for, and the feeding thread joined: no process is left behind. A file the reader refuses
gives the same sentence as an in-process read (:class:`~toc_studio.errors.Invalid`); a
file that cannot be read from the zip raises the same error as in-process.

The child is only worth starting for a large file (:data:`APART_BYTES`) on a machine with
more than one core; smaller files are read in-process.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from toc_studio.errors import Invalid

APART_BYTES = 8 << 20  # project files from this size are read in another process
CHUNK = 1 << 18  # bytes fed to the child per write
RECORDS, END, REFUSED, FAILED = "records", "end", "refused", "failed"


def worth_it(size: int) -> bool:
    """Whether a project file of ``size`` bytes is read in another process."""
    return size >= APART_BYTES and (os.cpu_count() or 1) > 1


class ApartReader:
    """The records of a project file read by a child process, in file order: ``start()``,
    iterate, and ``close()`` however the iteration ends. ``told(bytes_read)`` is called as
    the child reads (it may raise, as Cancel does; ``close()`` then stops the child)."""

    def __init__(self, stream: BinaryIO, told: Callable[[int], None] | None = None) -> None:
        self.stream, self.told = stream, told
        self.failure: BaseException | None = None  # reading the file itself failed
        self.process: subprocess.Popen | None = None
        self.feeder: threading.Thread | None = None

    def start(self) -> bool:
        """Start the child and the feeding thread; False if no process can be started
        here (the file is then read in-process)."""
        root = str(Path(__file__).resolve().parents[3])  # where toc_studio is
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                close_fds=True,
            )
        except OSError:
            return False
        self.feeder = threading.Thread(target=self._feed, name="refi-reader-feed", daemon=True)
        self.feeder.start()
        return True

    def close(self) -> None:
        """Stop the child (if still running), wait for it and for the feeding thread."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        if self.feeder is not None:
            self.feeder.join()  # its next write fails at once: the child is gone
        process.stdout.close()

    def _feed(self) -> None:
        sink = self.process.stdin
        try:
            while True:
                try:
                    data = self.stream.read(CHUNK)
                except BaseException as exc:  # noqa: BLE001 - the file's fault: raised by the reader
                    self.failure = exc
                    return
                if not data:
                    return
                sink.write(data)
        except (OSError, ValueError):  # the child is gone (an error, Cancel): stop feeding
            return
        finally:
            try:
                sink.close()  # the end of the file, for the child
            except (OSError, ValueError):
                pass

    def __iter__(self) -> Iterator[object]:
        source = self.process.stdout
        while True:
            try:
                kind, done, payload = pickle.load(source)
            except EOFError:
                self._raise_failure()
                raise RuntimeError(
                    f"The project file's reader stopped unexpectedly (exit status "
                    f"{self.process.wait()})."
                ) from None
            if kind == RECORDS:
                if self.told is not None:
                    self.told(done)
                yield from payload
            elif kind == END:
                self._raise_failure()
                return
            else:
                self._raise_failure()  # a file cut short by a damaged zip: say that first
                if kind == REFUSED:
                    raise Invalid(payload)
                raise RuntimeError(f"The project file's reader failed: {payload}")

    def _raise_failure(self) -> None:
        """The error reading the file from the zip, if there was one (the child only saw
        the file end early)."""
        self.feeder.join()
        if self.failure is not None:
            raise self.failure


class _Sent:
    """The child's input: before each read, the records found so far are sent. Batches are
    written to the pipe by a thread, a few behind (:data:`AHEAD`), so that the reading goes
    on while the importing process is busy storing: a pipe holds 64 KiB, a source's batch
    a few hundred, and writing in the reading thread made the two processes take turns."""

    AHEAD = 16  # batches pickled, not yet written

    def __init__(self, stream: BinaryIO, out: BinaryIO) -> None:
        self.stream, self.out = stream, out
        self.pending: list[object] = []
        self.done = 0
        self.queue: queue.Queue[bytes | None] = queue.Queue(self.AHEAD)
        self.writer = threading.Thread(target=self._write, name="refi-reader-write", daemon=True)
        self.writer.start()

    def _write(self) -> None:
        try:
            while (data := self.queue.get()) is not None:
                self.out.write(data)
                self.out.flush()
        except OSError:  # the importing process is gone: the reading stops at its next send
            return

    def send(self, kind: str, payload: object) -> None:
        data = pickle.dumps((kind, self.done, payload), pickle.HIGHEST_PROTOCOL)
        while True:
            try:
                self.queue.put(data, timeout=0.5)
                return
            except queue.Full:
                if not self.writer.is_alive():  # nobody reads any more: stop
                    raise BrokenPipeError from None

    def finish(self) -> None:
        """Wait until every batch is written."""
        self.queue.put(None)
        self.writer.join()

    def read(self, size: int = -1) -> bytes:
        self.send(RECORDS, self.pending)
        self.pending = []
        data = self.stream.read(size)
        self.done += len(data)
        return data


def _child() -> None:
    from toc_studio.report.refi.parse import records

    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but batches on the pipe
    source = _Sent(sys.stdin.buffer, out)
    try:
        for record in records(source):
            source.pending.append(record)  # sent before the next read (a new list each time)
        source.send(RECORDS, source.pending)
        source.send(END, None)
    except Invalid as exc:
        source.send(REFUSED, str(exc))
    except BrokenPipeError:
        raise
    except Exception as exc:  # noqa: BLE001 - said to the importing process
        detail = traceback.format_exception_only(exc)[-1].strip()
        source.send(FAILED, detail)
    source.finish()


if __name__ == "__main__":
    try:
        _child()
    except (BrokenPipeError, KeyboardInterrupt):  # the importing process stopped reading
        sys.exit(1)

"""Helpers of the streamed REFI-QDA export: a writer that compresses in another thread,
and the GUIDs written once per selection or coding."""

from __future__ import annotations

import io
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO


class Offloaded(io.RawIOBase):
    """A writable stream handing each buffer to one worker thread, in order, a few at a
    time (memory stays at a few buffers); the worker's errors surface here."""

    AHEAD = 4

    def __init__(self, target: BinaryIO, worker: ThreadPoolExecutor) -> None:
        self.target = target
        self.worker = worker
        self.pending: deque[Future] = deque()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        chunk = bytes(data)  # the caller reuses its buffer
        self.pending.append(self.worker.submit(self.target.write, chunk))
        while len(self.pending) > self.AHEAD:
            self.pending.popleft().result()
        return len(chunk)

    def finish(self) -> None:
        while self.pending:
            self.pending.popleft().result()


class FastGuids:
    """The GUIDs written once per selection or coding, without a call each: the kind's
    prefix for selections and codings (ids go in the last twelve hex digits, as
    ``guid_factory`` makes them), remembered GUIDs for the few coders and codes."""

    def __init__(self, guid) -> None:
        self.selection = guid("selection", 0)[:-12]
        self.coding = guid("coding", 0)[:-12]
        self.turn = guid("turn", 0)[:-12]
        self.coder = Remembered(lambda key: guid("coder", key))
        self.code = Remembered(lambda key: guid("code", key))


class Remembered(dict):
    def __init__(self, make) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key):
        value = self[key] = self.make(key)
        return value

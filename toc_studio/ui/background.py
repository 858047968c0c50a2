"""Long work off the script thread: a progress bar, a Cancel button, the result or a sentence.

A screen starts the work with :func:`start` (a function of a session and a progress
callback), then calls :func:`follow` on every run: while the work runs it shows the bar and
Cancel, polled by a fragment, and (by default) stops the page there so no widget changes
what the work is using; once it is over it returns the :class:`Job` once, with its result,
its error as a sentence, or that it was cancelled.

The work runs in a thread with its own session, as the person who started it. Cancelling
is cooperative: the next time the work reports progress, the callback raises
:class:`~toc_studio.errors.Cancelled`, the work's transaction rolls back and nothing it did
is kept. Streamlit is never called from the thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlmodel import Session

from toc_studio import access, db, ui
from toc_studio.errors import Cancelled
from toc_studio.workspace.markdown import md

Progress = Callable[[int, int, str], None]
POLL_SECONDS = 0.5


class Job:
    """One piece of long work: how far it got, and how it ended."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.fraction = 0.0
        self.text = ""
        self.result: Any = None
        self.error: str | None = None
        self.cancelled = False
        self.finished = threading.Event()
        self._cancel = threading.Event()

    @property
    def succeeded(self) -> bool:
        return self.finished.is_set() and self.error is None and not self.cancelled

    @property
    def cancelling(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        self._cancel.set()

    def progress(self, done: int, total: int, text: str = "") -> None:
        """The callback the work reports to; raises Cancelled once cancelling was asked."""
        if self._cancel.is_set():
            raise Cancelled(f"{self.title} was cancelled; nothing was changed.")
        self.fraction = min(max(done / total, 0.0), 1.0) if total else 0.0
        self.text = text

    def run(
        self,
        engine,
        actor: access.Actor | None,
        work: Callable[[Session, Progress], Any],
        read_only: bool = False,
    ):
        """The thread's body: the work in one transaction (rolled back on any error); with
        ``read_only`` a session that only reads (on SQLite it takes no write lock, so the
        pages' writes do not wait behind it) and is never committed."""
        scope = db.read_scope if read_only else db.session_scope
        try:
            self.progress(0, 1)  # cancelled before it began: nothing to do
            with access.acting_as(actor), scope(engine) as session:
                self.result = work(session, self.progress)
        except Cancelled:
            self.cancelled = True
        except Exception as exc:  # the user sees a sentence; details go to the log
            self.error = ui.error_message(exc)
        finally:
            self.finished.set()


def start(
    key: str, title: str, work: Callable[[Session, Progress], Any], *, read_only: bool = False
) -> Job:
    """Run ``work(session, progress)`` in a thread as whoever acts on this run (app.py sets
    it for the page); ``key`` names the job in the session state (one at a time per key).
    ``read_only``: work that only reads (a preview) gets a session that takes no write lock."""
    running = st.session_state.get(key)
    if isinstance(running, Job) and not running.finished.is_set():
        return running
    job = Job(title)
    st.session_state[key] = job
    thread = threading.Thread(
        target=job.run, args=(ui.engine(), access.current(), work, read_only),
        name=f"toc-studio {key}",
        daemon=True,
    )  # fmt: skip
    thread.start()
    return job


def running(key: str) -> bool:
    job = st.session_state.get(key)
    return isinstance(job, Job) and not job.finished.is_set()


def follow(key: str, *, stop: bool = True) -> Job | None:
    """The job under ``key``, once, when it is over (its entry is then cleared); while it
    runs, its progress bar and Cancel button, and with ``stop`` the page ends here."""
    job = st.session_state.get(key)
    if not isinstance(job, Job):
        return None
    if job.finished.is_set():
        del st.session_state[key]
        return job
    _progress(key)
    if stop:
        st.stop()
    return None


@st.fragment(run_every=POLL_SECONDS)
def _progress(key: str) -> None:
    job = st.session_state.get(key)
    if not isinstance(job, Job) or job.finished.is_set():
        st.rerun()  # the whole page shows how it ended
        return
    label = "Cancelling..." if job.cancelling else (job.text or job.title)
    st.progress(job.fraction, text=md(label))
    st.button("Cancel", key=f"{key}_cancel", on_click=job.cancel, disabled=job.cancelling)


def show_outcome(job: Job, done: str | None = None) -> None:
    """Say how a finished job ended: its error, that it was cancelled, or ``done``."""
    if job.error is not None:
        ui.show_error(job.error)
    elif job.cancelled:
        st.info(md(f"{job.title} was cancelled; nothing was changed."), icon=":material/undo:")
    elif done is not None:
        st.success(md(done), icon=":material/check_circle:")

"""Work a server process does once, so that no person waits for it: spaCy's NER pipeline
(and its worker processes) loaded in a background thread when the app has drawn its first
page, so that the first import preview does not pay for loading the model."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger("toc_studio.ui")
_LOCK = threading.Lock()
_STARTED: list[threading.Thread] = []  # the warm-up thread, once per process


def _warm_ner() -> None:
    try:
        from toc_studio.ingest.pseudonymise import ner

        ner.warm()  # the configured model; without it the Import page says NER is off
    except Exception:  # nothing a person asked for failed: the server's log only
        log.warning("Loading the NER pipeline ahead of time failed", exc_info=True)


def start() -> threading.Thread:
    """Start the warm-up, once per server process (later calls return the same thread)."""
    with _LOCK:
        if not _STARTED:
            thread = threading.Thread(target=_warm_ner, name="toc-studio warm-up", daemon=True)
            thread.start()
            _STARTED.append(thread)
        return _STARTED[0]

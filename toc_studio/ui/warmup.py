"""Work a server process does once, so that no person waits for it: in a background thread
started when the app has drawn its first page, the modules of the heaviest screens are
imported (the Theory of Change's picture and assembly: about half a second that the first
visit to that page paid), then spaCy's NER pipeline (and its worker processes) is loaded,
so that the first import preview does not pay for loading the model."""

from __future__ import annotations

import importlib
import logging
import threading

log = logging.getLogger("toc_studio.ui")
_LOCK = threading.Lock()
_STARTED: list[threading.Thread] = []  # the warm-up thread, once per process
SCREEN_MODULES = (  # what the Theory of Change, Explore and Outcomes screens import
    "toc_studio.theory.assemble",
    "toc_studio.theory.export_json",
    "toc_studio.theory.picture.html",
    "toc_studio.theory.picture.image",
    "toc_studio.ui.theory_tabs",
    "toc_studio.ui.explore_tabs",
)


def warm_screens() -> None:
    """Import :data:`SCREEN_MODULES` (each once; a failure is logged, not raised)."""
    for name in SCREEN_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # the page itself will say what is wrong; the server's log here
            log.warning("Importing %s ahead of time failed", name, exc_info=True)


def _warm() -> None:
    warm_screens()
    _warm_ner()


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
            thread = threading.Thread(target=_warm, name="toc-studio warm-up", daemon=True)
            thread.start()
            _STARTED.append(thread)
        return _STARTED[0]

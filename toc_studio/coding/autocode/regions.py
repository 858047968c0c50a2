"""Which parts of a document to tag for pattern suggestions.

spaCy's CNN pipelines (the ``en_core_web`` family) tag a token from the tokens around it,
no further than the tok2vec encoder reaches: ``depth × window_size`` tokens on each side
(4 for ``en_core_web_sm``). A pattern can only match where one of its words could be,
and every match has a token holding one of the pre-filter's substrings (see
:mod:`toc_studio.coding.autocode.prefilter`). So a document need not be tagged whole: each
place where such a substring occurs, widened on both sides by the encoder's reach plus
the longest pattern plus a margin, counted in whitespace-separated chunks (each holds at
least one token), is tagged alone and gives exactly the tags, lemmas and matches the whole
document would give there.

Documents are tagged whole when that cannot be shown: a pipeline of another kind (a
transformer sees the whole text), a token pattern of unbounded length (``OP``), a
substring that is empty, or a text whose lower-case form has another length.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

Region = tuple[int, int]  # [start, end) in code points of the document's text
_CHUNK = re.compile(r"\S+")
MARGIN = 2  # chunks beyond the encoder's reach and the longest pattern


def encoder_reach(nlp) -> int | None:
    """Tokens on each side that can change a token's tag, or None when unknown."""
    try:
        encode = nlp.config["components"]["tok2vec"]["model"]["encode"]
    except KeyError:
        return None
    if not str(encode.get("@architectures", "")).startswith("spacy.MaxoutWindowEncoder"):
        return None
    for name in nlp.pipe_names:
        if name == "tok2vec":
            continue
        model = nlp.config["components"][name].get("model", {})
        listener = model.get("tok2vec") if isinstance(model, dict) else None
        if listener is not None and "Tok2VecListener" not in str(listener.get("@architectures")):
            return None  # a component with an encoder of its own
    return int(encode["depth"]) * int(encode["window_size"])


def anchor_pattern(anchors: Sequence[str]) -> re.Pattern | None:
    """One expression finding any of ``anchors`` (lower-case substrings); None if one is
    empty (every place is a candidate)."""
    if not anchors or any(not a for a in anchors):
        return None
    ordered = sorted(set(anchors), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered)))


def regions(text: str, anchors: re.Pattern, reach: int) -> list[Region] | None:
    """The parts of ``text`` to tag: every place ``anchors`` finds in its lower-case form,
    widened by ``reach`` chunks on each side, overlapping parts merged. None when the
    whole text is to be tagged (its lower-case form has another length)."""
    lower = text.lower()
    if len(lower) != len(text):
        return None
    hits = [(m.start(), m.end()) for m in anchors.finditer(lower)]
    if not hits:
        return []
    chunks = [(m.start(), m.end()) for m in _CHUNK.finditer(text)]
    starts = [start for start, _ in chunks]
    found: list[Region] = []
    for hit_start, hit_end in hits:
        first = bisect_right(starts, hit_start) - 1 - reach
        last = bisect_right(starts, hit_end - 1) - 1 + reach
        start = 0 if first <= 0 else chunks[first][0]
        end = len(text) if last >= len(chunks) - 1 else chunks[last][1]
        if found and start <= found[-1][1]:
            found[-1] = (found[-1][0], max(found[-1][1], end))
        else:
            found.append((start, end))
    return found

"""The report's check that no quote repeats another: a quote is refused when its folded
words (whitespace collapsed, case folded) contain, or are contained in, a quote already
given. Textual containment, so the same words from two documents count as a repeat.

Comparing each new quote with every earlier one is quadratic (over 100 s of CPU at 20,000
quotes). :class:`Quoted` answers the same question from indexes over the quotes given so
far. Each quote has *minimizers*: of each window of ``WINDOW`` consecutive ``K``-character
pieces, the piece of smallest hash. A window of a quote is a window of any quote that
contains it, with the same minimizer, so a quote's minimizers are among those of every
quote containing it:

* *the new quote inside an earlier one*: every quote is filed under all its minimizers;
  only the quotes filed under all of the new quote's minimizers are compared (the
  shortest lists first). A new quote too short for one window (under ``SHORTEST``
  characters) is searched for in the text of all the quotes given, held in blocks, by
  the C substring search.
* *an earlier quote inside the new one*: every quote is filed under one of its
  minimizers (the one with the fewest quotes so far); the new quote compares the quotes
  filed under each of its own. Quotes too short for a window are filed under their
  first ``PREFIX`` characters and looked up at each position of the new quote.

The answers are those of the all-pairs comparison (tests compare them).
"""

from __future__ import annotations

from array import array

K = 8
WINDOW = 8
SHORTEST = K + WINDOW - 1  # a quote with at least one whole window
PREFIX = 4  # a short quote's key: its first characters
SEPARATOR = "\x00"  # between quotes in a block; a quote holding it is compared one by one
BLOCK = 1 << 14  # characters a block of quotes' text holds before a new one starts


def fold(text: str) -> str:
    """The words of ``text`` as the repeat check compares them."""
    return " ".join(text.split()).casefold()


class Quoted:
    """The folded quotes given so far, indexed both ways."""

    def __init__(self) -> None:
        self._blocks: list[str] = []  # full blocks of quotes, SEPARATOR between them
        self._open: list[str] = []  # the quotes of the block being filled
        self._open_size = 0
        self._where = array("L")  # for quote i: its block, start and end
        self._all: dict[int, int | array] = {}  # minimizer -> every quote having it
        self._one: dict[int, int | array] = {}  # minimizer -> quotes filed under it
        self._short: dict[str, int | array] = {}  # first PREFIX chars of a short quote
        self._tiny: set[str] = set()  # quotes under PREFIX characters
        self._unsafe: list[str] = []  # quotes holding SEPARATOR, compared one by one

    def __len__(self) -> int:
        return len(self._where) // 3

    def _text(self, i: int) -> str:
        block, start, end = self._where[3 * i : 3 * i + 3]
        if block == len(self._blocks):
            return self._open_text()[start:end]
        return self._blocks[block][start:end]

    def _open_text(self) -> str:
        if len(self._open) > 1:  # join once; later quotes are appended to the one string
            self._open[:] = [SEPARATOR.join(self._open)]
        return self._open[0] if self._open else ""

    def repeats(self, folded: str) -> bool:
        """Whether ``folded`` contains, or is contained in, a quote already given (an empty
        quote is never given: it counts as a repeat)."""
        if not folded:
            return True
        if any(folded in q or q in folded for q in self._unsafe):
            return True
        keys = set(minimizers(folded))
        return self._holds_an_earlier(folded, keys) or self._inside_an_earlier(folded, keys)

    def add(self, folded: str) -> None:
        """Record ``folded`` (a quote just given, not a repeat) in the indexes."""
        if SEPARATOR in folded:
            self._unsafe.append(folded)
            return
        i = len(self)
        start = self._open_size + (1 if self._open else 0)
        self._open.append(folded)
        self._open_size = start + len(folded)
        self._where.extend((len(self._blocks), start, self._open_size))
        if self._open_size >= BLOCK:
            self._blocks.append(self._open_text())
            self._open, self._open_size = [], 0
        keys = set(minimizers(folded))
        if not keys:
            if len(folded) < PREFIX:
                self._tiny.add(folded)
            else:
                _file(self._short, folded[:PREFIX], i)
            return
        for key in keys:
            _file(self._all, key, i)
        _file(self._one, min(keys, key=lambda k: _count(self._one.get(k))), i)

    def _holds_an_earlier(self, folded: str, keys: set[int]) -> bool:
        if any(q in folded for q in self._tiny):
            return True
        short = self._short
        for j in range(len(folded) - PREFIX + 1):
            found = short.get(folded[j : j + PREFIX])
            if found is not None and any(folded.startswith(self._text(i), j) for i in _ids(found)):
                return True
        for key in keys:
            found = self._one.get(key)
            if found is not None and any(self._text(i) in folded for i in _ids(found)):
                return True
        return False

    def _inside_an_earlier(self, folded: str, keys: set[int]) -> bool:
        if not keys or SEPARATOR in folded:
            return any(folded in block for block in self._blocks) or folded in self._open_text()
        lists = []
        for key in keys:
            found = self._all.get(key)
            if found is None:
                return False  # no quote given has this piece where the new one has it
            lists.append(_ids(found))
        lists.sort(key=len)
        candidates = set(lists[0])
        for other in lists[1:4]:  # a few intersections narrow it; the comparison decides
            candidates.intersection_update(other)
            if not candidates:
                return False
        return any(folded in self._text(i) for i in candidates)


def _ids(found: int | array):
    return (found,) if isinstance(found, int) else found


def _count(found: int | array | None) -> int:
    return 0 if found is None else 1 if isinstance(found, int) else len(found)


def _file(index: dict, key, i: int) -> None:
    """File quote ``i`` under ``key``: one quote as itself, more as an array of numbers
    (4 bytes each; a list would hold 8-byte pointers)."""
    found = index.get(key)
    if found is None:
        index[key] = i
    elif isinstance(found, int):
        index[key] = array("I", (found, i))
    else:
        found.append(i)


def minimizers(text: str) -> list[int]:
    """The hash of the smallest-hash ``K``-character piece of each window of ``WINDOW``
    consecutive pieces of ``text`` (none if ``text`` has no whole window)."""
    hashes = [hash(text[j : j + K]) for j in range(len(text) - K + 1)]
    return [min(hashes[j : j + WINDOW]) for j in range(len(hashes) - WINDOW + 1)]

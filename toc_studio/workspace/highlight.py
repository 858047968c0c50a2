"""A document prepared for reading and coding: blocks, highlight segments, pages.

Pure functions, no database: :mod:`toc_studio.workspace.view` feeds them rows.

- A *block* is a speaker turn (label, group colour, timestamp) or a stretch of text that
  no turn covers (a preamble, notes without speakers). Speaker label lines between turns
  are shown as the turn's label, not as text.
- A *segment* is a piece of a block covered by the same set of codings, so overlapping
  codings show as segments carrying several codes.
- A *page* is a run of blocks of bounded size: a 300,000-character transcript is rendered
  one page at a time.
"""

from __future__ import annotations

import bisect
import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from toc_studio.workspace.markdown import html_text
from toc_studio.workspace.offsets import utf16_length

GROUP_COLOURS = ["#1f77b4", "#b35806", "#2ca02c", "#8e44ad", "#c0392b", "#117a65", "#7f6000"]
NO_GROUP_COLOUR = "#6b6b6b"
PAGE_CHARACTERS = 12_000
PAGE_BLOCKS = 40


@dataclass(frozen=True)
class TurnRow:
    """A speaker turn as the store gives it (offsets in code points)."""

    id: int
    start: int
    end: int
    speaker: str = ""
    participant: str | None = None
    group: str | None = None
    group_position: int | None = None
    timestamp: float | None = None
    is_interviewer: bool = False


@dataclass(frozen=True)
class CodingRow:
    id: int
    code_id: int
    coder_id: int
    start: int
    end: int


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    turn: TurnRow | None = None


@dataclass
class Segment:
    start: int
    end: int
    codings: list[int] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)


def group_colour(position: int | None) -> str:
    if position is None:
        return NO_GROUP_COLOUR
    return GROUP_COLOURS[position % len(GROUP_COLOURS)]


def format_timestamp(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    piece = text[start:end]
    if not piece.strip():
        return None
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    return start + lead, end - trail


def document_blocks(text: str, turns: Sequence[TurnRow]) -> list[Block]:
    """Turns in reading order plus any text between them that no turn covers (the line
    that holds a turn's speaker label belongs to that turn's heading, not to a block)."""
    blocks: list[Block] = []
    cursor = 0
    for turn in sorted(turns, key=lambda t: t.start):
        if turn.start < cursor:
            continue  # overlapping turns: keep the first, never show text twice
        gap_end = turn.start
        if turn.speaker:
            line_start = text.rfind("\n", cursor, turn.start) + 1
            gap_end = max(cursor, line_start)
        gap = _stripped(text, cursor, gap_end)
        if gap:
            blocks.append(Block(*gap))
        blocks.append(Block(turn.start, turn.end, turn))
        cursor = turn.end
    gap = _stripped(text, cursor, len(text))
    if gap:
        if turns:
            blocks.append(Block(*gap))
        else:
            blocks.extend(paragraph_blocks(text, *gap))
    return blocks


def paragraph_blocks(text: str, start: int, end: int) -> list[Block]:
    """Blank-line separated paragraphs of [start, end): blocks for text without turns."""
    blocks, cursor = [], start
    while cursor < end:
        brk = text.find("\n\n", cursor, end)
        stop = end if brk == -1 else brk
        piece = _stripped(text, cursor, stop)
        if piece:
            blocks.append(Block(*piece))
        cursor = end if brk == -1 else brk + 2
    return blocks


def paginate(
    blocks: Sequence[Block], characters: int = PAGE_CHARACTERS, max_blocks: int = PAGE_BLOCKS
) -> list[tuple[int, int]]:
    """Split blocks into pages: [first, last) block indexes, each page at most
    ``max_blocks`` blocks and about ``characters`` characters (a longer block gets a page
    of its own)."""
    pages: list[tuple[int, int]] = []
    first, size = 0, 0
    for index, block in enumerate(blocks):
        length = block.end - block.start
        if index > first and (size + length > characters or index - first >= max_blocks):
            pages.append((first, index))
            first, size = index, 0
        size += length
    if first < len(blocks):
        pages.append((first, len(blocks)))
    return pages or [(0, 0)]


def page_of(blocks: Sequence[Block], pages: Sequence[tuple[int, int]], position: int) -> int:
    """The page showing code point ``position`` (or the next block after it)."""
    starts = [b.start for b in blocks]
    index = max(0, bisect.bisect_right(starts, position) - 1)
    if index < len(blocks) and blocks[index].end <= position and index + 1 < len(blocks):
        index += 1
    for number, (first, last) in enumerate(pages):
        if first <= index < last:
            return number
    return max(0, len(pages) - 1)


def block_at(blocks: Sequence[Block], position: int) -> Block | None:
    """The block containing code point ``position`` (its end counts, for a caret there)."""
    starts = [b.start for b in blocks]
    index = bisect.bisect_right(starts, position) - 1
    if index >= 0 and blocks[index].start <= position <= blocks[index].end:
        return blocks[index]
    return None


def segments(
    start: int, end: int, codings: Sequence[CodingRow], code_order: dict[int, int] | None = None
) -> list[Segment]:
    """Cut [start, end) where codings begin or end; each piece lists the codings (and
    distinct codes, in codebook order) covering it."""
    inside = [c for c in codings if c.start < end and c.end > start]
    cuts = {start, end}
    for c in inside:
        cuts.add(max(start, c.start))
        cuts.add(min(end, c.end))
    points = sorted(cuts)
    order = code_order or {}
    pieces: list[Segment] = []
    for a, b in zip(points, points[1:], strict=False):
        covering = [c for c in inside if c.start <= a and c.end >= b]
        codes = sorted({c.code_id for c in covering}, key=lambda k: (order.get(k, k), k))
        pieces.append(Segment(a, b, sorted(c.id for c in covering), codes))
    return pieces


def view_blocks(
    text: str,
    blocks: Sequence[Block],
    codings: Sequence[CodingRow],
    code_order: dict[int, int] | None = None,
) -> tuple[int, list[dict]]:
    """The blocks of one page as the component draws them. Returns (base, blocks) where
    each segment's ``u`` is its UTF-16 offset from ``base`` (the page's first code point),
    which is how the browser reports selections back."""
    if not blocks:
        return 0, []
    base = blocks[0].start
    ordered = sorted(codings, key=lambda c: c.start)
    starts = [c.start for c in ordered]
    units, at = 0, base
    drawn = []
    for block in blocks:
        limit = bisect.bisect_left(starts, block.end)
        near = [c for c in ordered[:limit] if c.end > block.start]
        pieces = []
        for seg in segments(block.start, block.end, near, code_order):
            units += utf16_length(text[at : seg.start])
            piece = text[seg.start : seg.end]
            pieces.append({"u": units, "t": piece, "k": seg.codes, "c": seg.codings})
            units += utf16_length(piece)
            at = seg.end
        turn = block.turn
        drawn.append(
            {
                "turn": turn.id if turn else None,
                "start": block.start,
                "label": (turn.participant or turn.speaker) if turn else "",
                "group": (turn.group or "") if turn else "",
                "colour": group_colour(turn.group_position) if turn else NO_GROUP_COLOUR,
                "time": format_timestamp(turn.timestamp) if turn else "",
                "interviewer": bool(turn and turn.is_interviewer),
                "segments": pieces,
            }
        )
    return base, drawn


def legend_html(codebook: dict[int, dict]) -> str:
    """The codebook as an indented list with colour swatches; names are escaped."""
    rows = []
    for entry in codebook.values():
        depth = entry["path"].count("/")
        colour = entry["colour"] if len(entry["colour"]) == 7 else NO_GROUP_COLOUR
        rows.append(
            f'<div style="margin-left:{depth * 1.1:.1f}em;line-height:1.7">'
            f'<span style="display:inline-block;width:0.9em;height:0.9em;border-radius:2px;'
            f'background:{html.escape(colour)};margin-right:0.4em;vertical-align:-0.1em"></span>'
            f"{html_text(entry['name'])}</div>"
        )
    return "".join(rows)

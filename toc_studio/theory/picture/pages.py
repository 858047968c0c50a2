"""A tall diagram cut into page-sized pictures, for the Word report.

Fitted to one page, a diagram of a few hundred elements would print its labels a
millimetre high. Cut into pieces no taller than the page allows at the page's full width,
each piece keeps the text at a readable size. Cuts fall between two lanes where one is
near the bottom of a piece, else between rows of boxes, and through a box only where
every possible cut crosses one (the trunk's rows do not line up with the lanes'). Every
piece after the first repeats the column titles."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from PIL import Image


def cuts(scene, first: float, later: float) -> list[float]:
    """The heights at which to cut ``scene``: the first piece at most ``first`` tall, the
    others at most ``later`` (their share of a page under the repeated titles). Each cut
    lies in the lower half of its piece, where it crosses the fewest boxes; between two
    lanes when that crosses no more, else as low as possible."""
    margin = 3 * scene.scale
    starts = sorted(r.y - margin for r in scene.boxes.values())
    ends = sorted(r.y + r.h + margin for r in scene.boxes.values())
    gaps = set(scene.lane_gaps)

    def crossed(y: float) -> int:
        return bisect_left(starts, y) - bisect_right(ends, y)

    result: list[float] = []
    start, available = 0.0, first
    while scene.height - start > available:
        limit, floor = start + available, start + available / 2
        window = [y for y in (*starts, *ends, *gaps) if floor < y <= limit]
        y = min([*window, limit], key=lambda y: (crossed(y) - (0.5 if y in gaps else 0), -y))
        result.append(y)
        start, available = y, later
    return result


def pages(
    image: Image.Image, scene, ratio: float, first_ratio: float | None = None
) -> Iterator[Image.Image]:
    """``image`` (the drawn ``scene``) in pieces no taller than ``ratio`` × its width; the
    first no taller than ``first_ratio`` × its width (room for a heading above it) unless
    the whole picture fits in one piece. Each piece is cut when asked for, so a caller
    that encodes it before asking for the next holds one piece at a time."""
    width = image.width
    if image.height <= ratio * width:
        yield image
        return
    top, bottom = (round(v) for v in scene.titles)
    header = image.crop((0, top, width, bottom))
    tallest = max(ratio * width, 3 * header.height)  # a piece is more than its titles
    first = max(min(first_ratio or ratio, ratio) * width, 3 * header.height)
    bounds = [0.0, *cuts(scene, first, tallest - header.height), float(image.height)]
    for i, (y0, y1) in enumerate(zip(bounds, bounds[1:], strict=False)):
        piece = image.crop((0, round(y0), width, round(y1)))
        if i:
            page = Image.new("RGB", (width, header.height + piece.height), (255, 255, 255))
            page.paste(header, (0, 0))
            page.paste(piece, (0, header.height))
            piece = page
        yield piece

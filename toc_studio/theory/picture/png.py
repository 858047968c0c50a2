"""A scene drawn as PNG with Pillow (no browser, no matplotlib).

The PNG is encoded here rather than by Pillow: Pillow tries every row filter on every
row, which costs more than drawing the picture; a big diagram is mostly flat colour, and
unfiltered rows with one fast zlib pass compress it nearly as well in a fraction of the
time."""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from PIL import Image, ImageColor, ImageDraw

from toc_studio.theory.picture.shapes import Line, Polygon, Rect, Text, font

Point = tuple[float, float]
STRIP = 512  # rows compressed at a time


@lru_cache(maxsize=256)
def rgb(colour: str) -> tuple[int, int, int]:
    return ImageColor.getrgb(colour)[:3]


SMOOTH = 2  # drawn this many times larger and scaled down: Pillow draws lines unsmoothed
SMOOTH_UP_TO = 30_000_000  # pixels of the picture; a bigger one is drawn at its own size
BAND = 128  # rows of the picture drawn at a time when smoothing
PAD = 64  # rows drawn above a band, so what reaches into it is drawn as on the whole canvas


def image(scene) -> Image.Image:
    """The scene as an RGB image: drawn ``SMOOTH`` times larger and shrunk, so that lines,
    arrowheads and rounded corners come out anti-aliased. The larger drawing is made
    ``BAND`` rows of the picture at a time (each band shrunk into the picture), so it is
    never held whole: it was four times the picture (the report's ToC section's peak).
    Each band is drawn from ``PAD`` rows above it, so that the shapes reaching into it are
    drawn from the same coordinates as on one canvas (Pillow rounds a negative one
    differently): the same pixels (a test compares them)."""
    factor = SMOOTH if scene.width * scene.height <= SMOOTH_UP_TO else 1
    if factor == 1:
        return _drawn(scene.items, scene.width, scene.height)
    items = [_scaled(item, factor) for item in scene.items]
    spans = [_rows(item) for item in items]
    picture = Image.new("RGB", (scene.width, scene.height), (255, 255, 255))
    for top in range(0, scene.height, BAND):
        rows = min(BAND, scene.height - top)
        pad = min(PAD, top) * factor  # rows drawn above the band, then dropped
        first, last = top * factor - pad, (top + rows) * factor
        spanned = zip(items, spans, strict=True)
        shown = [item for item, (a, b) in spanned if b >= first and a <= last]
        band = _drawn(shown, scene.width * factor, last - first, first).reduce(factor)
        picture.paste(band.crop((0, pad // factor, scene.width, band.height)), (0, top))
    return picture


def _rows(item) -> tuple[float, float]:
    """Rows an item may touch, generously (a band draws every item that may reach it)."""
    if isinstance(item, Text):
        return item.y - 2 * item.size - 4, item.y + item.size + 4
    if isinstance(item, Rect):
        return item.y - item.stroke_width - 4, item.y + item.h + item.stroke_width + 4
    ys = [y for _, y in item.points]
    reach = (item.width if isinstance(item, Line) else 0) + 4
    return min(ys) - reach, max(ys) + reach


class _Shifted:
    """Pillow's drawing with every y moved up by ``dy`` (a whole, even number of rows) at
    the last moment: the shapes' own arithmetic is the whole canvas's, and the subtraction
    is exact, so a band gets the pixels the whole canvas would have."""

    def __init__(self, draw: ImageDraw.ImageDraw, dy: int) -> None:
        self.draw, self.dy = draw, dy

    def _points(self, points):
        return [(x, y - self.dy) for x, y in points]

    def text(self, xy, *args, **kwargs):
        return self.draw.text((xy[0], xy[1] - self.dy), *args, **kwargs)

    def line(self, points, **kwargs):
        return self.draw.line(self._points(points), **kwargs)

    def polygon(self, points, **kwargs):
        return self.draw.polygon(self._points(points), **kwargs)

    def rectangle(self, box, **kwargs):
        return self.draw.rectangle((box[0], box[1] - self.dy, box[2], box[3] - self.dy), **kwargs)

    def rounded_rectangle(self, box, *args, **kwargs):
        shifted = (box[0], box[1] - self.dy, box[2], box[3] - self.dy)
        return self.draw.rounded_rectangle(shifted, *args, **kwargs)


def _scaled(item, f: int):
    def dash(d):
        return None if d is None else (d[0] * f, d[1] * f)

    if isinstance(item, Text):
        return replace(item, x=item.x * f, y=item.y * f, size=item.size * f)
    if isinstance(item, Rect):
        return replace(
            item,
            x=item.x * f,
            y=item.y * f,
            w=item.w * f,
            h=item.h * f,
            stroke_width=item.stroke_width * f,
            radius=item.radius * f,
            dash=dash(item.dash),
        )
    points = tuple((x * f, y * f) for x, y in item.points)
    if isinstance(item, Line):
        return replace(item, points=points, width=item.width * f, dash=dash(item.dash))
    return replace(item, points=points)


def _drawn(items, width: int, height: int, top: int = 0) -> Image.Image:
    """``items`` drawn on a canvas of ``width`` × ``height`` whose first row is the scene's
    row ``top``."""
    picture = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(picture) if not top else _Shifted(ImageDraw.Draw(picture), top)
    for item in items:
        if isinstance(item, Text):
            face = font(item.size, item.weight, item.style)
            anchor = "ms" if item.anchor == "middle" else "ls"
            draw.text((item.x, item.y), item.text, font=face, fill=rgb(item.colour), anchor=anchor)
        elif isinstance(item, Rect):
            _rect(draw, item)
        elif isinstance(item, Line):
            width = max(1, round(item.width))
            joint = "curve" if width > 2 and len(item.points) > 2 else None
            for piece in _dashes(item.points, item.dash) if item.dash else [item.points]:
                draw.line(piece, fill=rgb(item.colour), width=width, joint=joint)
        elif isinstance(item, Polygon):
            draw.polygon(item.points, fill=rgb(item.fill))
    return picture


def _rect(draw: ImageDraw.ImageDraw, r: Rect) -> None:
    box = (r.x, r.y, r.x + r.w, r.y + r.h)
    width = max(1, round(r.stroke_width))
    solid = r.stroke is not None and r.dash is None
    fill = rgb(r.fill) if r.fill else None
    outline = rgb(r.stroke) if solid else None
    if r.radius:
        draw.rounded_rectangle(box, round(r.radius), fill=fill, outline=outline, width=width)
    else:
        draw.rectangle(box, fill=fill, outline=outline, width=width)
    if r.stroke is not None and r.dash is not None:
        corners = ((r.x, r.y), (r.x + r.w, r.y), (r.x + r.w, r.y + r.h), (r.x, r.y + r.h))
        for piece in _dashes((*corners, corners[0]), r.dash):
            draw.line(piece, fill=rgb(r.stroke), width=width)


def _dashes(points: Sequence[Point], dash: tuple[float, float]) -> list[list[Point]]:
    """The drawn pieces of a dashed polyline: ``dash`` = (on, off) lengths."""
    on, off = max(dash[0], 1.0), max(dash[1], 1.0)
    pieces: list[list[Point]] = []
    drawing, left = True, on  # in a dash or a gap, and how much of it remains
    current: list[Point] = [points[0]]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        length = math.hypot(x1 - x0, y1 - y0)
        done = 0.0
        while length - done > left:
            done += left
            t = done / length
            point = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
            if drawing:
                current.append(point)
                pieces.append(current)
            else:
                current = [point]
            drawing, left = not drawing, on if not drawing else off
        left -= length - done
        if drawing:
            current.append((x1, y1))
    if drawing and len(current) > 1:
        pieces.append(current)
    return pieces


def encode(picture: Image.Image, dpi: float, level: int = 3) -> bytes:
    """An RGB image as PNG bytes (8-bit truecolour, no row filter, the resolution in pHYs
    so that Word gives it its intended size). Rows are compressed a strip at a time, so
    a big picture is never copied whole."""
    width, height = picture.size
    stride = width * 3
    packer = zlib.compressobj(level)
    compressed = []
    for top in range(0, height, STRIP):
        raw = picture.crop((0, top, width, min(height, top + STRIP))).tobytes()
        view = memoryview(raw)
        rows = b"".join(b"\x00" + view[i : i + stride] for i in range(0, len(raw), stride))
        compressed.append(packer.compress(rows))
    compressed.append(packer.flush())
    per_metre = round(dpi / 0.0254)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", b"".join(compressed)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(scene, dpi: float) -> bytes:
    return encode(image(scene), dpi)

"""The pieces of a static picture (rectangles, lines, polygons, text lines, in pixels) and
the fonts that measure and draw its text: the DejaVu Sans faces that ship with matplotlib,
read by Pillow, so that no system font and no matplotlib import is needed."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont, features

TEXT = "#1a1a1a"
FACES = {
    ("normal", "normal"): "DejaVuSans.ttf",
    ("bold", "normal"): "DejaVuSans-Bold.ttf",
    ("normal", "italic"): "DejaVuSans-Oblique.ttf",
}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str | None
    stroke: str | None = None
    stroke_width: float = 1.0
    dash: tuple[float, float] | None = None
    radius: float = 0.0
    title: str = ""  # the SVG's tooltip: the full label and its evidence
    node: str = ""  # the element drawn by this box (the interactive page finds it by this)


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float = 1.0
    dash: tuple[float, float] | None = None


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[float, float], ...]
    fill: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: int
    colour: str = TEXT
    weight: str = "normal"
    style: str = "normal"
    anchor: str = "middle"  # or "start"


def clean(text: object) -> str:
    """Text without characters XML 1.0 cannot hold (control characters, lone surrogates)."""
    return _NOT_XML.sub("\ufffd", str(text))


def font_folder() -> Path:
    """matplotlib's own copy of DejaVu Sans, found without importing matplotlib."""
    spec = importlib.util.find_spec("matplotlib")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


@lru_cache(maxsize=64)
def font(size: int, weight: str = "normal", style: str = "normal") -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    path = font_folder() / FACES[(weight, style)]
    return ImageFont.truetype(str(path), size, layout_engine=engine)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: float, max_lines: int) -> list[str]:
    """``text`` in lines no wider than ``width`` (words longer than a line are cut), at most
    ``max_lines`` of them: a longer text ends its last line with an ellipsis."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if face.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while len(lines) <= max_lines and face.getlength(word) > width:
            head = _longest_prefix(word, face, width)
            lines.append(head)
            word = word[len(head) :]
        current = word
        if len(lines) > max_lines:
            break
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and face.getlength(last + "…") > width:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last.rstrip() + "…"]
    return lines or [""]


def _longest_prefix(word: str, face: ImageFont.FreeTypeFont, width: float) -> str:
    low, high = 1, len(word)  # the prefix of ``low`` characters always goes (no endless loop)
    while low < high:
        middle = (low + high + 1) // 2
        if face.getlength(word[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return word[:low]

"""The static diagram as a scene: boxes, lines, arrows and wrapped text lines in pixels.

One scene feeds both the PNG (Pillow) and the SVG (written as text), so the two pictures
have the same geometry. Text is measured with the DejaVu Sans fonts that ship with
matplotlib (no system font needed) and wrapped to the width of its box, so no label
leaves its box. Labels are untrusted (they come from transcripts and codebooks): they are
kept as text here, cleaned of characters XML cannot hold, and escaped by the SVG writer.

The layout is the interactive page's (:mod:`toc_studio.theory.picture.layout`): resources and
activities form the trunk on the left, then one lane per branch, outcome domains as bands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx

from toc_studio.theory.assemble import DOMAIN, SHARED
from toc_studio.theory.models import STRUCTURE
from toc_studio.theory.picture.edges import column_arrows, link_items, structure_lines
from toc_studio.theory.picture.layout import COLUMN_TITLES, COLUMNS, TRUNK, layout
from toc_studio.theory.picture.palette import COLOURS, LINK_COLOURS, THIN_BORDER
from toc_studio.theory.picture.shapes import Line, Rect, Text, clean, font, wrap

# Sizes in pixels at scale 1 (100 dpi).
FONT, SMALL, TITLE, LANE = 13, 11, 16, 14
BOX_W, PITCH, PAD, MARGIN = 170, 205, 6, 20
ROW_GAP, LANE_HEAD, LANE_GAP, BAR = 10, 24, 14, 4
MAX_LABEL_LINES = 5
LANE_FILLS = ("#f3f6fa", "#faf7f1")
MUTED, BORDER = "#555555", "#555555"
# Default links drawn one by one up to this many; beyond, one broad arrow from column to
# column per lane (every element of a column feeds every one of the next: drawn one by one,
# two dozen of them are already a grey tangle).
MAX_LINES = 24
CATEGORY_NAMES = {
    "resource": "Resource",
    "activity": "Activity",
    "enabler": "Enabler",
    "challenge": "Challenge",
    DOMAIN: "Outcome domain",
    "outcome": "Outcome",
}


@dataclass
class Scene:
    width: int
    height: int
    scale: float
    items: list = field(default_factory=list)
    boxes: dict[str, Rect] = field(default_factory=dict)  # node -> its box
    labels: dict[str, list[str]] = field(default_factory=dict)  # node -> its wrapped lines
    titles: tuple[float, float] = (0.0, 0.0)  # top and bottom of the column titles
    lane_gaps: list[float] = field(default_factory=list)  # y between two lanes


def evidence_line(attrs: dict) -> str:
    count = attrs["evidence"].passages
    text = "no evidence yet" if not count else f"{count:,} passage{'s' if count != 1 else ''}"
    text += ", thin" if attrs.get("thin") else ""
    for figure in attrs.get("indicators", []):  # a badge per measured indicator
        if figure.get("instrument"):
            text += f" · ▲{figure['improved']} ▼{figure['declined']}"
    return text


def darker(colour: str, factor: float = 0.6) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * factor) for c in (r, g, b)))


@dataclass
class _Node:
    lines: list[str]
    note: str  # the evidence line ("" for domain headings)
    height: float
    column: int
    row: float


class _Builder:
    def __init__(self, graph: nx.DiGraph, scale: float) -> None:
        self.graph, self.s = graph, scale
        self.grid = layout(graph)
        self.label_font = font(self._px(FONT))
        self.bold_font = font(self._px(FONT), "bold")
        self.small_font = font(self._px(SMALL))
        self.line_h = self._px(FONT) * 1.25
        self.small_h = self._px(SMALL) * 1.3

    def _px(self, size: float) -> int:
        return max(1, round(size * self.s))

    def v(self, value: float) -> float:
        return value * self.s

    def column_x(self, column: int) -> float:
        return self.v(MARGIN + column * PITCH + PITCH / 2)

    def nodes(self) -> dict[str, _Node]:
        width = self.v(BOX_W - 2 * PAD)
        result = {}
        for node, attrs in self.graph.nodes(data=True):
            heading = attrs["category"] == DOMAIN
            face = self.bold_font if heading else self.label_font
            lines = wrap(clean(attrs["label"]), face, width, MAX_LABEL_LINES)
            note = "" if heading else evidence_line(attrs)
            height = len(lines) * self.line_h + self.v(2 * PAD)
            if note:
                height += self.small_h + self.v(BAR + 3)
            column, row = self.grid.cells[node]
            result[node] = _Node(lines, note, height, column, row)
        return result


def build(graph: nx.DiGraph, scale: float = 1.0) -> Scene:
    """The scene of ``graph`` with every size multiplied by ``scale`` (1 = 100 dpi)."""
    b = _Builder(graph, scale)
    nodes = b.nodes()
    items: list = []
    heading, top = _heading(b, graph)
    legend, top = _legend(b, graph, top)
    titles = [
        Text(b.column_x(i), top + b.v(TITLE), title, b._px(TITLE), weight="bold")
        for i, title in enumerate(COLUMN_TITLES)
    ]
    titles_band = (top, top + b.v(TITLE + 10))
    top += b.v(TITLE + 16)
    lane_gaps: list[float] = []
    centres, lanes_bottom = _lane_rows(b, nodes, top, items, lane_gaps)
    trunk_bottom = _trunk(b, nodes, top, lanes_bottom, centres)
    height = max(lanes_bottom, trunk_bottom) + b.v(MARGIN)
    boxes = {
        n: Rect(
            b.column_x(d.column) - b.v(BOX_W / 2),
            centres[n] - d.height / 2,
            b.v(BOX_W),
            d.height,
            None,
        )
        for n, d in nodes.items()
    }
    _bands(b, boxes, items)
    structure = [(s, t) for s, t, a in graph.edges(data=True) if a["kind"] == STRUCTURE]
    if len(structure) <= MAX_LINES:
        items += structure_lines(boxes, structure, scale)
    else:  # too many to read: one broad arrow from column to column instead
        items += column_arrows(graph, nodes, boxes, scale)
    node_items, texts = _node_items(b, graph, nodes, boxes)
    items += node_items
    links = [(s, t, a) for s, t, a in graph.edges(data=True) if a["kind"] != STRUCTURE]
    link_lines, link_labels = link_items(boxes, links, b.small_font, scale)
    items += link_lines + texts + link_labels + heading + legend + titles
    width = round(b.v(2 * MARGIN + len(COLUMN_TITLES) * PITCH))
    scene = Scene(width, math.ceil(height), scale, items)
    scene.boxes = boxes
    scene.labels = {n: d.lines for n, d in nodes.items()}
    scene.titles, scene.lane_gaps = titles_band, lane_gaps[:-1]
    return scene


def _lane_rows(b: _Builder, nodes: dict[str, _Node], top: float, items: list, gaps: list):
    """Centres of the lanes' elements (rows as tall as their tallest box) and the lanes'
    backgrounds and names; returns the centres and the bottom of the last lane, and adds
    the middle of the gap after each lane to ``gaps``."""
    tallest: dict[int, float] = {}
    for d in nodes.values():
        if d.column >= 2:
            row = int(d.row)
            tallest[row] = max(tallest.get(row, 0.0), d.height)
    minimum = b.line_h + b.small_h + b.v(2 * PAD + BAR + 3)
    centres: dict[str, float] = {}
    row_centre: dict[int, float] = {}
    y = top
    left = b.column_x(2) - b.v(PITCH / 2) + b.v(4)
    right = b.column_x(5) + b.v(PITCH / 2) - b.v(4)
    for i, lane in enumerate(b.grid.lanes):
        lane_top = y
        y += b.v(LANE_HEAD)
        for row in range(lane.top, lane.top + lane.rows):
            height = max(tallest.get(row, 0.0), minimum) + b.v(ROW_GAP)
            row_centre[row] = y + height / 2
            y += height
        y += b.v(PAD)
        items.append(Rect(left, lane_top, right - left, y - lane_top, LANE_FILLS[i % 2]))
        name = "Shared" if lane.branch == SHARED else f"{clean(lane.branch)} branch"
        items.append(
            Text(
                left + b.v(8),
                lane_top + b.v(LANE + 4),
                name,
                b._px(LANE),
                colour="#444444",
                style="italic",
                anchor="start",
            )
        )
        gaps.append(y + b.v(LANE_GAP) / 2)
        y += b.v(LANE_GAP)
    for node, d in nodes.items():
        if d.column >= 2:
            centres[node] = row_centre[int(d.row)]
    return centres, (y - b.v(LANE_GAP) if b.grid.lanes else top)


def _trunk(b: _Builder, nodes, top: float, bottom: float, centres: dict) -> float:
    """Resources and activities: one stack per column, centred on the lanes' height."""
    end = top
    for category in TRUNK:
        column = COLUMNS[category]
        stack = sorted((d.row, n) for n, d in nodes.items() if d.column == column)
        total = sum(nodes[n].height for _, n in stack) + b.v(ROW_GAP) * max(0, len(stack) - 1)
        y = max(top, top + (bottom - top - total) / 2)
        for _, n in stack:
            centres[n] = y + nodes[n].height / 2
            y += nodes[n].height + b.v(ROW_GAP)
        end = max(end, y)
    return end


def _bands(b: _Builder, boxes: dict[str, Rect], items: list) -> None:
    """One dotted frame per outcome domain around its heading and its outcomes."""
    left = b.column_x(COLUMNS[DOMAIN]) - b.v(PITCH / 2) + b.v(10)
    right = b.column_x(COLUMNS["outcome"]) + b.v(PITCH / 2) - b.v(10)
    by_cell = {}
    for node, rect in boxes.items():
        column, row = b.grid.cells[node]
        if column >= COLUMNS[DOMAIN]:
            by_cell.setdefault(int(row), []).append(rect)
    for band in b.grid.bands:
        rects = [r for row in range(band.top, band.top + band.rows) for r in by_cell.get(row, [])]
        if not rects:
            continue
        y0 = min(r.y for r in rects) - b.v(ROW_GAP / 2)
        y1 = max(r.y + r.h for r in rects) + b.v(ROW_GAP / 2)
        items.append(
            Rect(left, y0, right - left, y1 - y0, None, "#aaaaaa", b.v(1), (b.v(2), b.v(3)))
        )


def _node_items(b: _Builder, graph: nx.DiGraph, nodes, boxes) -> tuple[list, list]:
    """The boxes (fill, border, evidence bar) and their text lines."""
    most = max((a["evidence"].passages for _, a in graph.nodes(data=True)), default=0) or 1
    shapes, texts = [], []
    for node, d in nodes.items():
        attrs = graph.nodes[node]
        r = boxes[node]
        fill = COLOURS.get(attrs["category"], "#dddddd")
        thin, hand = bool(attrs.get("thin")), bool(attrs.get("hand_made"))
        shapes.append(
            Rect(
                r.x,
                r.y,
                r.w,
                r.h,
                fill,
                THIN_BORDER if thin else BORDER,
                b.v(2.5 if thin else 2 if hand else 1),
                (b.v(6), b.v(4)) if hand else None,
                b.v(5),
                title=_title(attrs),
                node=node,
            )
        )
        heading = attrs["category"] == DOMAIN
        face = b.bold_font if heading else b.label_font
        ascent = face.getmetrics()[0]
        y = r.y + b.v(PAD) + ascent
        for line in d.lines:
            texts.append(
                Text(r.x + r.w / 2, y, line, face.size, weight="bold" if heading else "normal")
            )
            y += b.line_h
        if d.note:
            y += b.small_h - b.line_h + b.v(1)
            texts.append(Text(r.x + r.w / 2, y, d.note, b.small_font.size, colour=MUTED))
            count = attrs["evidence"].passages
            if count:
                full = r.w - b.v(2 * PAD)
                bar = max(b.v(3), full * math.sqrt(count / most))
                bottom = r.y + r.h - b.v(PAD) - b.v(BAR)
                shapes.append(Rect(r.x + b.v(PAD), bottom, bar, b.v(BAR), darker(fill)))
    return shapes, texts


def _title(attrs: dict) -> str:
    e = attrs["evidence"]
    where = "shared" if attrs["branch"] == SHARED else f"{attrs['branch']} branch"
    parts = [f"{attrs['label']} ({attrs['category']}, {where})"]
    if attrs["category"] != DOMAIN:
        people = f"{e.participants} of {e.of}" if e.of else str(e.participants)
        parts.append(
            f"{e.passages:,} passage{'s' if e.passages != 1 else ''}, {people} "
            f"participant{'s' if (e.of or e.participants) != 1 else ''}, "
            f"{e.documents} document{'s' if e.documents != 1 else ''}"
        )
    return clean("\n".join(parts))


def _heading(b: _Builder, graph: nx.DiGraph) -> tuple[list, float]:
    """ "Theory of Change: project, version" at the top left (a downloaded picture says
    what it shows); returns the items and where the next row starts."""
    names = [clean(graph.graph[k]) for k in ("project", "version") if graph.graph.get(k)]
    if not names:
        return [], b.v(MARGIN)
    face = font(b._px(TITLE + 2), "bold")
    width = b.v(len(COLUMN_TITLES) * PITCH)
    lines = wrap("Theory of Change: " + ", ".join(names), face, width, 2)
    items, y = [], b.v(MARGIN)
    for line in lines:
        y += face.size * 1.25
        items.append(Text(b.v(MARGIN), y, line, face.size, weight="bold", anchor="start"))
    return items, y + b.v(12)


def _legend(b: _Builder, graph: nx.DiGraph, top: float) -> tuple[list, float]:
    """Colour swatches for the categories, the border and bar conventions, the kinds of
    link drawn; flowed into rows across the picture. Returns the items and their bottom."""
    entries: list[tuple[str, dict]] = [
        (name, {"fill": COLOURS[c]}) for c, name in CATEGORY_NAMES.items()
    ]
    entries += [
        ("bar: passages (relative)", {"fill": "#ffffff", "bar": True}),
        ("dashed: added in a workshop", {"fill": "#ffffff", "dash": True}),
        ("orange: thin evidence (one participant)", {"fill": "#ffffff", "stroke": THIN_BORDER}),
    ]
    kinds = sorted({a["kind"] for _, _, a in graph.edges(data=True)} - {STRUCTURE})
    entries += [(kind, {"link": LINK_COLOURS.get(kind, "#434343")}) for kind in kinds]
    face = b.small_font
    items: list = []
    x, y = b.v(MARGIN), top
    right = b.v(MARGIN + len(COLUMN_TITLES) * PITCH)
    swatch, gap = b.v(22), b.v(18)
    for text, style in entries:
        width = swatch + b.v(6) + face.getlength(text)
        if x + width > right and x > b.v(MARGIN):
            x, y = b.v(MARGIN), y + b.v(20)
        middle = y + b.v(7)
        if "link" in style:
            dash = (b.v(6), b.v(4)) if text == "hinders" else None
            items.append(Line(((x, middle), (x + swatch, middle)), style["link"], b.v(2), dash))
        else:
            items.append(
                Rect(
                    x,
                    y,
                    swatch,
                    b.v(14),
                    style["fill"],
                    style.get("stroke", BORDER),
                    b.v(2 if "stroke" in style or style.get("dash") else 1),
                    (b.v(4), b.v(3)) if style.get("dash") else None,
                    b.v(3),
                )
            )
            if style.get("bar"):
                items.append(Rect(x + b.v(3), y + b.v(8), swatch * 0.6, b.v(3), "#777777"))
        items.append(Text(x + swatch + b.v(6), middle + b.v(4), text, face.size, anchor="start"))
        x += width + gap
    return items, y + b.v(26)

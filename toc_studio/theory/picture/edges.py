"""The links of the static diagram: default links as thin grey arrows (or, when there are
too many to read, one broad arrow from column to column per lane), and the causal links
made in workshops as coloured arrows with their label, routed at right angles through the
gaps between columns and rows so that no link passes through a box."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import networkx as nx
from PIL import ImageFont

from toc_studio.theory.picture.layout import COLUMNS
from toc_studio.theory.picture.palette import LINK_COLOURS
from toc_studio.theory.picture.shapes import Line, Polygon, Rect, Text, clean, wrap

Point = tuple[float, float]
DEFAULT_LINK = "#b5b5b5"
BROAD = "#c4c4c4"


def ends(source: Rect, target: Rect) -> tuple[Point, Point]:
    """Where a link leaves ``source`` and enters ``target``: the facing sides' middles."""
    sy, ty = source.y + source.h / 2, target.y + target.h / 2
    if target.x >= source.x + source.w:
        return (source.x + source.w, sy), (target.x, ty)
    if target.x + target.w <= source.x:
        return (source.x, sy), (target.x + target.w, ty)
    sx, tx = source.x + source.w / 2, target.x + target.w / 2
    if ty > sy:
        return (sx, source.y + source.h), (tx, target.y)
    return (sx, source.y), (tx, target.y + target.h)


def arrow_head(tip: Point, start: Point, size: float, colour: str) -> tuple[Polygon, Point]:
    """A filled triangle pointing at ``tip`` from ``start``; and where its base is (the
    line should end there)."""
    dx, dy = tip[0] - start[0], tip[1] - start[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    bx, by = tip[0] - ux * size, tip[1] - uy * size
    half = size * 0.45
    corners = (tip, (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half))
    return Polygon(corners, colour), (bx, by)


def structure_lines(
    boxes: Mapping[str, Rect], pairs: Iterable[tuple[str, str]], scale: float
) -> list:
    items: list = []
    for source, target in pairs:
        start, tip = ends(boxes[source], boxes[target])
        head, base = arrow_head(tip, start, 7 * scale, DEFAULT_LINK)
        items += [Line((start, base), DEFAULT_LINK, max(1.0, scale)), head]
    return items


def column_arrows(graph: nx.DiGraph, nodes: Mapping, boxes: Mapping[str, Rect], scale: float):
    """Broad grey arrows instead of hundreds of default links: resources to activities,
    activities to each lane, each lane's enablers and challenges to its outcome domains
    (the domain bands then hold their outcomes). Arrows bend at right angles in the gaps
    between columns, so they never cross a box."""
    spans: dict[tuple[str, int], tuple[float, float, Rect]] = {}
    for node, attrs in graph.nodes(data=True):
        column = nodes[node].column
        lane = "trunk" if column < 2 else attrs["branch"]
        r = boxes[node]
        low, high, _ = spans.get((lane, column), (r.y, r.y + r.h, r))
        spans[(lane, column)] = (min(low, r.y), max(high, r.y + r.h), r)

    def middle(keys: list[tuple[str, int]]) -> float:
        return (min(spans[k][0] for k in keys) + max(spans[k][1] for k in keys)) / 2

    def left(key: tuple[str, int]) -> float:
        return spans[key][2].x - 4 * scale

    def right(key: tuple[str, int]) -> float:
        return spans[key][2].x + spans[key][2].w + 4 * scale

    items: list = []
    resources, activities = ("trunk", 0), ("trunk", 1)
    trunk = [k for k in (resources, activities) if k in spans]
    if len(trunk) == 2:
        start = (right(resources), middle([resources]))
        items += elbow_arrow(start, left(activities), middle([activities]), scale)
    for lane in dict.fromkeys(lane for lane, _ in spans if lane != "trunk"):
        in_lane = [k for k in spans if k[0] == lane]
        feeding = [(lane, c) for c in (2, 3) if (lane, c) in spans]
        domains = (lane, COLUMNS["domain"])
        if trunk:
            start = (right(trunk[-1]), middle([trunk[-1]]))
            items += elbow_arrow(
                start, left(min(in_lane, key=lambda k: k[1])), middle(in_lane), scale
            )
        if feeding and domains in spans:
            start = (right(feeding[-1]), middle(feeding))
            items += elbow_arrow(start, left(domains), middle([domains]), scale)
    return items


def elbow_arrow(start: Point, tip_x: float, tip_y: float, scale: float) -> list:
    """A broad arrow from ``start`` rightwards, turning at right angles half-way to
    ``tip_x`` when it has to change height, ending in a head at (tip_x, tip_y)."""
    head_length = min(14 * scale, max(tip_x - start[0], 2.0) / 2)
    base_x = tip_x - head_length
    bend = (start[0] + base_x) / 2
    points = [start, (base_x, tip_y)]
    if abs(start[1] - tip_y) > 1:
        points = [start, (bend, start[1]), (bend, tip_y), (base_x, tip_y)]
    head = 10 * scale
    triangle = ((tip_x, tip_y), (base_x, tip_y - head), (base_x, tip_y + head))
    return [Line(tuple(points), BROAD, 7 * scale), Polygon(triangle, BROAD)]


def link_items(
    boxes: Mapping[str, Rect],
    links: Iterable[tuple[str, str, Mapping]],
    face: ImageFont.FreeTypeFont,
    scale: float,
) -> tuple[list, list]:
    """Coloured arrows for the links made by hand (dashed for "hinders"), routed around the
    boxes (:func:`route`), and their labels on a white ground near the middle of the path."""
    lines: list = []
    labels: list = []
    ascent, descent = face.getmetrics()
    taken = list(boxes.values())  # what a label should not cover: boxes, earlier labels
    for index, (source, target, attrs) in enumerate(links):
        colour = LINK_COLOURS.get(attrs["kind"], "#434343")
        corners = route(boxes, source, target, scale, lane=(index % 5 - 2) * 3 * scale)
        head, base = arrow_head(corners[-1], corners[-2], 11 * scale, colour)
        dash = (7 * scale, 5 * scale) if attrs["kind"] == "hinders" else None
        lines += [Line((*corners[:-1], base), colour, 2 * scale, dash), head]
        points = _along(corners)
        text = clean(attrs.get("label") or attrs["kind"])
        rows = wrap(text, face, 150 * scale, 2)
        width = max(face.getlength(r) for r in rows) + 8 * scale
        line_h = (ascent + descent) * 1.1
        height = len(rows) * line_h + 4 * scale
        mx, my = _label_spot(points, width, height, taken)
        top = my - height / 2
        ground = Rect(
            mx - width / 2, top, width, height, "#ffffff", colour, scale, radius=3 * scale
        )
        labels.append(ground)
        taken.append(ground)
        y = top + 2 * scale + ascent
        for row in rows:
            labels.append(Text(mx, y, row, face.size, colour=colour))
            y += line_h
    return lines, labels


def _label_spot(points: list[Point], width: float, height: float, boxes) -> Point:
    """The point of the curve nearest its middle where a label of this size covers none
    of ``boxes`` (the middle itself if every spot does)."""
    middle = len(points) // 2
    for offset in (0, -2, 2, -4, 4, -6, 6, -8, 8):
        x, y = points[middle + offset]
        left, top = x - width / 2, y - height / 2
        if not any(
            left < b.x + b.w and b.x < left + width and top < b.y + b.h and b.y < top + height
            for b in boxes
        ):
            return x, y
    return points[middle]


def route(
    boxes: Mapping[str, Rect], source: str, target: str, scale: float, lane: float = 0.0
) -> list[Point]:
    """An orthogonal path from ``source``'s right side into ``target``'s left side that
    crosses no box: out to the gap right of the source's column, along a free horizontal
    corridor (the row itself when nothing is in the way, else the nearest gap between boxes
    or lanes), down or up the gap left of the target's column, and in. ``lane`` shifts the
    vertical runs a little so that links sharing a gap stay apart."""
    s, t = boxes[source], boxes[target]
    gap = 17.5 * scale  # half the space between two columns
    x1, x2 = s.x + s.w + gap + lane, t.x - gap + lane
    sy, ty = s.y + s.h / 2, t.y + t.h / 2
    low, high = min(x1, x2), max(x1, x2)
    in_way = [b for key, b in boxes.items() if b.x < high and low < b.x + b.w]
    y = _corridor(in_way, sy, ty, 5 * scale)
    corners = [(s.x + s.w, sy), (x1, sy), (x1, y), (x2, y), (x2, ty), (t.x, ty)]
    return [p for i, p in enumerate(corners) if i == 0 or p != corners[i - 1]]


def _corridor(in_way: list[Rect], sy: float, ty: float, margin: float) -> float:
    """The height nearest the two ends at which a horizontal line crosses none of
    ``in_way``: one of the ends' own heights, or just above or below a box in the way."""

    def free(y: float) -> bool:
        return not any(b.y - margin < y < b.y + b.h + margin for b in in_way)

    candidates = [sy, ty]
    for b in in_way:
        candidates += [b.y - 2 * margin, b.y + b.h + 2 * margin]
    found = [y for y in candidates if free(y)]
    return min(found, key=lambda y: (abs(y - sy) + abs(y - ty), y)) if found else sy


def _along(corners: list[Point], step: float = 8.0) -> list[Point]:
    """Points every ``step`` pixels along a path of straight runs (where labels may sit)."""
    points = [corners[0]]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:], strict=False):
        n = max(1, int(math.hypot(x1 - x0, y1 - y0) // step))
        points += [(x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n) for i in range(1, n + 1)]
    return points

"""The static diagram for reports: PNG (python-docx needs PNG) or SVG, drawn by matplotlib
without a browser, with the same lanes, bands and columns as the interactive page."""

from __future__ import annotations

import io
import textwrap

import networkx as nx

from toc_studio.theory.assemble import DOMAIN, SHARED
from toc_studio.theory.layout import COLUMN_TITLES, layout
from toc_studio.theory.models import STRUCTURE
from toc_studio.theory.render_html import COLOURS, LINK_COLOURS, THIN_BORDER

FORMATS = ("png", "svg")
X_STEP, Y_STEP = 3.0, 0.9  # inches between columns and rows
WRAP = 24  # characters per label line
MAX_PIXELS = 8000
CHAR_WIDTH, LINE_HEIGHT = 0.075, 0.16  # inches, for 9 pt text
MAX_LINES = 400  # default links drawn one by one up to this many


def draw(graph: nx.DiGraph, fmt: str = "png", dpi: int = 150) -> bytes:
    """The diagram as PNG or SVG bytes."""
    if fmt not in FORMATS:
        from toc_studio.errors import Invalid

        raise Invalid(f"Images are drawn as {' or '.join(FORMATS)}, not {fmt!r}.")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

    grid = layout(graph)
    rows = max(grid.rows, 1)
    width, height = 6 * X_STEP + 1.5, (rows + 2) * Y_STEP
    figure = Figure(figsize=(width, height))
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(-1.6, 6 * X_STEP - 1.2)
    ax.set_ylim(rows + 0.2, -1.8)
    ax.axis("off")

    def xy(node: str) -> tuple[float, float]:
        column, row = grid.cells[node]
        return column * X_STEP, row

    for index, title in enumerate(COLUMN_TITLES):
        ax.text(
            index * X_STEP,
            -1.2,
            title,
            ha="center",
            va="center",
            fontsize=13,
            fontweight="bold",
            parse_math=False,
        )
    for i, lane in enumerate(grid.lanes):
        ax.add_patch(
            Rectangle(
                (2 * X_STEP - 1.45, lane.top - 0.5),
                4 * X_STEP - 0.1,
                lane.rows,
                facecolor="#f3f6fa" if i % 2 == 0 else "#faf7f1",
                edgecolor="none",
                zorder=0,
            )
        )
        name = "Shared" if lane.branch == SHARED else f"{lane.branch} branch"
        ax.text(
            2 * X_STEP - 1.4,
            lane.top - 0.42,
            name,
            fontsize=11,
            fontstyle="italic",
            va="top",
            ha="left",
            color="#444444",
            parse_math=False,
            zorder=1,
        )
    for band in grid.bands:
        ax.add_patch(
            Rectangle(
                (4 * X_STEP - 1.3, band.top - 0.45),
                2 * X_STEP - 0.4,
                band.rows - 0.1,
                facecolor="none",
                edgecolor="#bbbbbb",
                linestyle=":",
                zorder=1,
            )
        )
    structure, links = [], []
    for source, target, attrs in graph.edges(data=True):
        (x1, y1), (x2, y2) = xy(source), xy(target)
        if attrs["kind"] == STRUCTURE:
            structure.append([(x1 + 1.1, y1), (x2 - 1.1, y2)])
        else:
            links.append(((x1, y1), (x2, y2), attrs))
    if len(structure) <= MAX_LINES:
        ax.add_collection(LineCollection(structure, colors="#d0d0d0", linewidths=0.6, zorder=2))
    else:  # too many to read: one arrow from column to column instead
        _column_arrows(ax, graph, grid, FancyArrowPatch)
    for (x1, y1), (x2, y2), attrs in links:
        colour = LINK_COLOURS.get(attrs["kind"], "#434343")
        ax.add_patch(
            FancyArrowPatch(
                (x1, y1),
                (x2, y2),
                connectionstyle="arc3,rad=-0.2",
                arrowstyle="-|>",
                mutation_scale=14,
                color=colour,
                linewidth=1.8,
                linestyle="--" if attrs["kind"] == "hinders" else "-",
                zorder=3,
                shrinkA=30,
                shrinkB=30,
            )
        )
        ax.text(
            (x1 + x2) / 2,
            (y1 + y2) / 2 - 0.15,
            attrs.get("label") or attrs["kind"],
            fontsize=8,
            color=colour,
            ha="center",
            parse_math=False,
            zorder=4,
        )
    boxes = []
    for node, attrs in graph.nodes(data=True):
        x, y = xy(node)
        label = textwrap.fill(str(attrs["label"]), WRAP)
        if attrs["category"] != DOMAIN:
            count = attrs["evidence"].codings
            suffix = "no evidence yet" if not count else f"{count} codings"
            label += f"\n({suffix}{', thin' if attrs.get('thin') else ''})"
        lines = label.split("\n")
        # Box sizes from the text's size (9 pt: ~0.07 in a character, 0.15 in a line), so
        # that matplotlib lays each label out once and draws all boxes in one collection.
        w = max(len(line) for line in lines) * CHAR_WIDTH + 0.25
        h = (len(lines) * LINE_HEIGHT + 0.1) / Y_STEP
        boxes.append(
            FancyBboxPatch(
                (x - w / 2, y - h / 2),
                w,
                h,
                boxstyle="round,pad=0.02,rounding_size=0.06",
                facecolor=COLOURS.get(attrs["category"], "#dddddd"),
                edgecolor=THIN_BORDER if attrs.get("thin") else "#555555",
                linewidth=2 if attrs.get("thin") or attrs.get("hand_made") else 0.8,
                linestyle="--" if attrs.get("hand_made") else "-",
            )
        )
        ax.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=9,
            parse_math=False,
            zorder=5,
            fontweight="bold" if attrs["category"] == DOMAIN else "normal",
        )
    ax.add_collection(PatchCollection(boxes, match_original=True, zorder=4))
    buffer = io.BytesIO()
    # Very large diagrams: keep the picture under MAX_PIXELS on its longest side.
    options = {"pil_kwargs": {"compress_level": 3}} if fmt == "png" else {}
    figure.savefig(buffer, format=fmt, dpi=min(dpi, MAX_PIXELS / max(width, height)), **options)
    return buffer.getvalue()


FEEDS = {1: (0,), 2: (1,), 3: (1,), 4: (2, 3)}  # column -> the columns its links come from


def _column_arrows(ax, graph: nx.DiGraph, grid, arrow) -> None:
    """Broad grey arrows instead of hundreds of default links: resources to activities,
    activities to each lane's enablers and challenges, those to the lane's domains (the
    domain bands then hold their outcomes)."""
    spans: dict[tuple[str, int], tuple[float, float]] = {}
    for node, attrs in graph.nodes(data=True):
        column, row = grid.cells[node]
        lane = "trunk" if column < 2 else attrs["branch"]
        low, high = spans.get((lane, column), (row, row))
        spans[(lane, column)] = (min(low, row), max(high, row))
    for (lane, column), (low, high) in spans.items():
        sources = [
            (key, span)
            for source in FEEDS.get(column, ())
            for key, span in spans.items()
            if key[1] == source and key[0] in (lane, "trunk")
        ]
        if column == 4 and not sources:  # no enablers or challenges: from the activities
            sources = [(k, v) for k, v in spans.items() if k == ("trunk", 1)]
        for (_, source_column), (slow, shigh) in sources:
            ax.add_patch(
                arrow(
                    (source_column * X_STEP + 1.2, (slow + shigh) / 2),
                    (column * X_STEP - 1.2, (low + high) / 2),
                    arrowstyle="simple,head_width=1.2,head_length=1.2",
                    mutation_scale=12,
                    color="#c8c8c8",
                    zorder=2,
                )
            )

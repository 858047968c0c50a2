"""Pictures of outcome figures for the Word report, drawn by matplotlib (Agg, no display,
no global state): improved / same / declined by group, start and last review per item,
contacts against change. Labels are untrusted text: a ``$`` would start matplotlib's
maths, so it is escaped."""

from __future__ import annotations

import io
from typing import Any

DPI = 150
COLOURS = {"Improved": "#2e7d32", "Same": "#9e9e9e", "Declined": "#c62828"}


def _label(text: object, limit: int = 40) -> str:
    value = " ".join(str(text).split())
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return value.replace("$", r"\$")


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _png(figure) -> bytes:
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def outcome_bars(rows: list[dict[str, Any]]) -> bytes:
    """Stacked horizontal bars: people improved, same, declined per group."""
    groups = list(dict.fromkeys(r["Group"] for r in rows))
    figure = _figure(6.5, 0.6 * len(groups) + 1.4)
    axes = figure.add_subplot()
    left = [0] * len(groups)
    for outcome, colour in COLOURS.items():
        counts = [
            next((r["People"] for r in rows if r["Group"] == g and r["Outcome"] == outcome), 0)
            for g in groups
        ]
        axes.barh([_label(g) for g in groups], counts, left=left, color=colour, label=outcome)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("Participants with a follow-up reading")
    axes.legend(loc="lower right", fontsize="small")
    return _png(figure)


def item_bars(rows: list[dict[str, Any]]) -> bytes:
    """Mean at start and at the last review, per item (everyone)."""
    items = list(dict.fromkeys(r["Item"] for r in rows))
    figure = _figure(6.5, 0.45 * len(items) + 1.4)
    axes = figure.add_subplot()
    positions = range(len(items))
    for offset, when, colour in ((-0.2, "Start", "#90a4ae"), (0.2, "Last", "#1565c0")):
        means = [
            next((r["Mean"] for r in rows if r["Item"] == i and r["When"] == when), 0)
            for i in items
        ]
        axes.barh([p + offset for p in positions], means, height=0.4, color=colour, label=when)
    axes.set_yticks(list(positions), [_label(i, 45) for i in items], fontsize="small")
    axes.invert_yaxis()
    axes.set_xlabel("Mean score")
    axes.legend(loc="lower right", fontsize="small")
    return _png(figure)


def scatter(points: list[dict[str, Any]], x_title: str) -> bytes:
    """Each participant's change against a measure of contact."""
    figure = _figure(5.5, 3.6)
    axes = figure.add_subplot()
    axes.scatter([p["x"] for p in points], [p["change"] for p in points], color="#1565c0")
    axes.axhline(0, color="#9e9e9e", linewidth=0.8)
    axes.set_xlabel(_label(x_title))
    axes.set_ylabel("Change in score (last - start)")
    return _png(figure)

"""Figures to one Markdown table: medians, p95, ratios (ours / peer) and the header line
with the date, the core count and the load average."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Cell:
    """One tool's figure for one row: ``seconds`` is what the ratio compares (None when
    the tool cannot do the work; ``text`` then says why)."""

    seconds: float | None
    text: str

    @classmethod
    def cannot(cls, reason: str) -> Cell:
        """A tool that cannot do the work, and why (one line, at most 160 characters)."""
        reason = " ".join(reason.split())
        if len(reason) > 160:
            reason = reason[:159] + "…"
        return cls(None, f"– ({reason})")


@dataclass
class Row:
    work: str
    ours: Cell
    peers: dict[str, Cell] = field(default_factory=dict)


def median(values: list[float]) -> float:
    if not values:
        raise ValueError("no measurement")
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """The nearest-rank 95th percentile."""
    if not values:
        raise ValueError("no measurement")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ratio(ours: float | None, peer: float | None) -> float | None:
    """Our time over the peer's: below 1 TOC Studio is faster. None when either is missing
    or the peer's time is zero."""
    if ours is None or peer is None or peer <= 0:
        return None
    return ours / peer


def seconds(value: float) -> str:
    """A duration as a person reads it: ms below a second, s above."""
    if value < 1:
        return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value * 1000:.0f} ms"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def ratio_text(value: float | None) -> str:
    if value is None:
        return "–"
    if 0 < value < 0.01:  # 1/n reads better than 0.000
        return f"1/{1 / value:,.0f}"
    return f"{value:.2f}"


def render(rows: list[Row], peers: list[str], header: str) -> str:
    """The table in Markdown: each tool's figure, then our time over each peer's."""
    cols = ["work", "TOC Studio", *peers, *(f"ours / {p}" for p in peers)]
    lines = [header, "", "| " + " | ".join(cols) + " |", "|" + " --- |" * len(cols)]
    for row in rows:
        cells = [row.work, row.ours.text]
        cells += [row.peers.get(p, Cell.cannot("not run")).text for p in peers]
        cells += [
            ratio_text(ratio(row.ours.seconds, row.peers.get(p, Cell(None, "")).seconds))
            for p in peers
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def header_line(date: str, nproc: int, loads: list[str], mode: str) -> str:
    return (
        f"Run {date}, `nproc` = {nproc}, load average (1 min) {', '.join(loads)} "
        f"over the run, {mode}. Ratio = TOC Studio's time / the peer's (below 1: TOC Studio "
        f"is faster)."
    )

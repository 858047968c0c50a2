"""The Explore screen's shaping of query results: quotes with their labels, matrix
tables and the counts behind the charts. Pure functions over the coding store's results."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from toc_studio.coding.analysis.framework import Cell, Matrix
from toc_studio.coding.analysis.queries import Excerpt
from toc_studio.workspace.codebook_view import CodeRow

MEASURES = {"passages": "Passages", "participants": "Participants", "documents": "Documents"}


def quote_label(excerpt: Excerpt) -> str:
    """Who said it, as a report quotes them: the participant's label, else the document."""
    return excerpt.participant or excerpt.document


def quote_text(excerpt: Excerpt) -> str:
    """An excerpt ready to paste into a report: “…” — Mentee C1."""
    return f"“{' '.join(excerpt.text.split())}” — {quote_label(excerpt)}"


def quotes_block(excerpts: Iterable[Excerpt]) -> str:
    return "\n\n".join(quote_text(e) for e in excerpts)


def matrix_table(found: Matrix, measure: str = "passages") -> list[dict]:
    """One row per code, one column per matrix column, the chosen measure in each cell."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    rows = []
    for row in found.rows:
        entry: dict = {"Code": row.code}
        for column in found.columns:
            entry[column] = getattr(row.cells.get(column, Cell(0, 0, 0)), measure)
        entry["Total"] = getattr(row.total, measure)
        rows.append(entry)
    return rows


def per_group(rows: Sequence[CodeRow]) -> list[dict]:
    counts: Counter[str] = Counter()
    for r in rows:
        for group, (passages, _, _) in r.per_group.items():
            counts[group] += passages
    return [{"Group": g, "Passages": n} for g, n in counts.most_common()]


def per_domain(rows: Sequence[CodeRow]) -> list[dict]:
    counts: Counter[str] = Counter()
    for r in rows:
        if r.code.domain:
            counts[r.code.domain] += r.passages
    return [{"Domain": d, "Passages": n} for d, n in counts.most_common() if n]


def per_code(rows: Sequence[CodeRow], top: int = 25) -> list[dict]:
    ranked = sorted((r for r in rows if r.passages), key=lambda r: (-r.passages, r.path))
    return [
        {"Code": r.path, "Passages": r.passages, "Category": r.code.category or "none"}
        for r in ranked[:top]
    ]

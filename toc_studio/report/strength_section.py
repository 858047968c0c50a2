"""The report's strength of evidence per Theory of Change element: who carries each
element (n of N per stakeholder group, in words from the project's agreed thresholds),
from how many passages, documents and methods, and the warning when one participant or
one method carries it. Counts are passages, not codings (see
:mod:`toc_studio.coding.analysis.passages`)."""

from __future__ import annotations

from toc_studio.coding.analysis import strength as st
from toc_studio.coding.analysis import wording as words

CATEGORY_ORDER = ("resource", "activity", "enabler", "challenge", "outcome")


def strength_rows(graph, limits: st.Thresholds) -> list[list[str]]:
    """One row per element with coded evidence, in diagram order: element, branch, who,
    sources, wording and flags."""
    from toc_studio.theory.export_json import node_order

    rows = []
    for node in node_order(graph):
        attrs = graph.nodes[node]
        if attrs["category"] not in CATEGORY_ORDER:
            continue
        found = attrs["evidence"].strength(limits)
        if not found.passages:
            continue
        sources = (
            f"{words.count(found.passages, 'passage', capital=True)}, "
            f"{words.count(found.documents, 'document')} "
            f"({words.listing(list(found.methods))})"
        )
        wording = found.wording
        if found.by_group:
            wording = "; ".join(f"{g.group}: {g.wording}" for g in found.by_group if g.n)
        rows.append([
            str(attrs["label"]),
            "Shared" if attrs["branch"] == "shared" else str(attrs["branch"]),
            found.groups_phrase(),
            sources,
            " ".join([wording, *found.flags]).strip(),
        ])  # fmt: skip
    return rows


def write_strength_table(report, graph, label: str) -> None:
    """The table, captioned, after the Theory of Change's own table."""
    rows = strength_rows(graph, st.thresholds(report.session, report.project.id))
    if not rows:
        return
    limits = st.thresholds(report.session, report.project.id)
    report.table(
        ["Element", "Branch", "Who", "Sources", "Strength"],
        rows,
        f"Strength of evidence per element, {label} (all from {limits.all:.0%} of a group, "
        f"most from {limits.most:.0%}, over half above {limits.over_half:.0%})",
    )

"""The colours every picture of the Theory of Change shares: one per category, one per
kind of causal link, and the border that marks thin evidence."""

from __future__ import annotations

from toc_studio.theory.assemble import DOMAIN

COLOURS = {
    "resource": "#b4a7d6",
    "activity": "#9fc5e8",
    "enabler": "#b6d7a8",
    "challenge": "#ea9999",
    "outcome": "#ffe599",
    DOMAIN: "#eeeeee",
}
LINK_COLOURS = {"leads to": "#434343", "enables": "#38761d", "hinders": "#cc0000"}
THIN_BORDER = "#e69138"

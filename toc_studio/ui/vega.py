"""Charts as Vega-Lite specifications written as plain dicts and drawn by
``st.vega_lite_chart``.

Altair builds the same specifications, but validates every channel against the whole
Vega-Lite schema as a chart is made and again as it is drawn: about 0.2 s of CPU a chart,
on every rerun (the Outcomes screen draws nine). A dict costs nothing to make; the
specifications are the ones Altair gave (same marks, encodings and view size), so the
charts look the same. Field names are the screens' own constants; names from the store
are data values (drawn as SVG text, never as Markdown or HTML). ``description`` is what a
screen reader announces for the chart.
"""

from __future__ import annotations

from typing import Any

TYPES = {"Q": "quantitative", "N": "nominal", "O": "ordinal", "T": "temporal"}
VIEW = {"view": {"continuousWidth": 300, "continuousHeight": 300}}  # Altair's default


def channel(shorthand: str, **extra: Any) -> dict[str, Any]:
    """Altair's shorthand as a Vega-Lite channel: ``"People:Q"`` is the quantitative
    field People, ``"count():Q"`` the count of rows; ``extra`` adds sort, bin, title..."""
    name, _, kind = shorthand.rpartition(":")
    if name.endswith("()"):
        found: dict[str, Any] = {"aggregate": name[:-2], "type": TYPES[kind]}
    else:
        found = {"field": name, "type": TYPES[kind]}
    return {**found, **extra}


def _channel(value: Any) -> Any:
    if isinstance(value, str):
        return channel(value)
    if isinstance(value, list):  # a tooltip's fields
        return [_channel(v) for v in value]
    return value


def spec(
    rows: list[dict],
    mark: str,
    description: str,
    *,
    params: list[dict] | None = None,
    **encoding: Any,
) -> dict[str, Any]:
    """A chart of ``rows`` (inline data) with one ``mark`` ("bar", "circle"...); each
    encoding a shorthand string, a list of them (tooltip) or a channel dict."""
    found: dict[str, Any] = {
        "config": VIEW,
        "data": {"values": rows},
        "description": description,
        "mark": {"type": mark},
        "encoding": {name: _channel(value) for name, value in encoding.items()},
    }
    if params:
        found["params"] = params
    return found


def point_selection(name: str, fields: list[str]) -> dict[str, Any]:
    """A click on a mark selects the rows with its values of ``fields``."""
    return {"name": name, "select": {"type": "point", "fields": fields}}


def when_selected(name: str, selected: Any, otherwise: Any) -> dict[str, Any]:
    """A channel's value: ``selected`` for the marks in selection ``name`` (or all while
    nothing is selected), else ``otherwise``."""
    return {"condition": {"param": name, "value": selected}, "value": otherwise}

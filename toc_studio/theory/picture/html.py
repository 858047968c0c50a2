"""The interactive diagram: a self-contained pyvis (vis-network) page that works offline.

Safety: labels and hover texts come from transcripts and workshops, so they are untrusted.
vis-network 9 shows a string ``title`` with ``innerText`` (never as HTML), and pyvis puts
the node and edge data into the page through Jinja's ``tojson`` (which escapes ``<``, ``>``
and ``&``). pyvis switches to an ``innerHTML`` pop-up when any title contains "href", and
writes ``heading`` and ``select_menu`` ids raw: so no heading or menu is used, and every
hover text goes through :func:`plain`, which neutralises angle brackets and "href".
The page's only external references (Bootstrap from a CDN, which pyvis adds although
nothing uses it) are removed; vis-network's script and styles are in-line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from toc_studio.theory.assemble import DOMAIN, SHARED
from toc_studio.theory.models import STRUCTURE
from toc_studio.theory.picture.layout import COLUMN_TITLES, Layout, layout

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
_HREF = re.compile("href", re.IGNORECASE)
_EXTERNAL = re.compile(
    r"<(?:link|script)\b[^>]*\b(?:href|src)\s*=\s*[\"']?(?:https?:)?//[^>]*>(?:\s*</script>)?",
    re.IGNORECASE,
)
_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>", re.IGNORECASE)

Quote = tuple[str, str | None]  # (text, participant label)


def plain(text: str) -> str:
    """Text safe in any pop-up: no tag can open, and no "href" reaches pyvis."""
    text = str(text).replace("<", "‹").replace(">", "›")
    return _HREF.sub("hr\u200bef", text)


def hover_text(attrs: Mapping, quotes: Sequence[Quote] = ()) -> str:
    """The plain-text hover of an element: counts per group, flags, a few short quotes."""
    e = attrs["evidence"]
    branch = attrs["branch"]
    where = "shared" if branch == SHARED else f"{branch} branch"
    lines = [f"{attrs['label']} ({attrs['category']}, {where})"]
    lines.append(
        f"Evidence: {e.codings} coding(s), {e.participants} participant(s), "
        f"{e.documents} document(s)"
    )
    for group, counts in e.by_group.items():
        lines.append(
            f"  {group}: {counts['codings']} coding(s), {counts['participants']} participant(s)"
        )
    if attrs.get("hand_made") and not e.codings:
        lines.append("Added by hand in a workshop: no coded evidence yet")
    elif attrs.get("hand_made"):
        lines.append("Added by hand in a workshop, since linked to a code")
    if attrs.get("thin"):
        lines.append("Thin evidence: one participant only")
    for f in attrs.get("indicators", []):
        if not f.get("instrument"):
            lines.append(f"Indicator: {f.get('text', '')}")
            continue
        measure = f["instrument"] + (f", {f['item']}" if f["item"] else "")
        measure = f"{f['text']} ({measure})" if f.get("text") else measure
        change = "" if f["mean_change"] is None else f", mean change {f['mean_change']:.1f}"
        lines.append(
            f"Indicator: {measure}: n = {f['n']}{change}; {f['improved']} improved, "
            f"{f['declined']} declined, {f['same']} the same"
        )
    lines += [f"Question: {q}" for q in attrs.get("questions", [])]
    for text, who in quotes[:3]:
        lines.append(f"“{text}”" + (f" — {who}" if who else ""))
    return plain("\n".join(lines))


def external_references(html: str) -> list[str]:
    """Script or style tags of ``html`` that would fetch something from the network."""
    return _EXTERNAL.findall(html)


def _size(codings: int, presentation: bool) -> float:
    base = 12 + 6 * math.sqrt(codings)
    return min(base, 48) * (1.5 if presentation else 1)


@dataclass(frozen=True)
class Style:
    """The page's spacing and type: larger in presentation mode."""

    presentation: bool = False

    @property
    def scale(self) -> float:
        return 1.6 if self.presentation else 1.0

    @property
    def font(self) -> int:
        return 26 if self.presentation else 14

    @property
    def x_step(self) -> float:
        return 300 * self.scale

    @property
    def y_step(self) -> float:
        return 95 * self.scale


def _add_headings(net, grid: Layout, style: Style) -> None:
    """Column titles across the top, and the name of each branch's lane on the left."""
    for index, title in enumerate(COLUMN_TITLES):
        net.add_node(
            f"column:{index}",
            label=title,
            shape="text",
            x=index * style.x_step,
            y=-1.2 * style.y_step,
            physics=False,
            font={"size": style.font + 6, "face": "sans-serif", "bold": True},
        )
    for lane in grid.lanes:
        name = "Shared" if lane.branch == SHARED else f"{lane.branch} branch"
        net.add_node(
            f"lane:{lane.branch}",
            label=name,
            shape="text",
            x=-0.9 * style.x_step + 60,
            y=lane.top * style.y_step,
            physics=False,
            font={"size": style.font + 4, "face": "sans-serif"},
        )


def element_options(
    attrs: Mapping, xy: tuple[float, float], quotes: Sequence[Quote], style: Style
) -> dict:
    """The vis-network options of one element's node at ``xy``: a dot sized by its
    evidence (dashed when hand-made), or a bold box for a domain heading."""
    thin = bool(attrs.get("thin"))
    font = {"size": style.font, "face": "sans-serif"}
    options = dict(
        label=str(attrs["label"]),
        title=hover_text(attrs, quotes),
        x=xy[0],
        y=xy[1],
        physics=False,
        color={
            "background": COLOURS.get(attrs["category"], "#dddddd"),
            "border": THIN_BORDER if thin else "#666666",
        },
        borderWidth=3 if thin else 1,
        font=font,
        widthConstraint={"maximum": int(220 * style.scale)},
    )
    if attrs["category"] == DOMAIN:
        options.update(shape="box", font={**font, "bold": True})
        return options
    options.update(shape="dot", size=_size(attrs["evidence"].codings, style.presentation))
    if attrs.get("hand_made"):
        options["shapeProperties"] = {"borderDashes": [6, 4]}
        options["borderWidth"] = 3
    return options


def link_hover(attrs: Mapping) -> str:
    """A drawn link's hover: its kind and rationale, then each assumption with its status."""
    lines = [f"{attrs['kind']}: {attrs.get('rationale') or 'no rationale given'}"]
    for a in attrs.get("assumptions", []):
        quotes = len(a.get("quotes", []))
        lines.append(f"Assumption ({a['status']}, {quotes} quote(s)): {a['text']}")
    return "\n".join(lines)


def _add_link(net, source: str, target: str, attrs: Mapping, style: Style) -> None:
    """A default link as a light line; the team's links coloured by kind, labelled, with
    their rationale on hover (a "hinders" link dashed)."""
    if attrs["kind"] == STRUCTURE:
        net.add_edge(source, target, color="#c9c9c9", width=1, arrowStrikethrough=False)
        return
    text = attrs.get("label") or attrs["kind"]
    net.add_edge(
        source,
        target,
        color=LINK_COLOURS.get(attrs["kind"], "#434343"),
        width=3 * style.scale,
        label=str(text),
        title=plain(link_hover(attrs)),
        dashes=attrs["kind"] == "hinders",
        smooth={"enabled": True, "type": "curvedCW", "roundness": 0.25},
        font={"size": style.font - 2, "align": "middle"},
    )


def version_html(
    graph: nx.DiGraph,
    quotes: Mapping[str, Sequence[Quote]] | None = None,
    *,
    presentation: bool = False,
    height: int = 760,
) -> str:
    """A complete HTML page drawing ``graph`` with fixed layered positions."""
    from pyvis.network import Network

    quotes = quotes or {}
    style = Style(presentation)
    net = Network(
        height=f"{height}px", width="100%", directed=True, cdn_resources="in_line", heading=""
    )
    grid = layout(graph)
    _add_headings(net, grid, style)
    for node, attrs in graph.nodes(data=True):
        xy = grid.xy(node, style.x_step, style.y_step)
        net.add_node(node, **element_options(attrs, xy, quotes.get(node, ()), style))
    for source, target, attrs in graph.edges(data=True):
        _add_link(net, source, target, attrs, style)
    net.options = {
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 120, "zoomView": True},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}}},
    }
    html = net.generate_html("toc.html")
    html = _HEADING.sub("", _EXTERNAL.sub("", html))
    if external_references(html):  # a pyvis upgrade changed its template
        raise RuntimeError("The diagram page would load files from the network.")
    return html

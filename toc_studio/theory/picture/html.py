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

import networkx as nx

from toc_studio.theory.assemble import DOMAIN, SHARED
from toc_studio.theory.models import STRUCTURE
from toc_studio.theory.picture.layout import COLUMN_TITLES, layout

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
    for text, who in quotes[:3]:
        lines.append(f"“{text}”" + (f" — {who}" if who else ""))
    return plain("\n".join(lines))


def external_references(html: str) -> list[str]:
    """Script or style tags of ``html`` that would fetch something from the network."""
    return _EXTERNAL.findall(html)


def _size(codings: int, presentation: bool) -> float:
    base = 12 + 6 * math.sqrt(codings)
    return min(base, 48) * (1.5 if presentation else 1)


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
    scale = 1.6 if presentation else 1.0
    x_step, y_step = 300 * scale, 95 * scale
    font = 26 if presentation else 14
    net = Network(
        height=f"{height}px", width="100%", directed=True, cdn_resources="in_line", heading=""
    )
    grid = layout(graph)
    for index, title in enumerate(COLUMN_TITLES):
        net.add_node(
            f"column:{index}",
            label=title,
            shape="text",
            x=index * x_step,
            y=-1.2 * y_step,
            physics=False,
            font={"size": font + 6, "face": "sans-serif", "bold": True},
        )
    for lane in grid.lanes:
        name = "Shared" if lane.branch == SHARED else f"{lane.branch} branch"
        net.add_node(
            f"lane:{lane.branch}",
            label=name,
            shape="text",
            x=-0.9 * x_step + 60,
            y=lane.top * y_step,
            physics=False,
            font={"size": font + 4, "face": "sans-serif"},
        )
    for node, attrs in graph.nodes(data=True):
        x, y = grid.xy(node, x_step, y_step)
        is_domain = attrs["category"] == DOMAIN
        border = THIN_BORDER if attrs.get("thin") else "#666666"
        options = dict(
            label=str(attrs["label"]),
            title=hover_text(attrs, quotes.get(node, ())),
            x=x,
            y=y,
            physics=False,
            color={"background": COLOURS.get(attrs["category"], "#dddddd"), "border": border},
            borderWidth=3 if attrs.get("thin") else 1,
            font={"size": font, "face": "sans-serif"},
            widthConstraint={"maximum": int(220 * scale)},
        )
        if is_domain:
            options.update(shape="box", font={"size": font, "face": "sans-serif", "bold": True})
        else:
            options.update(shape="dot", size=_size(attrs["evidence"].codings, presentation))
            if attrs.get("hand_made"):
                options["shapeProperties"] = {"borderDashes": [6, 4]}
                options["borderWidth"] = 3
        net.add_node(node, **options)
    for source, target, attrs in graph.edges(data=True):
        if attrs["kind"] == STRUCTURE:
            net.add_edge(source, target, color="#c9c9c9", width=1, arrowStrikethrough=False)
            continue
        text = attrs.get("label") or attrs["kind"]
        net.add_edge(
            source,
            target,
            color=LINK_COLOURS.get(attrs["kind"], "#434343"),
            width=3 * scale,
            label=str(text),
            title=plain(f"{attrs['kind']}: {attrs.get('rationale') or 'no rationale given'}"),
            dashes=attrs["kind"] == "hinders",
            smooth={"enabled": True, "type": "curvedCW", "roundness": 0.25},
            font={"size": font - 2, "align": "middle"},
        )
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

"""The interactive diagram: the same box picture as the static one (lanes, column titles,
outcome domains as bands, links routed around the boxes), as a self-contained page that
works offline, with each element's evidence on hover and on click.

The page is the scene's SVG (:mod:`toc_studio.theory.picture.svg`, which escapes every
text) inside a small HTML page of our own: no library, no network. Each element's box
carries its id (``data-node``); its evidence and a few quotes travel as JSON in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, and the
page's script only ever writes them with ``textContent`` (never as HTML). Boxes can be
reached with the keyboard (Tab) and opened with Enter; zoom buttons scale the picture.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

import networkx as nx

from toc_studio.coding.analysis.wording import count, noun_for
from toc_studio.theory.assemble import SHARED
from toc_studio.theory.picture.palette import COLOURS, LINK_COLOURS, THIN_BORDER  # noqa: F401

_HREF = re.compile("href", re.IGNORECASE)
_EXTERNAL = re.compile(
    r"<(?:link|script)\b[^>]*\b(?:href|src)\s*=\s*[\"']?(?:https?:)?//[^>]*>(?:\s*</script>)?",
    re.IGNORECASE,
)

Quote = tuple[str, str | None]  # (text, participant label)


def plain(text: str) -> str:
    """Text safe in any pop-up or tooltip: no tag can open, and no "href" can make a link."""
    text = str(text).replace("<", "‹").replace(">", "›")
    return _HREF.sub("hr\u200bef", text)


def _people(n: int, of: int) -> str:
    """Participants as "3 of 7 participants", or "three participants" without a whole."""
    return f"{n} of {of} {noun_for(of, 'participant')}" if of else count(n, "participant")


def hover_text(attrs: Mapping, quotes: Sequence[Quote] = ()) -> str:
    """The plain-text hover of an element: counts per group, flags, a few short quotes."""
    e = attrs["evidence"]
    branch = attrs["branch"]
    where = "shared" if branch == SHARED else f"{branch} branch"
    lines = [f"{attrs['label']} ({attrs['category']}, {where})"]
    lines.append(
        f"Evidence: {count(e.passages, 'passage')}, {_people(e.participants, e.of)}, "
        f"{count(e.documents, 'document')}"
    )
    for group in e.strength().by_group:
        lines.append(
            f"  {group.group}: {count(group.passages, 'passage')}, "
            f"{_people(group.n, group.of)} ({group.wording})"
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


def link_hover(attrs: Mapping) -> str:
    """A drawn link's hover: its kind and rationale, then each assumption with its status."""
    lines = [f"{attrs['kind']}: {attrs.get('rationale') or 'no rationale given'}"]
    for a in attrs.get("assumptions", []):
        quotes = len(a.get("quotes", []))
        lines.append(f"Assumption ({a['status']}, {quotes} quote(s)): {a['text']}")
    return "\n".join(lines)


def version_html(
    graph: nx.DiGraph,
    quotes: Mapping[str, Sequence[Quote]] | None = None,
    *,
    presentation: bool = False,
    height: int = 760,
) -> str:
    """A complete HTML page drawing ``graph`` as boxes in lanes; ``height`` is the
    viewport's (the picture scrolls inside it when taller)."""
    from toc_studio.theory.picture import scene as picture_scene
    from toc_studio.theory.picture import svg as picture_svg

    quotes = quotes or {}
    drawn = picture_scene.build(graph, 1.5 if presentation else 1.0)
    picture = picture_svg.svg(drawn).decode("utf-8").split("\n", 1)[1]  # no XML declaration
    details = {
        node: hover_text(attrs, quotes.get(node, ())) for node, attrs in graph.nodes(data=True)
    }
    data = json.dumps(details, ensure_ascii=False)
    data = data.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    view = max(200, int(height) - 44)  # the toolbar takes the rest of the frame's height
    page = PAGE.replace("@HEIGHT@", str(view)).replace("@WIDTH@", str(drawn.width))
    page = page.replace("@DATA@", data).replace("@PICTURE@", picture)
    if external_references(page):
        raise RuntimeError("The diagram page would load files from the network.")
    return page


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Theory of Change</title>
<style>
body { margin: 0; font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #1a1a1a; }
#bar { display: flex; gap: 6px; align-items: center; padding: 4px 8px; }
#bar button { font-size: 15px; min-width: 34px; min-height: 30px; }
#view { height: @HEIGHT@px; overflow: auto; border-top: 1px solid #ddd; }
#picture svg { display: block; }
#picture rect.node { cursor: pointer; }
#picture text, #picture polyline, #picture polygon { pointer-events: none; }
#picture rect.node:hover, #picture rect.node:focus { stroke: #1f4e9e; stroke-width: 3px; }
#picture rect.node:focus { outline: 3px solid #1f4e9e; outline-offset: 2px; }
#panel { position: fixed; right: 12px; bottom: 12px; max-width: 420px; max-height: 60%;
  overflow: auto; background: #fff; border: 1px solid #555; border-radius: 6px;
  padding: 8px 12px; white-space: pre-wrap; font-size: 14px; line-height: 1.35;
  box-shadow: 0 2px 8px rgba(0,0,0,.25); }
#panel[hidden] { display: none; }
</style></head><body>
<div id="bar" role="toolbar" aria-label="Zoom">
<button type="button" id="smaller" aria-label="Zoom out">−</button>
<button type="button" id="larger" aria-label="Zoom in">+</button>
<button type="button" id="fit">Fit to width</button>
<button type="button" id="actual">100 %</button>
<span id="hint">Hover over a box for its evidence; click it (or Tab, Enter) to keep it.</span>
</div>
<div id="view"><div id="picture">@PICTURE@</div></div>
<div id="panel" role="dialog" aria-live="polite" hidden></div>
<script type="application/json" id="toc-data">@DATA@</script>
<script>
(function () {
  var details = JSON.parse(document.getElementById("toc-data").textContent);
  var svg = document.querySelector("#picture svg");
  var panel = document.getElementById("panel");
  var natural = @WIDTH@, zoom = 1;
  function scaleTo(z) {
    zoom = Math.max(0.3, Math.min(4, z));
    svg.setAttribute("width", String(Math.round(natural * zoom)));
    svg.removeAttribute("height");
  }
  document.querySelectorAll("rect.node").forEach(function (box) {
    var text = details[box.getAttribute("data-node")];
    var title = box.querySelector("title");
    if (text && title) { title.textContent = text; }
    function show() { panel.textContent = text || ""; panel.hidden = !text; }
    box.addEventListener("click", show);
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); show(); }
      if (e.key === "Escape") { panel.hidden = true; }
    });
  });
  panel.addEventListener("click", function () { panel.hidden = true; });
  document.getElementById("larger").onclick = function () { scaleTo(zoom * 1.25); };
  document.getElementById("smaller").onclick = function () { scaleTo(zoom / 1.25); };
  document.getElementById("actual").onclick = function () { scaleTo(1); };
  document.getElementById("fit").onclick = function () {
    scaleTo((document.getElementById("view").clientWidth - 4) / natural);
  };
  window.tocDiagram = { details: details, scaleTo: scaleTo };
})();
</script>
</body></html>
"""

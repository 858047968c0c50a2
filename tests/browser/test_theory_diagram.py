"""The Theory of Change page in a real Chromium: hostile text runs no script, and the
page draws its diagram with the network switched off."""

from pathlib import Path

from tests.theory.test_render import HOSTILE_QUOTES, hostile_graph
from toc_studio.theory.picture import html as render_html


def _open(chromium, html: str, tmp_path: Path, offline: bool = False):
    path = tmp_path / "diagram.html"
    path.write_text(html, encoding="utf-8")
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    dialogs, remote = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    if offline:
        context.set_offline(True)

        def refuse(route):
            remote.append(route.request.url)
            route.abort()

        page.route(lambda url: not url.startswith("file:"), refuse)
    page.goto(path.as_uri())
    page.wait_for_function("() => typeof network !== 'undefined'")
    return context, page, dialogs, remote


def test_hostile_labels_and_quotes_run_no_script(chromium, tmp_path):
    html = render_html.version_html(hostile_graph(), HOSTILE_QUOTES)
    context, page, dialogs, _ = _open(chromium, html, tmp_path)
    try:
        for node in ("code:1", "code:2", "domain:2:x"):
            box = page.evaluate(
                "(id) => { const p = network.canvasToDOM(network.getPositions([id])[id]);"
                " const r = document.querySelector('#mynetwork').getBoundingClientRect();"
                " return {x: p.x + r.left, y: p.y + r.top}; }",
                node,
            )
            page.mouse.move(box["x"], box["y"])
            page.wait_for_timeout(400)
        tooltip = page.evaluate(
            "() => { const t = document.querySelector('div.vis-tooltip');"
            " return t ? t.innerText : ''; }"
        )
        assert "Evidence:" in tooltip  # the hover was really shown
        assert page.evaluate("() => window.__xss") is None
        assert page.evaluate("() => document.querySelectorAll('img, a[href]').length") == 0
        assert dialogs == []
    finally:
        context.close()


def test_the_diagram_draws_with_the_network_disabled(chromium, tmp_path):
    graph = hostile_graph()
    context, page, _, remote = _open(chromium, render_html.version_html(graph), tmp_path, True)
    try:
        assert remote == []
        size = page.evaluate(
            "() => { const c = document.querySelector('#mynetwork canvas');"
            " return c ? [c.width, c.height] : null; }"
        )
        assert size and size[0] > 0 and size[1] > 0
        assert page.evaluate("() => network.body.nodeIndices.length") >= graph.number_of_nodes()
        painted = page.evaluate(
            "() => { const c = document.querySelector('#mynetwork canvas');"
            " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"
        )
        assert painted > 1000
    finally:
        context.close()

"""The interactive Theory of Change in a real Chromium: the box picture draws with the
network switched off, hostile text runs no script, and each element's evidence shows on
hover (its tooltip), on click and from the keyboard."""

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
    page.wait_for_function("() => typeof window.tocDiagram !== 'undefined'")
    return context, page, dialogs, remote


def test_hostile_labels_and_quotes_run_no_script(chromium, tmp_path):
    html = render_html.version_html(hostile_graph(), HOSTILE_QUOTES)
    context, page, dialogs, _ = _open(chromium, html, tmp_path)
    try:
        for node in ("code:1", "code:2", "domain:2:x"):
            page.locator(f'rect[data-node="{node}"]').click()
            assert "Evidence:" in page.locator("#panel").inner_text() or node.startswith("domain")
        page.locator('rect[data-node="code:1"]').click()
        shown = page.locator("#panel").inner_text()
        assert "‹script›window.__xss" in shown and "Thin evidence" in shown  # text, not markup
        tooltip = page.evaluate(
            "() => document.querySelector('rect[data-node=\"code:1\"] title').textContent"
        )
        assert "Evidence:" in tooltip and "‹img" in tooltip  # the hover, neutralised
        assert page.evaluate("() => window.__xss") is None
        assert page.evaluate("() => document.querySelectorAll('img, a[href], iframe').length") == 0
        assert dialogs == []
    finally:
        context.close()


def test_the_diagram_draws_with_the_network_disabled(chromium, tmp_path):
    graph = hostile_graph()
    context, page, _, remote = _open(chromium, render_html.version_html(graph), tmp_path, True)
    try:
        assert remote == []
        boxes = page.locator("rect[data-node]")
        assert boxes.count() == graph.number_of_nodes()
        first = boxes.first.bounding_box()
        assert first and first["width"] > 100 and first["height"] > 20  # readable at 100 %
    finally:
        context.close()


def test_elements_open_from_the_keyboard_and_the_picture_zooms(chromium, tmp_path):
    graph = hostile_graph()
    context, page, _, _ = _open(chromium, render_html.version_html(graph), tmp_path)
    try:
        page.locator('rect[data-node="code:2"]').focus()
        page.keyboard.press("Enter")
        assert "no coded evidence yet" in page.locator("#panel").inner_text()
        page.keyboard.press("Escape")
        page.locator('rect[data-node="code:2"]').focus()
        page.keyboard.press("Escape")
        assert page.locator("#panel").is_hidden()
        before = page.locator("svg").bounding_box()["width"]
        page.get_by_role("button", name="Zoom in").click()
        assert page.locator("svg").bounding_box()["width"] > 1.2 * before
        page.get_by_role("button", name="100 %").click()
        assert abs(page.locator("svg").bounding_box()["width"] - before) < 2
    finally:
        context.close()

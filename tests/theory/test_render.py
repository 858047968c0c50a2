"""Pictures and the table view: safe self-contained HTML, PNG/SVG images, the report table."""

import json
import re

import networkx as nx
from defusedxml import ElementTree

from toc_studio.demo import load_demo
from toc_studio.theory import evidence, table, versions
from toc_studio.theory.evidence import Evidence
from toc_studio.theory.picture import html as render_html
from toc_studio.theory.picture import image as render_image

HOSTILE = [
    "<script>window.__xss = 1</script>",
    '<img src=x onerror="window.__xss = 2">',
    '<a href="javascript:window.__xss = 3">click</a>',
    "Costs $5$ & more </script><b>",
]


def hostile_graph() -> nx.DiGraph:
    """A tiny diagram whose every text is an attack."""
    graph = nx.DiGraph(project="P", version="V", groups=["Mentee"], level=None)
    common = dict(code_id=None, code_path=None, code_ids=[], merged_from=[], hand_made=False)
    graph.add_node(
        "code:1",
        label=HOSTILE[0],
        category="activity",
        branch="shared",
        domain=None,
        evidence=Evidence(2, 1, 1, {HOSTILE[1]: {"codings": 2, "participants": 1, "documents": 1}}),
        thin=True,
        **common,
    )
    graph.add_node(
        "domain:2:x",
        label=HOSTILE[2],
        category="domain",
        branch="Mentee",
        domain=HOSTILE[2],
        evidence=Evidence(),
        thin=False,
        **common,
    )
    graph.add_node(
        "code:2",
        label=HOSTILE[3],
        category="outcome",
        branch="Mentee",
        domain=HOSTILE[2],
        evidence=Evidence(0, 0, 0, {}),
        thin=False,
        **{**common, "hand_made": True},
    )
    graph.add_edge("code:1", "domain:2:x", kind="structure", label="", rationale="")
    graph.add_edge("domain:2:x", "code:2", kind="structure", label="", rationale="")
    graph.add_edge("code:1", "code:2", kind="hinders", label=HOSTILE[1], rationale=HOSTILE[2])
    return graph


HOSTILE_QUOTES = {"code:1": [(HOSTILE[1], HOSTILE[2]), (HOSTILE[0], None)]}


def _details(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="toc-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_the_page_has_no_external_references_and_no_raw_markup():
    html = render_html.version_html(hostile_graph(), HOSTILE_QUOTES)
    assert render_html.external_references(html) == []
    assert not re.search(r"<(?:script|link|img|iframe)[^>]+(?:src|href)=", html)
    for attack in HOSTILE:
        assert attack not in html
    details = _details(html)
    assert set(details) == {"code:1", "code:2", "domain:2:x"}
    assert all("href" not in t.lower() and "<" not in t for t in details.values())
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    root = ElementTree.fromstring(svg)
    boxes = [e for e in root.iter() if e.get("data-node")]
    assert {b.get("data-node") for b in boxes} == set(details)
    texts = " ".join(e.text or "" for e in root.iter() if e.tag.endswith("text"))
    assert "window.__xss" in texts  # labels are drawn as text, as typed (escaped in the SVG)


def test_the_page_is_the_box_picture_with_links_around_the_boxes(session):
    from toc_studio.demo import load_demo as demo

    project = demo(session)
    graph = versions.version_graph(session, project, versions.working_version(session, project))
    html = render_html.version_html(graph)
    root = ElementTree.fromstring(html[html.index("<svg") : html.index("</svg>") + 6])
    assert len([e for e in root.iter() if e.get("data-node")]) == graph.number_of_nodes()
    titles = [e.text for e in root.iter() if e.tag.endswith("text") and e.get("font-weight")]
    assert "Resources" in titles and "Outcomes" in titles  # the column titles


def test_hover_text_has_counts_flags_and_short_quotes():
    graph = hostile_graph()
    text = render_html.hover_text(graph.nodes["code:1"], [("I felt heard", "Mentee C1")])
    assert "Evidence: two passages, one participant, one document" in text
    assert "Thin evidence: one participant only" in text
    assert "“I felt heard” — Mentee C1" in text
    hand = render_html.hover_text(graph.nodes["code:2"])
    assert "no coded evidence yet" in hand


def test_presentation_mode_uses_large_text():
    graph = hostile_graph()

    def width(html: str) -> int:
        return int(re.search(r'<svg[^>]* width="(\d+)"', html).group(1))

    normal = render_html.version_html(graph)
    assert width(render_html.version_html(graph, presentation=True)) > 1.4 * width(normal)


def test_images_are_drawn_as_png_and_svg_with_escaped_text():
    graph = hostile_graph()
    png = render_image.draw(graph, "png")
    assert png.startswith(b"\x89PNG")
    svg = render_image.draw(graph, "svg").decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    root = ElementTree.fromstring(svg.encode("utf-8"))
    elements = list(root.iter())
    assert not [e for e in elements if e.tag.rsplit("}", 1)[-1] in ("script", "a", "image")]
    assert not [a for e in elements for a in e.attrib if a.lower().startswith("on")]


def test_the_demo_draws_with_every_element(session):
    project = load_demo(session)
    graph = versions.version_graph(session, project, versions.working_version(session, project))
    quotes = evidence.hover_quotes(session, project.id, graph)
    assert all(1 <= len(q) <= 3 for q in quotes.values())
    assert all(len(text) <= 160 for q in quotes.values() for text, _ in q)
    html = render_html.version_html(graph, quotes)
    details = _details(html)
    assert set(details) == set(graph.nodes)
    node, found = next(iter(quotes.items()))
    assert f"“{' '.join(found[0][0].split())[:40]}" in " ".join(details[node].split())
    assert render_image.draw(graph).startswith(b"\x89PNG")


def test_the_table_view_has_one_row_per_branch(session):
    project = load_demo(session)
    graph = versions.version_graph(session, project, versions.working_version(session, project))
    rows = table.table_rows(graph)
    assert [r["Branch"] for r in rows] == ["Shared", "Mentor", "Mentee"]
    assert list(rows[0]) == ["Branch", *table.COLUMNS]
    assert "Funding" in rows[0]["Resources"] and "Goal setting" in rows[0]["Activities"]
    mentee = rows[2]
    assert "Mentees feel able to trust their mentor" in mentee["Enablers"]
    # each element with its strength of evidence: n of N of its groups, and the wording
    assert (
        "Social: Community participation (Mentee: most, 4 of 5); "
        "Reconnected with family (Mentee: over half, 3 of 5)"
    ) in mentee["Outcomes"]
    assert "Housing and finances (Mentee: one, 1 of 5) [thin: one participant]" in mentee[
        "Outcomes"
    ]
    assert "Mentors feel valued by the service [workshop, no evidence yet]" in rows[1]["Outcomes"]


def test_excerpts_shown_as_markdown_cannot_become_links_images_or_markup():
    from toc_studio.theory.view import markdown_quote

    quoted = markdown_quote("![x](http://evil.example/a.png) <img src=x> *so* [go](javascript:x)")
    assert quoted.startswith("> ")
    # every Markdown or HTML character is preceded by a backslash
    assert not re.search(r"(?<!\\)[!\[\]()<>*:]", quoted[2:])
    assert (
        quoted.replace("\\", "")
        == "> ![x](http://evil.example/a.png) <img src=x> *so* [go](javascript:x)"
    )

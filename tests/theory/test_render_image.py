"""The static picture (PNG for Word, SVG): lanes, colours, wrapped labels, links, escaping."""

import io

import networkx as nx
import pytest
from defusedxml import ElementTree
from PIL import Image

from toc_studio.errors import Invalid
from toc_studio.theory.evidence import Evidence
from toc_studio.theory.picture import edges as picture_edges
from toc_studio.theory.picture import image as render_image
from toc_studio.theory.picture import scene as picture
from toc_studio.theory.picture.html import COLOURS, LINK_COLOURS
from toc_studio.theory.picture.shapes import Line, Polygon, Rect, font

SVG = "{http://www.w3.org/2000/svg}"
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis"
UNTRUSTED = [
    "<script>alert('x')</script>",
    'Tom & Jerry said "hi" & <b>bye</b>',
    "Feeling heard 🙂👍🏽 by peers",
    "שלום עולם וביטחון",  # Hebrew, right to left
    "الثقة بالنفس والأمل",  # Arabic, right to left and joined
    "Bell\x07 and\x00 null\x0b tab",
]


def node(graph, key, label, category, branch="shared", domain=None, codings=5, **flags):
    graph.add_node(
        key,
        label=label,
        category=category,
        branch=branch,
        domain=domain,
        code_path=None,
        code_id=None,
        code_ids=[],
        merged_from=[],
        hand_made=flags.get("hand_made", False),
        thin=flags.get("thin", False),
        evidence=Evidence(codings, min(codings, 3), min(codings, 2), {}),
    )


def small_graph(links: bool = False) -> nx.DiGraph:
    """Two branches with one element of each category, no default links (so that nothing
    but the boxes and their text is drawn in the lanes)."""
    graph = nx.DiGraph(project="P", version="V", groups=["Mentor", "Mentee"], level=None)
    node(graph, "r", "Funding", "resource", codings=2)
    node(graph, "a", "Goal setting", "activity", codings=8)
    for group in ("Mentor", "Mentee"):
        g = group.lower()
        node(graph, f"{g}-e", f"{group} enabler", "enabler", group, codings=12)
        node(graph, f"{g}-c", f"{group} challenge", "challenge", group, codings=1, thin=True)
        node(graph, f"{g}-d", "Social", "domain", group, "Social", codings=0)
        node(
            graph,
            f"{g}-o",
            f"{group} outcome",
            "outcome",
            group,
            "Social",
            codings=0,
            hand_made=True,
        )
    if links:
        graph.add_edge("mentee-e", "mentee-o", kind="enables", label="builds trust", rationale="")
        graph.add_edge("mentee-c", "mentee-o", kind="hinders", label="", rationale="")
    return graph


def hex_at(image: Image.Image, xy: tuple[int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*image.getpixel(xy))


def inside(rect: Rect, dx: float = 3) -> tuple[int, int]:
    """A pixel inside the box, off its border, its text and its evidence bar."""
    return round(rect.x + dx), round(rect.y + rect.h / 2)


def test_the_png_is_a_valid_picture_with_boxes_in_their_category_colours_and_lanes():
    graph = small_graph()
    data = render_image.draw(graph, "png")
    image = Image.open(io.BytesIO(data))
    image.verify()
    image = Image.open(io.BytesIO(data)).convert("RGB")
    scene = picture.build(graph)  # the same scale as the PNG at its default 100 dpi
    assert image.size == (scene.width, scene.height)
    assert 1000 < image.width < 2000 and 200 < image.height < 1500
    assert round(Image.open(io.BytesIO(data)).info["dpi"][0]) == 100
    for key, attrs in graph.nodes(data=True):
        expected = COLOURS[attrs["category"]]
        assert hex_at(image, inside(scene.boxes[key])) == expected, key
    boxes = scene.boxes
    assert boxes["mentor-e"].y + boxes["mentor-e"].h < boxes["mentee-e"].y  # Mentor lane first
    assert boxes["r"].x < boxes["a"].x < boxes["mentor-e"].x < boxes["mentor-c"].x
    assert boxes["mentor-c"].x < boxes["mentor-d"].x < boxes["mentor-o"].x
    lane_pixel = (round(boxes["mentor-e"].x - 8), round(boxes["mentor-e"].y + 4))
    assert hex_at(image, lane_pixel) == picture.LANE_FILLS[0]


def test_long_labels_wrap_inside_their_boxes_and_no_ink_leaves_them():
    graph = nx.DiGraph(project="P", version="V", groups=["Mentee"], level=None)
    medium = "Mentees feel able to trust their mentor after the first three meetings"
    node(graph, "m", medium, "enabler", "Mentee")
    node(graph, "w", f"A {LONG_WORD} word", "challenge", "Mentee")
    node(graph, "l", " ".join(["confidence"] * 60), "outcome", "Mentee")
    node(graph, "x", "x" * 20_000 + " tail", "enabler", "Mentee")  # pasted by mistake
    scene = picture.build(graph)
    face = font(picture.FONT)
    width = picture.BOX_W - 2 * picture.PAD
    for key, lines in scene.labels.items():
        assert all(face.getlength(line) <= width for line in lines), key
        assert len(lines) <= picture.MAX_LABEL_LINES
    assert " ".join(scene.labels["m"]) == medium and len(scene.labels["m"]) > 1
    assert "".join(scene.labels["w"]).replace(" ", "") == f"A{LONG_WORD}word"
    assert len(scene.labels["l"]) == picture.MAX_LABEL_LINES
    assert scene.labels["l"][-1].endswith("…")
    assert len(scene.labels["x"]) == picture.MAX_LABEL_LINES
    assert scene.labels["x"][-1].endswith("…")
    image = Image.open(io.BytesIO(render_image.draw(graph))).convert("RGB")
    for key, rect in scene.boxes.items():
        box_rows = range(round(rect.y) + 2, round(rect.y + rect.h) - 2)
        for x in (round(rect.x) - 3, round(rect.x + rect.w) + 3):  # just outside the box
            colours = {image.getpixel((x, y)) for y in box_rows}
            assert len(colours) == 1, key  # the lane's ground only: no text overflows


def test_the_svg_is_well_formed_and_keeps_untrusted_labels_as_text():
    graph = nx.DiGraph(
        project="<script>p()</script>", version='"V" & co', groups=["<b>Group</b> & co"]
    )
    for i, label in enumerate(UNTRUSTED):
        node(graph, f"n{i}", label, "outcome", "<b>Group</b> & co", "D & <i>")
    node(graph, "d", "D & <i>", "domain", "<b>Group</b> & co", "D & <i>")
    node(graph, "a", "Activity \ud800 with a lone surrogate", "activity")
    graph.add_edge("a", "n0", kind="leads to", label="<img src=x onerror=alert(1)>", rationale="")
    data = render_image.draw(graph, "svg")
    root = ElementTree.fromstring(data)
    elements = list(root.iter())
    assert {e.tag.removeprefix(SVG) for e in elements} <= {
        "svg",
        "rect",
        "text",
        "title",
        "polyline",
        "polygon",
    }
    assert not [a for e in elements for a in e.attrib if a.lower().startswith("on")]
    assert b"<script" not in data and b"<b>" not in data and b"<img" not in data
    texts = [e.text or "" for e in root.iter(f"{SVG}text")]
    shown = " ".join(texts)
    assert "<script>alert('x')</scri" in shown  # as typed (and wrapped), never as markup
    assert "Tom & Jerry" in shown and '"hi"' in shown
    assert "🙂👍🏽" in shown and "שלום" in shown and "الثقة" in shown
    assert "<b>Group</b> & co branch" in texts
    assert 'Theory of Change: <script>p()</script>, "V" & co' in texts
    assert "<img src=x onerror=alert(1)>" in shown
    assert "\x00" not in shown and "\x07" not in shown and "\ufffd" in shown
    titles = [e.text for e in root.iter(f"{SVG}title")]
    assert any(t.startswith("<script>alert('x')</script> (outcome") for t in titles)
    width, height = float(root.get("width")), float(root.get("height"))
    for t in root.iter(f"{SVG}text"):
        assert 0 <= float(t.get("x")) <= width and 0 <= float(t.get("y")) <= height


def test_svg_text_sits_in_the_same_boxes_as_the_png():
    graph = small_graph()
    scene = picture.build(graph)
    root = ElementTree.fromstring(render_image.draw(graph, "svg"))
    placed = {(e.text, float(e.get("x")), float(e.get("y"))) for e in root.iter(f"{SVG}text")}
    for key, lines in scene.labels.items():
        box = scene.boxes[key]
        spots = [(x, y) for text, x, y in placed if text == lines[0]]
        assert any(box.x <= x <= box.x + box.w and box.y <= y <= box.y + box.h for x, y in spots)


def test_rtl_and_emoji_labels_are_drawn_in_the_png():
    graph = nx.DiGraph(project="P", version="V", groups=["Mentee"], level=None)
    for i, label in enumerate(UNTRUSTED):
        node(graph, f"n{i}", label, "enabler", "Mentee")
    scene = picture.build(graph)
    image = Image.open(io.BytesIO(render_image.draw(graph))).convert("RGB")
    for key, rect in scene.boxes.items():
        crop = image.crop(
            (
                round(rect.x) + 4,
                round(rect.y) + 4,
                round(rect.x + rect.w) - 4,
                round(rect.y) + 4 + picture.FONT + 4,
            )
        )
        darkest, _ = crop.convert("L").getextrema()
        assert darkest < 90, key  # the first label line left ink in its box


def test_evidence_sets_the_length_of_each_box_bar():
    graph = small_graph()
    scene = picture.build(graph)
    bars = {}
    for key, rect in scene.boxes.items():
        inner = [
            i
            for i in scene.items
            if isinstance(i, Rect)
            and i.h == picture.BAR
            and rect.x < i.x < rect.x + rect.w
            and rect.y < i.y < rect.y + rect.h
        ]
        bars[key] = inner[0].w if inner else 0
    assert bars["mentee-e"] > bars["a"] > bars["r"] > bars["mentee-c"] > 0  # 12 > 8 > 2 > 1
    assert bars["mentee-o"] == 0  # no evidence yet: no bar
    assert bars["mentee-d"] == 0  # domain headings carry no bar


def test_causal_links_are_coloured_arrows_with_their_labels():
    graph = small_graph(links=True)
    root = ElementTree.fromstring(render_image.draw(graph, "svg"))
    lines = [e for e in root.iter(f"{SVG}polyline")]
    enables = [e for e in lines if e.get("stroke") == LINK_COLOURS["enables"]]
    hinders = [e for e in lines if e.get("stroke") == LINK_COLOURS["hinders"]]
    assert len(enables) == 2 and len(hinders) == 2  # each link, and its sample in the legend
    assert all(e.get("stroke-dasharray") for e in hinders)
    assert not any(e.get("stroke-dasharray") for e in enables)
    heads = [e for e in root.iter(f"{SVG}polygon") if e.get("fill") == LINK_COLOURS["enables"]]
    assert len(heads) == 1
    texts = [e.text for e in root.iter(f"{SVG}text")]
    assert "builds trust" in texts and "hinders" in texts  # a link without a label: its kind


def test_link_labels_sit_where_they_cover_no_box_and_no_other_label():
    graph = small_graph(links=True)
    long = "builds trust between mentor and mentee"  # two lines: its middle spot is taken
    graph.add_edge("mentor-e", "mentee-o", kind="leads to", label=long, rationale="")
    scene = picture.build(graph)
    grounds = [
        i
        for i in scene.items
        if isinstance(i, Rect)
        and i.fill == "#ffffff"
        and i.stroke in LINK_COLOURS.values()
        and i.w > 20
    ]
    assert len(grounds) == 3

    def overlap(a: Rect, b: Rect) -> bool:
        return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h

    assert not [(a, b) for a in grounds for b in grounds if a is not b and overlap(a, b)]
    assert not [(g, b) for g in grounds for b in scene.boxes.values() if overlap(g, b)]


def test_default_links_are_arrows_one_by_one_or_broad_arrows_between_columns():
    graph = small_graph()
    graph.add_edge("r", "a", kind="structure", label="", rationale="")
    graph.add_edge("a", "mentor-e", kind="structure", label="", rationale="")
    few = picture.build(graph)
    grey = [i for i in few.items if isinstance(i, Line) and i.colour == picture_edges.DEFAULT_LINK]
    assert len(grey) == 2
    many = nx.DiGraph(graph)
    for i in range(picture.MAX_LINES + 1):
        node(many, f"x{i}", f"Outcome {i}", "outcome", "Mentor", "Social")
        many.add_edge("mentor-d", f"x{i}", kind="structure", label="", rationale="")
    scene = picture.build(many)
    assert not [i for i in scene.items if getattr(i, "colour", "") == picture_edges.DEFAULT_LINK]
    broad = [i for i in scene.items if isinstance(i, Polygon) and i.fill == picture_edges.BROAD]
    # resources -> activities, activities -> each of 2 lanes, each lane's enablers -> domains
    assert len(broad) == 5


def test_a_very_large_diagram_is_drawn_smaller_to_stay_within_the_limits(monkeypatch):
    monkeypatch.setattr(render_image, "MAX_PIXELS", 900)
    image = Image.open(io.BytesIO(render_image.draw(small_graph(), "png", dpi=200)))
    assert max(image.size) <= 900 and min(image.size) > 100


def test_the_legend_names_categories_flags_and_links():
    root = ElementTree.fromstring(render_image.draw(small_graph(links=True), "svg"))
    texts = {e.text for e in root.iter(f"{SVG}text")}
    assert {"Resource", "Activity", "Enabler", "Challenge", "Outcome domain", "Outcome"} <= texts
    assert {"dashed: added in a workshop", "enables", "hinders"} <= texts
    assert {"Resources", "Outcome domains", "Mentor branch", "Mentee branch"} <= texts
    assert "Theory of Change: P, V" in texts  # a downloaded picture says what it shows


def test_only_png_and_svg_are_drawn():
    with pytest.raises(Invalid, match="png or svg"):
        render_image.draw(small_graph(), "gif")


def test_workshop_boxes_have_dashed_borders_and_thin_evidence_orange_ones():
    graph = small_graph()
    scene = picture.build(graph)
    image = Image.open(io.BytesIO(render_image.draw(graph))).convert("RGB")

    def top_edge(key: str) -> list[str]:
        rect = scene.boxes[key]
        y = round(rect.y)
        return [
            hex_at(image, (x, y)) for x in range(round(rect.x) + 10, round(rect.x + rect.w) - 10)
        ]

    hand_made = top_edge("mentee-o")  # added in a workshop
    assert picture.BORDER in hand_made and COLOURS["outcome"] in hand_made  # dash, gap
    assert set(top_edge("mentee-e")) == {picture.BORDER}  # an ordinary box: solid
    assert set(top_edge("mentee-c")) == {picture.THIN_BORDER}  # one participant: orange


def test_slanted_lines_are_smoothed_into_the_background():
    from toc_studio.theory.picture.png import image

    scene = picture.Scene(width=60, height=60, scale=1.0)
    scene.items = [Line(((5.0, 5.0), (55.0, 40.0)), "#000000", 1.0)]
    drawn = image(scene)
    assert drawn.size == (60, 60)
    greys = {value for value, _ in drawn.convert("L").getcolors() if 0 < value < 255}
    # drawn without smoothing, a 1-pixel black line on white has only black and white
    assert len(greys) >= 2

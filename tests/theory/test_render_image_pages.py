"""A tall diagram cut into page-sized pictures for the Word report."""

import io
from types import SimpleNamespace

import docx
import networkx as nx
from docx.shared import Inches
from PIL import Image

from toc_studio.report import docx_parts as parts
from toc_studio.report import toc_section
from toc_studio.theory.picture import image as render_image
from toc_studio.theory.picture import scene as picture
from toc_studio.theory.picture.pages import cuts

from .test_render_image import node, small_graph


def tall_graph(lanes: int = 3, outcomes: int = 20) -> nx.DiGraph:
    """Lanes only (no trunk): every lane a column of enablers and a band of outcomes."""
    groups = [f"Group {i}" for i in range(lanes)]
    graph = nx.DiGraph(project="P", version="V", groups=groups, level=None)
    for group in groups:
        node(graph, f"{group}-d", "Wellbeing", "domain", group, "Wellbeing", codings=0)
        for i in range(outcomes):
            node(graph, f"{group}-e{i}", f"{group} enabler {i}", "enabler", group)
            node(graph, f"{group}-o{i}", f"{group} outcome {i}", "outcome", group, "Wellbeing")
    return graph


def images(pieces: list[bytes]) -> list[Image.Image]:
    return [Image.open(io.BytesIO(p)).convert("RGB") for p in pieces]


def test_a_small_diagram_is_one_picture_the_same_as_the_whole_drawing():
    graph = small_graph()
    pieces = render_image.draw_pages(graph, 0.7, dpi=150)
    assert pieces == [render_image.draw(graph, "png", dpi=150)]


def test_a_tall_diagram_is_cut_into_pieces_no_taller_than_a_page():
    graph = tall_graph()
    whole = images([render_image.draw(graph, "png", dpi=100)])[0]
    pieces = images(render_image.draw_pages(graph, 0.6, dpi=100, first_ratio=0.45))
    assert len(pieces) > 2
    assert {p.width for p in pieces} == {whole.width}
    assert pieces[0].height <= 0.45 * whole.width + 1
    assert all(p.height <= 0.6 * whole.width + 1 for p in pieces[1:])
    scene = picture.build(graph)
    top, bottom = (round(v) for v in scene.titles)
    header = whole.crop((0, top, whole.width, bottom))
    for piece in pieces[1:]:  # the column titles again at the top of every later piece
        assert piece.crop((0, 0, whole.width, header.height)).tobytes() == header.tobytes()
    kept = pieces[0].height + sum(p.height - header.height for p in pieces[1:])
    assert kept == whole.height  # nothing lost, nothing drawn twice but the titles


def test_cuts_fall_between_boxes_and_prefer_the_gaps_between_lanes():
    scene = picture.build(tall_graph(lanes=4, outcomes=8))
    lane_height = scene.height / 4
    found = cuts(scene, lane_height * 1.5, lane_height * 1.5)
    assert found
    for y in found:
        assert not [r for r in scene.boxes.values() if r.y < y < r.y + r.h]
    assert set(found) <= set(scene.lane_gaps)  # each piece ends where a lane ends


class _Report:
    """What the report's ToC section needs of the report being written."""

    def __init__(self) -> None:
        self.doc = docx.Document()
        parts.landscape_section(self.doc)
        self.summary = SimpleNamespace(pictures=0)
        self.captions: list[str] = []

    def figure_caption(self, title: str) -> None:
        self.captions.append(title)
        parts.caption(self.doc, "Figure", title, self.summary.pictures)


def test_the_report_prints_a_tall_diagram_as_page_sized_pictures_at_full_width():
    report = _Report()
    toc_section._pictures(report, tall_graph(lanes=4, outcomes=25), "version 'Draft 1'")
    section = report.doc.sections[-1]
    width = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    shapes = report.doc.inline_shapes
    assert len(shapes) == report.summary.pictures > 2
    assert all(abs(s.width - width) < Inches(0.01) for s in shapes)
    assert shapes[0].height <= height - Inches(toc_section.CAPTION + toc_section.HEADING)
    assert all(s.height <= height - Inches(toc_section.CAPTION) for s in shapes)
    n = len(shapes)
    assert report.captions == [
        f"Theory of Change, version 'Draft 1' (part {i} of {n})" for i in range(1, n + 1)
    ]


def test_the_report_prints_a_small_diagram_as_one_picture():
    report = _Report()
    toc_section._pictures(report, small_graph(), "the current codebook")
    assert len(report.doc.inline_shapes) == 1
    assert report.captions == ["Theory of Change, the current codebook"]

"""The static diagram for reports: PNG (python-docx needs PNG) or SVG, drawn without a
browser, with the same lanes, bands and columns as the interactive page.

:mod:`toc_studio.theory.picture.scene` lays the diagram out as a scene (boxes, lines, wrapped
text in pixels); :mod:`~toc_studio.theory.picture.png` draws it with Pillow and
:mod:`~toc_studio.theory.picture.svg` writes it as SVG text. matplotlib drew the first
version: it spent ~10 ms per label and took 7–10 s for a 300-element diagram."""

from __future__ import annotations

import networkx as nx

from toc_studio.theory.picture import scene as picture

FORMATS = ("png", "svg")
BASE_DPI = 100  # the scene's sizes are pixels at this resolution
MAX_PIXELS = 16_000  # longest side of a PNG
MAX_AREA = 60_000_000  # pixels of a PNG (~180 MB while drawing)


def draw(graph: nx.DiGraph, fmt: str = "png", dpi: int = BASE_DPI) -> bytes:
    """The diagram as PNG or SVG bytes. ``dpi`` sets the PNG's resolution (text is 13 px
    at 100 dpi); a very large diagram is drawn at a lower one so that the picture stays
    within MAX_PIXELS on its longest side and MAX_AREA in all. SVG ignores ``dpi``."""
    if fmt not in FORMATS:
        from toc_studio.errors import Invalid

        raise Invalid(f"Images are drawn as {' or '.join(FORMATS)}, not {fmt!r}.")
    if fmt == "svg":
        from toc_studio.theory.picture.svg import svg

        return svg(picture.build(graph))
    from toc_studio.theory.picture.png import png

    scene = _png_scene(graph, dpi)
    return png(scene, dpi=BASE_DPI * scene.scale)


def draw_pages(
    graph: nx.DiGraph, ratio: float, dpi: int = 150, first_ratio: float | None = None
) -> list[bytes]:
    """The diagram as one or more PNG pictures, each no taller than ``ratio`` times its
    width (a page's usable height over its width), cut between lanes or rows of boxes;
    every piece after the first repeats the column titles. When the diagram needs more
    than one piece, the first is no taller than ``first_ratio`` times its width (room for
    a heading and an introduction on the first page)."""
    from toc_studio.theory.picture.pages import pages
    from toc_studio.theory.picture.png import encode, image

    scene = _png_scene(graph, dpi)
    drawn = image(scene)
    return [
        encode(piece, BASE_DPI * scene.scale) for piece in pages(drawn, scene, ratio, first_ratio)
    ]


def _png_scene(graph: nx.DiGraph, dpi: float) -> picture.Scene:
    scale = dpi / BASE_DPI
    scene = picture.build(graph, scale)
    shrink = min(
        1.0,
        MAX_PIXELS / max(scene.width, scene.height),
        (MAX_AREA / (scene.width * scene.height)) ** 0.5,
    )
    if shrink < 1.0:  # sizes are not quite proportional (text is measured): lay out again
        scene = picture.build(graph, scale * shrink * 0.98)
    return scene

"""A scene written as SVG text: the same geometry as the PNG, text as real text (so it can
be searched, copied and edited in a drawing program).

Every label, title and name is untrusted: :func:`escape` turns ``& < > " '`` into entities
and the scene has already replaced characters XML cannot hold, so no text can open an
element or an attribute. The writer emits only shapes, text and titles (no script, link,
image, style sheet or event attribute)."""

from __future__ import annotations

from html import escape as _html_escape

from toc_studio.theory.picture.shapes import Line, Polygon, Rect, Text, clean

FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"


def escape(text: str) -> str:
    return _html_escape(clean(text), quote=True)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _points(points) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _dash(dash) -> str:
    return f' stroke-dasharray="{_n(dash[0])} {_n(dash[1])}"' if dash else ""


def _rect(r: Rect) -> str:
    attrs = f'x="{_n(r.x)}" y="{_n(r.y)}" width="{_n(r.w)}" height="{_n(r.h)}"'
    if r.radius:
        attrs += f' rx="{_n(r.radius)}"'
    attrs += f' fill="{r.fill or "none"}"'
    if r.stroke:
        attrs += f' stroke="{r.stroke}" stroke-width="{_n(r.stroke_width)}"{_dash(r.dash)}'
    if r.node:
        attrs += f' class="node" data-node="{escape(r.node)}" tabindex="0" role="button"'
        attrs += f' aria-label="{escape(r.title.splitlines()[0] if r.title else r.node)}"'
    if r.title:
        return f"<rect {attrs}><title>{escape(r.title)}</title></rect>"
    return f"<rect {attrs}/>"


def _text(t: Text) -> str:
    style = ""
    if t.weight != "normal":
        style += f' font-weight="{t.weight}"'
    if t.style != "normal":
        style += f' font-style="{t.style}"'
    return (
        f'<text x="{_n(t.x)}" y="{_n(t.y)}" font-size="{t.size}" fill="{t.colour}"'
        f' text-anchor="{t.anchor}"{style}>{escape(t.text)}</text>'
    )


def svg(scene) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{scene.width}" '
        f'height="{scene.height}" viewBox="0 0 {scene.width} {scene.height}" '
        f'font-family="{FONT_FAMILY}">',
        f'<rect width="{scene.width}" height="{scene.height}" fill="#ffffff"/>',
    ]
    for item in scene.items:
        if isinstance(item, Text):
            parts.append(_text(item))
        elif isinstance(item, Rect):
            parts.append(_rect(item))
        elif isinstance(item, Line):
            parts.append(
                f'<polyline points="{_points(item.points)}" fill="none" stroke="{item.colour}"'
                f' stroke-width="{_n(item.width)}"{_dash(item.dash)}/>'
            )
        elif isinstance(item, Polygon):
            parts.append(f'<polygon points="{_points(item.points)}" fill="{item.fill}"/>')
    parts.append("</svg>\n")
    return "\n".join(parts).encode("utf-8")

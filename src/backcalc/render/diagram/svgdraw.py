"""A Scene as one inline <svg> element: a viewBox in the scene's pt, shown at most ~800 px
wide, text as <text> (selectable, printable), no script and no reference outside itself (the
arrowheads and halos are drawn as polygons, not markers or filters)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from backcalc.render.diagram.canvas import COLOURS, HALO, TONE_COLOUR, outline

if TYPE_CHECKING:
    from backcalc.render.diagram.canvas import Box, Point, Scene, TextBlock

MAX_PIXELS = 800.0
ZOOM = 1.5  # pt of the scene to px on screen, when the picture is narrow enough
FONTS = "Helvetica, Arial, sans-serif"
FILLS = {"unit": "unit", "input": "input", "loss": "loss", "op": "unit"}
NAMESPACE = "http://www.w3.org/2000/svg"


def _colour(role: str) -> str:
    return f"#{COLOURS[role]}"


def _points(points: list[Point] | tuple[Point, ...]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def element(name: str, attributes: dict[str, str], content: str | None = None) -> str:
    """<name a="v" ...>content</name>, or <name .../> without content; the text escaped."""
    shown = "".join(f" {key}={quoteattr(value)}" for key, value in attributes.items())
    if content is None:
        return f"<{name}{shown}/>"
    return f"<{name}{shown}>{content}</{name}>"


def picture(scene: Scene) -> str:
    zoom = min(ZOOM, MAX_PIXELS / scene.width)
    head = {
        "xmlns": NAMESPACE,
        "viewBox": f"0 0 {scene.width:.1f} {scene.height:.1f}",
        "width": f"{scene.width * zoom:.0f}",
        "height": f"{scene.height * zoom:.0f}",
        "font-family": FONTS,
        "font-size": "8",
        "role": "img",
        "style": "max-width:100%;height:auto",
    }
    parts = [element("title", {}, escape(scene.title))] if scene.title else []
    parts.append(element("rect", {"width": "100%", "height": "100%", "fill": _colour("halo")}))
    for edge in scene.edges:
        stroke = {"fill": "none", "stroke": _colour("edge"), "stroke-width": "0.4"}
        parts.append(element("polyline", {"points": _points(edge.points), **stroke}))
        if edge.arrow:
            parts.append(
                element("polygon", {"points": _points(edge.arrow), "fill": _colour("edge")})
            )
    for box in scene.boxes:
        if box.shape in FILLS:
            parts.append(_outline(box))
        parts += _text(box.text)
    for edge in scene.edges:
        for label in edge.labels:
            parts += _text(label)
    for text in scene.texts:
        parts += _text(text)
    opening = element("svg", head)[:-2] + ">"
    return "\n".join([opening, *parts, "</svg>"])


def _outline(box: Box) -> str:
    start, segments = outline(box)
    path = [f"M{start[0]:.1f},{start[1]:.1f}"]
    for first, second, end in segments:
        path.append("C" + _points((first, second, end)).replace(" ", ","))
    fill = _colour(FILLS[box.shape])
    return element(
        "path",
        {"d": " ".join(path) + "Z", "fill": fill, "stroke": _colour("ink"), "stroke-width": "0.6"},
    )


def _text(text: TextBlock) -> list[str]:
    anchor = "middle" if text.anchor == "middle" else "start"
    out = []
    for index in range(len(text.lines) if text.halo else 0):
        halo = _points(text.line_corners(index, HALO))
        out.append(element("polygon", {"points": halo, "fill": _colour("halo")}))
    for line, (x, y) in zip(text.lines, text.positions(), strict=True):
        attributes = {"x": f"{x:.1f}", "y": f"{y:.1f}", "text-anchor": anchor}
        attributes["fill"] = _colour(TONE_COLOUR[line.tone])
        if text.angle:
            attributes["transform"] = f"rotate({text.angle:.1f} {x:.1f} {y:.1f})"
        out.append(element("text", attributes, escape(line.plain)))
    return out

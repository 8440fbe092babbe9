"""A Scene as a tikzpicture: plain TikZ (texlive-pictures), one pt of the scene one pt on the
page (y flipped), the text at 8 pt. Boxes, halos and arrowheads are paths the scene computes,
so the SVG writer draws the same shapes. A picture wider than the text (A4 with 2.2 cm
margins: 468 pt) is resized to the line's width; one taller than MAX_HEIGHT to that height."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcalc.render.diagram.canvas import COLOURS, HALO, TONE_COLOUR, outline

if TYPE_CHECKING:
    from backcalc.render.diagram.canvas import Box, Point, Scene, TextBlock

MAX_WIDTH = 468.0
MAX_HEIGHT = 620.0
FILLS = {"unit": "unit", "input": "input", "loss": "loss", "op": "unit"}


def colour(role: str) -> str:
    """A colour in xcolor's notation, from its role."""
    code = COLOURS[role]
    red, green, blue = (int(code[i : i + 2], 16) for i in (0, 2, 4))
    return f"{{rgb,255:red,{red};green,{green};blue,{blue}}}"


def _at(point: Point) -> str:
    return f"({point[0]:.1f},{point[1]:.1f})"


def _polygon(points: list[Point] | tuple[Point, ...]) -> str:
    return " -- ".join(_at(point) for point in points) + " -- cycle"


def picture(scene: Scene) -> str:
    lines = [r"\begin{tikzpicture}[x=1pt, y=-1pt, font=\fontsize{8}{10}\selectfont]"]
    for edge in scene.edges:
        path = " -- ".join(_at(point) for point in edge.points)
        lines.append(rf"\draw[draw={colour('edge')}, thin] {path};")
        if edge.arrow:
            lines.append(rf"\fill[fill={colour('edge')}] {_polygon(edge.arrow)};")
    for box in scene.boxes:
        if box.shape in FILLS:
            style = f"fill={colour(FILLS[box.shape])}, draw={colour('ink')}, semithick"
            lines.append(rf"\filldraw[{style}] {_outline(box)};")
        lines += _text(box.text)
    for edge in scene.edges:
        for label in edge.labels:
            lines += _text(label)
    for text in scene.texts:
        lines += _text(text)
    lines.append(r"\end{tikzpicture}")
    body = "\n".join(lines)
    if scene.width > MAX_WIDTH:
        return f"\\resizebox{{\\linewidth}}{{!}}{{%\n{body}%\n}}"
    if scene.height > MAX_HEIGHT:
        return f"\\resizebox{{!}}{{{MAX_HEIGHT:.0f}pt}}{{%\n{body}%\n}}"
    return body


def _outline(box: Box) -> str:
    start, segments = outline(box)
    path = [_at(start)]
    for first, second, end in segments:
        if first == second == end:
            path.append(f"-- {_at(end)}")
        else:
            path.append(f".. controls {_at(first)} and {_at(second)} .. {_at(end)}")
    return " ".join(path) + " -- cycle"


def _text(text: TextBlock) -> list[str]:
    """Each line as a node at its baseline (a line that starts at x in a zero-width box)."""
    out = []
    for index in range(len(text.lines) if text.halo else 0):
        out.append(rf"\fill[fill={colour('halo')}] {_polygon(text.line_corners(index, HALO))};")
    options = ["anchor=base"] + ([f"rotate={-text.angle:.1f}"] if text.angle else [])
    for line, point in zip(text.lines, text.positions(), strict=True):
        tone = f"text={colour(TONE_COLOUR[line.tone])}"
        content = line.tex if text.anchor == "middle" else rf"\rlap{{{line.tex}}}"
        out.append(rf"\node[{', '.join([*options, tone])}] at {_at(point)} {{{content}}};")
    return out

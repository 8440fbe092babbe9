"""A drawing in the abstract, which the TikZ and SVG writers both draw: boxes, edges and text
at coordinates in pt, y pointing down (as in SVG; the TikZ writer flips it). Laying a network
or a graph out produces a `Scene`; the writers only translate it, so both draw one picture.

A `TextBlock` is lines of text around an anchor point, each at its own baseline offset,
turned by `angle` degrees (clockwise on the page) about the anchor: an edge's label lies along
the edge, its weight above the line and its gradient below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from backcalc.render.diagram.text import ASCENT, DESCENT, Line

Point = tuple[float, float]

# The colours, by role; the writers turn them into TikZ's and SVG's notation.
COLOURS = {
    "ink": "222222",
    "edge": "8A8F98",
    "unit": "EAF2FB",
    "input": "F4F4F4",
    "loss": "FCEFE3",
    "gradient": "B3261E",
    "note": "555555",
    "halo": "FFFFFF",
}
TONE_COLOUR = {"text": "ink", "gradient": "gradient", "note": "note"}


@dataclass(frozen=True)
class TextBlock:
    x: float
    y: float
    lines: tuple[Line, ...]
    baselines: tuple[float, ...]  # each line's baseline, from the anchor, across the text
    anchor: str = "middle"  # middle: centred on x; start: starting at x
    angle: float = 0.0
    halo: bool = False  # drawn on a white ground (a label over edges)

    def corners(self, pad: float = 0.0) -> list[Point]:
        """The corners of the block's rectangle, turned with it."""
        width = max(line.width for line in self.lines)
        return self._rectangle(width, self.baselines[0], self.baselines[-1], pad)

    def line_corners(self, index: int, pad: float = 0.0) -> list[Point]:
        """The corners of one line's rectangle (a halo behind each line leaves the edge
        between a label's two lines visible)."""
        baseline = self.baselines[index]
        return self._rectangle(self.lines[index].width, baseline, baseline, pad)

    def _rectangle(self, width: float, first: float, last: float, pad: float) -> list[Point]:
        width += 2 * pad
        left = -width / 2 if self.anchor == "middle" else -pad
        top = first - ASCENT - pad
        bottom = last + DESCENT + pad
        cos, sin = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        local = [(left, top), (left + width, top), (left + width, bottom), (left, bottom)]
        return [(self.x + u * cos - v * sin, self.y + u * sin + v * cos) for u, v in local]

    def positions(self) -> list[Point]:
        """Where each line's baseline anchor is on the page."""
        cos, sin = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        return [(self.x - b * sin, self.y + b * cos) for b in self.baselines]


@dataclass(frozen=True)
class Box:
    """A node: `shape` unit, input, loss (rounded boxes in their colours), op (a rounded box
    of a graph's step) or plain (no border: a graph's given value, an ellipsis)."""

    key: str
    x: float  # the top-left corner
    y: float
    w: float
    h: float
    shape: str
    text: TextBlock

    @property
    def centre(self) -> Point:
        return (self.x + self.w / 2, self.y + self.h / 2)

    def corners(self) -> list[Point]:
        return rectangle(self.x, self.y, self.w, self.h)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    points: tuple[Point, ...]
    labels: tuple[TextBlock, ...] = ()
    arrow: tuple[Point, ...] = ()  # the arrowhead's triangle, when the edge has one


@dataclass(frozen=True)
class Scene:
    width: float
    height: float
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]
    texts: tuple[TextBlock, ...]
    title: str = ""  # what the picture shows, for a screen reader

    def box(self, key: str) -> Box:
        return next(box for box in self.boxes if box.key == key)


def rectangle(x: float, y: float, w: float, h: float) -> list[Point]:
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def block(x: float, y: float, lines: tuple[Line, ...], anchor: str = "middle") -> TextBlock:
    """Lines stacked downwards, the first baseline at y."""
    from backcalc.render.diagram.text import LINE

    return TextBlock(x, y, lines, tuple(i * LINE for i in range(len(lines))), anchor)


def arrowhead(tail: Point, tip: Point, size: float = 5.0) -> tuple[Point, ...]:
    """A small triangle at `tip`, pointing away from `tail`."""
    dx, dy = tip[0] - tail[0], tip[1] - tail[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    back = (tip[0] - ux * size, tip[1] - uy * size)
    half = size * 0.45
    return (
        tip,
        (back[0] - uy * half, back[1] + ux * half),
        (back[0] + uy * half, back[1] - ux * half),
    )


# -- overlap tests: convex polygons by separating axes ------------------------------------------


def _axes(polygon: list[Point]) -> list[Point]:
    out = []
    for i, (x1, y1) in enumerate(polygon):
        x2, y2 = polygon[(i + 1) % len(polygon)]
        if (x2, y2) != (x1, y1):
            out.append((y1 - y2, x2 - x1))
    return out


def _project(polygon: list[Point], axis: Point) -> tuple[float, float]:
    values = [x * axis[0] + y * axis[1] for x, y in polygon]
    return min(values), max(values)


def overlap(first: list[Point], second: list[Point], slack: float = 0.01) -> bool:
    """Whether two convex polygons (or a polygon and a segment) overlap by more than `slack`."""
    for axis in _axes(first) + _axes(second):
        norm = math.hypot(*axis)
        if norm == 0:
            continue
        unit = (axis[0] / norm, axis[1] / norm)
        low1, high1 = _project(first, unit)
        low2, high2 = _project(second, unit)
        if high1 - low2 <= slack or high2 - low1 <= slack:
            return False
    return True


def bounds(scene_parts: list[list[Point]]) -> tuple[float, float, float, float]:
    xs = [x for polygon in scene_parts for x, _ in polygon]
    ys = [y for polygon in scene_parts for _, y in polygon]
    return min(xs), min(ys), max(xs), max(ys)


def finish(
    boxes: list[Box], edges: list[Edge], texts: list[TextBlock], title: str, margin: float = 4.0
) -> Scene:
    """The scene with everything moved so that its top-left corner is at (margin, margin)."""
    parts = [box.corners() for box in boxes] + [text.corners() for text in texts]
    parts += [list(edge.points) for edge in edges]
    parts += [label.corners(HALO) for edge in edges for label in edge.labels]
    left, top, right, bottom = bounds(parts)
    dx, dy = margin - left, margin - top

    def moved(text: TextBlock) -> TextBlock:
        return replace(text, x=text.x + dx, y=text.y + dy)

    def point(p: Point) -> Point:
        return (p[0] + dx, p[1] + dy)

    return Scene(
        right - left + 2 * margin,
        bottom - top + 2 * margin,
        tuple(replace(b, x=b.x + dx, y=b.y + dy, text=moved(b.text)) for b in boxes),
        tuple(
            replace(
                e,
                points=tuple(map(point, e.points)),
                labels=tuple(map(moved, e.labels)),
                arrow=tuple(map(point, e.arrow)),
            )
            for e in edges
        ),
        tuple(map(moved, texts)),
        title,
    )


HALO = 1.0  # the white ground around a label, beyond its text (what the layout keeps clear)
CORNER = 3.0  # a box's rounded corner
KAPPA = 0.45  # a cubic Bézier's control distance for a quarter circle, as a share of its radius


def outline(box: Box) -> tuple[Point, list[tuple[Point, Point, Point]]]:
    """A box's rounded outline: where it starts, then for each side and corner a cubic Bézier
    segment (control, control, end; a straight side has its controls on it), clockwise."""
    x, y, w, h, r = box.x, box.y, box.w, box.h, min(CORNER, box.w / 2, box.h / 2)
    k = r * (1 - KAPPA)
    corners = [
        ((x + w - r, y), (x + w - k, y), (x + w, y + k), (x + w, y + r)),
        ((x + w, y + h - r), (x + w, y + h - k), (x + w - k, y + h), (x + w - r, y + h)),
        ((x + r, y + h), (x + k, y + h), (x, y + h - k), (x, y + h - r)),
        ((x, y + r), (x, y + k), (x + k, y), (x + r, y)),
    ]
    segments = []
    for side_end, first, second, end in corners:
        segments.append((side_end, side_end, side_end))  # the straight side up to the corner
        segments.append((first, second, end))
    return (x + r, y), segments

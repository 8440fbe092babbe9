"""The geometry a network's and a graph's drawing share: boxes sized to their text, items
stacked along a column, labels placed along edges without overlapping, notes wrapped.

Edge labels: each is tried at points along its edge, preferring the one asked for (near the
source end, staggered by the target, for a network); a point where the label would overlap a
box or a label already placed is refused, and among the others the one crossing the fewest
other edges is taken. When some label has no place, `place_labels` says so (None) and the
caller makes room or writes the weights in a table instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from backcalc.render.diagram.canvas import HALO, Box, Point, TextBlock, block, overlap, rectangle
from backcalc.render.diagram.text import ASCENT, DESCENT, LINE, Line, Piece, prose

PAD_X = 5.0  # inside a box, each side of the text
PAD_Y = 3.5
GAP_ABOVE = 1.6  # between an edge and the label above it (and below)
CANDIDATES = [i / 40 for i in range(4, 37)]  # points along an edge, 0.1 to 0.9


def text_width(lines: tuple[Line, ...]) -> float:
    return max((line.width for line in lines), default=0.0)


def box_size(lines: tuple[Line, ...], min_width: float = 0.0) -> tuple[float, float]:
    return max(text_width(lines) + 2 * PAD_X, min_width), len(lines) * LINE + 2 * PAD_Y


def make_box(
    key: str, centre: Point, size: tuple[float, float], lines: tuple[Line, ...], shape: str
) -> Box:
    """A box of `size` centred at `centre`, its lines centred in it."""
    w, h = size
    x, y = centre[0] - w / 2, centre[1] - h / 2
    text_height = len(lines) * LINE
    first = y + (h - text_height) / 2 + (LINE + ASCENT - DESCENT) / 2
    return Box(key, x, y, w, h, shape, block(centre[0], first, lines))


def stack(sizes: list[float], gap: float) -> list[float]:
    """The centres of items of `sizes` along a line, `gap` apart, centred on 0."""
    total = sum(sizes) + gap * (len(sizes) - 1)
    centres, at = [], -total / 2
    for size in sizes:
        centres.append(at + size / 2)
        at += size + gap
    return centres


@dataclass(frozen=True)
class Request:
    """A label to place on the edge from `start` to `end`, at `prefer` along it (0 to 1)."""

    start: Point
    end: Point
    lines: tuple[Line, ...]
    prefer: float


def label_at(request: Request, t: float) -> TextBlock:
    """The label on its edge at `t`: one line on the edge, or the first above and the second
    below it, turned with the edge."""
    (x1, y1), (x2, y2) = request.start, request.end
    angle = math.degrees(math.atan2(y2 - y1, x2 - x1))
    if len(request.lines) == 1:
        baselines: tuple[float, ...] = ((ASCENT - DESCENT) / 2,)
    else:
        baselines = (-DESCENT - GAP_ABOVE, ASCENT + GAP_ABOVE)
    x, y = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
    return TextBlock(x, y, request.lines, baselines, "middle", angle, halo=True)


def place_labels(
    requests: list[Request], obstacles: list[list[Point]], segments: list[tuple[Point, Point]]
) -> list[TextBlock] | None:
    """A place for every label (in the requests' order), or None where one has none."""
    taken = list(obstacles)
    placed = []
    for request in requests:
        best: tuple[float, TextBlock] | None = None
        own = (request.start, request.end)
        for t in CANDIDATES:
            label = label_at(request, t)
            shape = label.corners(HALO)
            if any(overlap(shape, other) for other in taken):
                continue
            crossed = sum(overlap(shape, list(seg)) for seg in segments if seg != own)
            cost = 3 * crossed + 2.5 * abs(t - request.prefer)
            if best is None or cost < best[0]:
                best = (cost, label)
        if best is None:
            return None
        placed.append(best[1])
        taken.append(best[1].corners(HALO))
    return placed


def wrap(line: Line, width: float) -> list[Line]:
    """A note broken into lines of at most `width` (between words, never inside math)."""
    tokens: list[Piece] = []
    for piece in line.pieces:
        if piece.math:
            tokens.append(piece)
            continue
        for index, word in enumerate(piece.plain.split(" ")):
            tokens.append(prose((" " if index else "") + word))
    lines: list[list[Piece]] = [[]]
    for token in tokens:
        trial = Line((*lines[-1], token), line.tone)
        if lines[-1] and trial.width > width and token.plain.startswith(" "):
            lines.append([prose(token.plain[1:])])
        else:
            lines[-1].append(token)
    return [Line(tuple(pieces), line.tone) for pieces in lines if pieces]


def notes_block(notes: list[Line], x: float, y: float, width: float) -> TextBlock | None:
    """The notes under a drawing, left-aligned at x, the first baseline at y."""
    lines = tuple(part for note in notes for part in wrap(note, width))
    return block(x, y, lines, anchor="start") if lines else None


def box_polygon(box: Box) -> list[Point]:
    return rectangle(box.x, box.y, box.w, box.h)

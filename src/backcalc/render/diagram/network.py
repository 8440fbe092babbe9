"""A layered network laid out: its columns (inputs, each layer, the loss) left to right, the
units of each stacked and centred, the headers above, the edges straight from unit to unit
with their labels placed along them (backcalc.render.diagram.layout), the notes below.

Each gap between two columns is made wide enough for its labels: tried at a few widths, the
narrowest where every label finds a place is kept; where none does, the layer's weights are
written in a table under the picture instead and the edges go unlabelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcalc.render.diagram.canvas import HALO, Box, Edge, Point, Scene, TextBlock, block, finish
from backcalc.render.diagram.layout import (
    Request,
    box_polygon,
    box_size,
    make_box,
    notes_block,
    place_labels,
    stack,
    text_width,
)
from backcalc.render.diagram.text import DESCENT, LINE, mark, math, mixed

if TYPE_CHECKING:
    from backcalc.render.diagram.netparts import Column, Content, Link, Table
    from backcalc.render.style import Style

GAP = 44.0  # between two columns whose edges carry no label
UNIT_GAP = 12.0  # between the units of a column
LABELLED_UNIT_GAP = 8.0  # and 6 more per line of the labels between the columns
HEADER_SPACE = 10.0  # between two headers
ELLIPSIS = 12.0  # the height a ⋮ takes
HEADER_GAP = 8.0
NOTE_GAP = 14.0
# The run over rise a labelled gap is given at least, tried in turn (about 50°, 60°, as
# steep as the labels allow): the first picture that fits the page's width is kept, since
# text the page shrinks reads worse than a steeper edge.
STEEPNESS = (0.85, 0.6, 0.0)
PAGE_WIDTH = 468.0  # the LaTeX text width (A4, 2.2 cm margins), in pt
MAX_STEPS = 12  # widths tried for a gap with labels (the last is 5.3 times the first)
MIN_NOTE_WIDTH = 260.0


def scene(content: Content, style: Style) -> Scene:
    pictures = [_scene(content, style, steepness) for steepness in STEEPNESS]
    return next((p for p in pictures if p.width <= PAGE_WIDTH), min(pictures, key=_width))


def _width(picture: Scene) -> float:
    return picture.width


def _scene(content: Content, style: Style, steepness: float) -> Scene:
    columns = content.columns
    label_lines = max((len(link.label) for link in content.links), default=0)
    unit_gap = LABELLED_UNIT_GAP + 6.0 * label_lines if label_lines else UNIT_GAP
    sizes = [_unit_size(column) for column in columns]
    widths = [size[0] for size in sizes]
    # a header wider than its units spreads over the gaps beside it (the edges pass below)
    spread = [max(0.0, text_width(c.header) - w) / 2 for c, w in zip(columns, widths, strict=True)]
    boxes: list[Box] = []
    edges: list[Edge] = []
    tables: list[Table] = []
    taken: list[list[Point]] = []  # the labels placed so far
    x = 0.0
    for index, column in enumerate(columns):
        right = _column(column, sizes[index], x + widths[index] / 2, unit_gap)
        if index:
            links = [link for link in content.links if link.gap == index - 1]
            least = max(GAP, spread[index - 1] + spread[index] + HEADER_SPACE)
            room = (column, sizes[index], widths[index], unit_gap, steepness)
            gap, labels = _gap(x, links, boxes, room, taken, least)
            if labels is None:  # no room on the edges: the weights go into a table
                tables.append(content.weights[index - 1])
                gap, labels = least, {}
            x += gap
            right = _column(column, sizes[index], x + widths[index] / 2, unit_gap)
            ends = {box.key: box for box in boxes + right}
            for number, link in enumerate(links):
                label = labels.get(number)
                edges.append(
                    Edge(link.source, link.target, _ends(link, ends), (label,) if label else ())
                )
                if label:
                    taken.append(label.corners(HALO))
        boxes += right
        x += widths[index]
    texts = _headers(columns, boxes, widths)
    bottom = max(box.y + box.h for box in boxes)
    labelled = any(edge.labels for edge in edges)
    notes = [content.legend] if content.legend and labelled else []
    notes += content.notes
    for table in tables:
        bottom, cells = _table(table, bottom + NOTE_GAP)
        texts += cells
        gradients = any(len(cell) > 1 for row in table.rows for cell in row)
        if gradients:
            text = style.t("diagram.weights_table_gradients", W=mark("W"), grad=mark("g"))
        else:
            text = style.t("diagram.weights_table", W=mark("W"))
        grad = math("∂J/∂w", r"\partial J/\partial w")
        notes.append(mixed(text, {"W": table.title.pieces[0], "g": grad}, tone="note"))
    note = notes_block(notes, 0.0, bottom + NOTE_GAP + LINE / 2, max(x, MIN_NOTE_WIDTH))
    if note is not None:
        texts.append(note)
    return finish(boxes, edges, texts, content.title)


def _unit_size(column: Column) -> tuple[float, float]:
    """One size for all the units of a column (the ⋮ apart), so that they line up."""
    sizes = [box_size(unit.lines, 24.0) for unit in column.units if not unit.ellipsis]
    return max(w for w, _ in sizes), max(h for _, h in sizes)


def _column(column: Column, size: tuple[float, float], x: float, gap: float) -> list[Box]:
    heights = [ELLIPSIS if unit.ellipsis else size[1] for unit in column.units]
    boxes = []
    for unit, y in zip(column.units, stack(heights, gap), strict=True):
        if unit.ellipsis:
            boxes.append(make_box(unit.key, (x, y), (size[0], ELLIPSIS), unit.lines, "plain"))
        else:
            boxes.append(make_box(unit.key, (x, y), size, unit.lines, column.shape))
    return boxes


def _ends(link: Link, boxes: dict[str, Box]) -> tuple[Point, Point]:
    source, target = boxes[link.source], boxes[link.target]
    return (source.x + source.w, source.y + source.h / 2), (target.x, target.y + target.h / 2)


def _gap(
    x: float,
    links: list[Link],
    placed: list[Box],
    room: tuple[Column, tuple[float, float], float, float, float],
    taken: list[list[Point]],
    least: float,
) -> tuple[float, dict[int, TextBlock] | None]:
    """The width of the gap before `column` and the labels of its edges (by the link's
    number): the narrowest width, from `start` up in steps of 15 %, where every label finds
    a place, else None. `start` is at least `least`, holds the widest label, gives the steepest edge
    `steepness` times its rise (`room`: the column after the gap, its units' size, its
    width, the gap between its units and the steepness)."""
    column, size, width, unit_gap, steepness = room
    labelled = [number for number, link in enumerate(links) if link.label]
    if not labelled:
        return least, {}
    widest = max(text_width(links[number].label) for number in labelled)
    ends = {box.key: box for box in placed + _column(column, size, 0.0, unit_gap)}
    rise = max(abs(_ends(link, ends)[1][1] - _ends(link, ends)[0][1]) for link in links)
    start = max(least, widest + 14.0, steepness * rise)
    for step in range(MAX_STEPS):
        gap = start * 1.15**step
        right = _column(column, size, x + gap + width / 2, unit_gap)
        ends = {box.key: box for box in placed + right}
        segments = [_ends(link, ends) for link in links]
        obstacles = [box_polygon(box) for box in placed + right] + taken
        for order in _orders(labelled, links):
            requests = [Request(*segments[n], links[n].label, prefer) for n, prefer in order]
            labels = place_labels(requests, obstacles, segments)
            if labels is not None:
                return gap, dict(zip((n for n, _ in order), labels, strict=True))
    return least, None


def _orders(labelled: list[int], links: list[Link]) -> list[list[tuple[int, float]]]:
    """The orders the labels are placed in, each with where along its edge each would best
    be: near the source end, first to last and last to first, then near the target end."""
    near_source = [(n, links[n].prefer) for n in labelled]
    near_target = [(n, 1.0 - links[n].prefer) for n in labelled]
    return [near_source, near_source[::-1], near_target, near_target[::-1]]


def _headers(columns: tuple[Column, ...], boxes: list[Box], widths: list[float]) -> list[TextBlock]:
    """Each column's header above it, their last lines on one baseline."""
    top = min(box.y for box in boxes) - HEADER_GAP - DESCENT
    texts, x = [], 0.0
    for column, width in zip(columns, widths, strict=True):
        centre = _centre(column, boxes)
        first = top - (len(column.header) - 1) * LINE
        texts.append(block(centre, first, column.header))
        x += width
    return texts


def _centre(column: Column, boxes: list[Box]) -> float:
    key = column.units[0].key
    box = next(box for box in boxes if box.key == key)
    return box.x + box.w / 2


def _table(table: Table, top: float) -> tuple[float, list[TextBlock]]:
    """A weight table under the picture, from `top`: its title, then the rows of cells."""
    texts = [block(0.0, top + LINE / 2, (table.title,), anchor="start")]
    height = max(len(cell) for row in table.rows for cell in row) * LINE + 3.0
    columns = len(table.rows[0])
    widths = [max(text_width(row[c]) for row in table.rows) + 10.0 for c in range(columns)]
    left = text_width((table.title,)) + 8.0
    y = top + LINE / 2
    for row in table.rows:
        x = left
        for cell, width in zip(row, widths, strict=True):
            texts.append(block(x + width / 2, y, cell))
            x += width
        y += height
    return y, texts

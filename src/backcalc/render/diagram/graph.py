"""A computational graph laid out, as the DOT drawing shows it: each given value a plain node
(its name and value; with `gradients` its gradient), each step a box (its formula, or its
gate's symbol for a graph built from one expression; with `values` its value; with
`gradients` its gradient), an arrow from every name a step uses to the step.

Layers by rank: a step's rank is its longest path from the given values, and a value sits
just before the first step that uses it. An edge spanning several ranks bends through a point
in each (as Sugiyama's method does), so that it passes between the nodes, not through them.
Within a rank the nodes are ordered by the mean position of their neighbours (a few sweeps),
then each is moved towards its neighbours. Left to right, or top to bottom when that fits the
page better (a long chain).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backcalc.core.expressions import Num, Op, functions, text
from backcalc.render.diagram.canvas import Box, Edge, Point, Scene, arrowhead, finish
from backcalc.render.diagram.layout import box_size, make_box
from backcalc.render.diagram.text import Line, Numbers, Piece, equals, line, math, name
from backcalc.render.gates import integral, tex, tex_name

if TYPE_CHECKING:
    from backcalc.core.graph import GraphTrace, NodeTrace
    from backcalc.render.style import Style

SYMBOLS = {"+": "+", "-": "−", "*": "×", "/": "÷", "**": "^", "neg": "−"}
TEX_SYMBOLS = {"+": "+", "-": "-", "*": r"\times", "/": r"\div", "**": r"\wedge", "neg": "-"}
RANK_GAP = 34.0
CROSS_GAP = 14.0
DUMMY = 2.0  # the room a bend point takes across its rank
PAGE = (468.0, 620.0)  # what the LaTeX page holds, in pt (A4, 2.2 cm margins)


@dataclass(frozen=True)
class Item:
    key: str
    lines: tuple[Line, ...]
    shape: str  # plain (a given value), op (a step) or bend (a point an edge bends through)


def scene(trace: GraphTrace, style: Style, values: bool, gradients: bool) -> Scene:
    items, edges = _items(trace, style, values, gradients)
    ranks = _ranks(trace)
    layers, chains = _layers(items, edges, ranks)
    best = None
    for across in (False, True):
        placed = _place(layers, chains, items, across)
        width, height = _extent(placed)
        fit = min(1.0, PAGE[0] / width, PAGE[1] / height)
        if best is None or fit > best[0] + 0.05:
            best = (fit, placed, across)
    assert best is not None
    _, placed, across = best
    boxes = [placed[key] for key in placed if items[key].shape != "bend"]
    drawn = []
    for source, target in edges:
        path = [placed[key] for key in chains[(source, target)]]
        points = [_end(path[0], across, out=True)]
        points += [box.centre for box in path[1:-1]]
        points.append(_end(path[-1], across, out=False))
        drawn.append(Edge(source, target, tuple(points), (), arrowhead(points[-2], points[-1])))
    return finish(boxes, drawn, [], trace.graph.title or "")


def _items(
    trace: GraphTrace, style: Style, values: bool, gradients: bool
) -> tuple[dict[str, Item], list[tuple[str, str]]]:
    numbers = Numbers(style)
    out = trace.graph.output
    items: dict[str, Item] = {}
    for key, value in trace.graph.values.items():
        lines = [line(name(key), equals(), numbers.given(value))]
        if gradients:
            lines.append(_gradient(out, key, trace.gradients[key], numbers))
        items[key] = Item(key, tuple(lines), "plain")
    edges = []
    for node in trace.nodes:
        items[node.node.name] = Item(node.node.name, _step(node, trace, numbers, values), "op")
        if gradients:
            extra = _gradient(out, node.node.name, node.gradient, numbers)
            items[node.node.name] = Item(
                node.node.name, (*items[node.node.name].lines, extra), "op"
            )
        edges += [(used, node.node.name) for used in dict.fromkeys(node.node.inputs)]
    return items, edges


def _step(node: NodeTrace, trace: GraphTrace, numbers: Numbers, values: bool) -> tuple[Line, ...]:
    expr, key = node.node.expr, node.node.name

    def plain(value: float) -> str:
        return numbers.given(value).plain

    def tex_given(value: float) -> str:
        return numbers.given(value).tex

    formula = math(text(expr, plain, lambda n: name(n).plain), tex(expr, tex_given))
    value = [equals(), _number(numbers, node.value)] if values else []
    if not trace.graph.gates or not isinstance(expr, Op):
        return (line(name(key), equals(), formula), *([line(name(key), *value)] if values else []))
    gate = expr.op if expr.op in functions() else None
    symbol = math(
        SYMBOLS.get(expr.op, gate or expr.op), TEX_SYMBOLS.get(expr.op, rf"\mathrm{{{expr.op}}}")
    )
    shown = [name(key)]
    if any(isinstance(arg, Num) for arg in expr.args):  # a constant has no node: the gate says it
        shown += [equals(), formula]
    return (line(symbol), line(*shown, *value))


def _gradient(out: str, key: str, value: float, numbers: Numbers) -> Line:
    plain = f"∂{name(out).plain}/∂{name(key).plain}"
    partial = math(plain, rf"\partial {tex_name(out)}/\partial {tex_name(key)}")
    return line(partial, equals(), _number(numbers, value), tone="gradient")


def _ranks(trace: GraphTrace) -> dict[str, int]:
    """Each step's longest path from the values; each value just before its first use."""
    rank = dict.fromkeys(trace.graph.values, 0)
    for node in trace.nodes:
        rank[node.node.name] = 1 + max((rank[used] for used in node.node.inputs), default=0)
    for key in trace.graph.values:
        users = [rank[n.node.name] for n in trace.nodes if key in n.node.inputs]
        if users:
            rank[key] = min(users) - 1
    return rank


def _layers(
    items: dict[str, Item], edges: list[tuple[str, str]], ranks: dict[str, int]
) -> tuple[list[list[str]], dict[tuple[str, str], list[str]]]:
    """The keys by rank (bend points added, ordered by their neighbours) and each edge's path."""
    layers: list[list[str]] = [[] for _ in range(max(ranks.values()) + 1)]
    for key in items:
        layers[ranks[key]].append(key)
    chains = {}
    for source, target in edges:
        chain = [source]
        for rank in range(ranks[source] + 1, ranks[target]):
            bend = f"{source}>{target}#{rank}"
            items[bend] = Item(bend, (), "bend")
            layers[rank].append(bend)
            chain.append(bend)
        chains[(source, target)] = [*chain, target]
    before: dict[str, list[str]] = {key: [] for key in items}
    after: dict[str, list[str]] = {key: [] for key in items}
    for chain in chains.values():
        for first, second in itertools.pairwise(chain):
            after[first].append(second)
            before[second].append(first)
    for _ in range(4):
        for order, neighbours in (
            (range(1, len(layers)), before),
            (range(len(layers) - 2, -1, -1), after),
        ):
            for rank in order:
                where = {key: i for layer in layers for i, key in enumerate(layer)}
                layers[rank].sort(key=lambda k: _mean([where[n] for n in neighbours[k]], where[k]))
    return layers, chains


def _mean(values: list[float], default: float) -> float:
    return sum(values) / len(values) if values else default


def _place(
    layers: list[list[str]],
    chains: dict[tuple[str, str], list[str]],
    items: dict[str, Item],
    across: bool,
) -> dict[str, Box]:
    """Boxes for every key: ranks along x (or y when `across`), each node moved towards the
    mean of its neighbours without overlapping the others of its rank."""
    sizes = {
        key: (DUMMY, DUMMY) if item.shape == "bend" else box_size(item.lines, 20.0)
        for key, item in items.items()
    }
    along = 1 if across else 0  # the axis ranks go along
    depth = [max(sizes[key][along] for key in layer) for layer in layers]
    neighbours: dict[str, list[str]] = {key: [] for key in items}
    for chain in chains.values():
        for first, second in itertools.pairwise(chain):
            neighbours[first].append(second)
            neighbours[second].append(first)
    cross = {}
    for layer in layers:
        cross.update(_spread(layer, dict.fromkeys(layer, 0.0), sizes, 1 - along, items))
    for _ in range(12):
        for layer in [*layers, *reversed(layers)]:
            wanted = {k: _pull(k, neighbours[k], cross, items) for k in layer}
            cross.update(_spread(layer, wanted, sizes, 1 - along, items))
    boxes, at = {}, 0.0
    for layer, extent in zip(layers, depth, strict=True):
        for key in layer:
            centre = (at + extent / 2, cross[key])
            if across:
                centre = (cross[key], at + extent / 2)
            boxes[key] = make_box(key, centre, sizes[key], items[key].lines, items[key].shape)
        at += extent + RANK_GAP
    return boxes


def _pull(
    key: str, neighbours: list[str], cross: dict[str, float], items: dict[str, Item]
) -> float:
    """Where a node would best be across its rank: the mean of its neighbours that are steps
    (or bends of edges between them) when it has any, else of all of them; so that a chain of
    steps runs straight and the values gather beside it."""
    steps = [n for n in neighbours if items[n].shape != "plain"]
    return _mean([cross[n] for n in steps or neighbours], cross[key])


def _spread(
    layer: list[str],
    wanted: dict[str, float],
    sizes: dict[str, tuple[float, float]],
    axis: int,
    items: dict[str, Item],
) -> dict[str, float]:
    """Positions in the layer's order, each at least its gap from the previous, as near
    `wanted` as can be: the weighted least-squares fit (pool adjacent violators), steps
    weighing ten times as much as given values, so that the values make way."""
    offsets, at = [], 0.0
    for index, key in enumerate(layer):
        if index:
            at += (sizes[layer[index - 1]][axis] + sizes[key][axis]) / 2 + CROSS_GAP
        offsets.append(at)
    blocks: list[list[float]] = []  # [weighted sum, weight, count] of each pooled run
    for key, offset in zip(layer, offsets, strict=True):
        weight = 1.0 if items[key].shape == "plain" else 10.0
        blocks.append([weight * (wanted[key] - offset), weight, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, weight, count = blocks.pop()
            blocks[-1] = [blocks[-1][0] + total, blocks[-1][1] + weight, blocks[-1][2] + count]
    fitted = [block[0] / block[1] for block in blocks for _ in range(int(block[2]))]
    return {key: f + o for key, f, o in zip(layer, fitted, offsets, strict=True)}


def _extent(boxes: dict[str, Box]) -> tuple[float, float]:
    xs = [x for box in boxes.values() for x in (box.x, box.x + box.w)]
    ys = [y for box in boxes.values() for y in (box.y, box.y + box.h)]
    return max(xs) - min(xs), max(ys) - min(ys)


def _end(box: Box, across: bool, out: bool) -> Point:
    """Where an edge leaves (`out`) or enters a box: its right or left side, or (across) its
    bottom or top."""
    x, y = box.centre
    if across:
        return (x, box.y + box.h if out else box.y)
    return (box.x + box.w if out else box.x, y)


def _number(numbers: Numbers, value: float) -> Piece:
    """A computed value as the graph's other formats write it: an integral one as an integer."""
    return numbers.given(value) if integral(value) else numbers.computed(value)

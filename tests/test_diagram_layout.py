"""The diagrams' layout (backcalc.render.diagram), checked on the scene both writers draw: no
two things overlap, every edge is there and joins its two nodes, edge labels are the weights
of the spec at the right index and ∂J/∂w as numpy computes it, the statement's figure writes
no computed number, numbers follow the language, large networks are summarised, and labels
that find no place go into a table."""

from __future__ import annotations

import functools
import math
import re
from itertools import combinations, pairwise
from typing import Any

import numpy as np
import pytest
import yaml

from backcalc.core.expressions import Num, Op
from backcalc.io import examples
from backcalc.io.spec import read
from backcalc.render.diagram import scene
from backcalc.render.diagram.canvas import HALO, Scene, overlap
from backcalc.render.document.blocks import Figure
from backcalc.render.style import style_for

ALL = sorted(e.name for e in examples.all_examples())
NETWORKS = [name for name in ALL if read(examples.find(name).path).kind == "network"]  # type: ignore[union-attr]
GRAPHS = [name for name in ALL if name not in NETWORKS]
MODES = {"statement": (False, False), "values": (True, False), "gradients": (True, True)}
SHOWN = 8  # a column of more units shows the first 3, a ⋮ and the last 2


@functools.cache
def trace(name: str) -> Any:
    return read(examples.find(name).path).run()  # type: ignore[union-attr]


@functools.cache
def drawn(name: str, lang: str, mode: str) -> Scene:
    values, gradients = MODES[mode]
    return scene(Figure(trace(name), values, gradients), style_for(lang))


def spec(name: str) -> dict[str, Any]:
    path = examples.find(name).path  # type: ignore[union-attr]
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def texts(picture: Scene) -> list[str]:
    """Every line of text the picture writes (plain)."""
    blocks = [box.text for box in picture.boxes] + list(picture.texts)
    blocks += [label for edge in picture.edges for label in edge.labels]
    return [line.plain for block in blocks for line in block.lines]


def shown(count: int) -> list[int]:
    return list(range(count)) if count <= SHOWN else [0, 1, 2, count - 2, count - 1]


def written(value: float, lang: str, decimals: int | None = None) -> str:
    """A number as a reader expects it: given ones as typed, computed ones with 4 decimals."""
    if decimals is not None:
        text = f"{value:.{decimals}f}"
    elif float(value).is_integer():
        text = str(int(value))
    elif len(repr(float(value)).replace("-", "").replace(".", "").lstrip("0")) > 10:
        text = f"{value:.4f}"  # drawn by an initialiser: shown like a computed number
    else:
        text = repr(float(value))
    text = text.replace("-", "−")
    if text.strip("−0.,") == "":
        text = text.lstrip("−")
    return text.replace(".", ",") if lang == "es" else text


CASES = [(n, lang, mode) for n in ALL for lang in ("en", "es") for mode in MODES]


@pytest.mark.parametrize(("name", "lang", "mode"), CASES)
def test_nothing_overlaps(name: str, lang: str, mode: str) -> None:
    picture = drawn(name, lang, mode)
    shapes = [(f"box {box.key}", box.corners()) for box in picture.boxes]
    shapes += [
        (f"label of {edge.source}->{edge.target}", label.corners(HALO))
        for edge in picture.edges
        for label in edge.labels
    ]
    shapes += [(f"text {text.lines[0].plain!r}", text.corners()) for text in picture.texts]
    clashes = [(a, b) for (a, p), (b, q) in combinations(shapes, 2) if overlap(p, q)]
    assert not clashes
    xs = [x for _, shape in shapes for x, _ in shape]
    ys = [y for _, shape in shapes for _, y in shape]
    assert min(xs) >= 0 and max(xs) <= picture.width and min(ys) >= 0 and max(ys) <= picture.height


@pytest.mark.parametrize("name", NETWORKS)
def test_every_edge_of_a_network_is_drawn_between_its_units(name: str) -> None:
    exercise = trace(name).exercise
    sizes = [exercise.x.shape[1]] + [
        layer.n_out(exercise.network.convention) for layer in exercise.network.layers
    ]
    keys = [[f"x{i + 1}" for i in shown(sizes[0])]]
    keys += [
        [f"u{layer}_{j + 1}" for j in shown(size)] for layer, size in enumerate(sizes) if layer
    ]
    expected = {(a, b) for left, right in pairwise(keys) for a in left for b in right}
    expected |= {(key, "J") for key in keys[-1]}
    picture = drawn(name, "en", "gradients")
    assert {(edge.source, edge.target) for edge in picture.edges} == expected
    for edge in picture.edges:
        source, target = picture.box(edge.source), picture.box(edge.target)
        assert edge.points[0] == pytest.approx((source.x + source.w, source.y + source.h / 2))
        assert edge.points[-1] == pytest.approx((target.x, target.y + target.h / 2))
    units = {box.key for box in picture.boxes if box.key.startswith("u1_")}
    assert units == {f"u1_{j + 1}" for j in shown(sizes[1])} | (
        {"u1_more"} if sizes[1] > SHOWN else set()
    )


@pytest.mark.parametrize("name", GRAPHS)
def test_every_edge_of_a_graph_goes_forward_and_around_the_other_nodes(name: str) -> None:
    graph = trace(name).graph
    expected = {(used, n.name) for n in graph.nodes for used in n.inputs}
    for mode in MODES:
        picture = drawn(name, "en", mode)
        assert {(edge.source, edge.target) for edge in picture.edges} == expected
        assert {box.key for box in picture.boxes} == set(graph.values) | {
            n.name for n in graph.nodes
        }
        along = _axis(picture)
        for edge in picture.edges:
            source, target = picture.box(edge.source), picture.box(edge.target)
            assert source.centre[along] < target.centre[along]
            others = [box for box in picture.boxes if box.key not in (edge.source, edge.target)]
            for segment in zip(edge.points, edge.points[1:], strict=False):
                assert not any(overlap(list(segment), box.corners(), 0.5) for box in others)
            assert _on_border(edge.points[0], source) and _on_border(edge.points[-1], target)


def _axis(picture: Scene) -> int:
    """0 when the ranks go left to right, 1 when top to bottom (one of them, for every edge)."""
    for axis in (0, 1):
        if all(
            picture.box(e.source).centre[axis] < picture.box(e.target).centre[axis]
            for e in picture.edges
        ):
            return axis
    raise AssertionError("edges go neither all rightwards nor all downwards")


def _on_border(point: tuple[float, float], box: Any) -> bool:
    x, y = point
    inside = box.x - 0.01 <= x <= box.x + box.w + 0.01 and box.y - 0.01 <= y <= box.y + box.h + 0.01
    border = min(abs(x - box.x), abs(x - box.x - box.w), abs(y - box.y), abs(y - box.y - box.h))
    return inside and border < 0.01


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def _reference_gradients() -> list[np.ndarray]:
    """∂J/∂W⁽¹⁾, ∂J/∂W⁽²⁾ of the 2-3-1 (column convention, σ, ½(ŷ − y)²), by numpy."""
    s = spec("reference-2-3-1")
    x = np.array(s["input"], float)
    (w1, b1), (w2, b2) = [
        (np.array(layer["weights"]), np.array(layer["bias"])) for layer in s["layers"]
    ]
    a1 = _sigmoid(w1 @ x + b1)
    a2 = _sigmoid(w2 @ a1 + b2)
    d2 = (a2 - s["target"]) * a2 * (1 - a2)
    d1 = (w2.T @ d2) * a1 * (1 - a1)
    return [np.outer(d1, x), np.outer(d2, a1)]


def _batch_gradients() -> list[np.ndarray]:
    """∂J/∂W of the row-convention batch (ReLU, softmax cross-entropy, mean), by numpy."""
    s = spec("batch-relu-softmax-row")
    x = np.array(s["input"], float)
    (w1, b1), (w2, b2) = [
        (np.array(layer["weights"]), np.array(layer["bias"])) for layer in s["layers"]
    ]
    z1 = x @ w1 + b1
    h = np.maximum(z1, 0)
    y = h @ w2 + b2
    p = np.exp(y - y.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    dy = (p - np.eye(3)[s["target"]]) / len(x)
    dz1 = (dy @ w2.T) * (z1 > 0)
    return [x.T @ dz1, h.T @ dy]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize(
    ("name", "gradients"),
    [("reference-2-3-1", _reference_gradients), ("batch-relu-softmax-row", _batch_gradients)],
)
def test_edge_labels_are_the_weights_and_their_gradients(
    name: str, gradients: Any, lang: str
) -> None:
    s = spec(name)
    column = s["convention"] == "column"
    expected = gradients()
    picture = drawn(name, lang, "gradients")
    checked = 0
    for edge in picture.edges:
        if edge.target == "J":
            continue
        layer, unit = (int(n) for n in edge.target[1:].split("_"))
        source = int(edge.source[1:]) if layer == 1 else int(edge.source.split("_")[1])
        at = (unit - 1, source - 1) if column else (source - 1, unit - 1)
        weight = np.array(s["layers"][layer - 1]["weights"], float)[at]
        (label,) = edge.labels
        assert [line.plain for line in label.lines] == [
            written(weight, lang),
            written(expected[layer - 1][at], lang, 4),
        ]
        assert [line.tone for line in label.lines] == ["text", "gradient"]
        start, end = edge.points
        along = math.degrees(math.atan2(end[1] - start[1], end[0] - start[0]))
        assert label.angle == pytest.approx(along)  # along its own edge, on it
        cross = (end[0] - start[0]) * (label.y - start[1]) - (end[1] - start[1]) * (
            label.x - start[0]
        )
        assert abs(cross) / math.dist(start, end) < 1e-6
        checked += 1
    assert checked == sum(len(layer["weights"]) * len(layer["weights"][0]) for layer in s["layers"])


def _given(name: str, lang: str) -> set[str]:
    """Every number the exercise gives, as written, and the small integers a picture uses for
    layers, counts and classes."""
    found = trace(name)
    exercise = found.exercise
    numbers: list[float] = list(range(max(65, len(getattr(exercise, "x", [])) + 1)))
    if found.kind == "network":
        numbers += list(exercise.x[0]) + list(exercise.target[0])
        for layer in exercise.network.layers:
            numbers += list(layer.weights.ravel())
            numbers += [] if layer.bias is None else list(np.ravel(layer.bias))
    else:
        numbers += list(exercise.values.values())
        for node in exercise.nodes:
            numbers += _constants(node.expr)
    return {written(v, lang) for v in numbers}


def _constants(expr: Any) -> list[float]:
    if isinstance(expr, Num):
        return [expr.number]
    if isinstance(expr, Op):
        return [c for arg in expr.args for c in _constants(arg)]
    return []


NUMBER = re.compile(r"−?\d+(?:[.,]\d+)?")


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", ALL)
def test_the_statement_figure_writes_no_computed_number(name: str, lang: str) -> None:
    allowed = _given(name, lang)
    statement = [n for text in texts(drawn(name, lang, "statement")) for n in NUMBER.findall(text)]
    assert statement and set(statement) <= allowed, sorted(set(statement) - allowed)
    solution = {n for text in texts(drawn(name, lang, "values")) for n in NUMBER.findall(text)}
    if name in GRAPHS:  # a graph's output, computed (an integral one as an integer)
        value = trace(name).value
        shown = written(value, lang) if float(value).is_integer() else written(value, lang, 4)
        assert shown in solution, "the solution's figure shows the computed values"
    else:
        assert solution - allowed, "the solution's figure shows the computed values"


def test_the_statement_of_the_reference_shows_the_given_and_nothing_computed() -> None:
    written_ = texts(drawn("reference-2-3-1", "es", "statement"))
    assert "x₁ = 1,8" in written_ and "b = 0,8" in written_ and "y = 5" in written_
    assert "J = ½Σ(ŷ − y)²" in written_  # one observation: J is ℓ, written once
    assert not any("1,98" in text or "ℓ" in text for text in written_)


@pytest.mark.parametrize("name", NETWORKS + GRAPHS)
def test_numbers_follow_the_language(name: str) -> None:
    for lang, point, other in (("en", ".", ","), ("es", ",", ".")):
        picture = drawn(name, lang, "gradients")
        numbers = [n for text in texts(picture) for n in NUMBER.findall(text)]
        assert not any(other in n for n in numbers), lang
        integers = all(n.lstrip("−").isdigit() for n in numbers)  # a graph of whole numbers
        assert integers or any(point in n for n in numbers), lang
        tex = [line.tex for box in picture.boxes for line in box.text.lines]
        if lang == "es" and not integers:
            assert any("{,}" in line for line in tex) and not re.search(r"\d\.\d", " ".join(tex))


def test_a_large_network_is_a_summary_with_the_counts() -> None:
    picture = drawn("digits-64-15-10", "en", "gradients")
    assert len(picture.edges) == 5 * 5 + 5 * 5 + 5
    assert not any(edge.labels for edge in picture.edges)
    written_ = texts(picture)
    for count in ("64 inputs", "15 units", "10 units"):
        assert count in written_
    assert sum(text == "⋮" for text in written_) == 3
    notes = " ".join(written_)
    assert "W⁽¹⁾: 64 × 15 weights" in notes and "W⁽²⁾: 15 × 10 weights" in notes
    assert "x, z, a, y: observation 1 of 1797." in notes


def test_a_batch_follows_its_first_observation() -> None:
    found = trace("tanh-batch-column")
    written_ = texts(drawn("tanh-batch-column", "en", "values"))
    assert f"x₂ = {written(found.exercise.x[0, 1], 'en')}" in written_
    z = np.array(spec("tanh-batch-column")["layers"][0]["weights"]) @ [1.0, 2.0] + [0.0, -0.1]
    assert f"z₂⁽¹⁾ = {written(z[1], 'en', 4)}" in written_  # observation 1, as numpy has it
    assert "x, z, a, y: observation 1 of 3." in written_


def test_labels_that_find_no_place_go_into_a_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from backcalc.render.diagram import layout

    monkeypatch.setattr(layout, "CANDIDATES", [])
    figure = Figure(trace("reference-2-3-1"), values=True, gradients=True)
    picture = scene(figure, style_for("en"))
    assert not any(edge.labels for edge in picture.edges)
    written_ = texts(picture)
    assert "W⁽¹⁾ = " in written_ and "W⁽²⁾ = " in written_
    weights = [
        w for layer in spec("reference-2-3-1")["layers"] for row in layer["weights"] for w in row
    ]
    for weight in weights:
        assert written(weight, "en") in written_
    gradients = [g for matrix in _reference_gradients() for g in matrix.ravel()]
    for gradient in gradients:
        assert written(gradient, "en", 4) in written_
    notes = " ".join(written_)
    assert "W⁽¹⁾: in the table above, each weight over its ∂J/∂w in red (too many" in notes
    assert "Above each edge" not in notes
    plain = texts(scene(Figure(trace("reference-2-3-1"), values=True), style_for("en")))
    assert "W⁽²⁾: in the table above (too many edges to label)." in " ".join(plain)

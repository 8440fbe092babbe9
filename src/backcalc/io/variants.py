"""A template read for its variants, and each variant written back as an ordinary spec.

`read_template` reads a spec with its `vary:` section (io/vary.py) and keeps the spec's plain
YAML data; `variant_document` is that data with the variant's numbers in place (each at the
decimals it was drawn with, as a person writes it: 0.3, never 0.30000000000000004; a whole
number without a point), `answer_decimals` set and `vary:` and `validation:` taken out. Titles,
description, notation, task, course, author and date, the loss and its options, the learning
rate and λ are kept as the template writes them; arrays the template read from a file or drew
with an initializer are written inline (a variant's spec stands alone). `dump` writes it as
YAML text, a comment on top.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from backcalc.core.variants.rules import Rule, Vary, rule_decimals
from backcalc.io import spec, yamlnodes
from backcalc.io.vary import read as read_vary

if TYPE_CHECKING:
    from pathlib import Path

    from backcalc.core.activations import Array
    from backcalc.core.exercise import ExerciseKind
    from backcalc.core.graph import Graph
    from backcalc.core.network import Exercise
    from backcalc.core.variants import Variant
    from backcalc.io.limits import Limits

DROPPED = ("vary", "validation", "answer_decimals")


@dataclass(frozen=True, eq=False)
class Template:
    """A template: its exercise, what varies, the spec's plain YAML data and its file name."""

    exercise: ExerciseKind
    vary: Vary
    data: dict[str, Any]
    file: str


def read_template(
    path: Path, display_name: str | None = None, limits: Limits | None = None
) -> Template:
    """The template at `path` (a located SpecError for anything wrong with it, `vary:` too)."""
    name = display_name or str(path)
    doc = yamlnodes.load(yamlnodes.read_text(path, name), name)
    exercise = spec.from_document(doc, path.parent, limits)
    data = doc.data if isinstance(doc.data, dict) else {}
    return Template(exercise, read_vary(doc, exercise), data, name)


def variant_document(template: Template, variant: Variant, decimals: int) -> dict[str, Any]:
    """The spec of `variant`: the template's data with the variant's numbers in place."""
    document = {k: copy.deepcopy(v) for k, v in template.data.items() if k not in DROPPED}
    if variant.exercise.kind == "graph":
        _graph_numbers(document, template, variant.exercise)  # type: ignore[arg-type]
    else:
        _network_numbers(document, template, variant.exercise)  # type: ignore[arg-type]
    document["answer_decimals"] = decimals
    return document


def dump(document: dict[str, Any], header_comment: str = "") -> str:
    """The document as YAML text, `header_comment` as `#` lines on top: mappings and texts in
    block style, a list of numbers (a vector, a matrix's row) on one line."""
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    lines = [f"# {line}".rstrip() for line in header_comment.splitlines()]
    return "".join(line + "\n" for line in lines) + body


class _Dumper(yaml.SafeDumper):
    """Lists of numbers in flow style ([0.1, -0.5]), everything else in block style."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = all(isinstance(v, int | float) and not isinstance(v, bool) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat and bool(data))


_Dumper.add_representer(list, _represent_list)


# -- the numbers, each written as the template (or its rule) writes it --------------------------


def _graph_numbers(document: dict[str, Any], template: Template, graph: Graph) -> None:
    written = document.get("values") if isinstance(document.get("values"), dict) else {}
    assert isinstance(written, dict)
    values = {}
    for name, value in graph.values.items():
        rule = template.vary.value_of(name)
        values[name] = _number(value, rule_decimals(rule)) if name in written else value
        if rule_decimals(rule) is None and name in written:
            values[name] = written[name]
    document["values"] = values


def _network_numbers(document: dict[str, Any], template: Template, exercise: Exercise) -> None:
    vary, original = template.vary, template.exercise
    assert original.kind == "network"
    given = document.get("input")
    x = exercise.x if exercise.batched else exercise.x[0]
    document["input"] = _array(given, x, rule_decimals(vary.input))
    document["target"] = _target(document.get("target"), exercise, vary.target)
    layers = document.get("layers")
    assert isinstance(layers, list)
    for number, (written, layer) in enumerate(
        zip(layers, exercise.network.layers, strict=True), start=1
    ):
        assert isinstance(written, dict)
        weights = layer.weights.reshape(layer.weights_shape)
        written["weights"] = _array(
            written.get("weights"), weights, rule_decimals(vary.weights_of(number))
        )
        if layer.bias is not None:
            bias = layer.bias.reshape(layer.bias_shape or layer.bias.shape)
            written["bias"] = _array(written.get("bias"), bias, rule_decimals(vary.bias_of(number)))


def _array(written: Any, values: Array, places: int | None) -> Any:
    """`values` as the spec writes them: kept as written where the rule keeps them (and the
    template wrote them), else as numbers at `places` decimals (None: as they are)."""
    if places is None and written is not None and not isinstance(written, dict):
        return written
    if places is None:  # read from a file or drawn by an initializer: inline, every digit
        return np.asarray(values, dtype=np.float64).tolist()
    return _numbers(np.asarray(values, dtype=np.float64), places)


def _numbers(values: Array, places: int) -> Any:
    if values.ndim == 0:
        return _number(float(values), places)
    return [_numbers(row, places) for row in values]


def _number(value: float, places: int | None) -> float | int:
    """A number at `places` decimals, as its shortest decimal: 0.3; at 0 decimals a whole one."""
    if places is None:
        return value
    rounded = float(f"{value:.{places}f}")
    return int(rounded) if places == 0 else rounded


def _target(written: Any, exercise: Exercise, rule: Rule) -> Any:
    """The target as the template writes it: class indices where it gives indices, one-hot rows
    where rows, numbers elsewhere."""
    y = exercise.target
    places = rule_decimals(rule)
    if places is None and written is not None and not isinstance(written, dict):
        return written
    if exercise.network.loss.classes and _indices(written, exercise):
        classes = [int(c) for c in np.argmax(y, axis=1)]
        return classes if exercise.batched else classes[0]
    if exercise.network.loss.classes:
        places = 0
    shape = np.shape(written) if isinstance(written, list | int | float) else None
    values = y if exercise.batched else y[0]
    if shape is not None and int(np.prod(shape)) == values.size:
        values = values.reshape(shape)
    elif exercise.batched and y.shape[1] == 1:  # one number per observation
        values = y.reshape(-1)
    elif not exercise.batched and y.shape[1] == 1:
        values = y.reshape(())
    if places is None:
        return np.asarray(values).tolist()
    return _numbers(np.asarray(values, dtype=np.float64), places)


def _indices(written: Any, exercise: Exercise) -> bool:
    """Whether the template writes its class targets as indices (a number per observation)."""
    if written is None or isinstance(written, dict):  # from a file: indices if it held them
        return True
    if exercise.batched:
        return isinstance(written, list) and not any(isinstance(v, list) for v in written)
    return not isinstance(written, list)

"""An answers file: the quantities a person worked out by hand, to be checked against a trace.

```yaml
layers:
  1:
    dJ_dW: [[0.378, -0.714], [0.252, -0.476], [0.36, -0.68]]
    dJ_db: ["0,21", "0,14", "0,20"]      # decimal commas, quoted
loss: 10.02
student: Ana Pérez     # optional, with variant: kept for grading a class, ignored here
```

Layers are numbered from 1; any subset of layers and quantities may be given, with the names of
`run --format json`. For a computational graph, node values and gradients by name:

```yaml
values: {q: 3}           # nodes (the graph's inputs are given, not claimed)
gradients: {x: -4, q: "-4,0"}   # ∂out/∂name for nodes and inputs
```
 A value may be written in any layout with the same entries in the same
order as `run` shows them (a column [[0.21], [0.14], [0.2]] for a vector is fine); the number of
decimals each number was written with is kept (0 for a whole number; -1 for a number not written
as text: from Python, numpy or a data file). A `.npz` file of arrays (`dJ_dW1`, `delta2`,
`loss`) is read by `io/answersnpz.py`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from backcalc.core.grading import Claim
from backcalc.core.quantities import LAYER_QUANTITIES, TOP_QUANTITIES, UPDATES, quantity
from backcalc.io import yamlnodes
from backcalc.io.limits import Limits
from backcalc.io.reader import ValueReader, describe, suggest
from backcalc.io.yamlnodes import child

if TYPE_CHECKING:
    from collections.abc import Callable

    from backcalc.core.activations import Array
    from backcalc.core.network import Trace
    from backcalc.errors import SpecError

LABELS = ("student", "variant")  # who answered and which version of the exercise: kept, not graded


@dataclass(frozen=True)
class Answers:
    """An answers file: the claims, and who answered which variant (None where not given)."""

    claims: tuple[Claim, ...]
    student: str | None = None
    variant: str | None = None


def read(
    path: Path, trace: Trace, display_name: str | None = None, limits: Limits | None = None
) -> tuple[Claim, ...]:
    """The answers in the file at `path` (YAML, or a `.npz` of arrays); data files a YAML file
    names are read from its folder."""
    return read_answers(path, trace, display_name, limits).claims


def read_answers(
    path: Path, trace: Trace, display_name: str | None = None, limits: Limits | None = None
) -> Answers:
    """`read`, with the student and the variant the file names."""
    name = display_name or str(path)
    if path.suffix.lower() == ".npz":
        from backcalc.io import answersnpz  # numpy's own format: arrays, no written decimals

        return answersnpz.read_answers(path, trace, name, limits)
    return parse_answers(yamlnodes.read_text(path, name), trace, name, path.parent, limits)


def parse(
    text: str,
    trace: Trace,
    file: str = "<answers>",
    base: Path | None = None,
    limits: Limits | None = None,
) -> tuple[Claim, ...]:
    return parse_answers(text, trace, file, base, limits).claims


def parse_answers(
    text: str,
    trace: Trace,
    file: str = "<answers>",
    base: Path | None = None,
    limits: Limits | None = None,
) -> Answers:
    """The answers in the YAML `text`, with the student and the variant it names."""
    return _AnswersReader(yamlnodes.load(text, file), trace, base, limits).answers()


def from_data(data: Any, trace: Trace, file: str = "<answers>") -> tuple[Claim, ...]:
    """Answers given as Python data in the answers-file layout (numpy arrays allowed; layer
    keys 1 or "1")."""
    return _AnswersReader(yamlnodes.from_data(data, file), trace).answers().claims


def decimals(raw: str | None) -> int:
    """The decimals a number was written with: '0.045' -> 3, '0,5' -> 1, '2' -> 0, '1e-3' -> 3,
    '2.5e-1' -> 2, '1.50e2' -> 0 (150 has none); -1 for a number not written as text (a value
    from Python or numpy, an array from a file)."""
    if raw is None:
        return -1
    text = raw.strip().replace(",", ".")
    try:
        exponent = Decimal(text).as_tuple().exponent
    except InvalidOperation:  # YAML 1.1's other ways to write a number: 0x1F, 0o17, 1:30
        if not any(c.isdigit() for c in text):  # '.nan', '.inf': not a number one writes
            return -1
        return len(text) - text.rindex(".") - 1 if "." in text else 0
    if not isinstance(exponent, int):  # 'nan', 'inf': not a number one writes decimals for
        return -1
    return max(0, -exponent)


class _AnswersReader(ValueReader):
    def __init__(
        self,
        doc: yamlnodes.Document,
        trace: Trace,
        base: Path | None = None,
        limits: Limits | None = None,
    ) -> None:
        super().__init__(doc, base, limits)
        self.trace = trace
        self.n_layers = 0 if trace.kind == "graph" else len(trace.layers)

    def answers(self) -> Answers:
        if self.trace.kind == "graph":
            return self.graph_answers()
        keys = ("layers", *TOP_QUANTITIES, *LABELS)
        top = self.mapping(self.doc.data, "", keys, "an answers file")
        found = [self.claim(top[name], name, name, None) for name in TOP_QUANTITIES if name in top]
        layers = top.get("layers", {})
        if not isinstance(layers, dict):
            raise self.fail(
                "layers", f"expected layer numbers (1:, 2:, ...), found {describe(layers)}"
            )
        for key, given in layers.items():
            number = self.layer_number(key)
            path = child("layers", key)
            spec = self.mapping(given, path, LAYER_QUANTITIES, f"the answers for layer {number}")
            found += [self.claim(v, child(path, name), name, number) for name, v in spec.items()]
        if not found:
            raise self.fail(
                "", "no answers given: name quantities such as layers: {1: {dJ_dW: ...}}"
            )
        student, variant = (self.label(top[key], key) if key in top else None for key in LABELS)
        return Answers(tuple(found), student, variant)

    def graph_answers(self) -> Answers:
        """`values: {q: 3}` (nodes) and `gradients: {x: -4}` (nodes and inputs), by name."""
        from backcalc.core.grading.graphmodel import GRADIENT, VALUE, key

        graph: Any = self.trace.exercise
        data = self.doc.data
        if isinstance(data, dict) and "layers" in data:
            raise self.fail(
                "layers",
                "a computational graph has no layers: claim its nodes' values by name with "
                "values: {q: 3} and gradients with gradients: {x: -4}",
            )
        top = self.mapping(data, "", ("values", "gradients", *LABELS), "an answers file")
        nodes = tuple(node.name for node in graph.nodes)
        found = []
        for section, kind, names in (
            ("values", VALUE, nodes),
            ("gradients", GRADIENT, (*nodes, *graph.values)),
        ):
            given = top.get(section, {})
            if not isinstance(given, dict):
                example = "values: {q: 3}" if kind == VALUE else "gradients: {x: -4}"
                raise self.fail(
                    section, f"expected names and numbers ({example}), found {describe(given)}"
                )
            for name, value in given.items():
                path = child(section, name)
                if kind == VALUE and name in graph.values:
                    raise self.fail(
                        path,
                        f"'{name}' is given in the spec, not computed: claim the values of "
                        f"the nodes ({', '.join(nodes)})",
                    )
                if name not in names:
                    raise self.fail(
                        path,
                        f"no node{'' if kind == VALUE else ' or value'} '{name}' in this graph"
                        f"{suggest(name, names)} (expected: {', '.join(names)})",
                    )
                number = self.number(value, path)
                raw = self.written(value, path, ())
                places = np.array(decimals(raw), dtype=np.int64)
                step_kind, node = key(kind, name)
                found.append(
                    Claim(step_kind, node, np.asarray(number), places, (raw or repr(number),))
                )
        if not found:
            raise self.fail(
                "", "no answers given: name node values and gradients such as values: {q: 3}"
            )
        student, variant = (self.label(top[k], k) if k in top else None for k in LABELS)
        return Answers(tuple(found), student, variant)

    def label(self, value: Any, path: str) -> str:
        """A student's name or a variant: text or a number, as written."""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(path, f"expected a name or a number, found {describe(value)}")
        return self.doc.raw.get(path, str(value)).strip()

    nullable = False

    def number(self, value: Any, path: str) -> float:
        """A claimed number, or NaN for a `null` entry of a list (`z: [0.3775, null]`: the
        second entry is not claimed)."""
        if value is None and self.nullable:
            return math.nan
        return super().number(value, path)

    def layer_number(self, key: str) -> int:
        path = child("layers", key)
        if not key.isdigit() or not 1 <= int(key) <= self.n_layers:
            raise self.fail(
                path, f"expected a layer number from 1 to {self.n_layers}, found '{key}'"
            )
        return int(key)

    def claim(self, value: Any, path: str, name: str, layer: int | None) -> Claim:
        def fail(message: str) -> SpecError:
            return self.fail(path, message)

        expected = expected_quantity(self.trace, name, layer, fail)
        self.nullable = isinstance(value, list)  # an entry not claimed: null (not the whole)
        written = self.array(value, path, f"the values of {name}", stacked=name == "g_prime")
        self.nullable = False
        if np.all(np.isnan(written)):
            raise fail("every entry is null: claim at least one, or leave the key out")
        flipped = name in TRANSPOSABLE and transposed(written, expected)
        # a batch in column convention, written as its tables show it: a column per observation
        columns = self.by_columns(name) and transposed(written, expected)
        if not (flipped or columns):
            check_shape(written, expected, fail, self.comma_hint(value, _row(expected)))
        raw = [self.written(value, path, i) for i in np.ndindex(written.shape)]
        places = np.array([decimals(text) for text in raw], dtype=np.int64)
        texts = [
            "" if math.isnan(v) else text or repr(float(v))
            for text, v in zip(raw, written.flat, strict=True)
        ]
        if flipped or columns:  # graded in the JSON's layout (a ∂J/∂W transposed: a slip)
            order = np.arange(written.size).reshape(written.shape).T.ravel()
            written, places = written.T, places.reshape(written.shape).T
            texts = [texts[i] for i in order]
        shape = expected.shape
        claim = Claim(name, layer, written.reshape(shape), places.reshape(shape), tuple(texts))
        return dataclasses.replace(claim, transposed=flipped) if flipped else claim

    def by_columns(self, name: str) -> bool:
        """Whether a per-unit quantity may be written one column per observation, as the
        column convention's tables show a batch (a square one is read as the JSON's rows)."""
        exercise = self.trace.exercise
        return (
            name in PER_UNIT
            and exercise.kind == "network"
            and exercise.batched
            and exercise.network.convention == "column"
        )

    def written(self, value: Any, path: str, index: tuple[int, ...]) -> str | None:
        """Entry `index` of `value` as written: the YAML text, or a string given as Python data
        ("0,21"); None for a number that was not text."""
        text = self.doc.raw.get(_entry_path(path, index))
        if text is not None or self.doc.marks:
            return text
        for i in index:
            value = value[i] if isinstance(value, list) else None
        return value if isinstance(value, str) else None


def expected_quantity(
    trace: Trace, name: str, layer: int | None, fail: Callable[[str], SpecError]
) -> Array:
    """The trace's value of a quantity an answers file claims, or `fail`'s error saying why the
    network has none."""
    expected = quantity(trace, name, layer)
    if expected is not None:
        return expected
    if name in UPDATES and trace.exercise.learning_rate is None:
        raise fail("the spec has no learning_rate, so there is no update step")
    if layer is None:
        raise fail("only a classification loss gives class probabilities")
    raise fail(f"layer {layer} has no bias")


PER_UNIT = ("z", "a", "g_prime", "dJ_da", "delta", "prediction", "probabilities", "dJ_dx")
TRANSPOSABLE = ("dJ_dW", "weights_updated")  # a matrix written transposed is graded, not refused


def transposed(written: Array, expected: Array) -> bool:
    """A matrix written with the shape of the transpose of a non-square one."""
    return (
        written.ndim == 2
        and expected.ndim == 2
        and written.shape == expected.shape[::-1]
        and written.shape[0] != written.shape[1]
    )


def check_shape(
    written: Array, expected: Array, fail: Callable[[str], SpecError], hint: str = ""
) -> None:
    """`fail`'s error unless `written` has the entries of `expected` (a vector may be written as
    a column or a row); says when it looks transposed."""
    if np.squeeze(written).shape == np.squeeze(expected).shape:
        return
    if written.ndim == 2 and written.shape == expected.shape[::-1]:
        hint = "; it looks transposed (gradients have the shape of what they differentiate)"
    raise fail(f"{_shape(written)}, but the network's is {_shape(expected)}{hint}")


def _entry_path(path: str, index: tuple[int, ...]) -> str:
    for i in index:
        path = child(path, i)
    return path


def _row(expected: Array) -> int:
    return int(expected.shape[-1]) if expected.ndim else 1


def _shape(array: Array) -> str:
    if array.ndim == 0:
        return "one number"
    if array.ndim == 1:
        return f"{array.shape[0]} values"
    return "×".join(str(n) for n in array.shape)

"""An answers file: the quantities a person worked out by hand, to be checked against a trace.

```yaml
layers:
  1:
    dJ_dW: [[0.378, -0.714], [0.252, -0.476], [0.36, -0.68]]
    dJ_db: ["0,21", "0,14", "0,20"]      # decimal commas, quoted
loss: 10.02
```

Layers are numbered from 1; any subset of layers and quantities may be given, with the names of
`run --format json`. A value may be written in any layout with the same entries in the same
order as `run` shows them (a column [[0.21], [0.14], [0.2]] for a vector is fine); the number of
decimals each number was written with is kept, as rounding allowance.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from backcalc.core.grading import Claim
from backcalc.core.quantities import LAYER_QUANTITIES, TOP_QUANTITIES, UPDATES, quantity
from backcalc.io import yamlnodes
from backcalc.io.limits import Limits
from backcalc.io.reader import ValueReader, describe
from backcalc.io.yamlnodes import child

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.network import Trace


def read(
    path: Path, trace: Trace, display_name: str | None = None, limits: Limits | None = None
) -> tuple[Claim, ...]:
    """The answers in the file at `path`; data files it names are read from its folder."""
    name = display_name or str(path)
    return parse(yamlnodes.read_text(path, name), trace, name, path.parent, limits)


def parse(
    text: str,
    trace: Trace,
    file: str = "<answers>",
    base: Path | None = None,
    limits: Limits | None = None,
) -> tuple[Claim, ...]:
    return _AnswersReader(yamlnodes.load(text, file), trace, base, limits).claims()


def from_data(data: Any, trace: Trace, file: str = "<answers>") -> tuple[Claim, ...]:
    """Answers given as Python data in the answers-file layout (numpy arrays allowed; layer
    keys 1 or "1")."""
    return _AnswersReader(yamlnodes.from_data(data, file), trace).claims()


def decimals(raw: str | None) -> int:
    """The decimals a number was written with: '0.045' -> 3, '0,5' -> 1; -1 for a whole number
    or a number not written as text (a dict's float)."""
    if raw is None:
        return -1
    try:
        exponent = Decimal(raw.strip().replace(",", ".")).as_tuple().exponent
    except InvalidOperation:
        return -1
    return -exponent if isinstance(exponent, int) and exponent < 0 else -1


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
        self.n_layers = len(trace.layers)

    def claims(self) -> tuple[Claim, ...]:
        top = self.mapping(self.doc.data, "", ("layers", *TOP_QUANTITIES), "an answers file")
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
        return tuple(found)

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
        expected = quantity(self.trace, name, layer)
        if expected is None and name in UPDATES and self.trace.exercise.learning_rate is None:
            raise self.fail(path, "the spec has no learning_rate, so there is no update step")
        if expected is None and layer is None:
            raise self.fail(path, "only a classification loss gives class probabilities")
        if expected is None:
            raise self.fail(path, f"layer {layer} has no bias")
        self.nullable = isinstance(value, list)  # an entry not claimed: null (not the whole)
        written = self.array(value, path, f"the values of {name}")
        self.nullable = False
        if np.all(np.isnan(written)):
            raise self.fail(path, "every entry is null: claim at least one, or leave the key out")
        if np.squeeze(written).shape != np.squeeze(expected).shape:
            hint = self.comma_hint(value, _row(expected))
            if written.ndim == 2 and written.shape == expected.shape[::-1]:
                hint = "; it looks transposed (gradients have the shape of what they differentiate)"
            raise self.fail(
                path, f"{_shape(written)}, but the network's is {_shape(expected)}{hint}"
            )
        raw = [self.doc.raw.get(_entry_path(path, i)) for i in np.ndindex(written.shape)]
        places = np.array([decimals(text) for text in raw], dtype=np.int64)
        texts = tuple(
            "" if math.isnan(v) else text or repr(float(v))
            for text, v in zip(raw, written.flat, strict=True)
        )
        shape = expected.shape
        return Claim(name, layer, written.reshape(shape), places.reshape(shape), texts)


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

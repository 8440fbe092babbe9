"""A marks file: how many marks each step of an answers file is worth (`check --marks`).

```yaml
default: 1          # every step not named below (1 if left out)
delta: 2            # δ of every layer
dJ_dW: 2
layers:
  1: {dJ_dW: 3}     # ∂J/∂W⁽¹⁾ alone
```

Names are those of `run --format json` and of an answers file; marks are numbers ≥ 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backcalc.core.grading import Marks
from backcalc.core.quantities import LAYER_QUANTITIES, TOP_QUANTITIES
from backcalc.io import yamlnodes
from backcalc.io.reader import ValueReader, describe
from backcalc.io.yamlnodes import child

QUANTITIES = (*TOP_QUANTITIES, *LAYER_QUANTITIES)


def read(path: Path, display_name: str | None = None) -> Marks:
    name = display_name or str(path)
    return parse(yamlnodes.read_text(path, name), name)


def parse(text: str, file: str = "<marks>") -> Marks:
    return _MarksReader(yamlnodes.load(text, file)).marks()


def from_data(data: Any, file: str = "<marks>") -> Marks:
    """Marks given as Python data in the marks-file layout (layer keys 1 or "1")."""
    return _MarksReader(yamlnodes.from_data(data, file)).marks()


class _MarksReader(ValueReader):
    def marks(self) -> Marks:
        top = self.mapping(self.doc.data, "", ("default", "layers", *QUANTITIES), "a marks file")
        default = self.mark(top.get("default", 1), "default")
        by_quantity = {
            name: self.mark(value, name) for name, value in top.items() if name in QUANTITIES
        }
        by_step: dict[tuple[str, int | None], float] = {}
        layers = top.get("layers", {})
        if not isinstance(layers, dict):
            raise self.fail(
                "layers", f"expected layer numbers (1:, 2:, ...), found {describe(layers)}"
            )
        for key, given in layers.items():
            path = child("layers", key)
            if not key.isdigit() or int(key) < 1:
                raise self.fail(path, f"expected a layer number from 1, found '{key}'")
            spec = self.mapping(given, path, LAYER_QUANTITIES, f"the marks of layer {key}")
            for name, value in spec.items():
                by_step[(name, int(key))] = self.mark(value, child(path, name))
        return Marks(default, by_quantity, by_step)

    def mark(self, value: Any, path: str) -> float:
        number = self.number(value, path)
        if number < 0:
            raise self.fail(path, f"expected marks ≥ 0, found {value}")
        return number

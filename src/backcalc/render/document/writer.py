"""What the step-by-step solution's sections write with: notation helpers, and matrices laid out
as the convention lays them out (columns in column convention, rows in row convention)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from backcalc.render import shapes
from backcalc.render.document.mathtex import MathWriter, sup

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.network import Trace
    from backcalc.render.style import Style

DJ = r"\frac{\partial J}{\partial "
L2_TEX = r"\lambda \sum_{l} \sum_{i,j} \left(W^{(l)}_{ij}\right)^2"
SHOW_EACH_UNIT = 6  # up to this many units, a = g(z) is written out unit by unit


def d(of: str) -> str:
    """∂J/∂`of` in LaTeX."""
    return DJ + of + "}"


def chain(*parts: str) -> str:
    """`a = b = c`, one `= …` per line (aligned), as a hand solution is written."""
    head, *rest = parts
    if not rest:
        return head
    lines = [f"{head} &= {rest[0]}"] + [f"&= {part}" for part in rest[1:]]
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


class NetworkWriter:
    """A network solution's notation: the trace, the style, and matrices written as the
    convention lays them out; the sections (network.py, backward.py) write with it."""

    def __init__(self, trace: Trace, style: Style) -> None:
        self.trace = trace
        self.t = style.t
        self.exercise = trace.exercise
        self.network = trace.exercise.network
        self.column = self.network.convention == "column"
        self.batched = self.exercise.batched
        self.m = MathWriter(style.numbers)
        self.decimals = style.numbers.decimals
        self.n_layers = len(self.network.layers)
        self.style = style

    def given(self, value: float) -> str:
        """A number the user gave, in math."""
        return self.m.number(value, given=True)

    # -- matrices as the convention lays them out ---------------------------------------------

    def units(self, values: Array, sized: bool = False, given: bool = False) -> str:
        shown = shapes.units(values, self.column)
        return self.m.sized(shown, given) if sized else self.m.matrix(shown, given)

    def units_t(self, values: Array, sized: bool = False) -> str:
        """The transpose of a per-unit quantity (a⁽ˡ⁻¹⁾ᵀ in ∂J/∂W)."""
        shown = shapes.units_transposed(values, self.column)
        return self.m.sized(shown) if sized else self.m.matrix(shown)

    def bias(self, values: Array, sized: bool = False, given: bool = False) -> str:
        if values.ndim == 0:
            return self.m.number(float(values), given)
        shown = shapes.vector(values, self.column)
        return self.m.sized(shown, given) if sized else self.m.matrix(shown, given)

    def weights(self, values: Array, sized: bool = False, given: bool = False) -> str:
        return self.m.sized(values, given) if sized else self.m.matrix(values, given)

    def a_name(self, layer: int) -> str:
        return "x" if layer == 0 else f"a{sup(layer)}"

    def text_matrix(self, cells: Sequence[Sequence[str]]) -> str:
        """A matrix of formulas, such as σ(1.98); a single one stands alone."""
        if len(cells) == 1 and len(cells[0]) == 1:
            return cells[0][0]
        body = " \\\\\n".join(" & ".join(row) for row in cells)
        return f"\\begin{{pmatrix}}\n{body}\n\\end{{pmatrix}}"

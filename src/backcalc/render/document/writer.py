"""What the step-by-step solution's sections write with: notation helpers, the names of
activations and losses in prose, and matrices laid out as the convention lays them out (columns
in column convention, rows in row convention), fitted to the page line by line (`chain`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from backcalc.core.rounding import hand_round
from backcalc.render import shapes
from backcalc.render.document.mathtex import Key, Mat, MathWriter, Part, mat, sup
from backcalc.render.document.texwidth import PAGE, REL, width

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.network import Trace
    from backcalc.render.style import Style

DJ = r"\frac{\partial J}{\partial "
L2_TEX = r"\lambda \sum_{l} \sum_{i,j} \left(W^{(l)}_{ij}\right)^2"
SHOW_EACH_UNIT = 6  # up to this many units (or observations), each is written out

Line = Part | tuple[Part, ...]


def d(of: str) -> str:
    """∂J/∂`of` in LaTeX."""
    return DJ + of + "}"


def aligned(head: str, lines: Sequence[Sequence[str]]) -> str:
    """`a = b = c`, one `= …` per line (aligned), as a hand solution is written; a line too
    long for the page goes on in rows indented by a quad, each starting with its sign."""
    if not lines:
        return head
    rows = []
    for number, line in enumerate(lines):
        first, *rest = line
        rows.append(f"{head} &= {first}" if number == 0 else f"&= {first}")
        rows += [f"&\\quad {{}} {row}" for row in rest]
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


class NetworkWriter:
    """A network solution's notation: the trace, the style, and matrices written as the
    convention lays them out; the sections (network.py, loss.py, backward.py, summary.py)
    write with it."""

    def __init__(self, trace: Trace, style: Style, known: frozenset[Key] = frozenset()) -> None:
        self.trace = trace
        self.t = style.t
        self.exercise = trace.exercise
        self.network = trace.exercise.network
        self.column = self.network.convention == "column"
        self.batched = self.exercise.batched
        self.m = MathWriter(style.numbers, known)
        self.decimals = style.numbers.decimals
        self.n_layers = len(self.network.layers)
        self.style = style

    def given(self, value: float) -> str:
        """A number the user gave, in math."""
        return self.m.number(value, given=True)

    def name(self, thing: object) -> str:
        """An activation's or a loss's name in prose: the locale's word (sigmoidea, entropía
        cruzada), or, where the locale has none, its identifier in code font (leaky_relu)."""
        from backcalc.core.activations import Activation

        family = "activation" if isinstance(thing, Activation) else "loss"
        identifier: str = getattr(thing, "name", "")
        if self.style.locale.has(f"{family}.{identifier}"):
            return self.style.name(thing)
        escaped = identifier.replace("_", r"\_")
        return f"$\\texttt{{{escaped}}}$"

    def layer_heading(self, number: int) -> str:
        """Layer 1 (hidden), Layer 2 (output)."""
        role = "output" if number == self.n_layers else "hidden"
        return self.style.pick("solution.layer_role", role, n=number)

    # -- matrices as the convention lays them out ---------------------------------------------

    def units(self, values: Array, sized: bool = False, given: bool = False) -> Mat:
        return mat(shapes.units(values, self.column), given, sized)

    def units_t(self, values: Array, sized: bool = False, given: bool = False) -> Mat:
        """The transpose of a per-unit quantity (a⁽ˡ⁻¹⁾ᵀ in ∂J/∂W)."""
        return mat(shapes.units_transposed(values, self.column), given, sized)

    def bias(self, values: Array, sized: bool = False, given: bool = False) -> Mat:
        return mat(shapes.vector(values, self.column), given, sized)

    def weights(self, values: Array, sized: bool = False, given: bool = False) -> Mat:
        return mat(values, given, sized)

    def shows(self, number: int) -> bool:
        """Whether layer `number`'s steps are written (`--layer`)."""
        return self.style.doc.layer in (None, number)

    def a_name(self, layer: int) -> str:
        return "x" if layer == 0 else f"a{sup(layer)}"

    def scale(self) -> tuple[str, str]:
        """The 1/m of a mean over a batch, as a symbol and with its number ('' otherwise)."""
        if not self.batched or self.network.reduction != "mean":
            return "", ""
        return r"\frac{1}{m}", f"\\frac{{1}}{{{self.exercise.x.shape[0]}}}"

    def scalar(self, values: Array) -> bool:
        """One number (one unit, one observation): multiplied with ·, not ⊙."""
        return bool(values.size == 1)

    # -- lines ---------------------------------------------------------------------------------

    def line(self, *parts: Part, budget: float = PAGE) -> str:
        """One line of math, its matrices fitted to `budget` points."""
        return self.m.fit(parts, budget)

    def show(self, item: Mat | str) -> str:
        return item if isinstance(item, str) else self.m.fit([item])

    def chain(self, head: str, *lines: Line) -> str:
        """`head = line = line …` aligned, each line fitted to what the page leaves beside
        `head` (broken into rows where it is still too wide). A line is a part (text or a
        matrix) or a tuple of them; empty ones are left out."""
        budget = PAGE - width(head) - REL
        shown = []
        for line in lines:
            parts = line if isinstance(line, tuple) else (line,)
            if parts and parts != ("",):
                shown.append(self.m.fit_rows(parts, budget))
        return aligned(head, shown)

    def softmax_lines(
        self, z: str, values: Array, result: Array, batched: bool | None = None
    ) -> list[Line]:
        """softmax(`z`) written as a vector, e^z / Σⱼ e^zⱼ (a batch: by its entries), then with
        the numbers of one observation: the exponentials, and their values where these,
        rounded as shown, give the result as shown (so that the line multiplies out)."""
        if self.batched if batched is None else batched:
            entries = f"\\frac{{e^{{{z}_{{ik}}}}}}{{\\sum_{{j}} e^{{{z}_{{ij}}}}}}"
            return [f"\\left({entries}\\right)_{{ik}}"]
        lines: list[Line] = [f"\\frac{{e^{{{z}}}}}{{\\sum_{{j}} e^{{{z}_{{j}}}}}}"]
        row = values[0]
        if row.size > SHOW_EACH_UNIT:
            return lines
        powers = [f"e^{{{self.m.number(float(v))}}}" for v in row]
        vector = [[p] for p in powers] if self.column else [powers]
        lines.append(f"\\frac{{1}}{{{' + '.join(powers)}}} {self.text_matrix(vector)}")
        with np.errstate(over="ignore"):  # e^z past float64: no numbers line
            exps = self.rounded(np.exp(row))
            total = float(self.rounded(np.asarray(np.sum(exps))))
        shown = [self.m.number(float(v)) for v in result[0]]
        if 0 < total < np.inf and [self.m.number(float(v)) for v in exps / total] == shown:
            lines.append((f"\\frac{{1}}{{{self.m.number(total)}}}", self.units(exps[None, :])))
        return lines

    def multiplies_out(self, expected: Array, result: Array) -> bool:
        """Whether a line, `expected` computed from the numbers it shows, gives `result` as the
        document shows it. Under hand rounding a line that does not is left out (the core
        computed that step another way); exact numbers are shown rounded, and agree."""
        if self.trace.hand_decimals is None:
            return True
        left = [self.m.number(float(v)) for v in np.ravel(self.rounded(expected))]
        return left == [self.m.number(float(v)) for v in np.ravel(result)]

    def rounded(self, values: Array) -> Array:
        """`values` rounded as the document shows them (half away from zero)."""
        return hand_round(np.asarray(values, dtype=np.float64), self.decimals)

    def text_matrix(self, cells: Sequence[Sequence[str]]) -> str:
        """A matrix of formulas, such as σ(1.98); a single one stands alone."""
        if len(cells) == 1 and len(cells[0]) == 1:
            return cells[0][0]
        body = " \\\\\n".join(" & ".join(row) for row in cells)
        return f"\\begin{{pmatrix}}\n{body}\n\\end{{pmatrix}}"

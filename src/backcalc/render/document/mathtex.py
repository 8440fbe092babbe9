"""LaTeX math for the step-by-step solutions, shared by the Markdown and LaTeX documents.

Everything here is valid in pdflatex with amsmath, in KaTeX (strict) and on GitHub: matrices are
`pmatrix` with one row per line and a row break only at a line's end; no backslash-punctuation
macros (GitHub's Markdown eats them); a decimal comma is written `{,}`. Numbers come from the
one NumberFormat, so every format agrees with the terminal tables digit for digit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from backcalc.render.numbers import NumberFormat
from backcalc.render.shapes import CORNER, corner

if TYPE_CHECKING:
    from backcalc.core.activations import Array

MAX_ROWS = 20
MAX_COLUMNS = 20  # the LaTeX preamble raises amsmath's MaxMatrixCols to this


class MathWriter:
    def __init__(self, numbers: NumberFormat) -> None:
        self.numbers = numbers.for_math()

    def number(self, value: float, given: bool = False) -> str:
        text = self.numbers.given(value) if given else self.numbers.fixed(value)
        return text.replace("∞", r"\infty").replace("−", "-")

    def matrix(self, values: Array, given: bool = False) -> str:
        """A pmatrix (a 1×1 one is a plain number); too large a matrix is described instead."""
        values = np.asarray(values, dtype=np.float64)
        if values.ndim < 2:
            values = values.reshape(1, -1)
        rows, columns = values.shape
        if rows == 1 and columns == 1:
            return self.number(float(values[0, 0]), given)
        if rows > MAX_ROWS or columns > MAX_COLUMNS:
            return self.corner(values, given)
        lines = [" & ".join(self.number(float(v), given) for v in row) for row in values]
        body = " \\\\\n".join(lines)
        return f"\\begin{{pmatrix}}\n{body}\n\\end{{pmatrix}}"

    def corner(self, values: Array, given: bool = False) -> str:
        """Too large for a page: the first rows and columns, the last of each, and ellipses."""
        rows, columns = values.shape
        keep_rows, keep_columns = corner(rows), corner(columns)
        lines = []
        for i in keep_rows:
            cells = [self.number(float(values[i, j]), given) for j in keep_columns]
            if columns > CORNER:
                cells.insert(CORNER, r"\cdots")
            lines.append(" & ".join(cells))
            if i == CORNER - 1 and rows > CORNER:
                dots = [r"\vdots"] * len(keep_columns)
                if columns > CORNER:
                    dots.insert(CORNER, r"\ddots")
                lines.append(" & ".join(dots))
        body = " \\\\\n".join(lines)
        return f"\\begin{{pmatrix}}\n{body}\n\\end{{pmatrix}}"

    def sized(self, values: Array, given: bool = False) -> str:
        """A matrix with its dimensions underneath, as the notes write them."""
        values = np.asarray(values)
        shape = values.shape if values.ndim == 2 else (1, values.size)
        if shape == (1, 1):
            return self.matrix(values, given)
        return rf"\underbrace{{{self.matrix(values, given)}}}_{{{shape[0]} \times {shape[1]}}}"


def transpose(name: str) -> str:
    """x -> x^{T}; a^{(1)} -> a^{(1)T}, as the notes write X^{(2)T} (no double superscript)."""
    return name[:-1] + "T}" if name.endswith(")}") else name + "^{T}"


def sup(layer: int) -> str:
    return f"^{{({layer})}}"

"""LaTeX math for the step-by-step solutions, shared by the Markdown and LaTeX documents.

Everything here is valid in pdflatex with amsmath, in KaTeX (strict) and on GitHub: matrices are
`pmatrix` with one row per line and a row break only at a line's end (`inline` matrices, for a
table's cells, break rows with `\\cr`, which GitHub leaves alone); no backslash-punctuation
macros (GitHub's Markdown eats them); a decimal comma is written `{,}`. Numbers come from the
one NumberFormat, so every format agrees with the terminal tables digit for digit.

A line of an equation is written from parts, text and matrices (`Mat`); `MathWriter.fit` shows
each matrix whole where the line fits the page (texwidth's estimate) and, widest first, as a
corner with ellipses and its shape where it does not. A negative number that is a factor or a
term after the first is written in parentheses: `· (−1,115)`, `+ (−0,1)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from backcalc.render.document.texwidth import PAGE, width
from backcalc.render.numbers import NumberFormat
from backcalc.render.shapes import CORNER, corner

if TYPE_CHECKING:
    from backcalc.core.activations import Array

MAX_ROWS = 20  # taller than this, a matrix is summarised whatever its width
MAX_COLUMNS = 20  # the LaTeX preamble raises amsmath's MaxMatrixCols to this
# the operators after which (or before which) a negative number is a factor or a later term
FACTOR_AFTER = ("\\cdot", "\\odot", "+", "-", "\\times")
FACTOR_BEFORE = ("\\cdot", "\\odot", "\\times")


@dataclass(frozen=True)
class Mat:
    """A matrix in a line of an equation, as shown (2-D; a 1×1 one is a number): `given` numbers
    as written, `sized` with its shape underneath as the notes write it."""

    values: Array
    given: bool = False
    sized: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        rows, columns = self.values.shape
        return int(rows), int(columns)

    @property
    def scalar(self) -> bool:
        return self.shape == (1, 1)

    @property
    def too_large(self) -> bool:
        """Summarised whatever the page: taller than MAX_ROWS, or more columns than amsmath's
        MaxMatrixCols."""
        rows, columns = self.shape
        return rows > MAX_ROWS or columns > MAX_COLUMNS

    @property
    def can_corner(self) -> bool:
        """A corner would leave something out (more than CORNER + 1 rows or columns)."""
        return max(self.shape) > CORNER + 1


Part = str | Mat
Key = tuple[tuple[int, int], bool, bytes]


def mat(values: Array, given: bool = False, sized: bool = False) -> Mat:
    values = np.asarray(values, dtype=np.float64)
    if values.ndim < 2:
        values = values.reshape(1, -1)
    return Mat(values, given, sized)


def wrap(text: str) -> str:
    """A negative number in parentheses (a factor, or a term after the first)."""
    return f"({text})" if text.startswith("-") else text


class MathWriter:
    def __init__(self, numbers: NumberFormat, known: frozenset[Key] = frozenset()) -> None:
        self.numbers = numbers.for_math()
        self.known = known  # summarised elsewhere in the document: summarised here too
        self.cornered: set[Key] = set(known)  # summarised so far

    def number(self, value: float, given: bool = False) -> str:
        text = self.numbers.given(value) if given else self.numbers.fixed(value)
        return text.replace("∞", r"\infty").replace("−", "-")

    def factor(self, value: float, given: bool = False) -> str:
        """A number as a factor: in parentheses when negative."""
        return wrap(self.number(value, given))

    # -- matrices --------------------------------------------------------------------------------

    def matrix(self, values: Array, given: bool = False, budget: float = PAGE) -> str:
        """A pmatrix (a 1×1 one is a plain number), summarised if it does not fit `budget`."""
        return self.fit([mat(values, given)], budget)

    def sized(self, values: Array, given: bool = False) -> str:
        """A matrix with its dimensions underneath, as the notes write them."""
        return self.fit([mat(values, given, sized=True)])

    def render(self, item: Mat, cornered: bool = False, inline: bool = False) -> str:
        """`item` whole, or (`cornered`) its corner with ellipses; a summarised matrix always
        has its shape underneath, so that the reader knows how much is left out."""
        values = item.values
        rows, columns = item.shape
        if item.scalar:
            return self.number(float(values[0, 0]), item.given)
        if cornered:
            body = self._corner(values, item.given, inline)
        else:
            body = self._rows(
                [[self.number(float(v), item.given) for v in row] for row in values], inline
            )
        if item.sized or cornered:
            return rf"{{\underbrace{{{body}}}_{{{rows} \times {columns}}}}}"
        return body

    def _rows(self, cells: Sequence[Sequence[str]], inline: bool = False) -> str:
        if inline:
            body = r" \cr ".join(" & ".join(row) for row in cells)
            return f"\\begin{{pmatrix}} {body} \\end{{pmatrix}}"
        body = " \\\\\n".join(" & ".join(row) for row in cells)
        return f"\\begin{{pmatrix}}\n{body}\n\\end{{pmatrix}}"

    def _corner(self, values: Array, given: bool, inline: bool) -> str:
        """The first CORNER rows and columns, the last of each, and ellipses between; a side
        of CORNER + 1 or fewer is kept whole."""
        rows, columns = values.shape
        keep_rows = corner(rows) if rows > CORNER + 1 else list(range(rows))
        keep_columns = corner(columns) if columns > CORNER + 1 else list(range(columns))
        cut_rows, cut_columns = len(keep_rows) < rows, len(keep_columns) < columns
        lines: list[list[str]] = []
        for i in keep_rows:
            cells = [self.number(float(values[i, j]), given) for j in keep_columns]
            if cut_columns:
                cells.insert(CORNER, r"\cdots")
            lines.append(cells)
            if cut_rows and i == CORNER - 1:
                dots = [r"\vdots"] * len(keep_columns)
                if cut_columns:
                    dots.insert(CORNER, r"\ddots")
                lines.append(dots)
        return self._rows(lines, inline)

    # -- lines -----------------------------------------------------------------------------------

    def fit(self, parts: Sequence[Part], budget: float = PAGE, inline: bool = False) -> str:
        """The parts on one line, each matrix whole or by its corner (see `fit_rows`)."""
        return _joined(self._show(parts, self._corners(parts, budget), inline))

    def fit_rows(self, parts: Sequence[Part], budget: float = PAGE) -> list[str]:
        """The parts as one line, or as several where even with its matrices summarised the
        line is wider than `budget` points: broken before a `+` or `−` between terms (and, if
        a term is still too wide, before a `·` or `⊙` between its factors), each row after the
        first starting with its operator. Never inside \\left( … \\right)."""
        shown = self._show(parts, self._corners(parts, budget), False)
        rows = [list(range(len(parts)))]
        for operators in (SIGNS, PRODUCTS):
            if all(width(_joined([shown[i] for i in row])) <= budget for row in rows):
                break
            rows = [r for row in rows for r in self._break(row, parts, shown, operators, budget)]
        return [_joined([shown[i] for i in row]) for row in rows]

    def _break(
        self,
        row: list[int],
        parts: Sequence[Part],
        shown: list[str],
        operators: tuple[str, ...],
        budget: float,
    ) -> list[list[int]]:
        """`row` (indices of parts) broken greedily before `operators`, where it is too wide."""
        if width(_joined([shown[i] for i in row])) <= budget:
            return [row]
        rows: list[list[int]] = [[]]
        for group in _groups(row, parts, operators):
            joined = _joined([shown[i] for i in rows[-1] + group])
            if rows[-1] and width(joined) > budget - CONTINUATION:
                rows.append([])
            rows[-1] += group
        return rows

    def _corners(self, parts: Sequence[Part], budget: float) -> set[int]:
        """Which matrices of a line are summarised: those summarised before in the document
        (`known`), those too large for any page, each one wider than the page alone, and then,
        widest first, one of a term (a product: both factors count) that is too wide."""
        cornered = set()
        for index, part in enumerate(parts):
            if not isinstance(part, Mat):
                continue
            known = _key(part) in self.known or part.too_large
            if known or (part.can_corner and width(self.render(part)) > budget):
                cornered.add(index)
        for term in _terms(parts):
            while True:
                shown = self._show(parts, cornered, False)
                if width(_joined([shown[i] for i in term])) <= budget:
                    break
                widths = [
                    (width(shown[i]), i)
                    for i in term
                    if isinstance(part := parts[i], Mat) and i not in cornered and part.can_corner
                ]
                if not widths:
                    break
                cornered.add(max(widths)[1])
        self.cornered.update(
            _key(p) for i, p in enumerate(parts) if isinstance(p, Mat) and i in cornered
        )
        return cornered

    def _show(self, parts: Sequence[Part], cornered: set[int], inline: bool) -> list[str]:
        """Each part as text; a negative number that is a factor or a later term in
        parentheses."""
        shown = []
        for index, part in enumerate(parts):
            if isinstance(part, str):
                shown.append(part)
                continue
            text = self.render(part, index in cornered, inline)
            before = parts[index - 1] if index else ""
            after = parts[index + 1] if index + 1 < len(parts) else ""
            factor = isinstance(before, str) and before.rstrip().endswith(FACTOR_AFTER)
            factor |= isinstance(after, str) and after.lstrip().startswith(FACTOR_BEFORE)
            shown.append(wrap(text) if part.scalar and factor else text)
        return shown


CONTINUATION = 11.0  # the \quad that indents a broken line's later rows
SIGNS = ("+", "-")
PRODUCTS = ("\\cdot", "\\odot")


def _key(item: Mat) -> Key:
    """A matrix's identity in the document: the same numbers are the same quantity."""
    return item.shape, item.given, item.values.tobytes()


def _terms(parts: Sequence[Part]) -> list[list[int]]:
    """The indices of the parts of each term of a line: a new term at each lone + or −."""
    return _groups(list(range(len(parts))), parts, SIGNS)


def _groups(row: list[int], parts: Sequence[Part], operators: tuple[str, ...]) -> list[list[int]]:
    """`row`'s indices in groups, a new one at each part that is one of `operators`, outside
    any \\left … \\right."""
    groups: list[list[int]] = [[]]
    depth = 0
    for index in row:
        part = parts[index]
        if isinstance(part, str):
            if depth == 0 and part.strip() in operators and groups[-1]:
                groups.append([])
            depth += part.count("\\left") - part.count("\\right")
        groups[-1].append(index)
    return groups


def _joined(shown: Sequence[str]) -> str:
    """Pieces joined by spaces (none before a comma)."""
    text = ""
    for piece in shown:
        if not piece:
            continue
        text += piece if not text or piece.startswith(",") else " " + piece
    return text


def transpose(name: str) -> str:
    """x -> x^{T}; a^{(1)} -> a^{(1)T}, as the notes write X^{(2)T} (no double superscript)."""
    return name[:-1] + "T}" if name.endswith(")}") else name + "^{T}"


def sup(layer: int) -> str:
    return f"^{{({layer})}}"

"""The end of the step-by-step solution: the gradient-descent step W(t+1) = W(t) − η ∂J/∂W (as
note 002 writes it) and a table of every result, ŷ, J, each ∂J/∂W and ∂J/∂b, ∂J/∂x and the
updated parameters: one row each, a matrix too wide for the table shown by its corner."""

from __future__ import annotations

import math

import numpy as np

from backcalc.render.document.blocks import Block, Equation, Figure, Heading, Paragraph, Table
from backcalc.render.document.mathtex import Mat, sup
from backcalc.render.document.texwidth import PAGE, width
from backcalc.render.document.writer import Line, NetworkWriter, d

FRACTION_STRUT = r" \rule[-12pt]{0pt}{30pt}"  # ∂J/∂W in display style, and 3 pt each way
CELL_PADDING = 24.0  # a two-column tabular's \tabcolsep on each side of each cell
TABLE_HEIGHT = 640.0  # points of rows in one table, which LaTeX keeps on one page


def step(symbol: str) -> tuple[str, str]:
    """W^{(1)} -> W^{(1)}(t+1), W^{(1)}(t): the parameter after and before the step."""
    return f"{symbol}(t+1)", f"{symbol}(t)"


def strut(shown: str) -> tuple[str, float]:
    """An invisible rule as tall and deep as the value shown (its rows, its shape underneath)
    and 3 pt more each way, so that a table row never touches the next whatever the writer's
    row spacing; and its height in points."""
    rows = shown.count(r"\cr") + 1
    half = 6.8 * rows if "pmatrix" in shown else 8.0  # a row of a matrix is 13.6 pt (11 pt)
    below = 9.0 if "underbrace" in shown else 0.0  # the shape under a summarised matrix
    height = 2 * half + 6 + below
    return f"\\rule[-{half - 2.75 + 3 + below:.1f}pt]{{0pt}}{{{height:.1f}pt}}", height


class SummarySteps:
    """The update and the results, written with the network's notation `w`."""

    def __init__(self, w: NetworkWriter) -> None:
        self.w = w

    def update(self) -> list[Block]:
        eta = self.w.exercise.learning_rate
        if eta is None:
            return []
        e = self.w.m.number(eta, given=True)
        blocks: list[Block] = [
            Heading(self.w.t("solution.update"), 2),
            Paragraph(self.w.t("solution.update_intro", eta=f"$\\eta = {e}$")),
        ]
        for number, (layer, lt) in enumerate(
            zip(self.w.network.layers, self.w.trace.layers, strict=True), 1
        ):
            if not self.w.shows(number):
                continue
            s = sup(number)
            assert lt.weights_updated is not None
            parameters = [("weights", f"W{s}", self.w.weights(layer.weights, given=True))]
            updated = [self.w.weights(lt.weights_updated)]
            gradients = [self.w.weights(lt.dW)]
            if layer.bias is not None and lt.bias_updated is not None and lt.db is not None:
                parameters.append(("bias", f"b{s}", self.w.bias(layer.bias, given=True)))
                updated.append(self.w.bias(lt.bias_updated))
                gradients.append(self.w.bias(lt.db))
            for (kind, symbol, old), new, gradient in zip(
                parameters, updated, gradients, strict=True
            ):
                after, before = step(symbol)
                steps: list[Line] = [
                    f"{before} - \\eta {d(symbol)}",
                    (old, "-", f"{e} \\cdot", gradient),
                ]
                if kind in layer.frozen:  # left as it is, as training leaves it
                    blocks.append(Paragraph(self.w.t("solution.frozen", symbol=f"${symbol}$")))
                    steps = [before]
                blocks.append(Equation(self.w.chain(after, *steps, new)))
        return blocks

    def results(self) -> list[tuple[str, Mat]]:
        """Every final result, by its symbol, in the order of a hand solution."""
        trace = self.w.trace
        rows: list[tuple[str, Mat]] = [
            (r"\hat{y}", self.w.units(trace.prediction)),
            ("J", self.w.weights(np.asarray(trace.loss))),
        ]
        for number, lt in enumerate(trace.layers, start=1):
            s = sup(number)
            rows.append((d(f"W{s}"), self.w.weights(lt.dW)))
            if lt.db is not None:
                rows.append((d(f"b{s}"), self.w.bias(lt.db)))
        rows.append((d("x"), self.w.units(trace.dJ_dx)))
        for number, lt in enumerate(trace.layers, start=1):
            s = sup(number)
            if lt.weights_updated is not None:
                rows.append((step(f"W{s}")[0], self.w.weights(lt.weights_updated)))
            if lt.bias_updated is not None:
                rows.append((step(f"b{s}")[0], self.w.bias(lt.bias_updated)))
        return rows

    def summary(self) -> list[Block]:
        """The diagram with the results on it, and the table of results: a matrix in a cell
        breaks its rows with \\cr (a table row is one line of Markdown)."""
        header = (self.w.t("solution.result"), self.w.t("solution.value"))
        rows: list[tuple[tuple[str, str], float]] = []
        for symbol, value in self.results():
            budget = PAGE - width(symbol) - CELL_PADDING
            shown = self.w.m.fit([value], budget, inline=True)
            rule, tall = strut(shown)
            label = f"\\displaystyle {symbol}" + (FRACTION_STRUT if "frac" in symbol else "")
            rows.append(((f"${label}$", f"${shown} {rule}$"), max(tall, 30.0)))
        return [
            Heading(self.w.t("solution.summary"), 2),
            Figure(self.w.trace, values=True, gradients=True),
            *(Table(header, part) for part in _pages(rows)),
        ]


def _pages(rows: list[tuple[tuple[str, str], float]]) -> list[tuple[tuple[str, str], ...]]:
    """The rows in as few tables as keep each within TABLE_HEIGHT (LaTeX does not break a
    table across pages), of about the same height."""
    total = sum(height for _, height in rows)
    target = total / math.ceil(total / TABLE_HEIGHT)
    parts: list[list[tuple[str, str]]] = [[]]
    height = 0.0
    for cells, tall in rows:
        if parts[-1] and height + tall > target + 1:
            parts.append([])
            height = 0.0
        parts[-1].append(cells)
        height += tall
    return [tuple(part) for part in parts]

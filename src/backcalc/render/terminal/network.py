"""Terminal output: the trace as rich tables, in the order a hand solution goes.

Vectors and matrices are laid out as in the user's convention: in column convention a vector is
a column and a batch has one column per observation; in row convention a vector is a row and a
batch has one row per observation. Weight matrices appear as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
from rich.console import Group, RenderableType
from rich.text import Text

from backcalc.core.registry import fill
from backcalc.render import shapes
from backcalc.render.notation import activation_text, layer_index
from backcalc.render.shapes import CORNER
from backcalc.render.style import Style
from backcalc.render.symbols import of as symbols_of
from backcalc.render.terminal.layout import Block, Flow

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.network import Layer, LayerTrace, Trace


BIG = 16  # rows or columns beyond which a matrix is summarised (unless --full)


def matrix_block(
    label: str, values: Array, style: Style, full: bool = False, given: bool = False
) -> Block:
    """A labelled matrix in brackets; `values` is 2-D as it should appear. Beyond BIG rows or
    columns (unless `full`), its shape, summary figures and a corner with ellipses."""
    numbers = style.numbers
    form = numbers.given if given else numbers.fixed
    rows, columns = values.shape
    if full or (rows <= BIG and columns <= BIG):
        return Block.matrix(label, [[form(float(v)) for v in row] for row in values])
    keep_rows, keep_columns = shapes.corner(rows), shapes.corner(columns)
    cells = []
    for i in keep_rows:
        row = [form(float(values[i, j])) for j in keep_columns]
        cells.append([*row[:CORNER], "…", *row[CORNER:]] if columns > CORNER else row)
        if i == CORNER - 1 and rows > CORNER:
            cells.append(["⋮"] * len(cells[-1]))
    fixed = numbers.fixed
    footer = style.t(
        "run.big_summary",
        min=fixed(float(values.min())),
        max=fixed(float(values.max())),
        mean=fixed(float(values.mean())),
        norm=fixed(float(np.linalg.norm(values))),
    )
    return Block.matrix(f"{label} ({rows}×{columns})", cells, footer)


class TerminalRenderer:
    """Builds the renderables for one trace, in the language and number format of `style`."""

    def __init__(self, trace: Trace, style: Style) -> None:
        self.full = style.full
        self.trace = trace
        self.style = style
        self.t = style.t
        self.numbers = style.numbers
        self.exercise = trace.exercise
        self.network = trace.exercise.network
        self.column = self.network.convention == "column"
        symbols = symbols_of(self.exercise)
        self.x, self.y, self.yhat = (symbols.text(r) for r in ("input", "target", "output"))
        self.W, self.b, self.J = (symbols.text(r) for r in ("weights", "bias", "loss"))
        self.z, self.a, self.delta = (
            symbols.text(r) for r in ("preactivation", "activation", "delta")
        )

    def a_name(self, number: int) -> str:
        """x for layer 0, else a⁽ˡ⁾ (in the exercise's symbols)."""
        return self.x if number == 0 else f"{self.a}{layer_index(number)}"

    # -- building blocks ------------------------------------------------------------------

    def matrix(self, label: str, values: Array, given: bool = False) -> Block:
        return matrix_block(label, values, self.style, self.full, given)

    def units(self, label: str, values: Array, given: bool = False) -> Block:
        """A per-unit quantity (m, k): a column per observation (column convention) or a row."""
        return self.matrix(label, shapes.units(values, self.column), given)

    def weights(self, label: str, values: Array, layer: Layer, given: bool = False) -> Block:
        """A weight-shaped 2-D array, shown the way it was written (a flat list as one row)."""
        return self.matrix(label, shapes.weights(values, layer.weights_shape), given)

    def bias(self, label: str, values: Array | None, given: bool = False) -> Block | None:
        if values is None:
            return None
        return self.matrix(label, shapes.vector(values, self.column), given)

    def row(self, blocks: Iterable[Block | None]) -> Flow:
        columns = lambda first, last: self.t("run.columns", first=first, last=last)  # noqa: E731
        return Flow([b for b in blocks if b is not None], columns)

    # -- sections -------------------------------------------------------------------------

    def header(self) -> RenderableType:
        ex, net = self.exercise, self.network
        data = self.t("run.one_observation")
        if ex.batched:
            data = self.t("run.batch_columns" if self.column else "run.batch_rows", m=ex.x.shape[0])
        sizes = " → ".join(
            [str(ex.x.shape[1])] + [str(layer.n_out(net.convention)) for layer in net.layers]
        )
        lines = [
            Text(ex.title or "backcalc", style="bold"),
            *([Text(ex.description, style="italic")] if ex.description else []),
            Text(self.style.pick("run.convention", net.convention)),
            Text(self.t("run.network_line", sizes=sizes, data=data)),
            Text(
                self.t(
                    "run.loss_line",
                    name=self.style.name(net.loss),
                    formula=net.loss.describe(self.t, self.numbers.given),
                )
            ),
        ]
        if ex.batched:
            reduction = self.style.pick("run.reduction", net.reduction)
            lines.append(Text(self.t("run.batch_reduction", reduction=reduction)))
        if net.l2:
            lines.append(Text(self.t("run.l2_line", l2=self.numbers.given(net.l2))))
        if self.trace.hand_decimals is not None:
            lines.append(
                Text(self.t("run.hand_rounding", n=self.trace.hand_decimals), style="italic")
            )
        return Group(*lines)

    def given(self) -> RenderableType:
        blocks: list[Block | None] = [self.units(self.x, self.exercise.x, given=True)]
        for number, layer in enumerate(self.network.layers, start=1):
            sup = layer_index(number)
            blocks.append(self.weights(f"{self.W}{sup}", layer.weights, layer, given=True))
            blocks.append(self.bias(f"{self.b}{sup}", layer.bias, given=True))
        blocks.append(self.units(self.t("run.target"), self.exercise.target, given=True))
        return self.row(blocks)

    def forward(self) -> list[RenderableType]:
        parts: list[RenderableType] = [_heading(self.t("run.forward_pass"))]
        net = self.network
        for number, (layer, lt) in enumerate(zip(net.layers, self.trace.layers, strict=True), 1):
            if not self.shows(number):
                continue
            sup, prev = layer_index(number), self.a_name(number - 1)
            linear = f"{self.W}{sup}·{prev}" if self.column else f"{prev}·{self.W}{sup}"
            if layer.bias is not None:
                linear += f" + {self.b}{sup}"
            z, a = f"{self.z}{sup}", f"{self.a}{sup}"
            g = activation_text(layer.activation, z, derivative=False, style=self.style)
            title = self.t(
                "run.layer_title",
                n=number,
                n_in=layer.n_in(net.convention),
                n_out=layer.n_out(net.convention),
                activation=self.style.name(layer.activation),
            )
            parts.append(Text(title, style="bold"))
            parts.append(
                self.row([self.units(f"{z} = {linear}", lt.z), self.units(f"{a} = {g}", lt.a)])
            )
        return parts

    def loss(self) -> list[RenderableType]:
        trace, net = self.trace, self.network
        blocks = [
            self.units(self.yhat, trace.prediction),
            self.units(self.y, self.exercise.target, True),
        ]
        if trace.probabilities is not None and net.loss.logits:
            blocks.append(self.units("p", trace.probabilities))
        if trace.predicted is not None:
            predicted = trace.predicted.reshape(len(trace.predicted), -1).astype(np.float64)
            blocks.append(self.units(self.t("run.predicted_class"), predicted, given=True))
        parts: list[RenderableType] = [_heading(self.t("run.loss")), self.row(blocks)]
        if self.exercise.batched:
            losses = shapes.vector(trace.losses, not self.column)  # one entry per observation
            parts.append(self.row([self.matrix(self.t("run.loss_per_observation"), losses)]))
        parts.append(Text(self.loss_line(), style="bold"))
        return parts

    def loss_line(self) -> str:
        trace, net, fixed = self.trace, self.network, self.numbers.fixed
        formula = net.loss.describe(self.t, self.numbers.given)
        if self.exercise.batched:
            formula = self.t(
                "run.reduction_of_l", reduction=self.style.pick("run.reduction", net.reduction)
            )
        if not net.l2:
            return f"{self.J} = {formula} = {fixed(trace.loss)}"
        data, l2 = fixed(trace.data_loss), fixed(trace.l2_loss)
        return f"{self.J} = {formula} + λ·Σ{self.W}² = {data} + {l2} = {fixed(trace.loss)}"

    def backward(self) -> list[RenderableType]:
        trace, net = self.trace, self.network
        parts: list[RenderableType] = [_heading(self.t("run.backward_pass"))]
        last = len(net.layers)
        for number in range(last, 0, -1):
            if not self.shows(number):
                continue
            layer, lt = net.layers[number - 1], trace.layers[number - 1]
            parts.append(Text(self.t("run.layer", n=number), style="bold"))
            parts.append(self.row(self.backward_blocks(number, layer, lt)))
            if trace.fused and number == last:
                parts.append(Text(self.fused_note(number), style="dim"))
        if self.shows(1):
            parts.append(self.row([self.units(f"∂{self.J}/∂{self.x}", trace.dJ_dx)]))
        return parts

    def backward_blocks(self, number: int, layer: Layer, lt: LayerTrace) -> list[Block | None]:
        sup, J = layer_index(number), self.J
        last = number == len(self.network.layers)
        dJ_da_label = f"∂{J}/∂{self.yhat}" if last else f"∂{J}/∂{self.a}{sup}"
        blocks: list[Block | None] = [self.units(dJ_da_label, lt.dJ_da)]
        derivative = activation_text(layer.activation, self.z, True, self.style)
        gp = f"g'({self.z}{sup}) = {derivative}"
        if layer.activation.elementwise:
            blocks.append(self.units(gp, lt.g_prime))
        else:
            for obs, jacobian in enumerate(lt.g_prime, start=1):
                suffix = f" ({self.t('run.observation', i=obs)})" if self.exercise.batched else ""
                blocks.append(self.matrix(f"{gp}{suffix}", jacobian))
        blocks.append(self.units(f"{self.delta}{sup} = ∂{J}/∂{self.z}{sup}", lt.delta))
        blocks.append(self.weights(f"∂{J}/∂{self.W}{sup}", lt.dW, layer))
        blocks.append(self.bias(f"∂{J}/∂{self.b}{sup}", lt.db))
        return blocks

    def fused_note(self, number: int) -> str:
        loss = self.network.loss
        formula = fill(loss.fused_delta_formula, y="y")
        if self.exercise.batched and self.network.reduction == "mean":
            formula = f"({formula})/m"
        note = self.t(
            "run.fused_note",
            delta=f"{self.delta}{layer_index(number)}",
            formula=formula,
            activation=self.style.name(self.network.layers[-1].activation),
            loss=self.style.name(loss),
        )
        if not np.all(np.isfinite(self.trace.layers[-1].dJ_da)):
            note += self.t("run.fused_infinite")
        return note

    def update(self) -> list[RenderableType]:
        eta = self.exercise.learning_rate
        if eta is None:
            return []
        parts: list[RenderableType] = [_heading(self.t("run.update", eta=self.numbers.given(eta)))]
        for number, (layer, lt) in enumerate(
            zip(self.network.layers, self.trace.layers, strict=True), 1
        ):
            if not self.shows(number):
                continue
            sup = layer_index(number)
            assert lt.weights_updated is not None
            W, b, J = f"{self.W}{sup}", f"{self.b}{sup}", self.J
            w_label, b_label = f"{W} − η·∂{J}/∂{W}", f"{b} − η·∂{J}/∂{b}"
            if "weights" in layer.frozen:
                w_label = self.t("run.frozen", symbol=W)
            if "bias" in layer.frozen:
                b_label = self.t("run.frozen", symbol=b)
            parts.append(
                self.row(
                    [
                        self.weights(w_label, lt.weights_updated, layer),
                        self.bias(b_label, lt.bias_updated),
                    ]
                )
            )
        return parts

    def shows(self, number: int) -> bool:
        """Whether layer `number` is shown (`--layer`)."""
        return self.style.doc.layer in (None, number)

    def renderable(self) -> RenderableType:
        only = self.style.doc.only
        steps = {
            "forward": self.forward,
            "loss": self.loss,
            "backward": self.backward,
            "update": self.update,
        }
        sections: list[RenderableType] = [
            self.header(),
            _heading(self.t("run.given")),
            self.given(),
        ]
        for step, section in steps.items():
            if not only or step in only:
                sections += section()
        return Group(*sections)


def _heading(text: str) -> RenderableType:
    return Text.assemble("\n", (text, "bold underline"))


def network(trace: Trace, style: Style | None = None) -> RenderableType:
    """Every intermediate of a network's forward and backward pass, as hand solutions go."""
    return TerminalRenderer(trace, style or Style()).renderable()

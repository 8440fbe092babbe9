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

from backcalc.render.formulas import ACTIVATION_FORMULAS, FUSED_DELTA, LOSS_FORMULAS, layer_index
from backcalc.render.layout import Block, Flow
from backcalc.render.numbers import fmt, fmt_given

if TYPE_CHECKING:
    from backcalc.activations import Array
    from backcalc.network import Layer, LayerTrace, Trace


class TerminalRenderer:
    """Builds the renderables for one trace; `decimals` applies to every computed number."""

    def __init__(self, trace: Trace, decimals: int = 4) -> None:
        self.trace = trace
        self.decimals = decimals
        self.exercise = trace.exercise
        self.network = trace.exercise.network
        self.column = self.network.convention == "column"

    # -- building blocks ------------------------------------------------------------------

    def matrix(self, label: str, values: Array, given: bool = False) -> Block:
        """A labelled matrix in brackets; `values` is 2-D as it should appear."""
        form = fmt_given if given else lambda v: fmt(v, self.decimals)
        return Block.matrix(label, [[form(float(v)) for v in row] for row in values])

    def units(self, label: str, values: Array, given: bool = False) -> Block:
        """A per-unit quantity (m, k): a column per observation (column convention) or a row."""
        return self.matrix(label, values.T if self.column else values, given)

    def weights(self, label: str, values: Array, layer: Layer, given: bool = False) -> Block:
        """A weight-shaped 2-D array, shown the way it was written (a flat list as one row)."""
        shown = values.reshape(1, -1) if len(layer.weights_shape) < 2 else values
        return self.matrix(label, shown, given)

    def bias(self, label: str, values: Array | None, given: bool = False) -> Block | None:
        if values is None:
            return None
        if values.ndim == 0:
            return self.matrix(label, values.reshape(1, 1), given)
        return self.matrix(
            label, values.reshape(-1, 1) if self.column else values.reshape(1, -1), given
        )

    def row(self, blocks: Iterable[Block | None]) -> Flow:
        return Flow([b for b in blocks if b is not None])

    # -- sections -------------------------------------------------------------------------

    def header(self) -> RenderableType:
        ex, net = self.exercise, self.network
        layout = "z = W·a + b, W is (out, in)" if self.column else "z = a·W + b, W is (in, out)"
        data = "1 observation"
        if ex.batched:
            each = "one column each" if self.column else "one row each"
            data = f"a batch of {ex.x.shape[0]} observations, {each}"
        sizes = " → ".join(
            [str(ex.x.shape[1])] + [str(layer.n_out(net.convention)) for layer in net.layers]
        )
        lines = [
            Text(ex.title or "backcalc", style="bold"),
            *([Text(ex.description, style="italic")] if ex.description else []),
            Text(f"{net.convention} convention: {layout}"),
            Text(f"network: {sizes}; data: {data}"),
            Text(f"loss: {net.loss.name}, ℓ = {LOSS_FORMULAS[net.loss.name]}"),
        ]
        if ex.batched:
            lines.append(Text(f"J = {net.reduction} of ℓ over the batch"))
        if net.l2:
            lines.append(Text(f"L2 regularisation: + λ·ΣW² with λ = {fmt_given(net.l2)}"))
        return Group(*lines)

    def given(self) -> RenderableType:
        blocks: list[Block | None] = [self.units("x", self.exercise.x, given=True)]
        for number, layer in enumerate(self.network.layers, start=1):
            sup = layer_index(number)
            blocks.append(self.weights(f"W{sup}", layer.weights, layer, given=True))
            blocks.append(self.bias(f"b{sup}", layer.bias, given=True))
        blocks.append(self.units("y (target)", self.exercise.target, given=True))
        return self.row(blocks)

    def activation_formula(self, layer: Layer, derivative: bool, z: str = "z") -> str:
        text = ACTIVATION_FORMULAS[layer.activation.name][1 if derivative else 0]
        options = {k: fmt_given(v) for k, v in layer.activation.__dict__.items()}
        return text.format(z=z, **options)

    def forward(self) -> list[RenderableType]:
        parts: list[RenderableType] = [_heading("Forward pass")]
        net = self.network
        for number, (layer, lt) in enumerate(zip(net.layers, self.trace.layers, strict=True), 1):
            sup, prev = layer_index(number), ("x" if number == 1 else f"a{layer_index(number - 1)}")
            linear = f"W{sup}·{prev}" if self.column else f"{prev}·W{sup}"
            if layer.bias is not None:
                linear += f" + b{sup}"
            g = self.activation_formula(layer, derivative=False, z=f"z{sup}")
            title = f"Layer {number}: {layer.n_in(net.convention)} → {layer.n_out(net.convention)}"
            parts.append(Text(f"{title}, {layer.activation.name}", style="bold"))
            parts.append(
                self.row(
                    [self.units(f"z{sup} = {linear}", lt.z), self.units(f"a{sup} = {g}", lt.a)]
                )
            )
        return parts

    def loss(self) -> list[RenderableType]:
        trace, net = self.trace, self.network
        blocks = [self.units("ŷ", trace.prediction), self.units("y", self.exercise.target, True)]
        if trace.probabilities is not None and net.loss.logits:
            blocks.append(self.units("p", trace.probabilities))
        if trace.predicted is not None:
            predicted = trace.predicted.reshape(len(trace.predicted), -1).astype(np.float64)
            blocks.append(self.units("predicted class", predicted, given=True))
        parts: list[RenderableType] = [_heading("Loss"), self.row(blocks)]
        if self.exercise.batched:
            losses = trace.losses.reshape(1, -1) if self.column else trace.losses.reshape(-1, 1)
            parts.append(self.row([self.matrix("ℓ per observation", losses)]))
        parts.append(Text(self.loss_line(), style="bold"))
        return parts

    def loss_line(self) -> str:
        trace, net = self.trace, self.network
        formula = f"{net.reduction} of ℓ" if self.exercise.batched else LOSS_FORMULAS[net.loss.name]
        if not net.l2:
            return f"J = {formula} = {fmt(trace.loss, self.decimals)}"
        return (
            f"J = {formula} + λ·ΣW² = {fmt(trace.data_loss, self.decimals)} + "
            f"{fmt(trace.l2_loss, self.decimals)} = {fmt(trace.loss, self.decimals)}"
        )

    def backward(self) -> list[RenderableType]:
        trace, net = self.trace, self.network
        parts: list[RenderableType] = [_heading("Backward pass")]
        last = len(net.layers)
        for number in range(last, 0, -1):
            layer, lt = net.layers[number - 1], trace.layers[number - 1]
            parts.append(Text(f"Layer {number}", style="bold"))
            parts.append(self.row(self.backward_blocks(number, layer, lt)))
            if trace.fused and number == last:
                parts.append(Text(self.fused_note(number), style="dim"))
        parts.append(self.row([self.units("∂J/∂x", trace.dJ_dx)]))
        return parts

    def backward_blocks(self, number: int, layer: Layer, lt: LayerTrace) -> list[Block | None]:
        sup = layer_index(number)
        dJ_da_label = "∂J/∂ŷ" if number == len(self.network.layers) else f"∂J/∂a{sup}"
        blocks: list[Block | None] = [self.units(dJ_da_label, lt.dJ_da)]
        gp = f"g'(z{sup}) = {self.activation_formula(layer, derivative=True)}"
        if layer.activation.elementwise:
            blocks.append(self.units(gp, lt.g_prime))
        else:
            for obs, jacobian in enumerate(lt.g_prime, start=1):
                suffix = f" (observation {obs})" if self.exercise.batched else ""
                blocks.append(self.matrix(f"{gp}{suffix}", jacobian))
        blocks.append(self.units(f"δ{sup} = ∂J/∂z{sup}", lt.delta))
        blocks.append(self.weights(f"∂J/∂W{sup}", lt.dW, layer))
        blocks.append(self.bias(f"∂J/∂b{sup}", lt.db))
        return blocks

    def fused_note(self, number: int) -> str:
        name = self.network.loss.name
        delta = FUSED_DELTA[name]
        if self.exercise.batched and self.network.reduction == "mean":
            delta = f"({delta})/m"
        note = (
            f"δ{layer_index(number)} = {delta}: the fused form of "
            f"{self.network.layers[-1].activation.name} with {name}, exact and numerically stable."
        )
        if not np.all(np.isfinite(self.trace.layers[-1].dJ_da)):
            note += " ∂J/∂ŷ is infinite where ŷ is exactly 0 or 1, shown as ∞."
        return note

    def update(self) -> list[RenderableType]:
        eta = self.exercise.learning_rate
        if eta is None:
            return []
        parts: list[RenderableType] = [_heading(f"Gradient-descent step (η = {fmt_given(eta)})")]
        for number, (layer, lt) in enumerate(
            zip(self.network.layers, self.trace.layers, strict=True), 1
        ):
            sup = layer_index(number)
            assert lt.weights_updated is not None
            parts.append(
                self.row(
                    [
                        self.weights(f"W{sup} − η·∂J/∂W{sup}", lt.weights_updated, layer),
                        self.bias(f"b{sup} − η·∂J/∂b{sup}", lt.bias_updated),
                    ]
                )
            )
        return parts

    def renderable(self) -> RenderableType:
        sections: list[RenderableType] = [
            self.header(),
            _heading("Given"),
            self.given(),
            *self.forward(),
            *self.loss(),
            *self.backward(),
            *self.update(),
        ]
        return Group(*sections)


def _heading(text: str) -> RenderableType:
    return Text.assemble("\n", (text, "bold underline"))


def render(trace: Trace, decimals: int = 4) -> RenderableType:
    return TerminalRenderer(trace, decimals).renderable()

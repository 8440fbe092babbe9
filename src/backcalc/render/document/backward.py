"""The backward pass of the step-by-step solution: ∂J/∂ŷ, then for each layer from the last
g'(z) and δ (delta.py), ∂J/∂W, ∂J/∂b and the gradient propagated down, each as formula,
numbers and result."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from backcalc.render.document.blocks import Block, Equation, Heading, Paragraph
from backcalc.render.document.delta import DeltaSteps
from backcalc.render.document.mathtex import sup, transpose, wrap
from backcalc.render.document.texwidth import PAGE
from backcalc.render.document.writer import Line, NetworkWriter, d

if TYPE_CHECKING:
    from backcalc.core.network import Layer, LayerTrace


def _times(scale: str, formula: str) -> str:
    """1/m before a formula: with a · where the formula starts with a number of its own."""
    if scale and (formula[:1].isdigit() or formula.startswith("\\frac")):
        return f"{scale} \\cdot {formula}"
    return scale + formula


class BackwardSteps:
    """The backward pass's sections, written with the network's notation `w`."""

    def __init__(self, w: NetworkWriter) -> None:
        self.w = w
        self.delta = DeltaSteps(w)

    def backward(self) -> list[Block]:
        blocks: list[Block] = [Heading(self.w.t("solution.backward"), 2)]
        for number in range(self.w.n_layers, 0, -1):
            if not self.w.shows(number):
                continue
            layer, lt = self.w.network.layers[number - 1], self.w.trace.layers[number - 1]
            blocks.append(Heading(self.w.layer_heading(number), 3))
            if number == self.w.n_layers:
                blocks += [
                    Paragraph(self.w.t("solution.output_gradient")),
                    Equation(self.output_gradient(lt)),
                ]
                if self.w.trace.fused and not np.all(np.isfinite(lt.dJ_da)):
                    blocks.append(self.infinite_note(number))
            else:
                blocks.append(
                    Paragraph(
                        self.w.t(
                            "solution.received",
                            n=number,
                            above=number + 1,
                            gradient=f"${d(f'a{sup(number)}')}$",
                        )
                    )
                )
            blocks += self.delta.local(number, layer, lt)
            blocks += self.gradients(number, layer, lt)
        return blocks

    def output_gradient(self, lt: LayerTrace) -> str:
        """∂J/∂ŷ: the loss's formula (with 1/m for a mean over a batch), then with its numbers
        (1/m as a number), then the result."""
        loss = self.w.network.loss
        scale, number = self.w.scale()
        formula = loss.gradient_tex()
        steps: list[Line] = [_times(scale, formula)]
        shown = self.w.trace.prediction
        if loss.gradient_of_probabilities:
            assert self.w.trace.probabilities is not None
            shown = self.w.trace.probabilities
        half = (PAGE - 120) / 2  # each of the two matrices of ŷ − y
        yhat = self.w.m.fit([self.w.units(shown)], half)
        y = wrap(self.w.m.fit([self.w.units(self.w.exercise.target, given=True)], half))
        numbers = loss.gradient_numbers(yhat, y, self.w.exercise.target.shape[1])
        factor = 1 / len(shown) if number else 1.0
        written = factor * (shown - self.w.exercise.target)  # p − y as the line writes it
        if numbers and (
            not loss.gradient_of_probabilities or self.w.multiplies_out(written, lt.dJ_da)
        ):
            steps.append(_times(number, numbers))
        steps.append(self.w.units(lt.dJ_da))
        return self.w.chain(d(r"\hat{y}"), *steps)

    def infinite_note(self, number: int) -> Paragraph:
        """Why ∂J/∂ŷ shows ∞ under a fused output, and why nothing after it is affected."""
        return Paragraph(
            self.w.t(
                "solution.fused_infinite",
                gradient=r"$\partial J/\partial \hat{y}$",  # inline: a fraction is cramped
                yhat=r"$\hat{y}$",
                infinity=r"$\infty$",
                delta=rf"$\delta{sup(number)}$",
            )
        )

    def gradients(self, number: int, layer: Layer, lt: LayerTrace) -> list[Block]:
        s, net = sup(number), self.w.network
        a_prev = self.w.exercise.x if number == 1 else self.w.trace.layers[number - 2].a
        prev = self.w.a_name(number - 1)
        delta = self.w.units(lt.delta, sized=True)
        inputs = self.w.units_t(a_prev, sized=True, given=number == 1)
        if self.w.column:
            general, operands = f"\\delta{s} {transpose(prev)}", (delta, r"\cdot", inputs)
        else:
            general, operands = f"{transpose(prev)} \\delta{s}", (inputs, r"\cdot", delta)
        steps: list[Line] = [general, operands]
        if net.l2:
            twice = self.w.m.number(2 * net.l2, True)
            weights = self.w.weights(layer.weights, given=True)
            steps = [f"{general} + 2\\lambda W{s}", (*operands, "+", f"{twice} \\cdot", weights)]
        steps.append(self.w.weights(lt.dW))
        key = "solution.weights_l2" if net.l2 else "solution.weights"
        words = self.w.t(key, term=f"$2\\lambda W{s}$") if net.l2 else self.w.t(key)
        blocks: list[Block] = [Paragraph(words), Equation(self.w.chain(d(f"W{s}"), *steps))]
        if lt.db is not None:
            blocks += self.bias_gradient(number, layer, lt)
        blocks += self.passed_down(number, layer, lt)
        return blocks

    def bias_gradient(self, number: int, layer: Layer, lt: LayerTrace) -> list[Block]:
        s = sup(number)
        assert lt.db is not None
        if layer.shared_bias and layer.n_out(self.w.network.convention) > 1:
            batch = self.w.t("solution.and_batch") if self.w.batched else ""
            paragraph = self.w.t("solution.bias_shared", batch=batch)
            general = (
                f"\\sum_{{k}} \\delta{s}_{{k}}"
                if not self.w.batched
                else f"\\sum_{{i,k}} \\delta{s}_{{ik}}"
            )
        elif self.w.batched:
            paragraph, general = (
                self.w.t("solution.bias_batch"),
                f"\\sum_{{i=1}}^{{m}} \\delta{s}_{{i}}",
            )
        else:
            paragraph, general = self.w.t("solution.bias"), f"\\delta{s}"
        equation = self.w.chain(d(f"b{s}"), general, self.w.bias(lt.db))
        return [Paragraph(paragraph), Equation(equation)]

    def passed_down(self, number: int, layer: Layer, lt: LayerTrace) -> list[Block]:
        s = sup(number)
        below = self.w.trace.dJ_dx if number == 1 else self.w.trace.layers[number - 2].dJ_da
        target = "x" if number == 1 else f"a{sup(number - 1)}"
        weights_t = self.w.weights(layer.weights.T, sized=True, given=True)
        delta = self.w.units(lt.delta, sized=True)
        if self.w.column:
            general, operands = f"{transpose(f'W{s}')} \\delta{s}", (weights_t, r"\cdot", delta)
        else:
            general, operands = f"\\delta{s} {transpose(f'W{s}')}", (delta, r"\cdot", weights_t)
        paragraph = (
            self.w.t("solution.input_gradient")
            if number == 1
            else self.w.t("solution.pass_down", below=number - 1)
        )
        equation = self.w.chain(d(target), general, operands, self.w.units(below))
        return [Paragraph(paragraph), Equation(equation)]

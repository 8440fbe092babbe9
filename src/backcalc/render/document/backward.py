"""The backward pass of the step-by-step solution: ∂J/∂ŷ, then for each layer from the last
g'(z), δ, ∂J/∂W, ∂J/∂b and what is passed down, each as formula, numbers and result."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from backcalc.core.registry import fill
from backcalc.render.document.blocks import Block, Equation, Heading, Paragraph
from backcalc.render.document.mathtex import sup, transpose
from backcalc.render.document.writer import NetworkWriter, chain, d

if TYPE_CHECKING:
    from backcalc.core.network import Layer, LayerTrace


class BackwardSteps:
    """The backward pass's sections, written with the network's notation `w`."""

    def __init__(self, w: NetworkWriter) -> None:
        self.w = w

    def backward(self) -> list[Block]:
        blocks: list[Block] = [Heading(self.w.t("solution.backward"), 2)]
        for number in range(self.w.n_layers, 0, -1):
            layer, lt = self.w.network.layers[number - 1], self.w.trace.layers[number - 1]
            blocks.append(Heading(self.w.t("solution.layer", n=number), 3))
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
            blocks += self.local(number, layer, lt)
            blocks += self.gradients(number, layer, lt)
        return blocks

    def output_gradient(self, lt: LayerTrace) -> str:
        loss = self.w.network.loss
        scale = r"\frac{1}{m}" if self.w.batched and self.w.network.reduction == "mean" else ""
        steps = [d(r"\hat{y}"), scale + loss.gradient_tex()]
        shown = self.w.trace.prediction
        if loss.gradient_of_probabilities:
            assert self.w.trace.probabilities is not None
            shown = self.w.trace.probabilities
        y = self.w.units(self.w.exercise.target, given=True)
        numbers = loss.gradient_numbers(self.w.units(shown), y, self.w.exercise.target.shape[1])
        if numbers:
            steps.append(f"{scale}{numbers}")
        steps.append(self.w.units(lt.dJ_da))
        return chain(*steps)

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

    def local(self, number: int, layer: Layer, lt: LayerTrace) -> list[Block]:
        s = sup(number)
        if layer.activation.identity and not self.w.trace.fused:
            upstream = d(f"a{s}") if number < self.w.n_layers else d(r"\hat{y}")
            general = f"{upstream} \\odot g'(z{s}) = {upstream}"
            delta = Equation(chain(f"\\delta{s}", general, self.w.units(lt.delta)))
            return [Paragraph(self.w.t("solution.identity", g_prime=f"$g'(z{s}) = 1$")), delta]
        blocks: list[Block] = [Paragraph(self.w.t("solution.g_prime", z=f"$z{s}$"))]
        formula = layer.activation.derivative_tex(f"z{s}", f"a{s}", self.w.given)
        if layer.activation.elementwise:
            steps = [
                f"g'(z{s})",
                formula,
                self.derivative_numbers(layer, lt),
                self.w.units(lt.g_prime),
            ]
            blocks.append(Equation(chain(*[step for step in steps if step])))
        else:
            for jacobian in lt.g_prime:
                blocks.append(
                    Equation(
                        chain(
                            f"\\frac{{\\partial a{s}}}{{\\partial z{s}}}",
                            formula,
                            self.w.m.matrix(jacobian),
                        )
                    )
                )
        if self.w.trace.fused and number == self.w.n_layers:
            blocks.append(
                Paragraph(
                    self.w.t(
                        "solution.fused",
                        activation=self.w.style.name(layer.activation),
                        loss=self.w.style.name(self.w.network.loss),
                    )
                )
            )
            scale = r"\frac{1}{m}" if self.w.batched and self.w.network.reduction == "mean" else ""
            y = self.w.units(self.w.exercise.target, given=True)
            blocks.append(
                Equation(
                    chain(
                        f"\\delta{s}",
                        f"{scale}(\\hat{{y}} - y)",
                        f"{scale}\\left({self.w.units(lt.a)} - {y}\\right)",
                        self.w.units(lt.delta),
                    )
                )
            )
            return blocks
        blocks.append(Paragraph(self.w.t("solution.delta", delta=f"$\\delta{s} = {d(f'z{s}')}$")))
        upstream = d(f"a{s}") if number < self.w.n_layers else d(r"\hat{y}")
        if layer.activation.elementwise:
            operands = f"{self.w.units(lt.dJ_da)} \\odot {self.w.units(lt.g_prime)}"
            blocks.append(
                Equation(
                    chain(
                        f"\\delta{s}",
                        f"{upstream} \\odot g'(z{s})",
                        operands,
                        self.w.units(lt.delta),
                    )
                )
            )
        else:
            general = f"\\left(\\frac{{\\partial a{s}}}{{\\partial z{s}}}\\right)^{{T}} {upstream}"
            blocks.append(Equation(chain(f"\\delta{s}", general, self.w.units(lt.delta))))
        return blocks

    def derivative_numbers(self, layer: Layer, lt: LayerTrace) -> str:
        """g'(z) with the numbers in, where it is written with a = g(z) (sigmoid, tanh)."""
        template = layer.activation.derivative_numbers_tex
        return fill(template, a=self.w.units(lt.a)) if template else ""

    def gradients(self, number: int, layer: Layer, lt: LayerTrace) -> list[Block]:
        s, net = sup(number), self.w.network
        a_prev = self.w.exercise.x if number == 1 else self.w.trace.layers[number - 2].a
        prev = self.w.a_name(number - 1)
        if self.w.column:
            general, operands = (
                f"\\delta{s} {transpose(prev)}",
                f"{self.w.units(lt.delta, sized=True)} \\cdot {self.w.units_t(a_prev, sized=True)}",
            )
        else:
            general, operands = (
                f"{transpose(prev)} \\delta{s}",
                f"{self.w.units_t(a_prev, sized=True)} \\cdot {self.w.units(lt.delta, sized=True)}",
            )
        steps = [d(f"W{s}"), general, operands]
        if net.l2:
            steps = [
                d(f"W{s}"),
                f"{general} + 2\\lambda W{s}",
                f"{operands} + {self.w.m.number(2 * net.l2, True)} \\cdot "
                f"{self.w.weights(layer.weights, True)}",
            ]
        steps.append(self.w.weights(lt.dW))
        key = "solution.weights_l2" if net.l2 else "solution.weights"
        words = self.w.t(key, term=f"$2\\lambda W{s}$") if net.l2 else self.w.t(key)
        blocks: list[Block] = [Paragraph(words), Equation(chain(*steps))]
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
        return [Paragraph(paragraph), Equation(chain(d(f"b{s}"), general, self.w.bias(lt.db)))]

    def passed_down(self, number: int, layer: Layer, lt: LayerTrace) -> list[Block]:
        s = sup(number)
        below = self.w.trace.dJ_dx if number == 1 else self.w.trace.layers[number - 2].dJ_da
        target = "x" if number == 1 else f"a{sup(number - 1)}"
        weights_t = self.w.m.sized(layer.weights.T, True)
        delta = self.w.units(lt.delta, sized=True)
        if self.w.column:
            general = f"{transpose(f'W{s}')} \\delta{s}"
            operands = f"{weights_t} \\cdot {delta}"
        else:
            general = f"\\delta{s} {transpose(f'W{s}')}"
            operands = f"{delta} \\cdot {weights_t}"
        paragraph = (
            self.w.t("solution.input_gradient")
            if number == 1
            else self.w.t("solution.pass_down", below=number - 1)
        )
        return [
            Paragraph(paragraph),
            Equation(chain(d(target), general, operands, self.w.units(below))),
        ]

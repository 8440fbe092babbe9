"""A layer's error δ = ∂J/∂z in the step-by-step solution: the derivative of the activation
(a mask 1(z > 0) for ReLU, the Jacobian for softmax), then δ by the chain rule, or by the fused
form of a softmax or sigmoid output with its cross-entropy, saying why that needs neither
derivative."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from backcalc.core.registry import fill
from backcalc.render.document.blocks import Block, Equation, Paragraph
from backcalc.render.document.mathtex import Mat, mat, sup, transpose, wrap
from backcalc.render.document.writer import SHOW_EACH_UNIT, Line, NetworkWriter, d

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.network import Layer, LayerTrace


OPERATOR = re.compile(r"(\\odot|\\cdot)")


class DeltaSteps:
    """g'(z) and δ of one layer, written with the network's notation `w`."""

    def __init__(self, w: NetworkWriter) -> None:
        self.w = w

    def upstream(self, number: int) -> str:
        return d(f"a{sup(number)}") if number < self.w.n_layers else d(r"\hat{y}")

    def times(self, values: Array) -> str:
        """· between numbers (one unit, one observation), ⊙ between matrices."""
        return r"\cdot" if self.w.scalar(values) else r"\odot"

    def local(self, number: int, layer: Layer, lt: LayerTrace) -> list[Block]:
        s, up = sup(number), self.upstream(number)
        fused = self.w.trace.fused and number == self.w.n_layers
        if layer.activation.identity and not fused:
            general = f"{up} {self.times(lt.delta)} g'(z{s}) = {up}"
            delta = Equation(self.w.chain(f"\\delta{s}", general, self.w.units(lt.delta)))
            return [Paragraph(self.w.t("solution.identity", g_prime=f"$g'(z{s}) = 1$")), delta]
        blocks = self.derivative(number, layer, lt)
        if fused:
            return blocks + self.fused(number, layer, lt)
        return blocks + self.product(number, layer, lt)

    # -- g'(z) ---------------------------------------------------------------------------------

    def derivative(self, number: int, layer: Layer, lt: LayerTrace) -> list[Block]:
        s, activation = sup(number), layer.activation
        formula = activation.derivative_tex(f"z{s}", f"a{s}", self.w.given)
        if not activation.elementwise:
            return self.jacobians(number, formula, lt)
        if self.w.scalar(lt.g_prime):
            formula = formula.replace(r"\odot", r"\cdot")
        steps: list[Line] = [formula, self.derivative_numbers(layer, lt), self.g_prime(lt)]
        words = self.w.t("solution.g_prime", z=f"$z{s}$")
        return [Paragraph(words), Equation(self.w.chain(f"g'(z{s})", *steps))]

    def g_prime(self, lt: LayerTrace) -> Mat:
        """g'(z) as shown; a mask such as ReLU's 1(z > 0) is written in 0s and 1s."""
        mask = bool(np.all(np.isin(lt.g_prime, (0.0, 1.0))))
        return self.w.units(lt.g_prime, given=mask)

    def derivative_numbers(self, layer: Layer, lt: LayerTrace) -> Line:
        """g'(z) with the numbers in, where it is written with a = g(z) (sigmoid, tanh): the
        template's pieces and a's matrix, so that a long line can break between them."""
        template = layer.activation.derivative_numbers_tex
        if not template:
            return self.derivative_at(layer, lt)
        if self.w.scalar(lt.a):
            filled = fill(template, a=wrap(self.w.m.number(float(lt.a.flat[0]))))
            return filled.replace(r"\odot", r"\cdot")
        parts: list[str | Mat] = []
        for index, piece in enumerate(template.split("{a}")):
            if index:
                parts.append(self.w.units(lt.a))
            parts += [p.strip() for p in OPERATOR.split(piece)]  # ⊙ apart: a place to break
        return tuple(part for part in parts if part != "")

    def derivative_at(self, layer: Layer, lt: LayerTrace) -> str:
        """g' written in z with each unit's number in it, −sin(7,1366), for one observation of
        a few units ('' where g' is a mask, by cases or written with a)."""
        if self.w.batched or lt.z.shape[1] > SHOW_EACH_UNIT:
            return ""
        texts = []
        for z in lt.z[0]:
            text = layer.activation.derivative_tex(self.w.m.number(float(z)), "\x00", self.w.given)
            if "\x00" in text or "cases" in text or "\\mathbf{1}" in text:
                return ""
            texts.append(text)
        return self.w.text_matrix([[t] for t in texts] if self.w.column else [texts])

    def jacobians(self, number: int, formula: str, lt: LayerTrace) -> list[Block]:
        """softmax's ∂a/∂z, a k × k matrix for each observation (a row of a: aᵀa)."""
        s = sup(number)
        if not self.w.column:  # a is a row: the outer product is aᵀ a
            formula = formula.replace(f"a{s} {transpose(f'a{s}')}", f"{transpose(f'a{s}')} a{s}")
        blocks: list[Block] = [Paragraph(self.w.t("solution.jacobian", z=f"$z{s}$"))]
        if not self.w.batched:
            head = f"\\frac{{\\partial a{s}}}{{\\partial z{s}}}"
            blocks.append(Equation(self.w.chain(head, formula, mat(lt.g_prime[0]))))
            return blocks
        general = f"\\frac{{\\partial a{s}_{{i}}}}{{\\partial z{s}_{{i}}}}"
        blocks.append(Equation(f"{general} = {formula.replace(f'a{s}', f'a{s}_{{i}}')}"))
        for i, jacobian in enumerate(lt.g_prime[:SHOW_EACH_UNIT], start=1):
            head = f"\\frac{{\\partial a{s}_{{{i}}}}}{{\\partial z{s}_{{{i}}}}}"
            blocks.append(Equation(self.w.chain(head, mat(jacobian))))
        return blocks

    # -- δ -------------------------------------------------------------------------------------

    def product(self, number: int, layer: Layer, lt: LayerTrace) -> list[Block]:
        """δ by the chain rule: ∂J/∂a ⊙ g'(z), or the transposed Jacobian times ∂J/∂a."""
        s = sup(number)
        if not layer.activation.elementwise:
            words = self.w.t("solution.delta_jacobian", delta=f"$\\delta{s} = {d(f'z{s}')}$")
            return [Paragraph(words), Equation(self.jacobian_product(number, lt))]
        words = self.w.t("solution.delta", delta=f"$\\delta{s} = {d(f'z{s}')}$")
        return [Paragraph(words), Equation(self.elementwise_product(number, lt))]

    def elementwise_product(self, number: int, lt: LayerTrace) -> str:
        s, op = sup(number), self.times(lt.delta)
        operands = (self.w.units(lt.dJ_da), op, self.g_prime(lt))
        general = f"{self.upstream(number)} {op} g'(z{s})"
        return self.w.chain(f"\\delta{s}", general, operands, self.w.units(lt.delta))

    def jacobian_product(self, number: int, lt: LayerTrace) -> str:
        """δ = (∂a/∂z)ᵀ ∂J/∂a (a row: ∂J/∂a · ∂a/∂z), with the numbers for one observation."""
        s, up = sup(number), self.upstream(number)
        jacobian = f"\\frac{{\\partial a{s}}}{{\\partial z{s}}}"
        steps: list[Line]
        if self.w.column:
            steps = [f"\\left({jacobian}\\right)^{{T}} {up}"]
        else:
            steps = [f"{up} \\, {jacobian}"]
        if not self.w.batched:
            jac: Mat = mat(lt.g_prime[0].T if self.w.column else lt.g_prime[0])
            gradient = self.w.units(lt.dJ_da)
            steps.append((jac, r"\cdot", gradient) if self.w.column else (gradient, r"\cdot", jac))
        return self.w.chain(f"\\delta{s}", *steps, self.w.units(lt.delta))

    def fused(self, number: int, layer: Layer, lt: LayerTrace) -> list[Block]:
        """The output δ of a fused softmax (or sigmoid) and cross-entropy: the chain rule's
        product where it can be shown (finite, one observation for softmax, not hand-rounded:
        the fused form is what is computed), then the fused form and why it needs neither
        derivative."""
        s, blocks = sup(number), []
        exact = self.w.trace.hand_decimals is None and bool(np.all(np.isfinite(lt.dJ_da)))
        if exact and (layer.activation.elementwise or not self.w.batched):
            blocks += self.product(number, layer, lt)
        derivative = f"$g'(z{s})$" if layer.activation.elementwise else r"$\partial a/\partial z$"
        words = self.w.t(
            "solution.fused",
            activation=self.w.name(layer.activation),
            loss=self.w.name(self.w.network.loss),
            derivative=derivative,
            gradient=r"$\partial J/\partial \hat{y}$",
        )
        scale, number_ = self.w.scale()
        y = self.w.units(self.w.exercise.target, given=True)
        numbers = (f"{number_}\\left(", self.w.units(lt.a), "-", y, "\\right)")
        general = f"{scale}(\\hat{{y}} - y)"
        fused = self.w.chain(f"\\delta{s}", general, numbers, self.w.units(lt.delta))
        return [*blocks, Paragraph(words), Equation(fused)]

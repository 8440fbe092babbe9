"""The loss in the step-by-step solution: its statement (ℓ and how a batch reduces it) and its
section (the class probabilities, ℓᵢ per observation with its formula and numbers, and J)."""

from __future__ import annotations

import re

import numpy as np

from backcalc.core.losses import Loss
from backcalc.core.registry import fill, options_tex
from backcalc.render import shapes
from backcalc.render.document.blocks import Block, Equation, Heading, Paragraph
from backcalc.render.document.mathtex import sup, wrap
from backcalc.render.document.writer import L2_TEX, SHOW_EACH_UNIT, Line, NetworkWriter

# {yhat}_k -> {yhat}_{ik} and a bare {yhat} -> {yhat}_i: a formula of one observation made the
# formula of observation i
_ARGUMENT = re.compile(r"\{(yhat|y)\}(?:_([a-zA-Z]))?")


class LossSteps:
    """The loss's statement and section, written with the network's notation `w`."""

    def __init__(self, w: NetworkWriter) -> None:
        self.w = w
        self.loss = w.network.loss
        self.m = w.exercise.x.shape[0]

    @property
    def one_hot(self) -> bool:
        """Class targets, one class each: ℓᵢ = −log p_{i,cᵢ} for a cross-entropy."""
        target = self.w.exercise.target
        return bool(self.loss.classes and np.all(np.count_nonzero(target, axis=1) == 1))

    def probability(self) -> str:
        """The symbol of the class probabilities: p on logits, ŷ itself otherwise."""
        return "p" if self.loss.logits else r"\hat{y}"

    def statement(self) -> list[Block]:
        net = self.w.network
        words = self.w.t("solution.loss_statement", loss=self.w.name(self.loss))
        blocks: list[Block] = [Paragraph(words)]
        if self.w.batched:
            reduction = self.reduction(r"\ell_i", "m")
            blocks += [
                Equation(f"\\ell_i = {self.observation(simplified=False)}"),
                Paragraph(
                    self.w.style.pick("solution.reduction", net.reduction, m=f"$m = {self.m}$")
                ),
                Equation(f"J = {reduction}"),
            ]
        else:
            blocks.append(Equation(f"J = {self.loss.tex(self.w.given)}"))
        if net.l2:
            l2 = self.w.m.number(net.l2, given=True)
            blocks += [
                Paragraph(self.w.t("solution.l2")),
                Equation(rf"J \mathrel{{+}}= {L2_TEX}, \quad \lambda = {l2}"),
            ]
        return blocks

    def reduction(self, term: str, m: str) -> str:
        total = f"\\sum_{{i=1}}^{{{m}}} {term}"
        return f"\\frac{{1}}{{{m}}}{total}" if self.w.network.reduction == "mean" else total

    def observation(self, simplified: bool = True) -> str:
        """ℓᵢ, the loss of observation i: −log p_{i,cᵢ} for a cross-entropy on one-hot classes,
        else the loss's own formula with each output indexed by i (ℓ(ŷᵢ, yᵢ) for a loss that
        writes its formula itself)."""
        loss = self.loss
        if simplified and self.one_hot and self.w.trace.probabilities is not None:
            return f"-\\log {self.probability()}_{{i,c_i}}"
        if type(loss).tex is not Loss.tex or not loss.formula_tex:
            return r"\ell(\hat{y}_i, y_i)"

        def indexed(match: re.Match[str]) -> str:
            index = match.group(2)
            return f"{{{match.group(1)}}}_{{i{index}}}" if index else f"{{{match.group(1)}}}_i"

        template = _ARGUMENT.sub(indexed, loss.formula_tex)
        return fill(template, yhat=r"\hat{y}", y="y", tex=True) + options_tex(loss, self.w.given)

    # -- the section ------------------------------------------------------------------------------

    def section(self) -> list[Block]:
        trace = self.w.trace
        blocks: list[Block] = [Heading(self.w.t("solution.loss"), 2)]
        blocks += self.probabilities()
        output = rf"$\hat{{y}} = a{sup(self.w.n_layers)}$"
        if self.w.batched:
            words = self.w.t("solution.loss_each", output=output, i="$i$")
            blocks += [
                Paragraph(words),
                Equation(f"\\ell_i = {self.observation()}"),
                Equation(self.losses()),
            ]
            mean = self.w.network.reduction == "mean"
            steps: list[Line] = [self.reduction(r"\ell_i", "m")]
            if len(trace.losses) <= SHOW_EACH_UNIT:
                terms = [self.w.m.number(float(v)) for v in trace.losses]
                summed = " + ".join([terms[0], *(wrap(t) for t in terms[1:])])
                steps.append(f"\\frac{{1}}{{{self.m}}}\\left({summed}\\right)" if mean else summed)
            else:
                steps.append(self.reduction(r"\ell_i", str(self.m)))
            words = self.w.style.pick("solution.loss_batch", self.w.network.reduction, m=self.m)
            blocks.append(Paragraph(words))
        else:
            blocks.append(Paragraph(self.w.t("solution.loss_value", output=output)))
            steps = [self.loss.tex(self.w.given)]
            steps.append(self.substituted() if self.multiplies_out() else "")
        value = self.w.m.number(trace.data_loss)
        if self.w.network.l2:
            steps.append(f"{value} + {wrap(self.w.m.number(trace.l2_loss))}")
            value = self.w.m.number(trace.loss)
        steps.append(value)
        blocks.append(Equation(self.w.chain("J", *steps)))
        return blocks

    def probabilities(self) -> list[Block]:
        """p = softmax(ŷ) (σ(ŷ) for a binary loss) on logits, with the numbers."""
        trace, loss = self.w.trace, self.loss
        if trace.probabilities is None or not loss.logits:
            return []
        function = r"\sigma" if loss.binary else r"\mathrm{softmax}"
        words = self.w.t("solution.probabilities", p=f"$p = {function}(\\hat{{y}})$")
        steps: list[Line] = [f"{function}(\\hat{{y}})"]
        if not loss.binary:
            steps += self.w.softmax_lines(r"\hat{y}", trace.prediction, trace.probabilities)
        blocks: list[Block] = [
            Paragraph(words),
            Equation(self.w.chain("p", *steps, self.w.units(trace.probabilities))),
        ]
        if self.w.batched and not loss.binary and len(trace.probabilities) > 1:
            first = self.first_observation()
            if first:
                blocks += [Paragraph(self.w.t("solution.first_observation")), Equation(first)]
        return blocks

    def first_observation(self) -> str:
        """The softmax of the first observation of a batch, with its numbers."""
        p = self.w.trace.probabilities
        assert p is not None
        lines = self.w.softmax_lines(r"\hat{y}_1", self.w.trace.prediction[:1], p[:1], False)
        if len(lines) < 2:
            return ""
        steps = (r"\mathrm{softmax}(\hat{y}_1)", *lines[1:], self.w.units(p[:1]))
        return self.w.chain("p_1", *steps)

    def losses(self) -> str:
        """ℓ of each observation with its numbers (for a few), and their values:
        one per observation, as a row in column convention and a column in row convention."""
        trace = self.w.trace
        steps: list[Line] = []
        if len(trace.losses) <= SHOW_EACH_UNIT:
            numbers = [self.substituted(i) for i in range(len(trace.losses))]
            if all(numbers) and self.multiplies_out():
                cells = [[n] for n in numbers] if not self.w.column else [numbers]
                steps.append(self.w.text_matrix(cells))
        shown = shapes.vector(trace.losses, not self.w.column)
        steps.append(self.w.weights(shown))
        return self.w.chain(r"\ell", *steps)

    def multiplies_out(self) -> bool:
        """Whether ℓᵢ = −log p_{i,cᵢ} with the p shown gives the ℓᵢ shown (the losses written
        with ŷ are computed from the ŷ shown)."""
        p = self.w.trace.probabilities
        if not (self.one_hot and p is not None and self.w.trace.hand_decimals is not None):
            return True
        picked = p[np.arange(len(p)), np.argmax(self.w.exercise.target, axis=1)]
        with np.errstate(divide="ignore"):  # −log 0 = ∞, as the loss shows it
            return self.w.multiplies_out(-np.log(picked), self.w.trace.losses)

    def substituted(self, i: int = 0) -> str:
        """ℓ of observation `i` with the numbers in it, for the losses a hand solution writes
        out ('' for the others)."""
        p = self.w.trace.probabilities
        return self.loss.value_numbers(
            self.w.trace.prediction[i],
            self.w.exercise.target[i],
            None if p is None else p[i],
            self.w.m.number,
            self.w.given,
        )

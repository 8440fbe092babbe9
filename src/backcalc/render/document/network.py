"""The step-by-step solution of an exercise, laid out as the course notes' hand solution is: the
statement, then every step as the general formula, the formula with the numbers in it, and the
result; a summary at the end. `render` writes it as Markdown or LaTeX.

Vectors follow the convention: columns in column convention (a batch: one column per
observation), rows in row convention (one row per observation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcalc.render import shapes
from backcalc.render.document import sheet
from backcalc.render.document.backward import BackwardSteps
from backcalc.render.document.blocks import (
    Block,
    Document,
    Equation,
    Figure,
    Heading,
    Paragraph,
    Summary,
)
from backcalc.render.document.mathtex import sup
from backcalc.render.document.writer import L2_TEX, SHOW_EACH_UNIT, NetworkWriter, chain, d

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.network import Layer, LayerTrace, Trace
    from backcalc.render.style import Style


class SolutionBuilder:
    """The whole document: statement, forward pass, loss, backward pass (BackwardSteps), the
    gradient-descent step and the summary, written with the network's notation `w`."""

    def __init__(self, trace: Trace, style: Style) -> None:
        self.w = NetworkWriter(trace, style)

    def head(self) -> list[Block]:
        """The title and the description."""
        ex = self.w.exercise
        blocks: list[Block] = [Heading(ex.title or "backcalc", 1)]
        if ex.description:
            blocks.append(Paragraph(ex.description, user=True))
        return blocks

    def statement(self) -> list[Block]:
        ex, net = self.w.exercise, self.w.network
        outputs = [str(layer.n_out(net.convention)) for layer in net.layers]
        sizes = " → ".join([str(ex.x.shape[1]), *outputs])
        names = ", ".join(self.w.style.name(layer.activation) for layer in net.layers)
        blocks: list[Block] = [
            Heading(self.w.t("solution.statement"), 2),
            Paragraph(
                self.w.t("solution.network", n=self.w.n_layers, sizes=sizes, activations=names)
            ),
            Figure(self.w.trace),
            Paragraph(self.convention()),
            Paragraph(self.w.t("solution.parameters")),
        ]
        for number, layer in enumerate(net.layers, start=1):
            parts = [f"W{sup(number)} = {self.w.weights(layer.weights, given=True)}"]
            if layer.bias is not None:
                parts.append(f"b{sup(number)} = {self.w.bias(layer.bias, given=True)}")
            blocks.append(Equation(r", \quad ".join(parts)))
        return blocks + self.data_statement() + self.loss_statement()

    def convention(self) -> str:
        """How each layer computes, in the notes' notation."""
        z_rule = {
            "column": "z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}",
            "row": "z^{(l)} = a^{(l-1)} W^{(l)} + b^{(l)}",
        }[self.w.network.convention]
        return self.w.style.pick(
            "solution.convention",
            self.w.network.convention,
            z_rule=f"${z_rule}$",
            a_rule="$a^{(l)} = g(z^{(l)})$",
            weights="$W^{(l)}$",
            input="$a^{(0)} = x$",
        )

    def data_statement(self) -> list[Block]:
        ex = self.w.exercise
        key = "solution.one_observation"
        if self.w.batched:
            key = "solution.batch_columns" if self.w.column else "solution.batch_rows"
        x, y = self.w.units(ex.x, given=True), self.w.units(ex.target, given=True)
        data = f"x = {x}, \\quad y = {y}"
        blocks: list[Block] = [Paragraph(self.w.t(key, m=ex.x.shape[0])), Equation(data)]
        if self.w.network.loss.classes:
            blocks.append(Paragraph(self.w.t("solution.classes")))
        return blocks

    def loss_statement(self) -> list[Block]:
        net, m = self.w.network, self.w.exercise.x.shape[0]
        blocks: list[Block] = [Paragraph(self.w.t("solution.loss_statement"))]
        per_observation = net.loss.tex(self.w.given)
        if self.w.batched:
            blocks.append(Equation(f"\\ell = {per_observation}"))
            reduction = (
                r"\frac{1}{m}\sum_{i=1}^{m} \ell_i"
                if net.reduction == "mean"
                else r"\sum_{i=1}^{m} \ell_i"
            )
            blocks += [
                Paragraph(self.w.style.pick("solution.reduction", net.reduction, m=f"$m = {m}$")),
                Equation(f"J = {reduction}"),
            ]
        else:
            blocks.append(Equation(f"J = {per_observation}"))
        if net.l2:
            l2 = self.w.m.number(net.l2, given=True)
            blocks += [
                Paragraph(self.w.t("solution.l2")),
                Equation(rf"J \mathrel{{+}}= {L2_TEX}, \quad \lambda = {l2}"),
            ]
        return blocks

    def precision(self) -> list[Block]:
        """How the solution's numbers are computed and shown (the steps' first paragraph)."""
        if self.w.trace.hand_decimals is not None:
            hand = self.w.trace.hand_decimals
            return [Paragraph(self.w.t("solution.hand", n=hand, g_prime="$g'(z)$", z="$z$"))]
        return [Paragraph(self.w.t("solution.precision", n=self.w.decimals))]

    # -- forward ------------------------------------------------------------------------------

    def forward(self) -> list[Block]:
        blocks: list[Block] = [Heading(self.w.t("solution.forward"), 2)]
        inputs = [self.w.exercise.x, *(lt.a for lt in self.w.trace.layers[:-1])]
        for number, (layer, lt) in enumerate(
            zip(self.w.network.layers, self.w.trace.layers, strict=True), 1
        ):
            blocks += [Heading(self.w.t("solution.layer", n=number), 3)]
            bias = ""
            if layer.bias is not None:
                shared = layer.shared_bias and layer.n_out(self.w.network.convention) > 1
                bias = self.w.t(
                    "solution.shared_bias" if shared else "solution.with_bias",
                    bias=f"$b{sup(number)}$",
                )
            what = f"${self.w.a_name(number - 1)}$"
            blocks.append(
                Paragraph(
                    self.w.t(
                        "solution.linear",
                        input=what,
                        n=number,
                        bias=bias,
                        weights=f"$W{sup(number)}$",
                    )
                )
            )
            blocks.append(Equation(self.linear(number, layer, inputs[number - 1], lt)))
            blocks += [
                Paragraph(self.w.t("solution.activation", z=f"$z{sup(number)}$")),
                Equation(self.activation(number, layer, lt)),
            ]
        return blocks

    def linear(self, number: int, layer: Layer, a_prev: Array, lt: LayerTrace) -> str:
        s, prev, given = sup(number), self.w.a_name(number - 1), number == 1
        weights = self.w.weights(layer.weights, sized=True, given=True)
        inputs = self.w.units(a_prev, sized=True, given=given)
        if self.w.column:
            general, operands = f"W{s} {prev}", f"{weights} \\cdot {inputs}"
        else:
            general, operands = f"{prev} W{s}", f"{inputs} \\cdot {weights}"
        if layer.bias is None:
            return chain(f"z{s}", general, operands, self.w.units(lt.z))
        bias = self.w.bias(layer.bias, sized=not layer.shared_bias, given=True)
        return chain(
            f"z{s}",
            f"{general} + b{s}",
            f"{operands} + {bias}",
            f"{self.w.units(lt.weighted)} + {self.w.bias(layer.bias, given=True)}",
            self.w.units(lt.z),
        )

    def activation(self, number: int, layer: Layer, lt: LayerTrace) -> str:
        s, activation = sup(number), layer.activation
        if activation.identity:
            return chain(f"a{s}", f"z{s}", self.w.units(lt.a))
        g = activation.symbol()
        steps = [f"a{s}", f"{g}(z{s})"]
        definition = activation.tex(f"z{s}", self.w.given)
        if definition and definition != f"{g}(z{s})":
            steps.append(definition)
        if layer.activation.elementwise and not self.w.batched and lt.z.shape[1] <= SHOW_EACH_UNIT:
            applied = [[f"{g}({self.w.m.number(float(z))})" for z in lt.z[0]]]
            steps.append(
                self.w.text_matrix(list(zip(*applied, strict=True)) if self.w.column else applied)
            )
        steps.append(self.w.units(lt.a))
        return chain(*steps)

    # -- the loss -----------------------------------------------------------------------------

    def loss(self) -> list[Block]:
        trace, net = self.w.trace, self.w.network
        blocks: list[Block] = [Heading(self.w.t("solution.loss"), 2)]
        if trace.probabilities is not None and net.loss.logits:
            blocks.append(
                Paragraph(self.w.t("solution.probabilities", p=r"$p = \mathrm{softmax}(\hat{y})$"))
            )
            blocks.append(Equation(f"p = {self.w.units(trace.probabilities)}"))
        output = rf"$\hat{{y}} = a{sup(self.w.n_layers)}$"
        blocks.append(Paragraph(self.w.t("solution.loss_value", output=output)))
        if self.w.batched:
            blocks.append(Equation(f"\\ell = {self.losses_vector()}"))
            mean = net.reduction == "mean"
            steps = ["J", r"\frac{1}{m}\sum_{i=1}^{m} \ell_i" if mean else r"\sum_{i=1}^{m} \ell_i"]
            if len(self.w.trace.losses) <= SHOW_EACH_UNIT:
                terms = " + ".join(self.w.m.number(float(v)) for v in self.w.trace.losses)
                count = len(self.w.trace.losses)
                steps.append(f"\\frac{{1}}{{{count}}}\\left({terms}\\right)" if mean else terms)
        else:
            steps = ["J", net.loss.tex(self.w.given), self.loss_substituted()]
        value = self.w.m.number(trace.data_loss)
        if net.l2:
            steps.append(f"{value} + {self.w.m.number(trace.l2_loss)}")
            value = self.w.m.number(trace.loss)
        steps.append(value)
        blocks.append(Equation(chain(*[step for step in steps if step])))
        return blocks

    def losses_vector(self) -> str:
        values = self.w.trace.losses
        return self.w.m.matrix(shapes.vector(values, not self.w.column))  # one per observation

    def loss_substituted(self) -> str:
        """The loss with the numbers in it, for the losses a hand solution writes out."""
        p = self.w.trace.probabilities
        return self.w.network.loss.value_numbers(
            self.w.trace.prediction[0],
            self.w.exercise.target[0],
            None if p is None else p[0],
            self.w.m.number,
            self.w.given,
        )

    # -- the gradient-descent step and the summary ---------------------------------------------

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
            s = sup(number)
            assert lt.weights_updated is not None
            old, gradient = self.w.weights(layer.weights, given=True), self.w.weights(lt.dW)
            steps: tuple[str, ...] = (
                f"W{s} - \\eta {d(f'W{s}')}",
                f"{old} - {e} \\cdot {gradient}",
            )
            if "weights" in layer.frozen:  # left as it is, as training leaves it
                blocks.append(Paragraph(self.w.t("solution.frozen", symbol=f"$W{s}$")))
                steps = (f"W{s}",)
            blocks.append(Equation(chain(*steps, self.w.weights(lt.weights_updated))))
            if layer.bias is not None and lt.bias_updated is not None and lt.db is not None:
                old, gradient = self.w.bias(layer.bias, given=True), self.w.bias(lt.db)
                steps = (f"b{s} - \\eta {d(f'b{s}')}", f"{old} - {e} \\cdot {gradient}")
                if "bias" in layer.frozen:
                    blocks.append(Paragraph(self.w.t("solution.frozen", symbol=f"$b{s}$")))
                    steps = (f"b{s}",)
                blocks.append(Equation(chain(*steps, self.w.bias(lt.bias_updated))))
        return blocks

    def summary(self) -> list[Block]:
        items = [f"J = {self.w.m.number(self.w.trace.loss)}"]
        for number, lt in enumerate(self.w.trace.layers, start=1):
            s = sup(number)
            items.append(f"{d(f'W{s}')} = {self.w.weights(lt.dW)}")
            if lt.db is not None:
                items.append(f"{d(f'b{s}')} = {self.w.bias(lt.db)}")
            if lt.weights_updated is not None:
                items.append(f"W{s}_{{\\text{{new}}}} = {self.w.weights(lt.weights_updated)}")
            if lt.bias_updated is not None:
                items.append(f"b{s}_{{\\text{{new}}}} = {self.w.bias(lt.bias_updated)}")
        return [
            Heading(self.w.t("solution.summary"), 2),
            Figure(self.w.trace, values=True, gradients=True),
            Summary(tuple(items)),
        ]

    def document(self) -> Document:
        steps = (
            self.precision()
            + self.forward()
            + self.loss()
            + BackwardSteps(self.w).backward()
            + self.update()
            + self.summary()
        )
        return Document(
            self.w.exercise.title or "backcalc",
            tuple(self.head()),
            tuple(self.statement()),
            tuple(steps),
            **sheet.parts(self.w.exercise, self.w.style),  # the task and the header
        )


def solution(trace: Trace, style: Style | None = None) -> Document:
    """The step-by-step solution of a network's trace, as format-neutral blocks."""
    from backcalc.render.style import Style

    return SolutionBuilder(trace, style or Style()).document()

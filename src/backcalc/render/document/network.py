"""The step-by-step solution of an exercise, laid out as the course notes' hand solution is: the
statement, then every step as the general formula, the formula with the numbers in it, and the
result; a table of the results at the end. `render` writes it as Markdown or LaTeX.

Vectors follow the convention: columns in column convention (a batch: one column per
observation), rows in row convention (one row per observation). This module writes the
statement and the forward pass; loss.py the loss, backward.py the backward pass, summary.py the
gradient-descent step and the results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcalc.render.document import sheet
from backcalc.render.document.backward import BackwardSteps
from backcalc.render.document.blocks import Block, Document, Equation, Figure, Heading, Paragraph
from backcalc.render.document.loss import LossSteps
from backcalc.render.document.mathtex import Key, Mat, sup
from backcalc.render.document.rename import renamed
from backcalc.render.document.summary import SummarySteps
from backcalc.render.document.texwidth import PAGE, width
from backcalc.render.document.writer import SHOW_EACH_UNIT, NetworkWriter
from backcalc.render.symbols import of as symbols_of

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.network import Layer, LayerTrace, Trace
    from backcalc.render.style import Style


class SolutionBuilder:
    """The whole document: statement, forward pass, loss (LossSteps), backward pass
    (BackwardSteps), the gradient-descent step and the results (SummarySteps), written with the
    network's notation `w`."""

    def __init__(self, trace: Trace, style: Style, known: frozenset[Key] = frozenset()) -> None:
        self.w = NetworkWriter(trace, style, known)
        self.loss = LossSteps(self.w)

    def head(self) -> list[Block]:
        """The title and the description."""
        ex = self.w.exercise
        blocks: list[Block] = [Heading(ex.title or "backcalc", 1)]
        if ex.description:
            blocks.append(Paragraph(ex.description, user=True))
        return blocks

    def statement(self) -> list[Block]:
        blocks: list[Block] = [
            Heading(self.w.t("solution.statement"), 2),
            Paragraph(self.network_sentence()),
            Figure(self.w.trace),
            Paragraph(self.convention()),
            Paragraph(self.w.t("solution.parameters")),
        ]
        for number, layer in enumerate(self.w.network.layers, start=1):
            parts = [(f"W{sup(number)} =", self.w.weights(layer.weights, given=True))]
            if layer.bias is not None:
                parts.append((f"b{sup(number)} =", self.w.bias(layer.bias, given=True)))
            blocks += self.side_by_side(parts)
        return blocks + self.data_statement() + self.loss.statement()

    def network_sentence(self) -> str:
        """The sizes and the activations, each named once: sigmoid in every layer, or ReLU in
        layer 1, identity in layer 2."""
        ex, net = self.w.exercise, self.w.network
        outputs = [str(layer.n_out(net.convention)) for layer in net.layers]
        sizes = " → ".join([str(ex.x.shape[1]), *outputs])
        names = [self.w.name(layer.activation) for layer in net.layers]
        if len(names) > 1 and len(set(names)) == 1:
            return self.w.t("solution.network_same", n=len(names), sizes=sizes, name=names[0])
        each = [self.w.t("solution.in_layer", name=name, n=n) for n, name in enumerate(names, 1)]
        activations = names[0] if len(names) == 1 else ", ".join(each)
        return self.w.t("solution.network", n=len(names), sizes=sizes, activations=activations)

    def side_by_side(self, parts: list[tuple[str, Mat]]) -> list[Block]:
        """`W = …, b = …` on one line where, each shown as it fits the page alone, they fit
        together; else one equation each (a matrix is not summarised for its neighbour)."""
        shown = [self.w.line(symbol, item) for symbol, item in parts]
        line = r", \quad ".join(shown)
        if width(line) <= PAGE:
            return [Equation(line)]
        return [Equation(text) for text in shown]

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
        blocks: list[Block] = [Paragraph(self.w.t(key, m=ex.x.shape[0]))]
        blocks += self.side_by_side([("x =", x), ("y =", y)])
        if self.w.network.loss.classes:
            c = "$c_i$" if self.w.batched else "$c$"
            blocks.append(Paragraph(self.w.t("solution.classes", c=c)))
        return blocks

    def precision(self) -> list[Block]:
        """How the solution's numbers are computed and shown (the steps' first paragraph)."""
        if self.w.trace.hand_decimals is not None:
            return [Paragraph(self.w.t("solution.hand", n=self.w.trace.hand_decimals))]
        return [Paragraph(self.w.t("solution.precision", n=self.w.decimals))]

    # -- forward ------------------------------------------------------------------------------

    def forward(self) -> list[Block]:
        blocks: list[Block] = [Heading(self.w.t("solution.forward"), 2)]
        inputs = [self.w.exercise.x, *(lt.a for lt in self.w.trace.layers[:-1])]
        for number, (layer, lt) in enumerate(
            zip(self.w.network.layers, self.w.trace.layers, strict=True), 1
        ):
            if not self.w.shows(number):
                continue
            blocks += [Heading(self.w.layer_heading(number), 3)]
            bias = ""
            if layer.bias is not None:
                shared = layer.shared_bias and layer.n_out(self.w.network.convention) > 1
                bias = self.w.t(
                    "solution.shared_bias" if shared else "solution.with_bias",
                    bias=f"$b{sup(number)}$",
                )
            what = f"${self.w.a_name(number - 1)}$"
            words = self.w.t(
                "solution.linear", input=what, n=number, bias=bias, weights=f"$W{sup(number)}$"
            )
            linear = self.linear(number, layer, inputs[number - 1], lt)
            blocks += [Paragraph(words), Equation(linear)]
            blocks += self.broadcast(number, layer)
            name = self.w.name(layer.activation)
            blocks += [
                Paragraph(self.w.t("solution.activation", z=f"$z{sup(number)}$", name=name)),
                Equation(self.activation(number, layer, lt)),
            ]
        return blocks

    def broadcast(self, number: int, layer: Layer) -> list[Block]:
        """In a batch, how one bias meets many observations (note 002's B, a row repeated)."""
        if layer.bias is None or not self.w.batched:
            return []
        s, prev = sup(number), self.w.a_name(number - 1)
        product = f"$W{s} {prev}$" if self.w.column else f"${prev} W{s}$"
        which = "shared" if layer.shared_bias else ("column" if self.w.column else "row")
        return [
            Paragraph(
                self.w.style.pick("solution.broadcast", which, bias=f"$b{s}$", product=product)
            )
        ]

    def linear(self, number: int, layer: Layer, a_prev: Array, lt: LayerTrace) -> str:
        s, prev, given = sup(number), self.w.a_name(number - 1), number == 1
        weights = self.w.weights(layer.weights, sized=True, given=True)
        inputs = self.w.units(a_prev, sized=True, given=given)
        if self.w.column:
            general, operands = f"W{s} {prev}", (weights, r"\cdot", inputs)
        else:
            general, operands = f"{prev} W{s}", (inputs, r"\cdot", weights)
        if layer.bias is None:
            return self.w.chain(f"z{s}", general, operands, self.w.units(lt.z))
        sized_bias = self.w.bias(layer.bias, sized=not layer.shared_bias, given=True)
        return self.w.chain(
            f"z{s}",
            f"{general} + b{s}",
            (*operands, "+", sized_bias),
            (self.w.units(lt.weighted), "+", self.w.bias(layer.bias, given=True)),
            self.w.units(lt.z),
        )

    def activation(self, number: int, layer: Layer, lt: LayerTrace) -> str:
        s, activation = sup(number), layer.activation
        if activation.identity:
            return self.w.chain(f"a{s}", f"z{s}", self.w.units(lt.a))
        g = activation.symbol()
        steps: list[str | Mat | tuple[str | Mat, ...]] = [f"{g}(z{s})"]
        if not activation.elementwise:  # softmax: written as a vector throughout
            steps += self.w.softmax_lines(f"z{s}", lt.z, lt.a)
            return self.w.chain(f"a{s}", *steps, self.w.units(lt.a))
        definition = activation.tex(f"z{s}", self.w.given)
        if definition and definition != f"{g}(z{s})":
            steps.append(definition)
        if not self.w.batched and lt.z.shape[1] <= SHOW_EACH_UNIT:
            applied = [[f"{g}({self.w.m.number(float(z))})" for z in lt.z[0]]]
            steps.append(
                self.w.text_matrix(list(zip(*applied, strict=True)) if self.w.column else applied)
            )
        steps.append(self.w.units(lt.a))
        return self.w.chain(f"a{s}", *steps)

    def document(self) -> Document:
        only = self.w.style.doc.only  # --only: these kinds of step (the summary with all)
        sections = {
            "forward": self.forward,
            "loss": self.loss.section,
            "backward": BackwardSteps(self.w).backward,
            "update": SummarySteps(self.w).update,
        }
        steps = self.precision()
        for step, section in sections.items():
            if not only or step in only:
                steps += section()
        if not only and self.w.style.doc.layer is None:
            steps += SummarySteps(self.w).summary()
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

    style = style or Style()
    known: frozenset[Key] = frozenset()
    while True:  # a matrix summarised somewhere is summarised everywhere: until none is added
        builder = SolutionBuilder(trace, style, known)
        document = builder.document()
        if builder.w.m.cornered <= known:
            return renamed(document, symbols_of(trace.exercise))  # a spec's notation:
        known = frozenset(builder.w.m.cornered)

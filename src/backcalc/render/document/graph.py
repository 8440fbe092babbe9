"""A computational graph's solution as a document, the chain rule written out step by step as
note 003 does it: the values; every step with its formula, the numbers substituted and the
value; then backwards from ∂out/∂out = 1, every step's derivative as the sum over the steps that
use it of (local derivative) · (their derivative); then the derivatives of the values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcalc.render.document import sheet
from backcalc.render.document.blocks import (
    Block,
    Document,
    Equation,
    Figure,
    Heading,
    Paragraph,
    Summary,
)
from backcalc.render.document.mathtex import MathWriter
from backcalc.render.gates import tex, tex_name

if TYPE_CHECKING:
    from backcalc.core.graph import GraphTrace
    from backcalc.render.style import Style


def partial(of: str, by: str) -> str:
    return rf"\frac{{\partial {tex_name(of)}}}{{\partial {tex_name(by)}}}"


class GraphSolution:
    def __init__(self, trace: GraphTrace, style: Style) -> None:
        self.trace = trace
        self.style = style
        self.t = style.t
        self.m = MathWriter(style.numbers)
        self.out = trace.graph.output
        self.values = dict(trace.graph.values) | {n.node.name: n.value for n in trace.nodes}

    def number(self, value: float) -> str:
        text = self.m.number(value)
        return rf"\left({text}\right)" if text.startswith("-") else text

    def head(self) -> list[Block]:
        graph = self.trace.graph
        blocks: list[Block] = [Heading(graph.title or "backcalc", 1)]
        if graph.description:
            blocks.append(Paragraph(graph.description, user=True))
        return blocks

    def statement(self) -> list[Block]:
        graph = self.trace.graph
        blocks: list[Block] = []
        values = r", \quad ".join(
            f"{tex_name(n)} = {self.m.number(v, True)}" for n, v in graph.values.items()
        )
        given = lambda v: self.m.number(v, True)  # noqa: E731
        steps = " \\\\\n".join(
            f"{tex_name(n.node.name)} &= {tex(n.node.expr, given)}" for n in self.trace.nodes
        )
        blocks += [
            Paragraph(self.t("solution.graph_values")),
            Equation(values),
            Paragraph(self.t("solution.graph_steps")),
            Equation(f"\\begin{{aligned}}\n{steps}\n\\end{{aligned}}"),
            Figure(self.trace),
        ]
        return blocks

    def precision(self) -> list[Block]:
        if self.trace.hand_decimals is not None:
            return [Paragraph(self.t("solution.graph_hand", n=self.trace.hand_decimals))]
        return []

    def forward(self) -> list[Block]:
        given = lambda v: self.m.number(v, True)  # noqa: E731
        lines = []
        for node in self.trace.nodes:
            symbolic = tex(node.node.expr, given)
            numbers = tex(node.node.expr, given, lambda name: self.number(self.values[name]))
            result = self.m.number(node.value)
            lines.append(f"{tex_name(node.node.name)} &= {symbolic} = {numbers} = {result}")
        body = " \\\\\n".join(lines)
        return [
            Heading(self.t("graph.forward"), 2),
            Paragraph(self.t("solution.graph_forward_intro")),
            Equation(f"\\begin{{aligned}}\n{body}\n\\end{{aligned}}"),
        ]

    def derivative(self, name: str) -> str:
        """∂out/∂name = Σ over its users of ∂user/∂name · ∂out/∂user, with the numbers."""
        uses = self.trace.received[name]
        head = partial(self.out, name)
        if name == self.out:
            return f"{head} &= 1"
        if not uses:
            return f"{head} &= 0"
        users = {n.node.name: n for n in self.trace.nodes}
        symbolic = " + ".join(
            f"{partial(user, name)} {partial(self.out, user)}" for user, _ in uses
        )
        numbers = " + ".join(
            rf"{self.number(users[user].local[name])} \cdot {self.number(users[user].gradient)}"
            for user, _ in uses
        )
        return f"{head} &= {symbolic} = {numbers} = {self.m.number(self.trace.gradients[name])}"

    def seed(self) -> str:
        """∂out/∂out = 1, where the backward pass starts."""
        out = tex_name(self.out)
        return f"$\\frac{{\\partial {out}}}{{\\partial {out}}} = 1$"

    def backward(self) -> list[Block]:
        nodes = " \\\\\n".join(self.derivative(n.node.name) for n in reversed(self.trace.nodes))
        inputs = " \\\\\n".join(self.derivative(name) for name in self.trace.graph.values)
        return [
            Heading(self.t("graph.backward"), 2),
            Paragraph(self.t("solution.graph_backward_intro", seed=self.seed())),
            Equation(f"\\begin{{aligned}}\n{nodes}\n\\end{{aligned}}"),
            Paragraph(self.t("solution.graph_inputs")),
            Equation(f"\\begin{{aligned}}\n{inputs}\n\\end{{aligned}}"),
        ]

    def summary(self) -> list[Block]:
        items = [f"{tex_name(self.out)} = {self.m.number(self.trace.value)}"]
        items += [
            f"{partial(self.out, name)} = {self.m.number(self.trace.gradients[name])}"
            for name in self.trace.graph.values
        ]
        return [
            Heading(self.t("solution.summary"), 2),
            Figure(self.trace, values=True, gradients=True),
            Summary(tuple(items)),
        ]

    def document(self) -> Document:
        steps = self.precision() + self.forward() + self.backward() + self.summary()
        return Document(
            self.trace.graph.title or "backcalc",
            tuple(self.head()),
            tuple(self.statement()),
            tuple(steps),
            **sheet.parts(self.trace.graph, self.style),  # the task and the header
        )


def solution(trace: GraphTrace, style: Style | None = None) -> Document:
    """The chain rule written out for a graph's trace, as format-neutral blocks."""
    from backcalc.render.style import Style

    return GraphSolution(trace, style or Style()).document()

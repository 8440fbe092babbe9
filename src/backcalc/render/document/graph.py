"""A computational graph's solution as a document, the chain rule written out step by step as
note 003 does it: the values; every step with its formula, the numbers substituted and the
value; then the rule of every gate the graph uses, and backwards from ∂out/∂out = 1 every
step's local derivatives, each written symbolically, then with the numbers (∂h₃/∂f₂ = −sin(f₂) =
−sin(7,1366) = −0,7535), and its derivative as the chain rule's sum over the steps that use it
(∂l/∂f₂ = ∂h₃/∂f₂ ∂l/∂h₃ = (−0,7535) · 2,2336); then the derivatives of the values.

Numbers as the graph's other formats write them (backcalc.render.gates): given values as given,
an integral value as an integer, `;` between a function's arguments with a decimal comma."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcalc.core.expressions import Num, Var
from backcalc.render import formulas
from backcalc.render.derivatives import derivative
from backcalc.render.document import sheet
from backcalc.render.document.blocks import (
    Block,
    Document,
    Equation,
    Figure,
    Heading,
    Paragraph,
    Summary,
    Table,
)
from backcalc.render.document.mathtex import MathWriter
from backcalc.render.gates import form, integral, operations, rule, separator, tex_name

if TYPE_CHECKING:
    from backcalc.core.expressions import Expr
    from backcalc.core.graph import GraphTrace
    from backcalc.render.style import Style

GAP = " \\\\\n\\\\"  # an empty line between two names' lines (GitHub eats \\[1ex])
VALUES_ACROSS = 5  # given values on one line of the statement
TERMS_ON_ONE_LINE = 2  # a sum of more terms puts its numbers on a line of their own
SUMMARY_ACROSS = 3  # results on one line of the summary


def partial(of: str, by: str) -> str:
    return rf"\frac{{\partial {tex_name(of)}}}{{\partial {tex_name(by)}}}"


def factor(text: str) -> str:
    """A factor of a product: a negative one in parentheses, `(-0{,}4) \\cdot 2`."""
    return f"({text})" if text.startswith("-") else text


def chain(parts: list[str]) -> str:
    """`head &= a = b = c`, each part once (`= 1 = 1` would say nothing)."""
    kept = [parts[0]]
    for part in parts[1:]:
        if part != kept[-1]:
            kept.append(part)
    return f"{kept[0]} &= " + " = ".join(kept[1:])


class GraphSolution:
    def __init__(self, trace: GraphTrace, style: Style) -> None:
        self.trace = trace
        self.style = style
        self.t = style.t
        self.m = MathWriter(style.numbers)
        self.sep = separator(style.numbers)
        self.out = trace.graph.output
        self.values = dict(trace.graph.values) | {n.node.name: n.value for n in trace.nodes}
        self.nodes = {n.node.name: n for n in trace.nodes}

    # -- numbers and formulas -------------------------------------------------------------------

    def number(self, value: float) -> str:
        """A computed number: an integral one as an integer."""
        return self.m.number(value, given=integral(value))

    def given(self, value: float) -> str:
        return self.m.number(value, True)

    def value(self, name: str) -> str:
        """A name's value substituted: a given value as given, a computed one as computed."""
        if name in self.trace.graph.values:
            return self.given(self.values[name])
        return self.number(self.values[name])

    def symbolic(self, expr: Expr) -> str:
        return formulas.tex(expr, self.given, tex_name, self.sep)

    def numeric(self, expr: Expr) -> str:
        return formulas.tex(expr, self.given, self.value, self.sep)

    # -- the statement -------------------------------------------------------------------------

    def head(self) -> list[Block]:
        graph = self.trace.graph
        blocks: list[Block] = [Heading(graph.title or "backcalc", 1)]
        if graph.description:
            blocks.append(Paragraph(graph.description, user=True))
        return blocks

    def statement(self) -> list[Block]:
        graph = self.trace.graph
        mark = ";" if self.style.numbers.comma else ","
        between = mark + r"\quad "
        given = [f"{tex_name(n)} = {self.given(v)}" for n, v in graph.values.items()]
        rows = [given[i : i + VALUES_ACROSS] for i in range(0, len(given), VALUES_ACROSS)]
        values = (mark + " \\\\\n").join(between.join(row) for row in rows)
        if len(rows) > 1:
            values = f"\\begin{{gathered}}\n{values}\n\\end{{gathered}}"
        steps = " \\\\\n".join(
            f"{tex_name(n.node.name)} &= {self.symbolic(n.node.expr)}" for n in self.trace.nodes
        )
        return [
            Paragraph(self.t("solution.graph_values")),
            Equation(values),
            Paragraph(self.t("solution.graph_steps")),
            Equation(f"\\begin{{aligned}}\n{steps}\n\\end{{aligned}}"),
            Figure(self.trace),
        ]

    # -- the solution --------------------------------------------------------------------------

    def precision(self) -> list[Block]:
        if self.trace.hand_decimals is not None:
            return [Paragraph(self.t("solution.graph_hand", n=self.trace.hand_decimals))]
        return []

    def forward(self) -> list[Block]:
        lines = []
        for node in self.trace.nodes:
            expr = node.node.expr
            parts = [tex_name(node.node.name), self.symbolic(expr)]
            if not isinstance(expr, Num | Var):
                parts.append(self.numeric(expr))
            lines.append(chain([*parts, self.number(node.value)]))
        body = " \\\\\n".join(lines)
        return [
            Heading(self.t("graph.forward"), 2),
            Paragraph(self.t("solution.graph_forward_intro")),
            Equation(f"\\begin{{aligned}}\n{body}\n\\end{{aligned}}"),
        ]

    def rules(self) -> list[Block]:
        """Every gate the graph uses, with its rule in the terminal's words."""
        ops = operations([node.node.expr for node in self.trace.nodes])
        if not ops:
            return []
        header = (self.t("graph.document.gate"), self.t("graph.document.rule"))
        rows = tuple(
            (f"${form(op, self.style.numbers, tex=True)}$", rule(op, self.style, tex=True))
            for op in ops
        )
        return [Paragraph(self.t("graph.document.rules")), Table(header, rows)]

    def local(self, user: str, name: str) -> tuple[Expr, list[str]]:
        """∂user/∂name: the expression, and how a line writes it (symbolically, with the
        numbers, the value; a name alone is its value, a number itself)."""
        expr = derivative(self.nodes[user].node.expr, name, self.values)
        value = self.number(self.nodes[user].local[name])
        if isinstance(expr, Num):
            return expr, [value]
        if isinstance(expr, Var) and self.values[expr.name] == self.nodes[user].local[name]:
            return expr, [self.symbolic(expr), self.value(expr.name)]
        return expr, [self.symbolic(expr), self.numeric(expr), value]

    def derivative(self, name: str) -> str:
        """The local derivatives of the steps that use `name`, each on its line, then ∂out/∂name
        as the chain rule's sum of (local derivative) · (the step's derivative)."""
        head = partial(self.out, name)
        uses = [user for user, _ in self.trace.received[name]]
        if name == self.out:
            return f"{head} &= 1"
        if not uses:
            return f"{head} &= 0"
        if uses == [self.out]:  # ∂out/∂name is the output's own local derivative
            return chain([head, *self.local(self.out, name)[1]])
        lines, symbolic, numbers = [], [], []
        for user in uses:
            expr, parts = self.local(user, name)
            if user == self.out:  # its term is the local derivative itself (∂out/∂out = 1)
                shown = self.symbolic(expr)
                wrap = len(uses) > 1 and any(op in shown for op in (" + ", " - "))
                symbolic.append(f"({shown})" if wrap else shown)
                numbers.append(factor(parts[-1]))
                continue
            lines.append(chain([partial(user, name), *parts]))
            symbolic.append(f"{partial(user, name)} {partial(self.out, user)}")
            upstream = self.number(self.nodes[user].gradient)
            numbers.append(rf"{factor(parts[-1])} \cdot {factor(upstream)}")
        result = self.number(self.trace.gradients[name])
        if len(uses) > TERMS_ON_ONE_LINE:  # the symbols on one line, the numbers below
            lines.append(chain([head, " + ".join(symbolic)]))
            lines.append(f"&= {' + '.join(numbers)} = {result}")
        else:
            lines.append(chain([head, " + ".join(symbolic), " + ".join(numbers), result]))
        return " \\\\\n".join(lines)

    def seed(self) -> str:
        """∂out/∂out = 1, where the backward pass starts."""
        out = tex_name(self.out)
        return f"$\\frac{{\\partial {out}}}{{\\partial {out}}} = 1$"

    def derivations(self, names: list[str]) -> Equation:
        """One derivation, a little space between two names' lines."""
        body = (GAP + "\n").join(self.derivative(name) for name in names)
        return Equation(f"\\begin{{aligned}}\n{body}\n\\end{{aligned}}")

    def backward(self) -> list[Block]:
        steps = [n.node.name for n in reversed(self.trace.nodes) if n.node.name != self.out]
        blocks: list[Block] = [
            Heading(self.t("graph.backward"), 2),
            Paragraph(self.t("solution.graph_backward_intro", seed=self.seed())),
            *self.rules(),
        ]
        if steps:
            blocks += [Paragraph(self.t("graph.document.steps")), self.derivations(steps)]
        return [
            *blocks,
            Paragraph(self.t("solution.graph_inputs")),
            self.derivations(list(self.trace.graph.values)),
        ]

    def summary(self) -> list[Block]:
        """The output and every value's derivative in one box, up to three to a line."""
        items = [f"{tex_name(self.out)} &= {self.number(self.trace.value)}"]
        items += [
            f"{partial(self.out, name)} &= {self.number(self.trace.gradients[name])}"
            for name in self.trace.graph.values
        ]
        across = min(len(items), SUMMARY_ACROSS)
        rows = [items[i : i + across] for i in range(0, len(items), across)]
        body = " \\\\\n".join(r" & \qquad ".join(row) for row in rows)
        return [
            Heading(self.t("solution.summary"), 2),
            Figure(self.trace, values=True, gradients=True),
            Summary((f"\\begin{{aligned}}\n{body}\n\\end{{aligned}}",)),
        ]

    def document(self) -> Document:
        only = self.style.doc.only  # --only forward or backward: the summary with the backward
        steps = self.precision()
        if not only or "forward" in only:
            steps += self.forward()
        if not only or "backward" in only:
            steps += self.backward() + self.summary()
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

"""A computational graph in the terminal: the forward table (node, formula, value), the
backward table from the output down (upstream gradient, the gate's rule, each local derivative
written symbolically and its value, what it sends back), and the gradient of the output with
respect to every value, forks summed. Numbers as the graph's other formats write them
(backcalc.render.gates: an integral value as an integer, `;` between arguments with a decimal
comma)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from backcalc.core.expressions import Expr, Num, Var
from backcalc.render.derivatives import derivative
from backcalc.render.formulas import text
from backcalc.render.gates import gate_rule, integral, separator
from backcalc.render.terminal.layout import Paragraph, Row, RowTable, report_table

if TYPE_CHECKING:
    from backcalc.core.graph import GraphTrace, NodeTrace
    from backcalc.render.style import Style


class GraphRenderer:
    def __init__(self, trace: GraphTrace, style: Style) -> None:
        self.trace = trace
        self.style = style
        self.t = style.t
        self.given = style.numbers.given
        self.sep = separator(style.numbers)
        self.out = trace.graph.output
        self.env = dict(trace.graph.values) | {n.node.name: n.value for n in trace.nodes}

    def fixed(self, value: float) -> str:
        """A computed number: an integral one as an integer."""
        return self.given(value) if integral(value) else self.style.numbers.fixed(value)

    def table(self, title: str, *columns: str) -> Table:
        """A report table whose value column and numeric last column are right-aligned."""
        return report_table(title, columns, [self.t("column.value"), columns[-1]], underline=True)

    def header(self) -> list[RenderableType]:
        graph = self.trace.graph
        lines: list[RenderableType] = [Text(graph.title or "backcalc", style="bold")]
        if graph.description:
            lines.append(Text(graph.description, style="italic"))
        between = "; " if self.style.numbers.comma else ", "
        values = between.join(f"{name} = {self.given(v)}" for name, v in graph.values.items())
        lines.append(Paragraph(self.t("graph.values", values=values), indent=2))
        lines.append(Text(self.t("graph.output", out=self.out, value=self.fixed(self.trace.value))))
        if self.trace.hand_decimals is not None:
            hand = self.t("run.hand_rounding", n=self.trace.hand_decimals)
            lines.append(Paragraph(hand, style="italic"))
        return lines

    def forward(self) -> Table:
        table = self.table(
            self.t("graph.forward"),
            self.t("column.node"),
            self.t("column.formula"),
            self.t("column.value"),
        )
        for node in self.trace.nodes:
            formula = text(node.node.expr, self.given, sep=self.sep)
            table.add_row(node.node.name, formula, self.fixed(node.value))
        return table

    def factor(self, value: float | str) -> str:
        """A factor of a product: a negative one in parentheses."""
        shown = value if isinstance(value, str) else self.fixed(value)
        return f"({shown})" if shown.startswith("-") else shown

    def local_value(self, expr: Expr, value: float) -> str:
        """A local derivative's value; one that is a given value (∂f0/∂omega0 = x) as given."""
        values = self.trace.graph.values
        if isinstance(expr, Var) and expr.name in values and self.env[expr.name] == value:
            return self.given(value)
        return self.fixed(value)

    def rows(self, node: NodeTrace) -> list[Row]:
        """The gate's rule in words (if it is one gate), then one row per input: ∂node/∂input =
        its symbolic form = value, and what goes back to it, upstream · local."""
        cells = (node.node.name, self.fixed(node.gradient))
        rows = []
        rule = gate_rule(node.node.expr, self.style)
        if rule:
            rows.append(Row(cells, note=rule))
            cells = ("", "")
        for name, derivative_value in node.local.items():
            expr = derivative(node.node.expr, name, self.env)
            written = "" if isinstance(expr, Num) else text(expr, self.given, sep=self.sep)
            shown = f" = {written}" if written else ""
            value = self.local_value(expr, derivative_value)
            local = f"∂{node.node.name}/∂{name}{shown} = {value}"
            product = f"{self.factor(node.gradient)} · {self.factor(value)}"
            rows.append(Row((*cells, local, f"{product} = {self.fixed(node.sent[name])}")))
            cells = ("", "")
        return rows or [Row(cells)]

    def backward(self) -> RowTable:
        headers = (
            self.t("column.node"),
            self.t("column.upstream", out=self.out),
            self.t("column.local"),
            self.t("column.sends"),
        )
        groups = [self.rows(node) for node in reversed(self.trace.nodes)]
        return RowTable(self.t("graph.backward"), headers, groups)

    def gradients(self) -> RenderableType:
        trace = self.trace
        table = self.table(
            self.t("graph.gradients", out=self.out),
            self.t("column.input"),
            self.t("column.value"),
            f"∂{self.out}/∂",
        )
        notes: list[RenderableType] = []
        for name, value in trace.graph.values.items():
            table.add_row(name, self.given(value), self.fixed(trace.gradients[name]))
        for name, uses in trace.received.items():
            if len(uses) > 1:
                terms = " + ".join(self.factor(amount) for _, amount in uses)
                total = self.fixed(trace.gradients[name])
                fork = self.t("graph.fork", name=name, n=len(uses), terms=terms, total=total)
                notes.append(Paragraph(fork, style="dim", indent=2))
        return Group(table, *notes)

    def renderable(self) -> RenderableType:
        only = self.style.doc.only  # --only forward or backward
        parts: list[RenderableType] = [*self.header()]
        if not only or "forward" in only:
            parts += [Text(""), self.forward()]
        if not only or "backward" in only:
            parts += [Text(""), self.backward(), Text(""), self.gradients()]
        return Group(*parts)


def graph(trace: GraphTrace, style: Style | None = None) -> RenderableType:
    """A graph's forward table, backward table (gate rules) and gradients."""
    from backcalc.render.style import Style

    return GraphRenderer(trace, style or Style()).renderable()

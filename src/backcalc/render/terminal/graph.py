"""A computational graph in the terminal: the forward table (node, formula, value), the
backward table from the output down (upstream gradient, the gate's local derivatives written out,
what it sends back), and the gradient of the output with respect to every value, forks summed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from backcalc.core.expressions import text
from backcalc.render.gates import gate_rule, local_text
from backcalc.render.terminal.layout import report_table

if TYPE_CHECKING:
    from backcalc.core.graph import GraphTrace, NodeTrace
    from backcalc.render.style import Style


class GraphRenderer:
    def __init__(self, trace: GraphTrace, style: Style) -> None:
        self.trace = trace
        self.style = style
        self.t = style.t
        self.fixed = style.numbers.fixed
        self.given = style.numbers.given
        self.out = trace.graph.output

    def table(self, title: str, *columns: str) -> Table:
        return report_table(title, columns, [self.t("column.value")], underline=True)

    def header(self) -> list[Text]:
        graph = self.trace.graph
        lines = [Text(graph.title or "backcalc", style="bold")]
        if graph.description:
            lines.append(Text(graph.description, style="italic"))
        values = ", ".join(f"{name} = {self.given(v)}" for name, v in graph.values.items())
        lines.append(Text(self.t("graph.values", values=values)))
        lines.append(Text(self.t("graph.output", out=self.out, value=self.fixed(self.trace.value))))
        return lines

    def forward(self) -> Table:
        table = self.table(
            self.t("graph.forward"),
            self.t("column.node"),
            self.t("column.formula"),
            self.t("column.value"),
        )
        for node in self.trace.nodes:
            table.add_row(node.node.name, text(node.node.expr, self.given), self.fixed(node.value))
        return table

    def local(self, node: NodeTrace) -> tuple[str, str]:
        """One line per input: ∂node/∂input = rule = value, and what goes back to it."""
        lines, sent = [], []
        for name, derivative in node.local.items():
            rule = local_text(node.node.expr, name, self.style)
            shown = f" = {rule}" if rule and rule != self.given(derivative) else ""
            lines.append(f"∂{node.node.name}/∂{name}{shown} = {self.fixed(derivative)}")
            factor = self.fixed(derivative)
            factor = f"({factor})" if factor.startswith("-") else factor
            product = f"{self.fixed(node.gradient)} · {factor}"
            sent.append(f"{name}: {product} = {self.fixed(node.sent[name])}")
        return "\n".join(lines), "\n".join(sent)

    def backward(self) -> Table:
        upstream = self.t("column.upstream", out=self.out)
        table = self.table(
            self.t("graph.backward"),
            self.t("column.node"),
            upstream,
            self.t("column.local"),
            self.t("column.sends"),
        )
        for node in reversed(self.trace.nodes):
            local, sent = self.local(node)
            name, gradient = node.node.name, self.fixed(node.gradient)
            rule = gate_rule(node.node.expr, self.style)
            if rule:  # the gate's rule in words on a row of its own, then its derivatives
                table.add_row(name, gradient, Text(rule, style="italic"), "")
                name, gradient = "", ""
            table.add_row(name, gradient, local, sent, end_section=True)
        return table

    def gradients(self) -> RenderableType:
        trace = self.trace
        table = self.table(
            self.t("graph.gradients", out=self.out),
            self.t("column.input"),
            self.t("column.value"),
            f"∂{self.out}/∂",
        )
        notes = []
        for name, value in trace.graph.values.items():
            table.add_row(name, self.given(value), self.fixed(trace.gradients[name]))
        for name, uses in trace.received.items():
            if len(uses) > 1:
                terms = " + ".join(self.fixed(amount) for _, amount in uses)
                total = self.fixed(trace.gradients[name])
                notes.append(
                    Text(
                        self.t("graph.fork", name=name, n=len(uses), terms=terms, total=total),
                        style="dim",
                    )
                )
        return Group(table, *notes)

    def renderable(self) -> RenderableType:
        return Group(
            *self.header(),
            Text(""),
            self.forward(),
            Text(""),
            self.backward(),
            Text(""),
            self.gradients(),
        )


def graph(trace: GraphTrace, style: Style | None = None) -> RenderableType:
    """A graph's forward table, backward table (gate rules) and gradients."""
    from backcalc.render.style import Style

    return GraphRenderer(trace, style or Style()).renderable()

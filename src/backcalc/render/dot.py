"""`run --format dot`: the circuit as Graphviz, each value and gradient on its node, as the
cs231n figures draw them (render it with `dot -Tsvg`). A graph's numbers as its other formats
write them (backcalc.render.gates: an integral value as an integer, `;` between arguments with
a decimal comma)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcalc.core.expressions import Expr, Num, Op, functions
from backcalc.render.formulas import text
from backcalc.render.gates import number, separator

if TYPE_CHECKING:
    from backcalc.core.graph import GraphTrace
    from backcalc.render.style import Style

SYMBOLS = {"+": "+", "-": "−", "*": "×", "/": "÷", "**": "^", "neg": "−"}


def _quote(label: str) -> str:
    """A DOT string; its \\n stay line breaks."""
    return '"' + label.replace('"', '\\"') + '"'


def graph(trace: GraphTrace, style: Style | None = None) -> str:
    """The circuit in Graphviz's DOT language."""
    from backcalc.render.style import Style

    style = style or Style()
    graph = trace.graph
    out, sep = graph.output, separator(style.numbers)

    def fixed(value: float) -> str:
        return number(style.numbers, value)

    def formula(node_expr: Expr) -> str:
        return text(node_expr, style.numbers.given, sep=sep)

    lines = ["digraph backcalc {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=11];']
    if graph.title:
        title = graph.title.replace("\\", "\\\\").replace("\n", " ")  # the user's text, literally
        lines.append(f"  label={_quote(title)}; labelloc=t;")
    for name, value in graph.values.items():
        # a value as the user gave it, as the terminal and the documents show it
        gradient = f"∂{out}/∂{name} = {fixed(trace.gradients[name])}"
        label = f"{name} = {style.numbers.given(value)}\\n{gradient}"
        lines.append(f'  {_quote(name)} [shape=plaintext, label="{label}"];')
    for node in trace.nodes:
        expr = node.node.expr
        gate = expr.op if isinstance(expr, Op) and expr.op in functions() else None
        symbol = SYMBOLS.get(expr.op, gate or expr.op) if isinstance(expr, Op) else "="
        head = symbol if graph.gates else f"{node.node.name} = {formula(expr)}"
        shown = f"{node.node.name} = {fixed(node.value)}"
        if graph.gates and isinstance(expr, Op) and any(isinstance(a, Num) for a in expr.args):
            # a constant has no node of its own: the gate writes it
            shown = f"{node.node.name} = {formula(expr)} = {fixed(node.value)}"
        gradient = f"∂{out}/∂{node.node.name} = {fixed(node.gradient)}"
        label = f"{head}\\n{shown}\\n{gradient}"
        lines.append(
            f"  {_quote(node.node.name)} [shape=box, style=rounded, label={_quote(label)}];"
        )
        for used in node.node.inputs:
            lines.append(f"  {_quote(used)} -> {_quote(node.node.name)};")
    lines.append("}")
    return "\n".join(lines) + "\n"

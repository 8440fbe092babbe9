"""`run --format dot`: the circuit as Graphviz, each value and gradient on its node, as the
cs231n figures draw them (render it with `dot -Tsvg`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcalc.core.expressions import Num, Op, functions, text

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
    fixed = style.numbers.fixed
    graph = trace.graph
    lines = ["digraph backcalc {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=11];']
    if graph.title:
        title = graph.title.replace("\\", "\\\\").replace("\n", " ")  # the user's text, literally
        lines.append(f"  label={_quote(title)}; labelloc=t;")
    for name, value in graph.values.items():
        # a value as the user gave it, as the terminal and the documents show it
        label = f"{name}\\n{style.numbers.given(value)}\\n∂: {fixed(trace.gradients[name])}"
        lines.append(f'  {_quote(name)} [shape=plaintext, label="{label}"];')
    for node in trace.nodes:
        expr = node.node.expr
        gate = expr.op if isinstance(expr, Op) and expr.op in functions() else None
        symbol = SYMBOLS.get(expr.op, gate or expr.op) if isinstance(expr, Op) else "="
        head = symbol if graph.gates else f"{node.node.name} = {text(expr, style.numbers.given)}"
        shown = f"{node.node.name} = {fixed(node.value)}"
        if graph.gates and isinstance(expr, Op) and any(isinstance(a, Num) for a in expr.args):
            # a constant has no node of its own: the gate writes it
            shown = f"{node.node.name} = {text(expr, style.numbers.given)} = {fixed(node.value)}"
        label = f"{head}\\n{shown}\\n∂: {fixed(node.gradient)}"
        lines.append(
            f"  {_quote(node.node.name)} [shape=box, style=rounded, label={_quote(label)}];"
        )
        for used in node.node.inputs:
            lines.append(f"  {_quote(used)} -> {_quote(node.node.name)};")
    lines.append("}")
    return "\n".join(lines) + "\n"

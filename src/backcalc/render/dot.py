"""`run --format dot`: the circuit as Graphviz, each value and gradient on its node, as the
cs231n figures draw them; a layered network as columns of units, its edges labelled with the
weights (render either with `dot -Tsvg`). A graph's numbers as its other formats write them
(backcalc.render.gates: an integral value as an integer, `;` between arguments with a decimal
comma)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcalc.core.expressions import Expr, Num, Op, functions
from backcalc.render.formulas import text
from backcalc.render.gates import number, separator

if TYPE_CHECKING:
    from backcalc.core.graph import GraphTrace
    from backcalc.core.network import Trace
    from backcalc.render.diagram.text import Line
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


def network(trace: Trace, style: Style | None = None) -> str:
    """A layered network in Graphviz's DOT language, as backcalc.render.diagram draws it: a
    column per layer (the inputs first, the loss J last), each unit with its z, a and bias,
    each edge with its weight and, under it in red, ∂J/∂w. With `--part statement`, only what
    the exercise gives; with `--only` and no backward step, no gradient."""
    from backcalc.render.diagram.netparts import NetworkParts
    from backcalc.render.style import Style

    style = style or Style()
    values = style.doc.part != "statement"
    gradients = values and (not style.doc.only or "backward" in style.doc.only)
    content = NetworkParts(trace, style, values, gradients).content()
    lines = [
        "digraph backcalc {",
        "  rankdir=LR; ranksep=1.1; nodesep=0.18;",
        '  node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled"];',
        '  edge [fontname="Helvetica", fontsize=10, color="#8A8F98", arrowsize=0.5];',
    ]
    heading = [content.title.replace("\n", " ")] if content.title else []
    legend = [content.legend] if content.legend else []
    notes = [note.plain for note in [*legend, *content.notes]]
    if heading or notes:
        label = "".join(f"{_html(text)}<br/>" for text in heading)
        label += "".join(f'{_html(text)}<br align="left"/>' for text in notes)
        lines.append(f"  label=<{label}>; labelloc=t; fontname=Helvetica; fontsize=11;")
    for index, column in enumerate(content.columns):
        header = "<br/>".join(_html(line.plain) for line in column.header)
        keys = [f"header{index}", *(unit.key for unit in column.units)]
        lines.append(f'  "{keys[0]}" [shape=plaintext, style="", fontsize=10, label=<{header}>];')
        for unit in column.units:
            if unit.ellipsis:
                lines.append(f'  "{unit.key}" [shape=plaintext, style="", label="⋮"];')
            else:
                fill = FILL[column.shape]
                lines.append(f'  "{unit.key}" [fillcolor="{fill}", label=<{_lines(unit.lines)}>];')
        # a column is one rank, its header on top, kept in order by invisible edges
        order = " -> ".join(f'"{key}"' for key in keys)
        lines.append(f"  {{ rank=same; {order} [style=invis]; }}")
    for link in content.links:
        label = f" label=<{_lines(link.label)}>," if link.label else ""
        lines.append(f'  "{link.source}" -> "{link.target}" [{label} arrowhead=none];')
    lines.append("}")
    return "\n".join(lines) + "\n"


FILL = {"input": "#F4F4F4", "unit": "#EAF2FB", "loss": "#FCEFE3"}
TONES = {"gradient": "#B3261E", "note": "#555555"}


def _html(text: str) -> str:
    """Text for a Graphviz HTML-like label."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _tag(name: str, content: str, **attributes: str) -> str:
    shown = "".join(f' {key}="{value}"' for key, value in attributes.items())
    return f"<{name}{shown}>{content}</{name}>"


def _lines(lines: tuple[Line, ...]) -> str:
    """Lines of a label, each in its tone's colour."""
    out = []
    for line in lines:
        text = _html(line.plain)
        colour = TONES.get(line.tone)
        out.append(_tag("font", text, color=colour) if colour else text)
    return "<br/>".join(out)

"""The exercise sheet's own parts of a document: the task (what the exercise asks: the spec's
`task`, else a default per kind of exercise, in the document's language) and the header lines
(the spec's course, author and date, with `--header` over them). The builders (network.py,
graph.py) pass them to their Document; no computed number is ever written here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backcalc.core.texts import HEADER_KEYS, pick
from backcalc.render.document.blocks import Block, Heading, Paragraph
from backcalc.render.document.mathtex import MathWriter, sup
from backcalc.render.gates import tex_name
from backcalc.render.symbols import of as symbols_of

if TYPE_CHECKING:
    from backcalc.core.graph import Graph
    from backcalc.core.network import Exercise
    from backcalc.render.style import Style


def parts(exercise: Exercise | Graph, style: Style) -> dict[str, Any]:
    """The task, the header and the solution page's title, as the Document's fields."""
    return {
        "task": task(exercise, style),
        "header": header(exercise, style),
        "solution_title": style.t("document.solution"),
    }


def task(exercise: Exercise | Graph, style: Style) -> tuple[Block, ...]:
    """The task's heading and paragraph: the spec's words (the user's text rules) or the
    default for a network or a graph."""
    heading = Heading(style.t("document.task"), 2)
    given = pick(exercise.sheet.task, style.lang)
    if given:
        return heading, Paragraph(given, user=True), *_precision(exercise, style)
    if exercise.kind == "graph":
        paragraph = Paragraph(_graph_task(exercise, style))  # type: ignore[arg-type]
    else:
        paragraph = Paragraph(_network_task(exercise, style))  # type: ignore[arg-type]
    return heading, paragraph, *_precision(exercise, style)


def _precision(exercise: Exercise | Graph, style: Style) -> tuple[Block, ...]:
    """How precisely to answer, where the spec asks (`answer_decimals`, as every variant does),
    and that every step is marked (as `grade` marks them)."""
    places = exercise.answer_decimals
    if places is None:
        return ()
    return (
        Paragraph(style.t("document.task_decimals", n=places)),
        Paragraph(style.t("document.task_steps")),
    )


def header(exercise: Exercise | Graph, style: Style) -> tuple[tuple[str, str], ...]:
    """(key, value) of the header lines: the spec's, each replaced by the command line's
    (`--header date=` drops a line), in HEADER_KEYS' order."""
    lines = dict(exercise.sheet.header())
    for key, value in style.doc.header:
        if value:
            lines[key] = value
        else:
            lines.pop(key, None)
    return tuple((key, lines[key]) for key in HEADER_KEYS if key in lines)


def listing(items: list[str], style: Style) -> str:
    """`a, b and c` in the document's language."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {style.t('document.and')} {items[-1]}"


def _derivative(of: str, by: str) -> str:
    return f"$\\partial {of}/\\partial {by}$"


def _network_task(exercise: Exercise, style: Style) -> str:
    symbols = symbols_of(exercise).tex  # the course's symbols (a spec's notation:)
    J, W, b = symbols("loss"), symbols("weights"), symbols("bias")
    parameters = []
    for number, layer in enumerate(exercise.network.layers, start=1):
        parameters.append(_derivative(J, f"{W}{sup(number)}"))
        if layer.bias is not None:
            parameters.append(_derivative(J, f"{b}{sup(number)}"))
    text = style.t(
        "document.task_network",
        yhat=f"${symbols('output')}$",
        loss=f"${J}$",
        parameters=listing(parameters, style),
    )
    if exercise.learning_rate is not None:
        eta = MathWriter(style.numbers).number(exercise.learning_rate, given=True)
        text += " " + style.t("document.task_update", eta=f"$\\eta = {eta}$")
    return text


def _graph_task(graph: Graph, style: Style) -> str:
    out = tex_name(graph.output)
    if not graph.values:
        return style.t("document.task_graph_values", out=f"${out}$")
    inputs = [_derivative(out, tex_name(name)) for name in graph.values]
    return style.t("document.task_graph", out=f"${out}$", inputs=listing(inputs, style))

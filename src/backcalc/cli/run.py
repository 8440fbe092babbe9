"""`backcalc run`: the forward and backward pass, as tables, JSON, or a step-by-step solution."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from backcalc.cli.common import (
    ENGLISH,
    CommaOption,
    ForceOption,
    LangOption,
    OutputOption,
    SpecArgument,
    emit,
    fail,
    load_spec,
    style,
)
from backcalc.errors import BackcalcError

if TYPE_CHECKING:
    from rich.console import RenderableType

    from backcalc.core.graph import Graph
    from backcalc.core.network import Exercise
    from backcalc.render.style import Style


class RunFormat(enum.StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    latex = "latex"
    dot = "dot"


def run(
    spec: SpecArgument,
    output_format: Annotated[
        RunFormat,
        typer.Option(
            "--format",
            "-f",
            help="table: tables in the terminal; json: one JSON document; markdown, latex: the "
            "step-by-step solution as a document; dot: a Graphviz drawing (graphs).",
        ),
    ] = RunFormat.table,
    decimals: Annotated[
        int, typer.Option(min=0, max=15, help="Decimals of every computed number shown.")
    ] = 4,
    hand_rounding: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=12,
            metavar="N",
            help="Compute as by hand: round every number to N decimals and use it rounded in "
            "the next step (also sets --decimals).",
        ),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Show large matrices whole in the terminal tables.")
    ] = False,
    lang: LangOption = ENGLISH,
    comma: CommaOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Run the forward and backward pass and show every intermediate, layer by layer.

    Example: backcalc run reference-2-3-1 --format markdown --lang es -o solucion.md
    """
    if hand_rounding is not None:
        decimals = hand_rounding
    from backcalc.core.network import Exercise

    look = style(lang, comma, decimals)
    try:
        spec_data, source = load_spec(spec)
        if isinstance(spec_data, Exercise):
            content = _network_output(spec_data, output_format, look, hand_rounding, full)
        elif hand_rounding is not None:
            raise BackcalcError("--hand-rounding works on networks; graphs use --decimals")
        else:
            content = _graph_output(spec_data, output_format, look)
        emit(content, output, force, (source,))
    except BackcalcError as error:
        raise fail(error, spec) from None


def _network_output(
    exercise: Exercise, output_format: RunFormat, look: Style, hand_rounding: int | None, full: bool
) -> str | RenderableType:
    from backcalc.core.network import run as run_network

    trace = run_network(exercise, hand_decimals=hand_rounding)
    if output_format is RunFormat.json:
        from backcalc.render import jsonout

        return jsonout.render(trace)
    if output_format is RunFormat.table:
        from backcalc.render import terminal

        return terminal.render(trace, look, full)
    if output_format is RunFormat.dot:
        raise BackcalcError("--format dot draws computational graphs (a spec with steps)")
    from backcalc.render import solution

    return solution.render(trace, look, output_format.value)


def _graph_output(graph: Graph, output_format: RunFormat, look: Style) -> str | RenderableType:
    from backcalc.core.graph import run as run_graph

    trace = run_graph(graph)
    if output_format is RunFormat.json:
        from backcalc.render import graph_json

        return graph_json.render(trace)
    if output_format is RunFormat.table:
        from backcalc.render import graph_terminal

        return graph_terminal.render(trace, look)
    if output_format is RunFormat.dot:
        from backcalc.render import graph_dot

        return graph_dot.render(trace, look)
    from backcalc.render import graph_solution

    return graph_solution.render(trace, look, output_format.value)

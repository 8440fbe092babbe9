"""`backcalc run`: the forward and backward pass, as tables, JSON, or a step-by-step solution."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from backcalc.cli_common import (
    CommaOption,
    ForceOption,
    Lang,
    LangOption,
    OutputOption,
    SpecArgument,
    emit,
    fail,
    load_exercise,
    style,
)
from backcalc.errors import BackcalcError

if TYPE_CHECKING:
    from rich.console import RenderableType


class RunFormat(enum.StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    latex = "latex"


def run(
    spec: SpecArgument,
    output_format: Annotated[
        RunFormat,
        typer.Option(
            "--format",
            "-f",
            help="table: tables in the terminal; json: one JSON document; markdown, latex: the "
            "step-by-step solution as a document.",
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
    lang: LangOption = Lang.en,
    comma: CommaOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Run the forward and backward pass and show every intermediate, layer by layer.

    Example: backcalc run reference-2-3-1 --format markdown --lang es -o solucion.md
    """
    from backcalc.network import run as run_network

    if hand_rounding is not None:
        decimals = hand_rounding
    try:
        exercise, source = load_exercise(spec)
        trace = run_network(exercise, hand_decimals=hand_rounding)
        look = style(lang, comma, decimals)
        content: str | RenderableType
        if output_format is RunFormat.json:
            from backcalc.render import jsonout

            content = jsonout.render(trace)
        elif output_format is RunFormat.table:
            from backcalc.render import terminal

            content = terminal.render(trace, look)
        else:
            from backcalc.render import solution

            content = solution.render(trace, look, output_format.value)
        emit(content, output, force, (source,))
    except BackcalcError as error:
        raise fail(error) from None

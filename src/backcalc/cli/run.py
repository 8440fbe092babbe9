"""`backcalc run`: the forward and backward pass, as tables, JSON, or a step-by-step solution."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from backcalc.cli.common import (
    CommaOption,
    ForceOption,
    LangOption,
    OutputOption,
    SpecArgument,
    choices,
    emit,
    fail,
    load_spec,
    style,
)
from backcalc.errors import BackcalcError

if TYPE_CHECKING:
    RunFormat = enum.StrEnum
else:  # the formats that draw these results, from backcalc.render's one table
    RunFormat = choices("RunFormat", "network", "graph")
TABLE = RunFormat("table")


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
    ] = TABLE,
    decimals: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=15,
            help="Decimals of every computed number shown [default: 4, or N of --hand-rounding].",
            show_default=False,
        ),
    ] = None,
    hand_rounding: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=12,
            metavar="N",
            help="Compute as by hand: round every number to N decimals and use it rounded in "
            "the next step (and show N decimals unless --decimals says otherwise).",
        ),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Show large matrices whole in the terminal tables.")
    ] = False,
    lang: LangOption = None,
    comma: CommaOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Run the forward and backward pass and show every intermediate, layer by layer.

    Example: backcalc run reference-2-3-1 --format markdown --lang es -o solucion.md
    """
    from backcalc.render import render, require

    shown = decimals if decimals is not None else hand_rounding if hand_rounding is not None else 4
    look = style(lang, comma, shown, full)
    try:
        exercise, source = load_spec(spec)
        require(exercise.kind, output_format.value)  # before the computation, not after
        trace = exercise.run(hand_rounding)
        emit(render(trace, output_format.value, look), output, force, source.paths())
    except BackcalcError as error:
        raise fail(error, spec, lang) from None

"""`backcalc run`: the forward and backward pass, as tables, JSON, or a step-by-step solution."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from backcalc.cli.common import (
    MAX_DECIMALS,
    CommaOption,
    ForceOption,
    LangOption,
    MaxElementsOption,
    OutputOption,
    OutsideFilesOption,
    SpecArgument,
    choices,
    emit,
    fail,
    load_spec,
    style,
)
from backcalc.errors import BackcalcError
from backcalc.io.limits import MAX_ELEMENTS, Limits, count

if TYPE_CHECKING:
    from backcalc.core.exercise import TraceKind
    from backcalc.core.network import Trace

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
            "step-by-step solution as a document; dot: a Graphviz drawing.",
        ),
    ] = TABLE,
    decimals: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=MAX_DECIMALS,
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
    max_elements: MaxElementsOption = MAX_ELEMENTS,
    outside_files: OutsideFilesOption = False,
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
        exercise, source = load_spec(spec, Limits(max_elements, outside_files))
        require(exercise.kind, output_format.value)  # before the computation, not after
        trace = exercise.run(hand_rounding)
        if output_format.value == "json":
            _json_fits(trace, max_elements)
        emit(render(trace, output_format.value, look), output, force, source.paths())
    except BackcalcError as error:
        raise fail(error, spec, lang) from None


JSON_SHARE = 10  # JSON writes every number, at ~17 bytes and ~3 µs each: a tenth of the budget


def _json_fits(trace: TraceKind, max_elements: int) -> None:
    """Refuse a JSON document of more than max_elements / 10 numbers before writing it: it
    holds every intermediate in full (units: 1e6 gave 1.7·10⁷ numbers, 289 MB, in 55 s)."""
    import dataclasses

    import numpy as np

    if trace.kind != "network":
        return
    network = cast("Trace", trace)
    layers: list[Any] = [*network.layers, *network.exercise.network.layers]  # and W, b as used
    written = sum(
        value.size
        for layer in layers
        for value in (getattr(layer, f.name) for f in dataclasses.fields(layer))
        if isinstance(value, np.ndarray)
    )
    limit = max_elements // JSON_SHARE
    if written > limit:
        raise BackcalcError(
            f"--format json would write about {count(written)} numbers, more than {count(limit)} "
            f"(a tenth of --max-elements, which raises it)"
        )

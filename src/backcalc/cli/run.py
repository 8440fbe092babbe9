"""`backcalc run`: the forward and backward pass, as tables, JSON, or a step-by-step solution."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from backcalc.cli.common import (
    MAX_DECIMALS,
    CommaOption,
    DiagramOption,
    ForceOption,
    HeaderOption,
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
    from backcalc.core.exercise import ExerciseKind, TraceKind
    from backcalc.core.network import Exercise, Trace

    RunFormat = enum.StrEnum
else:  # the formats that draw these results, from backcalc.render's one table
    RunFormat = choices("RunFormat", "network", "graph")
TABLE = RunFormat("table")
DOCUMENTS = ("markdown", "latex", "html", "pdf")  # the formats --part, --header, --numbered shape


class Step(enum.StrEnum):  # the kinds of step --only chooses
    forward = "forward"
    loss = "loss"
    backward = "backward"
    update = "update"


class Part(enum.StrEnum):  # backcalc.render.document.blocks.PARTS
    statement = "statement"
    solution = "solution"
    both = "both"


def run(
    spec: SpecArgument,
    output_format: Annotated[
        RunFormat,
        typer.Option(
            "--format",
            "-f",
            help="table: terminal tables; json: a JSON document; markdown, latex, html, pdf: the "
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
    part: Annotated[
        Part | None,
        typer.Option(
            help="The document's part: statement (the exercise sheet: the data and the task, no "
            "computed number), solution, or both (the sheet, then the solution on a new page) "
            "[default: solution].",
            show_default=False,
        ),
    ] = None,
    header: HeaderOption = None,
    numbered: Annotated[
        bool, typer.Option("--numbered", help="Number the document's equations.")
    ] = False,
    diagram: DiagramOption = None,
    only: Annotated[
        list[Step] | None,
        typer.Option(
            help="Show only these steps: forward, loss, backward or update (repeatable) "
            "[default: all].",
            show_default=False,
        ),
    ] = None,
    layer: Annotated[
        int | None,
        typer.Option(
            min=1,
            metavar="N",
            help="Show only layer N's steps (counted from 1) [default: every layer].",
            show_default=False,
        ),
    ] = None,
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
    import dataclasses

    from backcalc.render import render, require
    from backcalc.render.style import DocOptions

    shown = decimals if decimals is not None else hand_rounding if hand_rounding is not None else 4
    look = style(lang, comma, shown, full)
    lines = tuple((key, value) for key, _, value in (h.partition("=") for h in header or []))
    steps = tuple(dict.fromkeys(step.value for step in only or []))
    doc = DocOptions(
        part=(part or Part.solution).value,
        numbered=numbered,
        diagram=diagram,
        only=steps,
        layer=layer,
        header=lines,
    )
    look = dataclasses.replace(look, doc=doc)
    try:
        fmt = output_format.value
        if fmt not in DOCUMENTS and (part or header or numbered or diagram is not None):
            raise BackcalcError(
                "--part, --header, --numbered and --diagram shape a document (--format "
                "markdown, latex, html or pdf)"
            )
        if fmt in ("json", "dot") and (only or layer is not None):
            raise BackcalcError("--only and --layer choose the steps of tables and documents")
        if fmt == "pdf" and output is None:
            raise BackcalcError("--format pdf writes a file: give -o FILE (or -o - for stdout)")
        exercise, source = load_spec(spec, Limits(max_elements, outside_files))
        require(exercise.kind, fmt)  # before the computation, not after
        _steps_exist(exercise, steps, layer)
        trace = exercise.run(hand_rounding)
        if output_format.value == "json":
            _json_fits(trace, max_elements)
        emit(render(trace, output_format.value, look), output, force, source.paths())
    except BackcalcError as error:
        raise fail(error, spec, lang) from None


def _steps_exist(exercise: ExerciseKind, steps: tuple[str, ...], layer: int | None) -> None:
    """--only and --layer name steps the exercise has (a graph has no layers, loss or update)."""
    if exercise.kind == "graph":
        if layer is not None or set(steps) - {"forward", "backward"}:
            raise BackcalcError(
                "a computational graph has a forward and a backward pass only: --only forward "
                "or backward, and no --layer"
            )
        return
    layers = len(cast("Exercise", exercise).network.layers)
    if layer is not None and layer > layers:
        raise BackcalcError(f"--layer {layer}: no such layer (the network's are 1 to {layers})")
    if "update" in steps and cast("Exercise", exercise).learning_rate is None:
        raise BackcalcError(
            "--only update: the spec has no learning_rate, so there is no update step"
        )


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

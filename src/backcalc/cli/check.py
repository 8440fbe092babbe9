"""`backcalc check`: the gradients against finite differences, or hand-worked answers."""

from __future__ import annotations

import dataclasses
import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from backcalc.cli.common import (
    ENGLISH,
    EXIT_FAILED,
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
    from backcalc.core.gradcheck import CheckSettings, GradCheck
    from backcalc.core.grading import AnswerSettings
    from backcalc.core.graph import Graph, GraphTrace
    from backcalc.core.network import Exercise, Trace
    from backcalc.render.style import Style


class CheckFormat(enum.StrEnum):
    table = "table"
    json = "json"


def check(
    spec: SpecArgument,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            "-a",
            metavar="FILE",
            help="Check these hand-worked answers (YAML) instead.",
        ),
    ] = None,
    output_format: Annotated[
        CheckFormat,
        typer.Option(
            "--format", "-f", help="table: tables in the terminal; json: one JSON document."
        ),
    ] = CheckFormat.table,
    eps: Annotated[float, typer.Option(min=1e-15, help="The finite-difference step ε.")] = 1e-6,
    rtol: Annotated[
        float | None,
        typer.Option(min=0, help="Relative tolerance [default: 1e-5; 0.01 with --answers]."),
    ] = None,
    atol: Annotated[
        float | None,
        typer.Option(min=0, help="Absolute tolerance [default: 1e-7; 1e-4 with --answers]."),
    ] = None,
    every_entry: Annotated[
        bool, typer.Option("--all", help="Check every entry, however large the network.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the sample of entries and directions.")] = 0,
    lang: LangOption = ENGLISH,
    comma: CommaOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Verify gradients with central finite differences: the engine's, or your own hand-worked
    answers with --answers. Exit code 1 if anything is wrong.

    Example: backcalc check reference-2-3-1 --answers reference-2-3-1-hand
    """
    from backcalc.core.gradcheck import CheckSettings
    from backcalc.core.network import Exercise
    from backcalc.core.network import run as run_network

    try:
        spec_data, source = load_spec(spec)
        look = style(lang, comma)
        settings = _with_tolerances(
            CheckSettings(eps=eps, every_entry=every_entry, seed=seed), rtol, atol
        )
        if answers is not None:
            if not isinstance(spec_data, Exercise):
                raise BackcalcError("--answers works on networks; a graph is checked by itself")
            trace = run_network(spec_data)
            passed = _answers(
                trace, answers, output_format, look, eps, rtol, atol, output, force, source
            )
        else:
            checked, result = _checked(spec_data, settings)
            _emit_check(result, output_format, look, checked, output, force, source)
            passed = result.passed
    except BackcalcError as error:
        raise fail(error, spec) from None
    if not passed:
        raise typer.Exit(EXIT_FAILED)


def _checked(
    spec: Exercise | Graph, settings: CheckSettings
) -> tuple[Trace | GraphTrace, GradCheck]:
    """The trace of a network or a graph, and its finite-difference check."""
    from backcalc.core.gradcheck import check as check_gradients
    from backcalc.core.network import Exercise
    from backcalc.core.network import run as run_network

    if isinstance(spec, Exercise):
        trace = run_network(spec)
        return trace, check_gradients(trace, settings)
    from backcalc.core.gradcheck import check_graph
    from backcalc.core.graph import run as run_graph

    graph_trace = run_graph(spec)
    return graph_trace, check_graph(graph_trace, settings)


def _emit_check(
    result: GradCheck,
    output_format: CheckFormat,
    look: Style,
    trace: Trace | GraphTrace,
    output: Path | None,
    force: bool,
    source: Path,
) -> None:
    if output_format is CheckFormat.json:
        from backcalc.render import check_json

        emit(check_json.render(result), output, force, (source,))
    else:
        from backcalc.render import check_terminal

        emit(check_terminal.render(result, trace, look), output, force, (source,))


def _answers(
    trace: Trace,
    answers: str,
    output_format: CheckFormat,
    look: Style,
    eps: float,
    rtol: float | None,
    atol: float | None,
    output: Path | None,
    force: bool,
    source: Path,
) -> bool:
    from backcalc.core.grading import AnswerSettings, grade
    from backcalc.io import answers as answers_file
    from backcalc.io import examples

    path, name = Path(answers), answers
    if not path.exists() and (example := examples.find_answers(answers)) is not None:
        path, name = example, f"{answers.removesuffix('.yaml')}.yaml"
    claims = answers_file.read(path, trace, name)
    grading = grade(trace, claims, _with_tolerances(AnswerSettings(eps=eps), rtol, atol))
    if output_format is CheckFormat.json:
        from backcalc.render import check_json

        emit(check_json.render_answers(grading), output, force, (source, path))
    else:
        from backcalc.render import check_terminal

        emit(
            check_terminal.render_answers(grading, trace, name, look), output, force, (source, path)
        )
    return grading.passed


_Settings = TypeVar("_Settings", "CheckSettings", "AnswerSettings")


def _with_tolerances(settings: _Settings, rtol: float | None, atol: float | None) -> _Settings:
    """The settings with the tolerances the user gave (the mode's defaults otherwise)."""
    if rtol is not None:
        settings = dataclasses.replace(settings, rtol=rtol)
    if atol is not None:
        settings = dataclasses.replace(settings, atol=atol)
    return settings

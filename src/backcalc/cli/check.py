"""`backcalc check`: the gradients against finite differences, or hand-worked answers."""

from __future__ import annotations

import dataclasses
import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from backcalc.cli.common import (
    EXIT_FAILED,
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
    finite,
    load_spec,
    style,
)
from backcalc.errors import BackcalcError
from backcalc.io.limits import MAX_ELEMENTS, Limits

if TYPE_CHECKING:
    from backcalc.core.gradcheck import CheckSettings, GradCheck
    from backcalc.core.grading import AnswerSettings, Grading
    from backcalc.core.network import Trace
    from backcalc.render.style import Style


if TYPE_CHECKING:
    CheckFormat = enum.StrEnum
else:  # the formats that draw these results, from backcalc.render's one table
    CheckFormat = choices("CheckFormat", "check", "answers")
TABLE = CheckFormat("table")


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
    ] = TABLE,
    eps: Annotated[
        float, typer.Option(min=1e-15, callback=finite, help="The finite-difference step ε.")
    ] = 1e-6,
    rtol: Annotated[
        float | None,
        typer.Option(
            min=0,
            callback=finite,
            help="Relative tolerance of the gradient check [default: 1e-5].",
            show_default=False,
        ),
    ] = None,
    atol: Annotated[
        float | None,
        typer.Option(
            min=0,
            callback=finite,
            help="Absolute tolerance of the gradient check [default: 1e-7].",
            show_default=False,
        ),
    ] = None,
    tolerance: Annotated[
        str,
        typer.Option(
            "--tolerance",
            metavar="RULE",
            help="With --answers: how close a number must be. decimals (within 0.51 of a unit "
            "in its last written decimal), sigfig:N, rel:R or abs:A.",
        ),
    ] = "decimals",
    carry_forward: Annotated[
        bool,
        typer.Option(
            help="With --answers: give method credit to steps computed correctly from your own "
            "earlier wrong values."
        ),
    ] = True,
    decimals_required: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=MAX_DECIMALS,
            help="With --answers: an answer with fewer decimals is imprecise [default: the "
            "spec's answer_decimals].",
            show_default=False,
        ),
    ] = None,
    marks: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="With --answers: marks per step (YAML: default, quantity names, layers).",
        ),
    ] = None,
    every_entry: Annotated[
        bool, typer.Option("--all", help="Check every entry, however large the network.")
    ] = False,
    full: Annotated[
        bool,
        typer.Option("--full", help="Show every entry in the terminal, not only the flagged ones."),
    ] = False,
    decimals: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=MAX_DECIMALS,
            help="Decimals of the values shown (numbers too small for them in scientific "
            "notation) [default: 8 significant digits, 6 for correct answers].",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option(min=0, help="Seed of the sample of entries and directions.")
    ] = 0,
    lang: LangOption = None,
    comma: CommaOption = None,
    max_elements: MaxElementsOption = MAX_ELEMENTS,
    outside_files: OutsideFilesOption = False,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Verify gradients with central finite differences: the engine's, or your own hand-worked
    answers with --answers. Exit code 1 if anything is wrong.

    Example: backcalc check reference-2-3-1 --answers reference-2-3-1-hand
    """
    from backcalc.core.gradcheck import CheckSettings
    from backcalc.render import render

    try:
        bounds = Limits(max_elements, outside_files)
        exercise, source = load_spec(spec, bounds)
        look = _look(style(lang, comma, 4 if decimals is None else decimals, full), decimals)
        inputs: tuple[Path, ...] = source.paths()
        result: GradCheck | Grading
        if answers is None:
            engine = CheckSettings(eps=eps, every_entry=every_entry, seed=seed)
            result = exercise.run().check(_with_tolerances(engine, rtol, atol))
        else:
            if rtol is not None or atol is not None:
                raise BackcalcError(
                    "--rtol and --atol set the gradient check's tolerance; with --answers, "
                    "say how close a number must be with --tolerance (decimals, sigfig:N, "
                    "rel:R or abs:A)"
                )
            from backcalc.core.grading import AnswerSettings, Tolerance

            settings = AnswerSettings(
                tolerance=Tolerance.parse(tolerance),
                carry_forward=carry_forward,
                required_decimals=decimals_required,  # None: the spec's answer_decimals
                eps=eps,
            )
            if marks is not None:
                from backcalc.io import marks as marks_file

                settings = dataclasses.replace(settings, marks=marks_file.read(marks))
                inputs = (*inputs, marks)
            trace = cast("Trace", exercise.run())
            result, answers_path = _grade(trace, answers, settings, bounds)
            inputs = (*inputs, answers_path)
        emit(render(result, output_format.value, look), output, force, inputs)
    except BackcalcError as error:
        raise fail(error, spec, lang) from None
    if not result.passed:
        raise typer.Exit(EXIT_FAILED)


def _look(look: Style, decimals: int | None) -> Style:
    """Check's number format: too small for its decimals is written in scientific notation;
    with --decimals every value shown has them."""
    numbers = dataclasses.replace(
        look.numbers, small_in_scientific=True, fixed_only=decimals is not None
    )
    return dataclasses.replace(look, numbers=numbers)


def _grade(
    trace: Trace, answers: str, settings: AnswerSettings, bounds: Limits
) -> tuple[Grading, Path]:
    """The answers file `answers` (a path, or a shipped answers example) graded against
    `trace`, and the path it was read from (its data files read within `bounds`)."""
    from backcalc.core.grading import grade
    from backcalc.io import answers as answers_file
    from backcalc.io import examples

    path, name = examples.resolve_answers(answers)
    claims = answers_file.read(path, trace, name, bounds)
    return grade(trace, claims, settings, name), path


def _with_tolerances(
    settings: CheckSettings, rtol: float | None, atol: float | None
) -> CheckSettings:
    """The settings with the tolerances the user gave (the mode's defaults otherwise)."""
    if rtol is not None:
        settings = dataclasses.replace(settings, rtol=rtol)
    if atol is not None:
        settings = dataclasses.replace(settings, atol=atol)
    return settings

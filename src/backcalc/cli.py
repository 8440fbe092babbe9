"""The command line: reads arguments, calls the core, renders, maps errors to exit codes.

Heavy modules (numpy and everything that uses it) are imported inside the commands, so that
`backcalc --help` and `backcalc --version` stay fast.
"""

from __future__ import annotations

import dataclasses
import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from backcalc import __version__
from backcalc.errors import BackcalcError

if TYPE_CHECKING:
    from rich.console import Console

    from backcalc.gradcheck import CheckSettings
    from backcalc.grading import AnswerSettings
    from backcalc.network import Exercise, Trace

app = typer.Typer(
    name="backcalc",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


class Format(enum.StrEnum):
    table = "table"
    json = "json"


def _version(value: bool) -> None:
    if value:
        print(f"backcalc {__version__}")
        raise typer.Exit()


@app.callback()
def callback(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """A backprop calculator: every intermediate of the forward and backward pass, layer by layer.

    Example: backcalc run reference-2-3-1
    """


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False, markup=False)


def _fail(error: BackcalcError) -> typer.Exit:
    print(str(error), file=sys.stderr)
    return typer.Exit(EXIT_BAD_INPUT)


def load_exercise(spec: str) -> Exercise:
    """The exercise in the file `spec`, or in the shipped example of that name."""
    from backcalc import examples
    from backcalc.errors import Location, SpecError
    from backcalc.spec import read

    path = Path(spec)
    if not path.exists():
        example = examples.find(spec)
        if example is not None:
            return read(example.path, display_name=f"{example.name}.yaml")
        raise SpecError(
            "no such file, and no example of that name (`backcalc examples` lists them)",
            Location(spec),
        )
    return read(path)


@app.command()
def run(
    spec: Annotated[
        str, typer.Argument(metavar="SPEC", help="A spec file (YAML), or the name of an example.")
    ],
    output_format: Annotated[
        Format,
        typer.Option(
            "--format", "-f", help="table: tables in the terminal; json: one JSON document."
        ),
    ] = Format.table,
    decimals: Annotated[
        int, typer.Option(min=0, max=15, help="Decimals shown for computed numbers (tables).")
    ] = 4,
) -> None:
    """Run the forward and backward pass and show every intermediate, layer by layer.

    Example: backcalc run reference-2-3-1 --decimals 3
    """
    from backcalc.network import run as run_network

    try:
        trace = run_network(load_exercise(spec))
    except BackcalcError as error:
        raise _fail(error) from None
    if output_format is Format.json:
        from backcalc.render import jsonout

        sys.stdout.write(jsonout.render(trace))
        return
    from backcalc.render import terminal

    _console().print(terminal.render(trace, decimals))


@app.command()
def check(
    spec: Annotated[
        str, typer.Argument(metavar="SPEC", help="A spec file (YAML), or the name of an example.")
    ],
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
        Format,
        typer.Option(
            "--format", "-f", help="table: tables in the terminal; json: one JSON document."
        ),
    ] = Format.table,
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
) -> None:
    """Verify gradients with central finite differences: the engine's, or your own hand-worked
    answers with --answers. Exit code 1 if anything is wrong.

    Example: backcalc check reference-2-3-1 --answers reference-2-3-1-hand
    """
    from backcalc.network import run as run_network

    try:
        trace = run_network(load_exercise(spec))
        if answers is not None:
            _check_answers(trace, answers, output_format, eps, rtol, atol)
            return
    except BackcalcError as error:
        raise _fail(error) from None
    from backcalc.gradcheck import CheckSettings
    from backcalc.gradcheck import check as check_gradients

    settings = CheckSettings(eps=eps, every_entry=every_entry, seed=seed)
    settings = _with_tolerances(settings, rtol, atol)
    result = check_gradients(trace, settings)
    if output_format is Format.json:
        from backcalc.render import check_json

        sys.stdout.write(check_json.render(result))
    else:
        from backcalc.render import check_terminal

        _console().print(check_terminal.render(result, trace))
    if not result.passed:
        raise typer.Exit(EXIT_FAILED)


_Settings = TypeVar("_Settings", "CheckSettings", "AnswerSettings")


def _with_tolerances(settings: _Settings, rtol: float | None, atol: float | None) -> _Settings:
    """The settings with the tolerances the user gave (the mode's defaults otherwise)."""
    if rtol is not None:
        settings = dataclasses.replace(settings, rtol=rtol)
    if atol is not None:
        settings = dataclasses.replace(settings, atol=atol)
    return settings


def _check_answers(
    trace: Trace,
    answers: str,
    output_format: Format,
    eps: float,
    rtol: float | None,
    atol: float | None,
) -> None:
    from backcalc import answers as answers_file
    from backcalc import examples
    from backcalc.grading import AnswerSettings, grade

    path, name = Path(answers), answers
    if not path.exists() and (example := examples.find_answers(answers)) is not None:
        path, name = example, f"{answers}.yaml"
    claims = answers_file.read(path, trace, name)
    grading = grade(trace, claims, _with_tolerances(AnswerSettings(eps=eps), rtol, atol))
    if output_format is Format.json:
        from backcalc.render import check_json

        sys.stdout.write(check_json.render_answers(grading))
    else:
        from backcalc.render import check_terminal

        _console().print(check_terminal.render_answers(grading, trace, name))
    if not grading.passed:
        raise typer.Exit(EXIT_FAILED)


@app.command("examples")
def list_examples() -> None:
    """List the example specs that ship with backcalc, one line each.

    Example: backcalc examples
    """
    from backcalc import examples

    found = examples.all_examples()
    width = max(len(e.name) for e in found)
    for example in found:
        print(f"{example.name:<{width}}  {example.summary}")


def main() -> None:
    app(prog_name="backcalc")

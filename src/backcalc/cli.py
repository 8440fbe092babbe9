"""The command line: reads arguments, calls the core, renders, maps errors to exit codes.

Heavy modules (numpy and everything that uses it) are imported inside the commands, so that
`backcalc --help` and `backcalc --version` stay fast.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from backcalc import __version__
from backcalc.errors import BackcalcError

if TYPE_CHECKING:
    from rich.console import Console

    from backcalc.network import Exercise

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
    output_format: Annotated[
        Format,
        typer.Option(
            "--format", "-f", help="table: tables in the terminal; json: one JSON document."
        ),
    ] = Format.table,
    eps: Annotated[float, typer.Option(min=1e-15, help="The finite-difference step ε.")] = 1e-6,
    rtol: Annotated[float, typer.Option(min=0, help="Relative tolerance.")] = 1e-5,
    atol: Annotated[float, typer.Option(min=0, help="Absolute tolerance.")] = 1e-7,
    every_entry: Annotated[
        bool, typer.Option("--all", help="Check every entry, however large the network.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the sample of entries and directions.")] = 0,
) -> None:
    """Verify the gradients with central finite differences; exit 1 if any entry fails.

    Example: backcalc check reference-2-3-1
    """
    from backcalc.gradcheck import CheckSettings
    from backcalc.gradcheck import check as check_gradients
    from backcalc.network import run as run_network

    try:
        trace = run_network(load_exercise(spec))
    except BackcalcError as error:
        raise _fail(error) from None
    settings = CheckSettings(eps=eps, rtol=rtol, atol=atol, every_entry=every_entry, seed=seed)
    result = check_gradients(trace, settings)
    if output_format is Format.json:
        from backcalc.render import check_json

        sys.stdout.write(check_json.render(result))
    else:
        from backcalc.render import check_terminal

        _console().print(check_terminal.render(result, trace))
    if not result.passed:
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

"""The command line: the app and its commands, one module each (run, check, train).

Each command reads its arguments, calls the core, renders and maps errors to exit codes. Heavy
modules (numpy and everything that uses it) are imported inside the commands, so that
`backcalc --help` and `backcalc --version` stay fast.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from backcalc import __version__
from backcalc.cli.check import check
from backcalc.cli.run import run
from backcalc.cli.train import train

app = typer.Typer(
    name="backcalc",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

app.command()(run)
app.command()(check)
app.command()(train)


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


@app.command("examples")
def list_examples() -> None:
    """List the example specs that ship with backcalc, one line each.

    Example: backcalc examples
    """
    from backcalc.io import examples

    found = examples.all_examples()
    if not found:  # an incomplete install: say so, never a traceback
        print(
            f"no examples are installed with backcalc (looked in {examples.folder()}); "
            "reinstall the package",
            file=sys.stderr,
        )
        raise typer.Exit(2)
    width = max(len(e.name) for e in found)
    for example in found:
        print(f"{example.name:<{width}}  {example.summary}")


def main() -> None:
    app(prog_name="backcalc")

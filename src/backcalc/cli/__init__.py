"""The command line: the app and its commands, one module each (run, check, train).

Each command reads its arguments, calls the core, renders and maps errors to exit codes. Heavy
modules (numpy and everything that uses it) are imported inside the commands, so that
`backcalc --help` and `backcalc --version` stay fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from backcalc import __version__, locales
from backcalc.cli.check import check
from backcalc.cli.common import language, one_line
from backcalc.cli.grade import grade
from backcalc.cli.run import run
from backcalc.cli.train import train
from backcalc.cli.variants import variants


class Group(TyperGroup):
    """The root command, whose usage errors (an unknown option, a value out of range) are one
    line on stderr, `backcalc check: Invalid value for '--seed': ... Usage: ...`, as every other
    error of backcalc, instead of click's four-line block."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except typer.Abort:
            print("backcalc: aborted", file=sys.stderr)
            sys.exit(1)
        except Exception as error:  # click's exceptions are private to typer: duck-typed
            if not hasattr(error, "format_message") or not hasattr(error, "exit_code"):
                raise
            if type(error).__name__ == "NoArgsIsHelpError":  # `backcalc` alone: the help
                error.show()  # type: ignore[attr-defined]
            else:
                given = list(sys.argv[1:] if args is None else args)
                print(usage_error(error, _language(given)), file=sys.stderr)
            sys.exit(error.exit_code)
        sys.exit(code if isinstance(code, int) else 0)


def usage_error(error: Any, lang: str = locales.DEFAULT) -> str:
    """A click error in one line, in the output's language: the command, the message (click's
    words, translated like every other message), its usage and where help is."""
    words = locales.load(lang)
    message = words.message(" ".join(str(error.format_message()).split()).rstrip("."))
    context = getattr(error, "ctx", None)
    if context is None:
        return one_line(f"backcalc: {message}")
    usage = " ".join(context.get_usage().split()).removeprefix("Usage: ")
    command = context.command_path
    return one_line(
        f"{command}: {message}. {words.text('cli.usage', usage=usage, command=command)}"
    )


def _language(args: list[str]) -> str:
    """The language of a command line that did not parse: its --lang if it has a known one,
    else $BACKCALC_LANG's."""
    for index, arg in enumerate(args):
        value = args[index + 1] if arg == "--lang" and index + 1 < len(args) else None
        value = arg.removeprefix("--lang=") if arg.startswith("--lang=") else value
        if value in locales.available():
            return value
    return language(None)


app = typer.Typer(
    name="backcalc",
    cls=Group,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

app.command()(run)
app.command()(check)
app.command()(train)
app.command()(variants)
app.command()(grade)


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
    import shutil

    # on a terminal each summary wraps under itself; piped, one line each (for grep and scripts)
    columns = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    for line in example_lines([(e.name, e.summary) for e in found], columns):
        print(line)


def example_lines(examples: list[tuple[str, str]], columns: int | None) -> list[str]:
    """`name  summary` per example, the summary wrapped under itself to `columns` (if given)."""
    import textwrap

    width = max(len(name) for name, _ in examples)
    lines = []
    for name, summary in examples:
        parts = textwrap.wrap(summary, max(columns - width - 2, 20)) if columns else [summary]
        lines.append(f"{name:<{width}}  {(parts or [''])[0]}")
        lines += [f"{'':<{width}}  {part}" for part in parts[1:]]
    return lines


def main() -> None:
    app(prog_name="backcalc")

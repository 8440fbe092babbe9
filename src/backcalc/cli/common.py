"""What the commands share: option types, loading a spec, the style, writing the output, and
turning errors into messages and exit codes. Heavy modules are imported where they are used, so
that `backcalc --help` stays fast."""

from __future__ import annotations

import enum
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from backcalc import locales
from backcalc.errors import BackcalcError

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from backcalc.core.exercise import ExerciseKind
    from backcalc.io.limits import Limits
    from backcalc.render.style import Style

STDIN = STDOUT = Path("-")  # `-` as a spec or as -o: standard input or output
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
FILE_WIDTH = 100  # columns of terminal tables written to a file


def _languages() -> type[enum.StrEnum]:
    """The languages there are locale files for (listing a folder: no file is read here)."""
    return cast(type[enum.StrEnum], enum.StrEnum("Lang", {c: c for c in locales.available()}))


Lang = _languages()


def choices(name: str, *kinds: str) -> type[enum.StrEnum]:
    """A --format option's choices: the formats that draw these kinds of result (the one table
    in backcalc.render, which imports nothing heavy)."""
    from backcalc.render import formats

    return cast(type[enum.StrEnum], enum.StrEnum(name, {f: f for f in formats(*kinds)}))


ENGLISH = Lang(locales.DEFAULT)


SpecArgument = Annotated[
    str,
    typer.Argument(
        metavar="SPEC", help="A spec file (YAML), the name of an example, or - for stdin."
    ),
]
LangOption = Annotated[
    Lang,  # type: ignore[valid-type]
    typer.Option(
        envvar="BACKCALC_LANG", help="Language of the output (default: $BACKCALC_LANG or en)."
    ),
]
CommaOption = Annotated[
    bool | None,
    typer.Option(
        "--decimal-comma/--decimal-point",
        help="Decimal separator of the output [default: the language's, a comma for es].",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE (atomically; - is stdout) instead of stdout.",
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")]
MaxElementsOption = Annotated[
    int,
    typer.Option(
        "--max-elements",
        min=1,
        metavar="N",
        help="Refuse a spec whose arrays (from files or drawn at random) and layer outputs hold "
        "more than N numbers in all, before reading them [default: 10^8, 800 MB].",
        show_default=False,
    ),
]
OutsideFilesOption = Annotated[
    bool,
    typer.Option(
        "--allow-outside-files",
        help="Let the spec read data files outside its own folder (absolute paths, ../, "
        "symlinks out); refused by default, so a spec from someone else reads only its own.",
    ),
]


def finite(value: float | None) -> float | None:
    """A number option's check: click's ranges let nan and inf through (nan < 0 is false)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"expected a finite number, found {value}")
    return value


def fail(error: BackcalcError, source: str | None = None) -> typer.Exit:
    """Print the error (prefixed with the spec's name when it has no location) and exit 2."""
    message = str(error) if error.location or source is None else f"{source}: {error}"
    print(message, file=sys.stderr)
    return typer.Exit(EXIT_BAD_INPUT)


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False, emoji=False, markup=False)


def style(lang: str, comma: bool | None, decimals: int = 4, full: bool = False) -> Style:
    """The language and the numeral style, each decided here once for every renderer."""
    from backcalc.render.style import style_for

    return style_for(str(lang), comma, decimals, full)


def load_spec(spec: str, bounds: Limits | None = None) -> tuple[ExerciseKind, Path]:
    """The network or graph in the file `spec`, or in the shipped example of that name, and
    the path it was read from; `bounds` on what it may allocate and read."""
    from backcalc.io import examples
    from backcalc.io.spec import read

    if spec == "-":  # the spec on standard input; its data files are read from the current folder
        from backcalc.io.spec import parse

        return parse(sys.stdin.read(), "<stdin>", Path.cwd(), bounds), STDIN
    path, name = examples.resolve(spec)
    return read(path, display_name=name, limits=bounds), path


def emit(
    content: str | RenderableType,
    output: Path | None,
    force: bool,
    inputs: tuple[Path, ...],
) -> None:
    """Text to stdout (no `output`, or `-o -`) or, atomically, to `output`; a rich renderable
    printed to the terminal (colour where it is one), or written to the file as plain text."""
    if output is None or output == STDOUT:
        if isinstance(content, str):
            sys.stdout.write(content)
        else:
            console().print(content)
        return
    from backcalc.io.files import write_output

    if not isinstance(content, str):
        from backcalc.render.terminal.layout import plain_text

        content = plain_text(content, FILE_WIDTH)
    write_output(output, content, force, inputs)

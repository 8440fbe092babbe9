"""What the commands share: option types, loading a spec, the style, writing the output, and
turning errors into messages and exit codes. Heavy modules are imported where they are used, so
that `backcalc --help` stays fast."""

from __future__ import annotations

import enum
import math
import os
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
    from backcalc.io.sources import Sources
    from backcalc.render.style import Style

STDIN = STDOUT = Path("-")  # `-` as a spec or as -o: standard input or output
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
FILE_WIDTH = 100  # columns of terminal tables written to a file
MAX_DECIMALS = 15  # --decimals: float64 holds about 16 significant digits


def _languages() -> type[enum.StrEnum]:
    """The languages there are locale files for (listing a folder: no file is read here)."""
    return cast(type[enum.StrEnum], enum.StrEnum("Lang", {c: c for c in locales.available()}))


Lang = _languages()


def choices(name: str, *kinds: str) -> type[enum.StrEnum]:
    """A --format option's choices: the formats that draw these kinds of result (the one table
    in backcalc.render, which imports nothing heavy)."""
    from backcalc.render import formats

    return cast(type[enum.StrEnum], enum.StrEnum(name, {f: f for f in formats(*kinds)}))


def complete_spec(incomplete: str) -> list[str]:
    """Shell completion of SPEC: the examples whose names start with what was typed, then the
    YAML files and folders that do."""
    from backcalc.io import examples

    names = [e.name for e in examples.all_examples() if e.name.startswith(incomplete)]
    prefix, _, stem = incomplete.rpartition("/")
    prefix = f"{prefix}/" if "/" in incomplete else ""
    try:
        entries = sorted(Path(prefix or ".").iterdir())
    except OSError:
        entries = []
    files = [
        f"{prefix}{e.name}/" if e.is_dir() else f"{prefix}{e.name}"
        for e in entries
        if e.name.startswith(stem)
        and not e.name.startswith(".")
        and (e.is_dir() or e.suffix in (".yaml", ".yml"))
    ]
    return names + files


SpecArgument = Annotated[
    str,
    typer.Argument(
        metavar="SPEC",
        help="A spec file (YAML), the name of an example, or - for stdin.",
        autocompletion=complete_spec,
    ),
]
LangOption = Annotated[
    Lang | None,  # type: ignore[valid-type]
    typer.Option(
        help="Language of the output [default: $BACKCALC_LANG's (es_ES.UTF-8 is es), else en].",
        show_default=False,
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
FolderForceOption = Annotated[
    bool, typer.Option("--force", help="Overwrite the files of an earlier run in DIR.")
]


def header_lines(values: list[str] | None) -> list[str] | None:
    """--header's check: every value is KEY=VALUE with a known key."""
    from backcalc.core.texts import HEADER_KEYS
    from backcalc.io.reader import suggest

    for value in values or []:
        key, equals, _ = value.partition("=")
        if not equals:
            raise typer.BadParameter(
                f"expected KEY=VALUE (course=..., author=..., date=...), found '{value}'"
            )
        if key not in HEADER_KEYS:
            keys = ", ".join(HEADER_KEYS)
            raise typer.BadParameter(
                f"unknown key '{key}'{suggest(key, HEADER_KEYS)} (expected: {keys})"
            )
    return values


HeaderOption = Annotated[
    list[str] | None,
    typer.Option(
        metavar="KEY=VALUE",
        callback=header_lines,
        help="A line under the document's title: course=..., author=... or date=... "
        "(repeatable; over the spec's course, author, date; an empty value leaves it out).",
    ),
]
DiagramOption = Annotated[
    bool | None,
    typer.Option(
        "--diagram/--no-diagram",
        help="Draw the network or graph in the document (TikZ in LaTeX and PDF, SVG in "
        "HTML) [default: in HTML only].",
        show_default=False,
    ),
]
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


def fail(error: BackcalcError, source: str | None = None, lang: str | None = None) -> typer.Exit:
    """Print the error in the language of the output (prefixed with the spec's name when it
    has no location) and exit 2."""
    message = locales.load(language(lang)).message(error.message)
    where = error.location or source
    print(one_line(f"{where}: {message}" if where else message), file=sys.stderr)
    return typer.Exit(EXIT_BAD_INPUT)


def one_line(text: str) -> str:
    """The message as one line: a newline or another control character inside a user's value
    (a key "ti\\ntle") is written as its escape, \\n."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False, emoji=False, markup=False)


def language(lang: str | None) -> str:
    """--lang when given, else the language $BACKCALC_LANG names (read as a POSIX locale name,
    so `es_ES.UTF-8` is Spanish; one there is no file for is English)."""
    return str(lang) if lang is not None else locales.language(os.environ.get("BACKCALC_LANG"))


def style(lang: str | None, comma: bool | None, decimals: int = 4, full: bool = False) -> Style:
    """The language and the numeral style, each decided here once for every renderer."""
    from backcalc.render.style import style_for

    return style_for(language(lang), comma, decimals, full)


def load_spec(spec: str, bounds: Limits | None = None) -> tuple[ExerciseKind, Sources]:
    """The network or graph in the file `spec`, or in the shipped example of that name, and
    the files it was read from (the spec, None for stdin, and every data file it names);
    `bounds` on what it may allocate and read."""
    from backcalc.io import examples, sources
    from backcalc.io.spec import read

    if spec == "-":  # the spec on standard input; its data files are read from the current folder
        from backcalc.io.spec import parse

        with sources.recording(None) as read_from:
            return parse(sys.stdin.read(), "<stdin>", Path.cwd(), bounds), read_from
    path, name = examples.resolve(spec)
    with sources.recording(path) as read_from:
        return read(path, display_name=name, limits=bounds), read_from


def emit(
    content: str | bytes | RenderableType,
    output: Path | None,
    force: bool,
    inputs: tuple[Path, ...],
) -> None:
    """Text to stdout (no `output`, or `-o -`) or, atomically, to `output`, which is never one
    of `inputs` (every file the command read); a rich renderable printed to the terminal
    (colour where it is one), or written to the file as plain text. Bytes (a PDF) go only to a
    file or, with `-o -`, to a stdout that is not a terminal."""
    if isinstance(content, bytes):
        _emit_bytes(content, output, force, inputs)
        return
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


def _emit_bytes(content: bytes, output: Path | None, force: bool, inputs: tuple[Path, ...]) -> None:
    if output is None:
        raise BackcalcError("--format pdf writes a file: give -o FILE (or -o - for stdout)")
    if output == STDOUT:
        if sys.stdout.isatty():
            raise BackcalcError("-o - would write the PDF to the terminal: give -o FILE")
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    from backcalc.io.files import write_output

    write_output(output, content, force, inputs)

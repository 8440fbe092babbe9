"""`backcalc train`: gradient descent on a network spec, full-batch steps or mini-batch epochs."""

from __future__ import annotations

import dataclasses
import enum
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from backcalc.cli.common import (
    MAX_DECIMALS,
    STDOUT,
    CommaOption,
    ForceOption,
    LangOption,
    MaxElementsOption,
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
    from collections.abc import Callable

    from rich.progress import Progress, TaskID

    from backcalc.core.network import Exercise
    from backcalc.core.training import TrainSettings
    from backcalc.render.style import Style

# At most 10⁷ steps or epochs: on the smallest network a step takes ~0.15 ms (25 minutes for
# 10⁷), and each keeps its loss and its η (~640 MB for 10⁷, as the budget of a spec's numbers);
# 99999999999999999999 steps would never end, and its record would exhaust memory first.
MAX_STEPS = 10**7
PROGRESS_AFTER = 1.0  # seconds of training after which a progress bar appears (on a terminal)
REFRESH = 0.1  # seconds between two updates of the bar (the last one is always shown)


if TYPE_CHECKING:
    TrainFormat = enum.StrEnum
else:  # the formats that draw these results, from backcalc.render's one table
    TrainFormat = choices("TrainFormat", "train")
TABLE = TrainFormat("table")


def train(
    spec: SpecArgument,
    steps: Annotated[
        int | None,
        typer.Option(min=1, max=MAX_STEPS, help="Full-batch gradient-descent steps."),
    ] = None,
    epochs: Annotated[
        int | None, typer.Option(min=1, max=MAX_STEPS, help="Epochs of mini-batch SGD.")
    ] = None,
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="Mini-batch size with --epochs [default: all].")
    ] = None,
    learning_rate: Annotated[
        float | None,
        typer.Option(min=0, callback=finite, help="η [default: the spec's learning_rate]."),
    ] = None,
    momentum: Annotated[
        float, typer.Option(min=0, callback=finite, help="μ of SGD with momentum.")
    ] = 0.0,
    lr_step: Annotated[
        int | None, typer.Option(min=1, help="Multiply η by --lr-gamma every N steps (epochs).")
    ] = None,
    lr_gamma: Annotated[
        float, typer.Option(min=0, callback=finite, help="The factor of the η schedule.")
    ] = 0.1,
    seed: Annotated[
        int, typer.Option(min=0, help="Seed of the mini-batch shuffles and of the split.")
    ] = 0,
    validation_split: Annotated[
        float | None,
        typer.Option(
            min=0,
            max=1,
            metavar="FRACTION",
            callback=finite,
            help="Hold out this fraction of the data (drawn with --seed) to validate on.",
        ),
    ] = None,
    output_format: Annotated[
        TrainFormat, typer.Option("--format", "-f", help="table or json (printed).")
    ] = TABLE,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the trained spec (YAML, large arrays .npy).",
        ),
    ] = None,
    force: ForceOption = False,
    full: Annotated[bool, typer.Option("--full", help="Show large matrices whole.")] = False,
    decimals: Annotated[
        int, typer.Option(min=0, max=MAX_DECIMALS, help="Decimals of the numbers shown.")
    ] = 4,
    log: Annotated[bool, typer.Option("--log", help="Draw the loss chart on a log scale.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar on stderr.")
    ] = False,
    lang: LangOption = None,
    comma: CommaOption = None,
    max_elements: MaxElementsOption = MAX_ELEMENTS,
    outside_files: OutsideFilesOption = False,
) -> None:
    """Train the network by gradient descent and show the loss curve and the trained parameters.

    Example: backcalc train digits-64-15-10 --epochs 5 --batch-size 10 -o trained.yaml
    """
    from backcalc.core.network import Exercise
    from backcalc.core.training import train as run_training
    from backcalc.render import render

    try:
        exercise, source = load_spec(spec, Limits(max_elements, outside_files))
        if not isinstance(exercise, Exercise):  # the one place the mode truly differs
            raise BackcalcError("train works on networks (a spec with layers)")
        settings = _settings(
            exercise, steps, epochs, batch_size, learning_rate, momentum, lr_step, lr_gamma, seed
        )
        settings = dataclasses.replace(
            settings, validation_split=_split(exercise, validation_split)
        )
        if output == STDOUT:
            raise BackcalcError("train -o needs a file: large arrays are written beside it")
        if output is not None:  # refused before a long run, not after
            from backcalc.io.files import check_target

            check_target(output, force, source.paths())
        look = dataclasses.replace(style(lang, comma, decimals, full), log=log)
        with _Progress(look, settings.unit, quiet) as advance:
            result = run_training(exercise, settings, advance)
        if output is not None:
            from backcalc.io.specwriter import write_spec

            write_spec(result.exercise, output, force, source)
        emit(render(result, output_format.value, look), None, False, ())
    except BackcalcError as error:
        raise fail(error, spec, lang) from None


def _settings(
    exercise: Exercise,
    steps: int | None,
    epochs: int | None,
    batch_size: int | None,
    learning_rate: float | None,
    momentum: float,
    lr_step: int | None,
    lr_gamma: float,
    seed: int,
) -> TrainSettings:
    from backcalc.core.training import TrainSettings

    if (steps is None) == (epochs is None):
        raise BackcalcError("give either --steps N (full batch) or --epochs E (with --batch-size)")
    if batch_size is not None and epochs is None:
        raise BackcalcError("--batch-size goes with --epochs; --steps uses the whole batch")
    rate = learning_rate if learning_rate is not None else exercise.learning_rate
    if rate is None:
        raise BackcalcError("no learning rate: give --learning-rate or learning_rate in the spec")
    if lr_step is not None:
        _schedule_stays_finite(rate, lr_gamma, ((epochs or steps or 1) - 1) // lr_step)
    return TrainSettings(rate, steps, epochs, batch_size, momentum, lr_step, lr_gamma, seed)


def _schedule_stays_finite(rate: float, gamma: float, changes: int) -> None:
    """The last η of the schedule, η·γ^changes, within float64's range (γ > 1 grows it)."""
    try:
        last = rate * gamma**changes
    except OverflowError:
        last = math.inf
    if not math.isfinite(last):
        raise BackcalcError(
            f"--lr-gamma {gamma:g} makes η overflow float64 within the run "
            f"(η·γ^{changes}): give a smaller --lr-gamma or a larger --lr-step"
        )


def _split(exercise: Exercise, fraction: float | None) -> float | None:
    """The validation split, if it leaves both parts non-empty and the spec has no validation."""
    if fraction is None:
        return None
    if exercise.validation is not None:
        raise BackcalcError("--validation-split: the spec has validation data already")
    from backcalc.core.training import held_out_count

    m = len(exercise.x)
    count = held_out_count(m, fraction)
    if not 0 < count < m:
        raise BackcalcError(
            f"--validation-split: {fraction:g} of {m} observations holds out {count}: "
            "both the training and the validation part need at least one"
        )
    return fraction


class _Progress:
    """A transient progress bar on stderr, with the current loss, once training has run for
    PROGRESS_AFTER seconds; none when stderr is not a terminal or with --quiet."""

    def __init__(self, look: Style, unit: str, quiet: bool) -> None:
        self.look, self.unit, self.quiet = look, unit, quiet
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.start = self.last = 0.0

    def __enter__(self) -> Callable[[int, int, float], None] | None:
        from rich.console import Console

        self.console = Console(stderr=True)
        if self.quiet or not self.console.is_terminal:
            return None
        self.start = self.last = time.monotonic()
        return self.advance

    def advance(self, done: int, total: int, loss: float) -> None:
        from backcalc.render.terminal.train import compact

        now = time.monotonic()
        if now - self.last < REFRESH and done < total:  # a bar redrawn 10 times a second
            return
        self.last = now
        shown = compact(self.look.numbers, loss)
        if self.bar is None:
            if now - self.start < PROGRESS_AFTER:
                return
            self.bar = self._begin(total, done, shown)
        assert self.task is not None
        self.bar.update(self.task, completed=done, loss=shown)

    def _begin(self, total: int, done: int, loss: str) -> Progress:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        bar = Progress(
            TextColumn(self.look.t("train.progress")),
            BarColumn(),
            TextColumn(self.look.pick("train.unit", self.unit)),
            MofNCompleteColumn(),
            TextColumn("J = {task.fields[loss]}"),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
        )
        self.task = bar.add_task("", total=total, completed=done, loss=loss)
        bar.start()
        return bar

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

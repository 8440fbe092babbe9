"""`backcalc train` in the terminal: the loss curve (a table, thinned for long runs, and a
chart), the accuracy, and the trained parameters."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from backcalc.render import shapes
from backcalc.render.notation import layer_index
from backcalc.render.terminal.chart import loss_chart
from backcalc.render.terminal.layout import Flow
from backcalc.render.terminal.network import matrix_block

if TYPE_CHECKING:
    from backcalc.core.training import TrainResult
    from backcalc.render.numbers import NumberFormat
    from backcalc.render.style import Style

SHOWN = 21  # loss rows at most in the terminal (J before training and 20 more); JSON has all


def selection(count: int, shown: int = SHOWN) -> tuple[list[int], int]:
    """The rows of a table of `count` losses, and the step k between them: every row of a short
    run; of a long one every k-th and the last, k the first of 1, 2, 5, 10, 20, 50, … that keeps
    at most `shown` rows."""
    last, scale = count - 1, 1
    while True:
        for k in (scale, 2 * scale, 5 * scale):
            rows = list(range(0, last + 1, k))
            if rows[-1] != last:
                rows.append(last)
            if len(rows) <= shown:
                return rows, k
        scale *= 10


def compact(numbers: NumberFormat, value: float) -> str:
    """A loss with the decimals asked or, when it would show fewer than two significant digits,
    in scientific notation (NumberFormat's small_in_scientific: 4.391e-06, not 0.0000)."""
    return dataclasses.replace(numbers, small_in_scientific=True).fixed(value)


def train(result: TrainResult, style: Style | None = None) -> RenderableType:
    """The loss curve (table and chart), the accuracy and the trained parameters."""
    from backcalc.render.style import Style

    style = style or Style()
    t = style.t
    ex, check = result.exercise, result.validation
    parts: list[RenderableType] = [
        Text(t("train.title", title=ex.title or "backcalc"), style="bold"),
        Text(_settings_line(result, style)),
        Text(""),
        Text(t("train.losses", m=result.observations), style="bold underline"),
    ]
    if check is not None:
        parts.append(Text(_validation_line(result, style)))
    parts += _curve(result, style)
    accuracy = [("train.accuracy", result.accuracy_before, result.accuracy)]
    if check is not None and check.accuracies is not None:
        accuracy.append(("train.validation_accuracy", check.accuracies[0], check.accuracies[-1]))
    lines = [
        Text(t(key, before=_percent(style, before), after=_percent(style, after)), style="bold")
        for key, before, after in accuracy
        if before is not None and after is not None
    ]
    parts += [Text(""), *lines] if lines else []
    parts += [Text(""), Text(t("train.parameters"), style="bold underline")]
    blocks = []
    for number, layer in enumerate(ex.network.layers, start=1):
        sup = layer_index(number)
        blocks.append(matrix_block(f"W{sup}", layer.weights, style, style.full))
        if layer.bias is not None:
            bias = shapes.vector(layer.bias, ex.network.convention == "column")
            blocks.append(matrix_block(f"b{sup}", bias, style, style.full))
    columns = lambda first, last: t("run.columns", first=first, last=last)  # noqa: E731
    parts.append(Flow(blocks, columns))
    return Group(*parts)


def _settings_line(result: TrainResult, style: Style) -> str:
    t, n, s = style.t, style.numbers, result.settings
    unit = style.pick("train.unit", s.unit)
    extra = t("train.momentum", mu=n.given(s.momentum)) if s.momentum else ""
    if s.lr_step:
        extra += t("train.schedule", gamma=n.given(s.lr_gamma), step=s.lr_step, unit=unit)
    if s.epochs is None:
        return t("train.steps", n=s.steps, eta=n.given(s.learning_rate), extra=extra)
    return t(
        "train.epochs",
        n=s.epochs,
        b=s.batch_size or result.observations,
        updates=t("train.updates", n=result.updates),
        eta=n.given(s.learning_rate),
        seed=s.seed,
        extra=extra,
    )


def _validation_line(result: TrainResult, style: Style) -> str:
    check, s = result.validation, result.settings
    assert check is not None
    if check.held_out and s.validation_split is not None:
        split = f"{s.validation_split:g}"  # an option's value as it is typed: 0.2 in any language
        return style.t("train.held_out", m=check.size, split=split, seed=s.seed)
    return style.t("train.validation", m=check.size)


def _curve(result: TrainResult, style: Style) -> list[RenderableType]:
    """The table of losses (a regular selection of a long run, said so) and the chart."""
    t, n, check = style.t, style.numbers, result.validation
    unit = style.pick("train.unit", result.settings.unit)
    headers = [unit, "J", "η"]
    if check is not None:
        headers.append(t("train.validation_loss"))
        if check.accuracies is not None:
            headers.append(t("train.validation_accuracy_column"))
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in headers:
        table.add_column(column, justify="right")
    count = len(result.losses)
    rows, k = selection(count)
    for index in rows:
        cells = [str(index), compact(n, result.losses[index])]
        cells.append(n.given(result.rates[index - 1]) if index else "")
        if check is not None:
            cells.append(compact(n, check.losses[index]))
            if check.accuracies is not None:
                cells.append(_percent(style, check.accuracies[index]))
        table.add_row(*cells)
    parts: list[RenderableType] = [table]
    if len(rows) < count:
        left = count - len(rows)
        key = "train.thinned" if (count - 1) % k == 0 else "train.thinned_last"
        parts.append(Text(t(key, left=left, total=count, k=k, unit=unit)))
    curves = [result.losses] if check is None else [result.losses, check.losses]
    log = style.log and min(min(c) for c in curves) > 0
    axis = t("train.axis_log" if log else "train.axis", unit=unit)
    chart = loss_chart(curves, lambda v: compact(n, v), axis, log)
    parts += [Text(""), Text(chart)]
    if check is not None:
        parts.append(Text(t("train.legend")))
    if style.log and not log:
        parts.append(Text(t("train.no_log")))
    return parts


def _percent(style: Style, fraction: float) -> str:
    return style.numbers.fixed(100 * fraction) + " %"

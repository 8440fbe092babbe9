"""`backcalc train` in the terminal: the loss curve (a table, thinned for long runs, and a
chart), the accuracy, and the trained parameters."""

from __future__ import annotations

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
    from backcalc.render.style import Style

SHOWN = 20  # loss rows in the terminal; the JSON has them all


def selection(count: int) -> list[int]:
    """Every index for a short run; the first, the last and evenly spaced ones for a long one."""
    if count <= SHOWN:
        return list(range(count))
    step = (count - 1) / (SHOWN - 1)
    return sorted({round(i * step) for i in range(SHOWN)})


def train(result: TrainResult, style: Style | None = None) -> RenderableType:
    """The loss curve (table and chart), the accuracy and the trained parameters."""
    from backcalc.render.style import Style

    style = style or Style()
    full = style.full
    t, n = style.t, style.numbers
    s, ex = result.settings, result.exercise
    unit = style.pick("train.unit", s.unit)
    extra = t("train.momentum", mu=n.given(s.momentum)) if s.momentum else ""
    if s.lr_step:
        extra += t("train.schedule", gamma=n.given(s.lr_gamma), step=s.lr_step, unit=unit)
    if s.epochs is not None:
        size = s.batch_size or len(ex.x)
        how = t(
            "train.epochs",
            n=s.epochs,
            b=size,
            updates=result.updates,
            eta=n.given(s.learning_rate),
            seed=s.seed,
            extra=extra,
        )
    else:
        how = t("train.steps", n=s.steps, eta=n.given(s.learning_rate), extra=extra)
    parts: list[RenderableType] = [
        Text(t("train.title", title=ex.title or "backcalc"), style="bold"),
        Text(how),
    ]
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in (unit, "J", "η"):
        table.add_column(column, justify="right")
    for index in selection(len(result.losses)):
        rate = n.given(result.rates[index - 1]) if index else ""
        table.add_row(str(index), n.fixed(result.losses[index]), rate)
    heading = Text(t("train.losses", m=len(ex.x)), style="bold underline")
    parts += [Text(""), heading, table, Text(""), Text(loss_chart(result.losses, n))]
    if result.accuracy is not None and result.accuracy_before is not None:
        before, after = (n.fixed(100 * v) + " %" for v in (result.accuracy_before, result.accuracy))
        accuracy = Text(t("train.accuracy", before=before, after=after), style="bold")
        parts += [Text(""), accuracy]
    parts += [Text(""), Text(t("train.parameters"), style="bold underline")]
    blocks = []
    for number, layer in enumerate(ex.network.layers, start=1):
        sup = layer_index(number)
        blocks.append(matrix_block(f"W{sup}", layer.weights, style, full))
        if layer.bias is not None:
            bias = shapes.vector(layer.bias, ex.network.convention == "column")
            blocks.append(matrix_block(f"b{sup}", bias, style, full))
    columns = lambda first, last: t("run.columns", first=first, last=last)  # noqa: E731
    parts.append(Flow(blocks, columns))
    return Group(*parts)

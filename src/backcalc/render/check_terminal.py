"""`backcalc check` in the terminal: settings and pass rule, a table per parameter, a summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from backcalc.gradcheck import KINK_NOTE, Entry, GradCheck, Parameter
from backcalc.grading import Grading, Judged
from backcalc.render.formulas import parameter_label, quantity_label
from backcalc.render.numbers import fmt, fmt_error, fmt_given, fmt_significant

if TYPE_CHECKING:
    from backcalc.network import Trace

ROWS_SHOWN = 12  # per parameter; failures and kinks are always shown


def _index(entry: Entry | Judged) -> str:
    if entry.index is None:
        return f"direction {getattr(entry, 'direction', '')}"
    return "[" + ", ".join(str(i) for i in entry.index) + "]"


def _status(entry: Entry | Judged) -> Text:
    style = {"pass": "green", "fail": "bold red", "kink": "yellow"}[entry.status]
    return Text(entry.status, style=style)


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in shape) if shape else "1 number"


def settings_lines(result: GradCheck, trace: Trace) -> list[Text]:
    s = result.settings
    lines = [
        Text(f"Gradient check: {trace.exercise.title or 'backcalc'}", style="bold"),
        Text(f"central differences in float64: (J(θ+ε) − J(θ−ε)) / 2ε with ε = {fmt_given(s.eps)}"),
        Text("pass rule: |analytic − numeric| ≤ atol + rtol·|numeric|"),
        Text(
            f"  with rtol = {fmt_given(s.rtol)}, atol = {fmt_given(s.atol)} + "
            f"{fmt_error(result.floor)} (for the rounding in J = {fmt(trace.loss, 4)})"
        ),
    ]
    if result.sampled:
        lines.append(
            Text(
                "a large network: a seeded sample of entries per parameter plus random "
                f"directions v, (J(θ+εv) − J(θ−εv)) / 2ε against ∇J·v (seed {s.seed}; "
                "--all checks every entry)"
            )
        )
    return lines


def parameter_table(parameter: Parameter, entries: list[Entry]) -> RenderableType:
    label = parameter_label(parameter.name)
    what = f"{parameter.size} entries" if parameter.size != 1 else "1 entry"
    if parameter.directions:
        sample = f"a sample of {parameter.checked} of {parameter.size} entries"
        if parameter.checked == parameter.size:
            sample = f"all {parameter.size} entries"
        what = f"{sample} and {parameter.directions} random directions"
    table = Table(
        title=f"{label} ({_shape(parameter.shape)}, {what})",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for column in ("entry", "analytic", "numeric", "abs error", "rel error", "status"):
        table.add_column(column, justify="left" if column in ("entry", "status") else "right")
    shown = _rows_to_show(entries)
    for entry in shown:
        table.add_row(
            _index(entry),
            fmt_significant(entry.claimed),
            fmt_significant(entry.numeric),
            fmt_error(entry.abs_error),
            fmt_error(entry.rel_error),
            _status(entry),
        )
    hidden = len(entries) - len(shown)
    if hidden:
        table.caption = f"… and {hidden} more entries, all passing"
        table.caption_justify = "left"
    return table


def _rows_to_show(entries: list[Entry]) -> list[Entry]:
    if len(entries) <= ROWS_SHOWN:
        return entries
    flagged = [e for e in entries if e.status != "pass"]
    passing = sorted((e for e in entries if e.status == "pass"), key=lambda e: -e.rel_error)
    keep = set(map(id, flagged + passing[: max(0, ROWS_SHOWN - len(flagged))]))
    return [e for e in entries if id(e) in keep]


def summary(result: GradCheck) -> Text:
    counts = {
        status: sum(e.status == status for e in result.entries)
        for status in ("pass", "fail", "kink")
    }
    verdict = Text(
        "PASSED" if result.passed else "FAILED", style="bold green" if result.passed else "bold red"
    )
    text = Text.assemble(
        verdict,
        f": {len(result.entries)} checks, {counts['pass']} pass, {counts['fail']} fail, "
        f"{counts['kink']} kink.",
    )
    worst = result.worst
    if worst is not None:
        where = parameter_label(worst.parameter) + ("" if worst.index else " ") + _index(worst)
        text.append(f" Worst relative error {fmt_error(worst.rel_error)} at {where}.")
    return text


def render(result: GradCheck, trace: Trace) -> RenderableType:
    parts: list[RenderableType] = [*settings_lines(result, trace)]
    for parameter in result.parameters:
        entries = [e for e in result.entries if e.parameter == parameter.name]
        parts.append(Text(""))
        parts.append(parameter_table(parameter, entries))
        if any(e.status == "kink" for e in entries):
            parts.append(Text(f"kink: {KINK_NOTE}.", style="yellow"))
    parts.append(Text(""))
    parts.append(summary(result))
    return Group(*parts)


def render_answers(grading: Grading, trace: Trace, answers_name: str) -> RenderableType:
    """The claimed entries in hand-solution order, the first wrong step marked and named."""
    s = grading.settings
    parts: list[RenderableType] = [
        Text(
            f"Checking {answers_name} against: {trace.exercise.title or 'backcalc'}", style="bold"
        ),
        Text("pass rule: |claimed − correct| ≤ atol + rtol·|correct| + half a unit in the last"),
        Text(
            f"  decimal written, with rtol = {fmt_given(s.rtol)}, atol = {fmt_given(s.atol)} "
            "(hand answers are rounded along the way)"
        ),
        Text(""),
    ]
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("step", "entry", "claimed", "correct", "abs error", "status"):
        table.add_column(
            column, justify="right" if column in ("claimed", "correct", "abs error") else "left"
        )
    first = grading.first_wrong
    for entry in grading.entries:
        status = _status(entry)
        if entry is first:
            status.append("  ← first wrong step", style="bold red")
        table.add_row(
            quantity_label(entry.quantity, entry.layer),
            _index(entry) if entry.index else "",
            entry.written,
            fmt_significant(entry.correct, 6),
            fmt_error(entry.abs_error),
            status,
        )
    parts += [table, Text(""), answers_summary(grading)]
    return Group(*parts)


def answers_summary(grading: Grading) -> Text:
    wrong = sum(entry.status == "fail" for entry in grading.entries)
    total = len(grading.entries)
    first = grading.first_wrong
    if first is None:
        return Text.assemble(("PASSED", "bold green"), f": all {total} claimed entries are right.")
    where = quantity_label(first.quantity, first.layer) + (_index(first) if first.index else "")
    return Text.assemble(
        ("FAILED", "bold red"),
        f": {wrong} of {total} claimed entries are wrong. The first wrong step is {where}: "
        f"you have {first.written}, the correct value is "
        f"{fmt_significant(first.correct, 6)}.",
    )

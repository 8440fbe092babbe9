"""`backcalc check` in the terminal: settings and pass rule, a table per parameter, a summary;
(graded answers: render/terminal/grading.py).

Entries are numbered from 1 here, as the layers are (W⁽¹⁾[1, 1] is the first weight); the JSON
keeps 0-based `index` arrays. A large report shows what matters (every flagged entry up to a
limit, a summary per parameter or step); `style.full` (--full) shows every entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from backcalc.render.notation import parameter_label
from backcalc.render.style import Style
from backcalc.render.terminal.layout import report_table

if TYPE_CHECKING:
    from backcalc.core.gradcheck import Entry, GradCheck, Parameter

ROWS_SHOWN = 12  # per parameter; flagged entries (fail, kink, unreliable) first
FLAGGED_SHOWN = 20  # flagged entries shown per parameter without --full
STATUS_STYLES = {"pass": "green", "fail": "bold red", "kink": "yellow", "unreliable": "magenta"}


class CheckRenderer:
    def __init__(
        self, style: Style, title: str | None, objective: float = 0.0, graph: bool = False
    ):
        self.graph = graph
        self.title = title or "backcalc"
        self.objective = objective
        self.style = style
        self.t = style.t
        self.numbers = style.numbers

    def index(self, entry: Entry) -> str:
        if entry.index is None:
            return self.t("check.direction", k=getattr(entry, "direction", ""))
        return "[" + ", ".join(str(i + 1) for i in entry.index) + "]" if entry.index else ""

    def where(self, entry: Entry) -> str:
        """W⁽¹⁾[2, 1], b⁽²⁾ direction 3, or a graph input's name."""
        index = self.index(entry)
        separator = " " if entry.index is None else ""
        return parameter_label(entry.parameter) + (separator + index if index else "")

    def pick(self, key: str, which: str, /, **values: object) -> str:
        return self.style.pick(key, which, **values)

    def status(self, entry: Entry) -> Text:
        return Text(
            self.style.pick("check.status", entry.status), style=STATUS_STYLES[entry.status]
        )

    def table(self, columns: tuple[str, ...], numeric: tuple[str, ...], title: str = "") -> Table:
        return report_table(title, [self.t(c) for c in columns], [self.t(c) for c in numeric])

    # -- the engine's gradients ------------------------------------------------------------

    def settings_lines(self, result: GradCheck) -> list[Text]:
        s, given = result.settings, self.numbers.given
        lines = [
            Text(self.t("check.title", title=self.title), style="bold"),
            Text(self.t("check.method", eps=given(s.eps))),
            Text(self.t("check.rule")),
            Text(
                self.t(
                    "check.tolerances",
                    rtol=given(s.rtol),
                    atol=given(s.atol),
                    floor=self.numbers.error(result.floor),
                    loss=self.numbers.fixed(self.objective),
                )
            ),
        ]
        if result.sampled:
            lines.append(Text(self.t("check.sampled", seed=s.seed)))
        return lines

    def parameter_title(self, parameter: Parameter) -> str:
        size = parameter.size
        what = self.t("check.entries", n=size)
        if parameter.directions:
            sample = self.t("check.sample_entries", checked=parameter.checked, n=size)
            if parameter.checked == size:
                sample = self.t("check.all_entries", n=size)
            what = self.t("check.and_directions", sample=sample, k=parameter.directions)
        shape = (
            "×".join(str(n) for n in parameter.shape)
            if parameter.shape
            else self.t("check.one_number")
        )
        return f"{parameter_label(parameter.name)} ({shape}, {what})"

    def entry_table(self, first: str, title: str, entries: list[Entry]) -> Table:
        """One row per comparison; the first column is named `first` ("entry" or "input")."""
        columns = (
            first,
            "column.analytic",
            "column.numeric",
            "column.abs_error",
            "column.rel_error",
            "column.status",
        )
        table = self.table(columns, columns[1:5], title)
        n = self.numbers
        for entry in entries:
            table.add_row(
                self.index(entry) if first == "column.entry" else entry.parameter,
                n.significant(entry.claimed),
                n.significant(entry.numeric),
                n.error(entry.abs_error),
                n.error(entry.rel_error),
                self.status(entry),
            )
        return table

    def parameter_table(self, parameter: Parameter, entries: list[Entry]) -> RenderableType:
        shown = entries if self.style.full else _rows_to_show(entries)
        table = self.entry_table("column.entry", self.parameter_title(parameter), shown)
        kept = set(map(id, shown))
        hidden = [e for e in entries if id(e) not in kept]
        if hidden:
            flagged = sum(e.status != "pass" for e in hidden)
            key = "check.more_flagged" if flagged else "check.more_entries"
            table.caption = self.t(key, n=len(hidden), flagged=flagged)
            table.caption_justify = "left"
        return table

    def notes(self, entries: list[Entry]) -> list[Text]:
        """What an unreliable entry means, once for the whole report, by reason."""
        unreliable = [e for e in entries if e.status == "unreliable"]
        notes = []
        for reason in dict.fromkeys(e.reason for e in unreliable):
            errors = [e.numeric_error or 0.0 for e in unreliable if e.reason == reason]
            error = self.numbers.error(max(errors))
            text = self.pick("check.unreliable_note", str(reason), error=error)
            notes += [Text(""), Text(text, style="magenta")]
        return notes

    def summary(self, result: GradCheck) -> Text:
        counts = {s: result.count(s) for s in ("pass", "fail", "kink", "unreliable")}
        unreliable = counts["unreliable"]
        verdict = ("check.passed", "bold green") if result.passed else ("check.failed", "bold red")
        text = Text.assemble(
            (self.t(verdict[0]), verdict[1]),
            self.t(
                "check.summary",
                checks=self.t("check.checks", n=len(result.entries)),
                passed=counts["pass"],
                failed=counts["fail"],
                kinks=self.t("check.kinks", n=counts["kink"]),
                unreliable=self.t("check.unreliable", n=unreliable) if unreliable else "",
            ),
        )
        worst = result.worst
        if worst is not None:
            where = self.where(worst)
            text.append(
                self.t("check.worst", error=self.numbers.error(worst.rel_error), where=where)
            )
        return text

    def gradients(self, result: GradCheck) -> RenderableType:
        parts: list[RenderableType] = [*self.settings_lines(result)]
        if self.graph:
            parts += [Text(""), self.entry_table("column.input", "", list(result.entries))]
            if any(e.status == "kink" for e in result.entries):
                parts.append(Text(self.t("check.kink_note"), style="yellow"))
        else:
            for parameter in result.parameters:
                entries = [e for e in result.entries if e.parameter == parameter.name]
                parts += [Text(""), self.parameter_table(parameter, entries)]
                if any(e.status == "kink" for e in entries):
                    parts.append(Text(self.t("check.kink_note"), style="yellow"))
        parts += [*self.notes(list(result.entries)), Text(""), self.summary(result)]
        return Group(*parts)


def _rows_to_show(entries: list[Entry]) -> list[Entry]:
    if len(entries) <= ROWS_SHOWN:
        return entries
    flagged = [e for e in entries if e.status != "pass"][:FLAGGED_SHOWN]
    passing = sorted((e for e in entries if e.status == "pass"), key=lambda e: -e.rel_error)
    keep = set(map(id, flagged + passing[: max(0, ROWS_SHOWN - len(flagged))]))
    return [e for e in entries if id(e) in keep]


def check(result: GradCheck, style: Style | None = None) -> RenderableType:
    """A gradient check: settings, a table per parameter, the summary."""
    renderer = CheckRenderer(style or Style(), result.title, result.objective, result.of_graph)
    return renderer.gradients(result)

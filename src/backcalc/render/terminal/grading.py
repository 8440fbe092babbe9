"""Graded answers in the terminal: the rule in force, one row per step with its status and
marks, the wrong entries, the first wrong step worked out with the student's numbers and its
diagnosis, the remarks, and the score. Entries are numbered from 1; readable at 80 columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from backcalc.render.grading import WRONG_SHOWN, GradingText, entry_index, graph_output
from backcalc.render.style import Style
from backcalc.render.terminal.layout import report_table

if TYPE_CHECKING:
    from rich.table import Table

    from backcalc.core.grading import Grading, Judged

REMARKS_SHOWN = 20
STATUS_STYLES = {
    "correct": "green",
    "carried_forward": "cyan",
    "imprecise": "yellow",
    "wrong": "bold red",
}


class GradingRenderer:
    def __init__(self, style: Style, output: str | None = None, exercise: object = None) -> None:
        self.style = style
        self.words = GradingText(style, output, exercise)
        self.t = style.t

    def marks(self, value: float) -> str:
        return self.style.numbers.given(value)

    def status(self, status: str) -> Text:
        return Text(self.words.status(status), style=STATUS_STYLES[status])

    def table(self, title: str, columns: tuple[str, ...], numeric: tuple[str, ...]) -> Table:
        return report_table(
            title,
            [self.style.pick("grading.column", c) for c in columns],
            [self.style.pick("grading.column", c) for c in numeric],
        )

    def steps(self, grading: Grading) -> Table:
        table = self.table(
            self.t("grading.steps_title"),
            ("step", "entries", "status", "marks"),
            ("entries", "marks"),
        )
        first = grading.first_wrong_step
        for step in grading.steps:
            status = self.status(step.status)
            if step is first:
                status.append(self.t("grading.first_marker"), style="bold red")
            table.add_row(
                self.words.label(step),
                str(len(step.entries)),
                status,
                f"{self.marks(step.earned)}/{self.marks(step.marks)}",
            )
        return table

    def wrong(self, grading: Grading) -> RenderableType | None:
        """The entries of the wrong steps (of a large one, its wrong entries), each wrong one
        with its diagnosis, the others with their status; with --full, every entry."""
        if self.style.full:
            return self.every_entry(grading)
        entries = self.words.wrong_entries(grading)
        if not entries:
            return None
        shown = entries[:WRONG_SHOWN]
        columns = ("step", "entry", "yours", "correct", "from_yours", "diagnosis")
        table = self.table(self.t("grading.wrong_title"), columns, columns[2:5])
        for entry in shown:
            diagnosis = entry.diagnosis
            if entry.status != "wrong":
                last: Text | str = self.status(entry.status)
            else:
                last = "–" if diagnosis is None else self.words.slip_name(diagnosis.code)
            table.add_row(*self.cells(entry), last)
        if len(shown) < len(entries):
            table.caption = self.t("grading.more_wrong", n=len(entries) - len(shown))
            table.caption_justify = "left"
        return table

    def every_entry(self, grading: Grading) -> Table:
        columns = ("step", "entry", "yours", "correct", "from_yours", "status")
        table = self.table(self.t("grading.entries_title"), columns, columns[2:5])
        for entry in grading.entries:
            table.add_row(*self.cells(entry), self.status(entry.status))
        return table

    def cells(self, entry: Judged) -> tuple[str, ...]:
        words = self.words
        return (
            words.label(entry),
            entry_index(entry.index),
            words.written(entry),
            words.correct(entry),
            words.expected(entry),
        )

    def first(self, grading: Grading) -> list[RenderableType]:
        """The first wrong step (GradingText.first_lines): its title in bold, then each
        sentence two columns further in per depth."""
        return [
            Text(text, style="bold") if depth == 0 else indented(2 * depth, text)
            for depth, text in self.words.first_lines(grading)
        ]

    def remarks(self, grading: Grading) -> list[RenderableType]:
        found = [text for entry in grading.entries if (text := self.words.remark(entry))]
        if not found:
            return []
        shown = found if self.style.full else found[:REMARKS_SHOWN]
        lines: list[RenderableType] = [Text(self.t("grading.remarks_title"), style="bold")]
        lines += [indented(2, text) for text in shown]
        if len(shown) < len(found):
            lines.append(indented(2, self.t("grading.more_remarks", n=len(found) - len(shown))))
        return lines

    def summary(self, grading: Grading) -> Text:
        score = self.words.score(grading.earned, grading.possible)
        colour = "bold green" if grading.passed else "bold red"
        return Text.assemble((self.words.verdict(grading), colour), " ", score, ".")

    def render(self, grading: Grading) -> RenderableType:
        title = grading.title or grading.answers
        parts: list[RenderableType] = [
            Text(self.t("grading.title", answers=grading.answers, title=title), style="bold"),
            *(Text(line) for line in self.words.rule(grading.settings)),
            Text(""),
            self.steps(grading),
        ]
        wrong = self.wrong(grading)
        if wrong is not None:
            parts += [Text(""), wrong]
        first = self.first(grading)
        if first:
            parts += [Text(""), *first]
        remarks = self.remarks(grading)
        if remarks:
            parts += [Text(""), *remarks]
        parts += [Text(""), self.summary(grading)]
        return Group(*parts)


class Indented:
    """A paragraph `left` columns in, its wrapped lines too, and not padded on the right (a
    report pasted into feedback keeps no trailing spaces)."""

    def __init__(self, left: int, text: str) -> None:
        self.left, self.text = left, Text(text)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - self.left, 20)
        for line in self.text.wrap(console, width):
            line.rstrip()
            yield Text(" " * self.left) + line


def indented(left: int, text: str) -> Indented:
    return Indented(left, text)


def answers(grading: Grading, style: Style | None = None) -> RenderableType:
    """Graded hand-worked answers: per step, the first wrong step worked out, the score."""
    renderer = GradingRenderer(style or Style(), graph_output(grading), grading.exercise)
    return renderer.render(grading)

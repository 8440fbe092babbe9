"""A graded class in the terminal, readable at 80 columns: how many were graded, the score
distribution as a bar chart, the most common slips and first wrong steps, the share of each
status per step, the students (up to STUDENTS_SHOWN of them; gradebook.csv has every one), and
who is missing, unknown or named another variant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from backcalc.core.grading.classroom import SHARES
from backcalc.render.classwords import ClassText
from backcalc.render.style import Style
from backcalc.render.terminal.grading import STATUS_STYLES, indented
from backcalc.render.terminal.layout import report_table

if TYPE_CHECKING:
    from rich.table import Table

    from backcalc.core.grading.classroom import Bin, ClassGrading

BAR = 40  # columns of the longest bar of the score chart
STUDENTS_SHOWN = 40
COMMON_SHOWN = 5  # most common slips and first wrong steps listed
SHARE_STYLES = {**STATUS_STYLES, "missing": "dim"}


def classroom(result: ClassGrading, style: Style | None = None) -> RenderableType:
    """The class at a glance."""
    style = style or Style()
    words = ClassText(result, style)
    t = style.t
    parts: list[RenderableType] = [
        Text(t("grade.title", title=words.title()), style="bold"),
        *(Text(line) for line in words.rule()),
        Text(words.roll()),
    ]
    if not result.graded:
        return Group(*parts, *_lists(result, words))
    parts += [Text(""), *_chart(result, words), Text(""), *_common(result, words), Text("")]
    parts += [Text(words.t("grade.steps_title", n=len(result.graded)), style="bold")]
    parts.append(_steps(result, words))
    students = _students(result, words)
    if students is not None:
        parts += [Text(""), students]
    return Group(*parts, *_lists(result, words))


def _chart(result: ClassGrading, words: ClassText) -> list[RenderableType]:
    t = words.t
    lines: list[RenderableType] = [
        Text(t("grade.scores_title", possible=words.marks(result.possible)), style="bold")
    ]
    labels = [_band(b) for b in result.bins]
    pad = max(len(label) for label in labels)
    most = max(b.count for b in result.bins) or 1
    for label, band in zip(labels, result.bins, strict=True):
        bar = "█" * round(BAR * band.count / most)
        if band.count and not bar:
            bar = "▏"
        line = Text(f"  {label:>{pad}} │")
        line.append(bar, style="cyan")
        line.append(f" {band.count}")
        lines.append(line)
    average = words.average()
    if average is not None:
        lines.append(indented(2, average))
    return lines


def _band(band: Bin) -> str:
    return f"{band.low}–{band.high} %"


def _common(result: ClassGrading, words: ClassText) -> list[RenderableType]:
    t = words.t
    if not result.first_wrong:
        return [Text(t("grade.no_wrong"), style="bold green")]
    lines: list[RenderableType] = []
    if result.slips:
        lines.append(Text(t("grade.slips_title"), style="bold"))
        lines += [indented(2, words.common_slip(c)) for c in result.slips[:COMMON_SHOWN]]
    lines.append(Text(t("grade.first_title"), style="bold"))
    lines += [indented(2, words.common_step(c)) for c in result.first_wrong[:COMMON_SHOWN]]
    return lines


def _steps(result: ClassGrading, words: ClassText) -> Table:
    shown = [share for share in SHARES if any(s.counts[share] for s in result.steps)]
    headers = [words.status(share) for share in shown]
    table = report_table("", [words.t("grade.column.step"), *headers], headers)
    for step in result.steps:
        cells = [
            Text(
                words.percent(step.counts[share], step.of),
                style=SHARE_STYLES[share] if step.counts[share] else "",
            )
            for share in shown
        ]
        table.add_row(words.step(step.key), *cells)
    return table


def _students(result: ClassGrading, words: ClassText) -> Table | None:
    t = words.t
    columns = [
        t("grade.column.student"),
        t("grade.column.score"),
        t("grade.column.first_wrong"),
        t("grade.column.diagnosis"),
    ]
    table = report_table(t("grade.students_title"), columns, columns[1:2])
    shown = result.students[:STUDENTS_SHOWN]
    for student in shown:
        table.add_row(
            words.who(student),
            words.score(student) or "–",
            words.first_wrong(student),
            words.diagnosis(student),
        )
    if len(shown) < len(result.students):
        table.caption = t("grade.more_students", n=len(result.students) - len(shown))
        table.caption_justify = "left"
    return table


def _lists(result: ClassGrading, words: ClassText) -> list[RenderableType]:
    """Who has no answers, whose answers name no student of the manifest, who named another
    variant: each listed, none dropped."""
    t = words.t
    lines: list[RenderableType] = []
    groups = (
        ("grade.missing_title", [words.who(s) for s in result.missing]),
        ("grade.unknown_title", [words.unknown(u) for u in result.unknown]),
        ("grade.wrong_variant_title", [words.wrong_variant(s) for s in result.wrong_variant]),
    )
    for key, items in groups:
        if items:
            lines += [Text(""), Text(t(key, n=len(items)), style="bold yellow")]
            lines += [indented(2, item) for item in items]
    return lines

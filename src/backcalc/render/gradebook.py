"""`gradebook.csv`: one row per student of the manifest, in its order,

    student_id,name,variant,score,possible,first_wrong,diagnosis

the score empty for a student with no answers; `first_wrong` the first wrong step as the
feedback names it (δ⁽¹⁾) and `diagnosis` the slip found there (its short name in the output's
language; empty where no step is wrong). Numbers with a decimal point, whatever the language,
as a spreadsheet imports them."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from backcalc.render.classwords import ClassText

if TYPE_CHECKING:
    from backcalc.core.grading.classroom import ClassGrading
    from backcalc.render.style import Style

COLUMNS = ("student_id", "name", "variant", "score", "possible", "first_wrong", "diagnosis")


def number(value: float | None) -> str:
    """A score as a CSV cell: 15, 15.5 (empty: none)."""
    return "" if value is None else f"{value:g}"


def classroom(result: ClassGrading, style: Style | None = None) -> str:
    words = ClassText(result, style)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for student in result.students:
        seat = student.seat
        writer.writerow(
            [
                seat.id,
                seat.name,
                seat.variant,
                number(student.score),
                number(student.possible),
                words.first_wrong(student),
                words.diagnosis(student),
            ]
        )
    return out.getvalue()

"""`canvas.csv`: the class's scores in the layout Canvas's gradebook imports (Grades → Import):

    Student,ID,SIS User ID,SIS Login ID,Section,<assignment>
    Points Possible,,,,,16
    Ana Pérez,,s001,ana@uni.es,A,15

Canvas reads the header's first five columns as the student's (its importer,
app/models/gradebook_importer.rb, wants Student, ID, SIS User ID, SIS Login ID and Section in
that order), a row whose first cell is `Points Possible` as the assignment's points, and each
other row as a student, found by Canvas ID (left empty: backcalc does not know it), else by SIS
User ID (the roster's id), else by SIS Login ID (its email), else by name. A new assignment name
creates the assignment. A student with no answers has an empty score (Canvas leaves it as it
is). One row per student of the manifest, in its order."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from backcalc.render.gradebook import number

if TYPE_CHECKING:
    from backcalc.core.grading.classroom import ClassGrading
    from backcalc.render.style import Style

STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "Points Possible"  # Canvas's name for the row of each assignment's points


def classroom(result: ClassGrading, style: Style | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*STUDENT_COLUMNS, result.assignment or result.title or "backcalc"])
    writer.writerow([POINTS_POSSIBLE, "", "", "", "", number(result.possible)])
    for student in result.students:
        seat = student.seat
        name = seat.name or seat.id
        writer.writerow([name, "", seat.id, seat.email, seat.section, number(student.score)])
    return out.getvalue()

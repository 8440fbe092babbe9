"""The words and numbers of a graded class, shared by every format that writes one (terminal,
report.html, the gradebooks, the JSON): a step's name, a share as a percentage, a score, the
most common slips ("12 of 30: forgetting g'(z) at δ⁽¹⁾"), who is missing, unknown or named
another variant. A single student's grading is worded by backcalc.render.grading."""

from __future__ import annotations

from statistics import median
from typing import TYPE_CHECKING

from backcalc.render.grading import GradingText, graph_output
from backcalc.render.style import Style

if TYPE_CHECKING:
    from backcalc.core.grading.classroom import ClassGrading, Common, StudentResult, Unknown
    from backcalc.core.grading.model import Key


class ClassText:
    """`result`'s words in `style`'s language."""

    def __init__(self, result: ClassGrading, style: Style | None = None) -> None:
        self.result = result
        self.style = style or Style()
        self.t = self.style.t
        exercise = result.exercise
        output = None
        if exercise is not None and getattr(exercise, "kind", None) == "graph":
            output = getattr(exercise, "output", None)
        self.words = GradingText(self.style, output, exercise)

    def step(self, key: Key) -> str:
        return self.words.step(key[0], key[1])

    def status(self, share: str) -> str:
        """A step's status for one student, `missing` included."""
        if share == "missing":
            return self.t("grade.not_answered")
        return self.words.status(share)

    def marks(self, value: float) -> str:
        return self.style.numbers.given(value)

    def percent(self, count: int, of: int) -> str:
        return f"{round(100 * count / of) if of else 0} %"

    def title(self) -> str:
        return self.result.title or self.result.manifest

    def roll(self) -> str:
        """How many students, graded and missing."""
        result = self.result
        return self.t(
            "grade.roll",
            n=len(result.students),
            graded=len(result.graded),
            missing=len(result.missing),
        )

    def rule(self) -> list[str]:
        return self.words.rule(self.result.settings)

    def slip(self, code: str | None) -> str:
        """A diagnosis' short name (none: no known slip)."""
        return self.t("grade.undiagnosed") if code is None else self.words.slip_name(code)

    def common_slip(self, common: Common) -> str:
        return self.t(
            "grade.slip_line",
            count=common.count,
            n=common.of,
            slip=self.slip(common.code),
            step=self.step(common.key),
        )

    def common_step(self, common: Common) -> str:
        step = self.step(common.key)
        return self.t("grade.first_line", count=common.count, n=common.of, step=step)

    def average(self) -> str | None:
        """The mean and the median score, or None when no one was graded."""
        scores = [s.score or 0.0 for s in self.result.graded]
        if not scores:
            return None
        mean = sum(scores) / len(scores)
        return self.t(
            "grade.average",
            mean=self.style.numbers.significant(mean, 3),
            median=self.marks(median(scores)),
            possible=self.marks(self.result.possible),
        )

    def score(self, student: StudentResult) -> str:
        return "" if student.score is None else self.marks(student.score)

    def first_wrong(self, student: StudentResult) -> str:
        key = student.first_wrong
        return "" if key is None else self.step(key)

    def diagnosis(self, student: StudentResult) -> str:
        if student.first_wrong is None:
            return ""
        diagnosis = student.diagnosis
        return self.slip(None if diagnosis is None else diagnosis.code)

    def who(self, student: StudentResult) -> str:
        """`Ana Pérez (s001)`, or the id alone."""
        seat = student.seat
        return f"{seat.name} ({seat.id})" if seat.name else seat.id

    def wrong_variant(self, student: StudentResult) -> str:
        return self.t(
            "grade.wrong_variant_line",
            student=self.who(student),
            named=student.named,
            variant=student.seat.variant,
        )

    def unknown(self, unknown: Unknown) -> str:
        return f"{unknown.student} ({unknown.source})"


def student_words(student: StudentResult, style: Style | None = None) -> GradingText:
    """The words of one student's grading (their variant's exercise)."""
    grading = student.grading
    assert grading is not None
    return GradingText(style, graph_output(grading), grading.exercise)

"""One student's feedback as format-neutral blocks (Markdown and HTML write it): who and which
variant, the score, the rule in force, each step of the class's with its status and marks (a
step not answered too), the first wrong step worked through with the student's own numbers and
the slip named (the sentences of `check --answers`, backcalc.render.grading), the wrong entries
and the remarks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcalc.core.texts import pick
from backcalc.render.document.blocks import Block, Document, Heading, Paragraph, Table
from backcalc.render.grading import WRONG_SHOWN, entry_index
from backcalc.render.style import Style

if TYPE_CHECKING:
    from backcalc.core.grading import Grading
    from backcalc.core.grading.classroom import StudentResult
    from backcalc.render.grading import GradingText


def feedback(student: StudentResult, style: Style | None = None) -> Document:
    """The feedback document of a graded student."""
    from backcalc.render.classwords import student_words

    style = style or Style()
    t = style.t
    grading = student.grading
    assert grading is not None, "a student with no answers has no feedback"
    words = student_words(student, style)
    seat = student.seat
    who = f"{seat.name} ({seat.id})" if seat.name else seat.id
    exercise_title = pick(grading.title, style.lang)  # the user's words, in the output's language
    title = t("grade.feedback_title", title=exercise_title or seat.variant)
    head: list[Block] = [
        Heading(title, 1),
        Paragraph(t("grade.feedback_student", who=who, variant=seat.variant), user=True),
    ]
    if student.named:
        note = t("grade.feedback_wrong_variant", named=student.named, variant=seat.variant)
        head.append(Paragraph(note, user=True))
    score = words.score(grading.earned, student.possible)
    head += [Paragraph(f"{score}."), Paragraph(words.verdict(grading))]
    steps: list[Block] = [Paragraph(" ".join(words.rule(grading.settings)))]
    steps += _steps(student, grading, words, style)
    steps += _first(grading, words)
    steps += _wrong(grading, words, style)
    remarks = [text for entry in grading.entries if (text := words.remark(entry))]
    if remarks:
        steps.append(Heading(t("grading.remarks_title"), 2))
        steps += [Paragraph(text) for text in remarks]
    return Document(title, tuple(head), (), tuple(steps))


def _steps(
    student: StudentResult, grading: Grading, words: GradingText, style: Style
) -> list[Block]:
    t = style.t
    by_key = {step.key: step for step in grading.steps}
    keys = list(student.asked) or list(by_key)
    first = grading.first_wrong_step
    rows = []
    for key in keys:
        step = by_key.get(key)
        name = words.step(key[0], key[1])
        if step is None:
            marks = grading.settings.marks.of(key)
            rows.append((name, t("grade.not_answered"), f"0/{words.numbers.given(marks)}"))
            continue
        status = words.status(step.status)
        if step is first:
            status += t("grading.first_marker")
        given = words.numbers.given
        rows.append((name, status, f"{given(step.earned)}/{given(step.marks)}"))
    header = (
        style.pick("grading.column", "step"),
        style.pick("grading.column", "status"),
        style.pick("grading.column", "marks"),
    )
    return [Heading(t("grading.steps_title"), 2), Table(header, tuple(rows))]


def _first(grading: Grading, words: GradingText) -> list[Block]:
    """The first wrong step: its title a heading, each sentence a paragraph."""
    lines = words.first_lines(grading)
    if not lines:
        return []
    return [Heading(lines[0][1], 2), *(Paragraph(text) for _, text in lines[1:])]


def _wrong(grading: Grading, words: GradingText, style: Style) -> list[Block]:
    entries = words.wrong_entries(grading)[:WRONG_SHOWN]
    if not entries:
        return []
    rows = []
    for entry in entries:
        if entry.status != "wrong":
            last = words.status(entry.status)
        else:
            last = "–" if entry.diagnosis is None else words.slip_name(entry.diagnosis.code)
        rows.append(
            (
                words.label(entry),
                entry_index(entry.index),
                words.written(entry),
                words.correct(entry),
                words.expected(entry),
                last,
            )
        )
    names = ("step", "entry", "yours", "correct", "from_yours", "diagnosis")
    header = tuple(style.pick("grading.column", name) for name in names)
    return [Heading(style.t("grading.wrong_title"), 2), Table(header, tuple(rows))]

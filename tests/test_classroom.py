"""The class graded in core (core/grading/classroom.py): a student's possible score is every
step of the hand solution, a step they left out is
`missing` and earns nothing, the score bins,
the most common slips counted with their step, unknown students kept apart, and the same
student twice refused."""

from __future__ import annotations

import pytest

from backcalc.core.grading import AnswerSettings, Marks
from backcalc.core.grading.classroom import Seat, Submission, grade_class
from backcalc.errors import BackcalcError
from backcalc.io import answers as answers_file
from backcalc.io.spec import parse
from tests import classroom

TRACES = {v: parse(classroom.spec_text(v), f"{v}.yaml").run() for v in ("v01", "v02", "v03")}
SEATS = [Seat("a", "v01", "Ana"), Seat("b", "v02", "Bea"), Seat("c", "v03", "Ceci")]


def submission(
    student: str, variant: str, keep: set[str] | None, code: str | None = None
) -> Submission:
    """The student's answers for `variant` (slip `code`), only the quantities in `keep`."""
    doc = classroom.answers(variant, code)
    if keep is not None:
        layers = {
            layer: {k: v for k, v in q.items() if k in keep} for layer, q in doc["layers"].items()
        }
        doc = {k: v for k, v in doc.items() if k in keep} | {"layers": layers}
        doc["layers"] = {k: v for k, v in doc["layers"].items() if v}
        if not doc["layers"]:
            del doc["layers"]
    claims = answers_file.from_data(doc, TRACES[variant])
    return Submission(student, variant, claims, f"{student}.yaml")


NOT_ASKED = {("prediction", None), ("losses", None), ("dJ_dx", None)}  # ŷ = a⁽²⁾, ℓ = J, ∂J/∂x


def asked(variant: str) -> list[tuple[str, int | None]]:
    """The steps that earn a mark (the statement asks for them)."""
    return [step for step in classroom.steps_of(variant) if step not in NOT_ASKED]


def test_every_step_counts_in_everyone_s_possible_whatever_was_handed_in() -> None:
    result = grade_class(
        SEATS,
        TRACES,
        [submission("a", "v01", {"z", "a"}), submission("b", "v02", {"loss", "dJ_dW"})],
    )
    assert [share.key for share in result.steps] == asked("v01")  # and none not asked
    assert result.possible == len(asked("v01")) == 15
    a, b, c = result.students
    assert (a.score, a.possible, b.score, b.possible) == (4, 15, 3, 15)
    assert c.missing and c.score is None and c.flags == ("missing",)
    loss = next(share for share in result.steps if share.key == ("loss", None))
    assert loss.counts == {
        "correct": 1,
        "carried_forward": 0,
        "imprecise": 0,
        "wrong": 0,
        "missing": 1,
    }
    assert a.status(("loss", None)) == "missing" and b.status(("loss", None)) == "correct"
    alone = grade_class(SEATS[:1], TRACES, [submission("a", "v01", {"z", "a"})])
    assert alone.possible == result.possible  # not what the others claimed


def test_marks_weigh_the_possible_score() -> None:
    settings = AnswerSettings(marks=Marks(default=1, by_quantity={"dJ_dW": 3}))
    result = grade_class(SEATS[:1], TRACES, [submission("a", "v01", None)], settings)
    assert result.possible == len(asked("v01")) + 2 * 2  # two ∂J/∂W worth 3


def test_a_step_not_asked_earns_nothing_unless_the_marks_say_so() -> None:
    (a,) = grade_class(SEATS[:1], TRACES, [submission("a", "v01", None)]).students
    assert a.score == a.possible == 15
    marks = AnswerSettings(marks=Marks(by_quantity={"dJ_dx": 2}))
    (a,) = grade_class(SEATS[:1], TRACES, [submission("a", "v01", None)], marks).students
    assert a.score == a.possible == 17


def test_scores_fall_into_bands_of_ten_percent_the_last_holding_all_right() -> None:
    everything = None
    subs = [
        submission("a", "v01", everything),
        submission("b", "v02", everything, "forgot_activation_derivative"),
        submission("c", "v03", {"z"}),
    ]
    result = grade_class(SEATS, TRACES, subs)
    n = len(asked("v01"))
    scores = [s.score for s in result.students]
    assert scores == [n, n - 1, 2]
    counts = [b.count for b in result.bins]
    expected = [0] * 10
    for score in scores:
        expected[min(int(100 * score / n) // 10, 9)] += 1
    assert counts == expected and [b.low for b in result.bins] == list(range(0, 100, 10))
    (slip,) = result.slips
    assert (slip.key, slip.code, slip.count, slip.of) == (
        ("delta", 1),
        "forgot_activation_derivative",
        1,
        3,
    )


def test_unknown_students_are_kept_apart_and_a_student_twice_is_refused() -> None:
    result = grade_class(SEATS, TRACES, [submission("zz", "v01", None)])
    assert [u.student for u in result.unknown] == ["zz"] and not result.graded
    assert not result.passed
    with pytest.raises(BackcalcError, match=r"student 'a' has answers here and in a\.yaml"):
        grade_class(SEATS, TRACES, [submission("a", "v01", None), submission("a", "v01", None)])


def test_answers_naming_another_variant_are_graded_against_the_student_s_own() -> None:
    theirs = submission("b", "v02", None)
    named = Submission("b", "v01", theirs.claims, "b.yaml")
    result = grade_class(SEATS, TRACES, [named])
    b = result.students[1]
    assert b.named == "v01" and b.flags == ("wrong_variant",)
    assert b.score == len(asked("v02"))  # their own numbers, all right

"""A whole class graded: every student's answers against their own variant, and the class at a
glance.

Each student of the manifest (a `Seat`: who, and which variant they were given) is graded with
backcalc.core.grading.grade on their own variant's trace, with the same settings (tolerance,
carry forward, marks) for all. A student's possible score is the marks of every step of the
hand solution the statement asks for (the same for every student, whatever anyone handed in: a
step left out earns nothing; a step that repeats another's number or is not asked, such as
ŷ = a⁽ᴸ⁾ or ∂J/∂x, is graded but worth nothing unless the marks file says otherwise); their
score what their claimed steps earned.

Nothing is dropped: a seat with no answers is `missing` (in the gradebook with an empty score),
answers naming a student the manifest does not have are `unknown` (reported, not graded), and
answers naming another variant than the student's are graded against the student's own and
flagged `wrong_variant`.

The summary: per step, how many of the graded students have it correct, carried forward,
imprecise, wrong or missing; the most common first wrong steps and diagnoses (the slip at the
first wrong step, with where it is), most common first; the scores in ten bins of 10 % of the
possible score (the last one holds 100 %).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from backcalc.core.grading import (
    STATUSES,
    AnswerSettings,
    Claim,
    Diagnosis,
    Grading,
    Marks,
    grade,
    steps_for,
)
from backcalc.errors import BackcalcError, Location

if TYPE_CHECKING:
    from backcalc.core.grading.model import Key
    from backcalc.core.network import Trace

MISSING = "missing"
SHARES = (*STATUSES, MISSING)  # what a step is for one student: a status, or not answered
BINS = 10
WRONG_VARIANT = "wrong_variant"


@dataclass(frozen=True)
class Seat:
    """A student of the manifest and the variant they were given."""

    id: str
    variant: str
    name: str = ""
    email: str = ""
    section: str = ""


@dataclass(frozen=True)
class Submission:
    """One student's answers: the student and the variant they name (None: not named), the
    claims, and where they were read (a file, or `answers.csv:7`)."""

    student: str
    variant: str | None
    claims: tuple[Claim, ...]
    source: str


@dataclass(frozen=True)
class StudentResult:
    """A seat and its grading (None: no answers). `named` is the variant the answers name when
    it is not the student's (they are graded against the student's own); `possible` is the
    class's possible score."""

    seat: Seat
    grading: Grading | None
    possible: float
    source: str | None = None
    named: str | None = None
    asked: tuple[Key, ...] = ()  # the class's steps, in hand-solution order
    kind: ClassVar[str] = "feedback"

    @property
    def missing(self) -> bool:
        return self.grading is None

    @property
    def flags(self) -> tuple[str, ...]:
        return ((MISSING,) if self.missing else ()) + ((WRONG_VARIANT,) if self.named else ())

    @property
    def score(self) -> float | None:
        return None if self.grading is None else self.grading.earned

    @property
    def first_wrong(self) -> Key | None:
        step = None if self.grading is None else self.grading.first_wrong_step
        return None if step is None else step.key

    @property
    def diagnosis(self) -> Diagnosis | None:
        """The slip at the first wrong step (the step's, else its first wrong entry's)."""
        grading = self.grading
        step = None if grading is None else grading.first_wrong_step
        if grading is None or step is None:
            return None
        entry = grading.first_wrong
        return step.diagnosis or (None if entry is None else entry.diagnosis)

    def status(self, key: Key) -> str:
        """The step's status for this student (`missing`: not answered)."""
        steps = {} if self.grading is None else {s.key: s for s in self.grading.steps}
        return steps[key].status if key in steps else MISSING


@dataclass(frozen=True)
class Unknown:
    """Answers naming a student who is not in the manifest: reported, not graded."""

    student: str
    variant: str | None
    source: str


@dataclass(frozen=True)
class StepShare:
    """How the graded students did at one step: a count per status and `missing`."""

    key: Key
    counts: Mapping[str, int]
    of: int


@dataclass(frozen=True)
class Common:
    """A first wrong step (and, for a slip, its diagnosis code; None where no known slip
    reproduces it) and how many of the graded students have it."""

    key: Key
    count: int
    of: int
    code: str | None = None


@dataclass(frozen=True)
class Bin:
    """Scores from `low` % (included) to `high` % (excluded; included in the last bin)."""

    low: int
    high: int
    count: int


@dataclass(frozen=True)
class ClassGrading:
    """Every student of the manifest graded (in its order), the unknown students, and the
    summary of the graded ones."""

    kind: ClassVar[str] = "classroom"
    settings: AnswerSettings
    students: tuple[StudentResult, ...]
    unknown: tuple[Unknown, ...]
    steps: tuple[StepShare, ...]
    first_wrong: tuple[Common, ...]
    slips: tuple[Common, ...]
    bins: tuple[Bin, ...]
    possible: float
    title: str | None = None
    manifest: str = "manifest.csv"
    exercise: object = field(default=None, compare=False)  # the first variant's, for its words
    assignment: str | None = None  # its name in an LMS's gradebook (None: the title)

    @property
    def graded(self) -> tuple[StudentResult, ...]:
        return tuple(s for s in self.students if not s.missing)

    @property
    def missing(self) -> tuple[StudentResult, ...]:
        return tuple(s for s in self.students if s.missing)

    @property
    def wrong_variant(self) -> tuple[StudentResult, ...]:
        return tuple(s for s in self.students if s.named)

    @property
    def passed(self) -> bool:
        """Every answers file was graded (none names an unknown student)."""
        return not self.unknown


def grade_class(
    seats: Sequence[Seat],
    traces: Mapping[str, Trace] | Callable[[str], Trace],
    submissions: Sequence[Submission],
    settings: AnswerSettings | None = None,
    manifest: str = "manifest.csv",
) -> ClassGrading:
    """Grade every submission against its student's variant (`traces` by variant id) and sum
    up the class; a BackcalcError when two submissions name the same student."""
    settings = settings or AnswerSettings()
    trace_of = traces if callable(traces) else traces.__getitem__
    by_id = {seat.id: seat for seat in seats}
    found: dict[str, Submission] = {}
    unknown = []
    for submission in submissions:
        if submission.student in found:
            first = found[submission.student].source
            raise BackcalcError(
                f"student '{submission.student}' has answers here and in {first}: one each",
                _where(submission.source),
            )
        if submission.student not in by_id:
            unknown.append(Unknown(submission.student, submission.variant, submission.source))
            continue
        found[submission.student] = submission
    gradings = {}
    sample = trace_of(seats[0].variant) if seats else None
    # every variant has the same steps: the first one's order is theirs, and so are the marks
    order: list[Key] = [] if sample is None else list(steps_for(sample).order)
    if sample is not None:
        settings = dataclasses.replace(settings, marks=unmarked(sample, settings.marks))
    for student, submission in found.items():
        trace = trace_of(by_id[student].variant)
        gradings[student] = grade(trace, submission.claims, settings, submission.source)
    answered = {step.key for grading in gradings.values() for step in grading.steps}
    # the possible score is the same for every student and every way of handing answers in:
    # every step of the hand solution the statement asks for
    possible = sum(settings.marks.of(key) for key in order)
    order = [key for key in order if key in answered or settings.marks.of(key)]
    results = []
    for seat in seats:
        given = found.get(seat.id)
        named = None if given is None else given.variant
        results.append(
            StudentResult(
                seat,
                gradings.get(seat.id),
                possible,
                None if given is None else given.source,
                named if named is not None and named != seat.variant else None,
                tuple(order),
            )
        )
    graded = [r for r in results if not r.missing]
    first_seat = seats[0] if seats else None
    exercise = None if first_seat is None else trace_of(first_seat.variant).exercise
    return ClassGrading(
        settings,
        tuple(results),
        tuple(unknown),
        tuple(_share(key, graded) for key in order),
        _common(graded, with_slip=False),
        _common(graded, with_slip=True),
        _bins(graded, possible),
        possible,
        getattr(exercise, "title", None),
        manifest,
        exercise,
    )


def not_asked(trace: Trace) -> list[Key]:
    """The steps a statement does not ask for, or that write again a number another step has:
    ŷ (it is a⁽ᴸ⁾), the predicted class, p where the output is the softmax (ŷ again), ℓ for
    one observation (J), ∂J/∂x (not a parameter); a graph's ∂out/∂out (1)."""
    if trace.kind == "graph":
        return [("gradient", trace.exercise.output)]  # type: ignore[attr-defined]
    found: list[Key] = [("prediction", None), ("predicted_class", None), ("dJ_dx", None)]
    exercise = trace.exercise
    if exercise.network.layers[-1].activation.name == "softmax":
        found.append(("probabilities", None))
    if not exercise.batched:
        found.append(("losses", None))
    return found


def unmarked(trace: Trace, marks: Marks) -> Marks:
    """`marks` with the steps of `not_asked` worth nothing, unless the marks file names them."""
    by_step = dict(marks.by_step)
    for key in not_asked(trace):
        if key not in by_step and key[0] not in marks.by_quantity:
            by_step[key] = 0.0
    return dataclasses.replace(marks, by_step=by_step)


def _where(source: str) -> Location:
    """A source `file` or `file:line` as a Location."""
    file, _, line = source.rpartition(":")
    if file and line.isdigit():
        return Location(file, int(line))
    return Location(source)


def _share(key: Key, graded: list[StudentResult]) -> StepShare:
    counts = Counter(result.status(key) for result in graded)
    return StepShare(key, {share: counts.get(share, 0) for share in SHARES}, len(graded))


def _common(graded: list[StudentResult], with_slip: bool) -> tuple[Common, ...]:
    """The first wrong steps (with their diagnosis, `with_slip`), most common first, then in
    the order first met."""
    counts: Counter[tuple[Key, str | None]] = Counter()
    for result in graded:
        key = result.first_wrong
        if key is None:
            continue
        diagnosis = result.diagnosis
        code = None if diagnosis is None else diagnosis.code
        if with_slip and code is None:
            continue  # no known slip: among the first wrong steps, not among the slips
        counts[(key, code if with_slip else None)] += 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])  # stable: first met first
    return tuple(Common(key, n, len(graded), code) for (key, code), n in ranked)


def _bins(graded: list[StudentResult], possible: float) -> tuple[Bin, ...]:
    counts = [0] * BINS
    for result in graded:
        share = (result.score or 0.0) / possible if possible else 0.0
        counts[min(int(share * BINS + 1e-9), BINS - 1)] += 1
    width = 100 // BINS
    return tuple(Bin(i * width, (i + 1) * width, n) for i, n in enumerate(counts))

"""Hand-worked answers graded as a teacher marks them: every claimed entry judged at the
precision it was written with, error carried forward, and the slip named.

For each step of the hand solution (backcalc.core.grading.model) in order, every claimed entry
is compared with

- the correct value, the value computed from the student's own claimed inputs where those are
  correct (rounding carried from correct steps is no fault), and, under the decimals rule where
  the inputs are correct, the computation rounded at every step to the entry's decimals (d ≥ 2:
  a solution key made with `--hand-rounding` passes): a match is `correct` (under the decimals
  rule a value cut instead of rounded too, with a remark);
- the value computed from the student's own values, wrong ones included: a match is
  `carried_forward` (method credit), unless its inputs are all zero or it copies an input the
  step would change (no credit, with a remark), or carrying forward is off;
- otherwise it is `wrong`, and every registered slip (backcalc.core.grading.slips) is tried on
  the student's inputs: the one reproducing it is the diagnosis.

A correct or carried-forward entry whose written value has no significant figure of the value,
or fewer decimals than the exercise asks for, is `imprecise` (no credit), unless it is a whole
number that is the value exactly (0, 1, a graph's 3), or what rounding at every step gives.
"Within" is the tolerance rule in force (backcalc.core.grading.tolerance). A step's status is
the worst of its entries'.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias, cast

import numpy as np

from backcalc.core.grading.model import Key, NetworkSteps, Steps, World
from backcalc.core.grading.tolerance import Tolerance, no_significant_figure, truncated
from backcalc.errors import NumericalError

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

    from backcalc.core.activations import Array
    from backcalc.core.grading.worked import Worked
    from backcalc.core.graph import GraphTrace
    from backcalc.core.network import Exercise, Trace

__all__ = [
    "STATUSES",
    "AnswerSettings",
    "Claim",
    "Diagnosis",
    "Grading",
    "Judged",
    "Marks",
    "Remark",
    "Step",
    "Tolerance",
    "grade",
]

Status = Literal["correct", "carried_forward", "imprecise", "wrong"]
STATUSES: tuple[Status, ...] = ("correct", "carried_forward", "imprecise", "wrong")  # by rank
CORRECT, CARRIED, IMPRECISE, WRONG = range(4)
CREDITED = ("correct", "carried_forward")


@dataclass(frozen=True)
class Claim:
    """A claimed quantity: `values` in the shape `run` gives it (NaN: an entry not claimed),
    and for each entry the number of decimals it was written with (-1: not written as text)."""

    name: str
    layer: int | None
    values: Array
    decimals: NDArray[np.int64]
    written: tuple[str, ...]  # each entry as written, in the order of `values`
    transposed: bool = False  # written with the shape of the transpose (values put back)


@dataclass(frozen=True)
class Marks:
    """Marks per step: by quantity, by (quantity, layer), else `default`."""

    default: float = 1.0
    by_quantity: Mapping[str, float] = field(default_factory=dict)
    by_step: Mapping[Key, float] = field(default_factory=dict)

    def of(self, key: Key) -> float:
        return self.by_step.get(key, self.by_quantity.get(key[0], self.default))


@dataclass(frozen=True)
class AnswerSettings:
    tolerance: Tolerance = field(default_factory=Tolerance)
    carry_forward: bool = True
    required_decimals: int | None = None  # answer_decimals, or --decimals-required
    marks: Marks = field(default_factory=Marks)
    eps: float = 1e-6


@dataclass(frozen=True)
class Diagnosis:
    """The slip that reproduces a wrong value: `code`, or `ambiguous` with each matching code
    in `alternatives`."""

    code: str
    alternatives: tuple[str, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return self.alternatives or (self.code,)

    @classmethod
    def of(cls, codes: tuple[str, ...]) -> Diagnosis:
        return cls(codes[0]) if len(codes) == 1 else cls("ambiguous", codes)


@dataclass(frozen=True)
class Remark:
    """Something the status does not say: `truncated` (cut, not rounded), `no_significant_figure`,
    `fewer_decimals` (than `decimals`), `zero_inputs` and `copied` (carried forward without
    credit), `not_carried` (would follow from the student's values; carrying forward is off),
    `indistinct` (the written precision cannot tell it from the value of the `slips`)."""

    code: str
    slips: tuple[str, ...] = ()
    decimals: int | None = None
    value: float | None = None  # what a truncated number is cut from


@dataclass(frozen=True)
class Judged:
    """One claimed entry. `expected` is the value from the student's own inputs; `parameter`
    (W1, b2, x) and `numeric` (the central difference) are set for gradients."""

    quantity: str
    layer: int | None
    index: tuple[int, ...]
    claimed: float
    written: str
    decimals: int
    correct: float
    expected: float
    status: Status
    diagnosis: Diagnosis | None
    remark: Remark | None
    parameter: str | None
    numeric: float | None = None
    node: str | None = None  # a graph's step names its node

    @property
    def key(self) -> Key:
        return (self.quantity, self.layer if self.node is None else self.node)  # type: ignore[return-value]


@dataclass(frozen=True)
class Step:
    """One claimed step: its entries, its status (the worst of theirs), its marks and what it
    earned; `diagnosis` is the slip that explains all its wrong entries, if one does."""

    quantity: str
    layer: int | None
    entries: tuple[Judged, ...]
    status: Status
    marks: float
    diagnosis: Diagnosis | None
    node: str | None = None

    @property
    def key(self) -> Key:
        return (self.quantity, self.layer if self.node is None else self.node)  # type: ignore[return-value]

    @property
    def earned(self) -> float:
        return self.marks if self.status in CREDITED else 0.0

    def count(self, status: Status) -> int:
        return sum(entry.status == status for entry in self.entries)


@dataclass(frozen=True)
class Grading:
    """Every claimed step judged; `answers` names the file they came from, `title` the
    exercise; `consequences` are the later steps computed from the first wrong one."""

    kind: ClassVar[str] = "answers"
    settings: AnswerSettings
    steps: tuple[Step, ...]
    answers: str = "answers"
    title: str | None = None
    consequences: tuple[Key, ...] = ()
    worked: Worked | None = None  # the first wrong entry worked out with the student's values
    exercise: Exercise | None = None

    @property
    def entries(self) -> tuple[Judged, ...]:
        return tuple(entry for step in self.steps for entry in step.entries)

    @property
    def passed(self) -> bool:
        return all(step.status == "correct" for step in self.steps)

    @property
    def first_wrong(self) -> Judged | None:
        step = self.first_wrong_step
        if step is None:
            return None
        return next(entry for entry in step.entries if entry.status == "wrong")

    @property
    def first_wrong_step(self) -> Step | None:
        return next((step for step in self.steps if step.status == "wrong"), None)

    @property
    def earned(self) -> float:
        return sum(step.earned for step in self.steps)

    @property
    def possible(self) -> float:
        return sum(step.marks for step in self.steps)

    def count(self, status: Status) -> int:
        return sum(step.status == status for step in self.steps)


EVIDENCE_UP_TO = 2000  # gradient entries given a finite difference beside them (all of them up to
# this many; beyond it, only those of wrong steps, up to this many)


def grade(
    trace: Trace,
    claims: tuple[Claim, ...],
    settings: AnswerSettings | None = None,
    answers: str = "answers",
) -> Grading:
    """Judge every claimed entry, in hand-solution order. Where the settings ask for no number
    of decimals, the exercise's `answer_decimals` does (the Python API's as the command's)."""
    settings = settings or AnswerSettings()
    if settings.required_decimals is None:
        asked = trace.exercise.answer_decimals
        settings = dataclasses.replace(settings, required_decimals=asked)
    grader = _Grader(trace, claims, settings)
    steps = grader.run()
    first = next((step for step in steps if step.status == "wrong"), None)
    consequences = () if first is None else grader.consequences(first.key)
    worked = None
    if first is not None:
        entry = next(entry for entry in first.entries if entry.status == "wrong")
        worked = grader.model.worked(grader.yours, first.key, entry.index)
    steps = _with_evidence(trace, steps, settings.eps)
    title = trace.exercise.title
    return Grading(settings, tuple(steps), answers, title, consequences, worked, trace.exercise)


class _Grader:
    def __init__(self, trace: Trace, claims: tuple[Claim, ...], settings: AnswerSettings) -> None:
        self.trace, self.settings = trace, settings
        self.tolerance = settings.tolerance
        self.model = steps_for(trace)
        self.claims = {(claim.name, claim.layer): claim for claim in claims}
        claimed = set(self.claims)
        self.yours, self.correct_inputs = World(claimed), World(claimed)
        self.status: dict[Key, Status] = {}
        self.hands = _HandTraces(trace)
        # every number of decimals written (≥ 2): a key's 0.250 is 0.25 as a float, its 0.000 0.0
        written_places = {int(d) for claim in claims for d in np.unique(claim.decimals)}
        self.places = sorted(d for d in written_places if d >= 2)
        written = [int(claim.decimals.max()) for claim in claims if claim.decimals.size]
        self.finest = max(written, default=-1)

    def run(self) -> list[Step]:
        steps = []
        for key in self.model.order:
            inputs = self.model.inputs(key)
            correct = self.model.correct(key)
            yours = self._candidates(self.yours, key, inputs, correct)
            from_correct = self._candidates(self.correct_inputs, key, inputs, correct)
            spread = self._spread(self.yours, key, inputs, yours)
            spread_correct = self._spread(self.correct_inputs, key, inputs, from_correct)
            claim = self.claims.get(key)
            if claim is None:  # the student may have rounded it too, as they write numbers
                dirty = self.yours.touched(inputs)
                self.yours.set(key, yours[0], dirty, spread[0] + self._unwritten(dirty))
                dirty = self.correct_inputs.touched(inputs)
                unwritten = self._unwritten(dirty)
                self.correct_inputs.set(key, from_correct[0], dirty, spread_correct[0] + unwritten)
                continue
            step, codes, values = self._judge(
                key, claim, correct, (yours, spread), (from_correct, spread_correct), inputs
            )
            steps.append(step)
            self.status[key] = step.status
            given = ~np.isnan(values)
            written = _rounding_of(claim.decimals.reshape(correct.shape))
            self.yours.set(
                key, np.where(given, values, yours[0]), True, np.where(given, written, spread[0])
            )
            kept = given & (codes == CORRECT)
            self.correct_inputs.set(
                key,
                np.where(kept, values, from_correct[0]),
                True,
                np.where(kept, written, spread_correct[0]),
            )
        return steps

    def _spread_by_entry(
        self,
        world: World,
        moving: list[Key],
        values: list[Array],
        formula: Callable[[World], list[Array]],
    ) -> list[Array]:
        """The first-order spread found by moving one input entry at a time, up and down, and
        adding up the changes (exact for a formula the steps do not know the shape of: a
        slip's, a graph's)."""
        total = [np.zeros_like(value) for value in values]
        with np.errstate(all="ignore"):
            for k in moving:
                spread = world.spread[k]
                for index in np.ndindex(spread.shape):
                    if not spread[index]:
                        continue
                    change = [np.zeros_like(value) for value in values]
                    for sign in (1.0, -1.0):
                        shift = np.zeros_like(spread)
                        shift[index] = sign * spread[index]
                        moved = formula(world.moved({k: shift}))
                        for i, (value, other) in enumerate(zip(values, moved, strict=False)):
                            other = np.asarray(other, dtype=np.float64)
                            if other.shape == value.shape:
                                step = np.nan_to_num(np.abs(other - value))
                                change[i] = np.maximum(change[i], step)
                    total = [t + c for t, c in zip(total, change, strict=True)]
        return total

    def _unwritten(self, dirty: bool) -> float:
        """The spread of a step not claimed but computed from claimed numbers: half a unit at
        the most decimals the answers write (the student may have rounded it there)."""
        return float(_half_units(np.asarray(self.finest))) if dirty else 0.0

    def _spread(
        self,
        world: World,
        key: Key,
        inputs: tuple[Key, ...],
        values: list[Array],
        compute: object = None,
    ) -> list[Array]:
        """How far each candidate may be from what the student had, given how far its inputs
        may be (see World): the largest change over a few fixed patterns of moving every
        input by its spread up or down, doubled (rounding errors of many terms rarely all
        align, and a pattern of signs finds the size they give)."""
        moving = [k for k in inputs if k in world.spread]
        if not moving:
            return [np.zeros_like(value) for value in values]
        if not callable(compute):
            with np.errstate(all="ignore"):
                exact = self.model.spread(key, world)
            if exact is not None:
                return [np.nan_to_num(np.asarray(s, dtype=np.float64)) for s in exact]
        formula = compute if callable(compute) else (lambda w: self.model.compute(key, w))
        if sum(world.spread[k].size for k in moving) <= ONE_BY_ONE:
            return self._spread_by_entry(world, moving, values, formula)
        widest = [np.zeros_like(value) for value in values]
        with np.errstate(all="ignore"):
            for pattern in _PATTERNS:
                shifts = {
                    k: _signs(pattern, i, world.spread[k]) * world.spread[k]
                    for i, k in enumerate(moving)
                }
                moved = formula(world.moved(shifts))
                for i, (value, other) in enumerate(zip(values, moved, strict=False)):
                    change = np.nan_to_num(np.abs(np.asarray(other, dtype=np.float64) - value))
                    if change.shape == widest[i].shape:
                        widest[i] = np.maximum(widest[i], change)
        return [2.0 * spread for spread in widest]

    def _candidates(
        self, world: World, key: Key, inputs: tuple[Key, ...], correct: Array
    ) -> list[Array]:
        if not world.touched(inputs):
            return [correct]
        with np.errstate(all="ignore"):
            return [np.asarray(value, dtype=np.float64) for value in self.model.compute(key, world)]

    def _hand(self, key: Key, decimals: NDArray[np.int64]) -> Array:
        """The value rounded at every step to each entry's decimals (NaN where d < 2 or no
        hand computation exists)."""
        found = np.full(decimals.shape, np.nan)
        for places in sorted({int(d) for d in decimals.flat if d >= 2}):
            hand = self.hands.values(self.model, key, places)
            if hand is not None:
                found = np.where(decimals == places, hand, found)
        return found

    def _finer(self, key: Key, decimals: NDArray[np.int64]) -> list[Array]:
        """The value rounded at every step to each number of decimals the answers are written
        with, where that is more than an entry's own (NaN elsewhere): the key's 0.250 written
        0.25, its 0.000 written 0.0, as a float or a JSON number writes them."""
        found = []
        for places in self.places:
            hand = self.hands.values(self.model, key, places)
            if hand is not None and np.any(decimals < places):
                found.append(np.where(decimals < places, hand, np.nan))
        return found

    def _judge(
        self,
        key: Key,
        claim: Claim,
        correct: Array,
        own: tuple[list[Array], list[Array]],
        from_correct_inputs: tuple[list[Array], list[Array]],
        inputs: tuple[Key, ...],
    ) -> tuple[Step, NDArray[np.int64], Array]:
        values = claim.values.reshape(correct.shape)
        decimals = claim.decimals.reshape(correct.shape)
        given = ~np.isnan(values)
        tolerance = self.tolerance
        yours, spread = own
        from_correct, spread_correct = from_correct_inputs

        def near(target: Array, widen: Array | float = 0.0) -> NDArray[np.bool_]:
            return tolerance.close(values, target, decimals, widen) & given

        def cut(target: Array) -> NDArray[np.bool_]:
            return truncated(values, target, decimals) & given

        inputs_correct = all(self.status.get(k, "correct") == "correct" for k in inputs)
        targets = [correct, *from_correct]
        hand = self._hand(key, decimals)
        finer = self._finer(key, decimals)
        # a cut number and the computation rounded at every step are read from how a number is
        # written: the decimals rule's; sigfig, rel and abs judge the value only, as they say
        by_writing = tolerance.rule == "decimals"
        if inputs_correct and by_writing:
            targets += [hand, *finer]
        is_correct = _any(near(t) for t in targets)
        cut_from = _first_cut(cut, targets, ~is_correct & by_writing)
        was_cut = ~np.isnan(cut_from)
        is_correct |= was_cut
        is_correct |= _any(near(t, w) for t, w in zip(from_correct, spread_correct, strict=True))
        follows = ~is_correct & _any(near(t, w) for t, w in zip(yours, spread, strict=True))
        cut_yours = _first_cut(cut, yours, ~is_correct & ~follows & by_writing)
        follows |= ~np.isnan(cut_yours)
        cut_from = np.where(was_cut, cut_from, cut_yours)
        remarks: dict[tuple[int, ...], Remark] = {}
        guard = self._guard(key, inputs, values, given) if follows.any() else None
        codes = np.where(is_correct, CORRECT, np.where(follows, CARRIED, WRONG))
        for index in _where(~np.isnan(cut_from)):
            remarks[index] = Remark("truncated", value=float(cut_from[index]))
        if guard is not None:
            codes = np.where(follows, WRONG, codes)
            remarks.update({i: Remark(guard) for i in _where(follows)})
        elif not self.settings.carry_forward:
            codes = np.where(follows, WRONG, codes)
            remarks.update({i: Remark("not_carried") for i in _where(follows)})
        hands = (hand, *finer)
        codes = self._imprecise(key, codes, values, decimals, correct, yours[0], hands, remarks)
        slip_values = self._slips(key, inputs, wrong=bool((codes == WRONG).any()))

        def names(value: Array, widen: Array | float = 0.0) -> NDArray[np.bool_]:
            """A slip's value that rounds to 0 (and is not 0) has no digits to match a claim."""
            blank = no_significant_figure(value, decimals) & (value != 0)
            return np.asarray(near(value, widen) & ~blank)

        diagnoses = self._diagnose(codes, names, slip_values)
        if claim.transposed:  # the right numbers in the wrong shape: wrong, and named
            for index in _where(given & (codes != WRONG)):
                diagnoses[index] = Diagnosis("transposed_gradient")
                remarks.pop(index, None)
            codes = np.where(given, WRONG, codes)
        exact = (decimals == 0) & (values == correct)  # a whole number, exactly right
        self._indistinct(codes, values, correct, near, slip_values, remarks, exact)
        expected = yours[0]
        if len(yours) > 1:  # g' from z or from a: the one nearer what was written; for a
            # wrong entry, the one the solution writes (as the worked line has it)
            nearer = np.abs(values - yours[1]) < np.abs(values - yours[0])
            nearer = np.where(codes == WRONG, self.model.written_form(key) == 1, nearer)
            expected = np.where(nearer, yours[1], yours[0])
        step = self._step(
            key, claim, codes, values, decimals, correct, expected, diagnoses, remarks
        )
        return step, codes, values

    def _guard(
        self, key: Key, inputs: tuple[Key, ...], values: Array, given: NDArray[np.bool_]
    ) -> str | None:
        """Why values that follow from the student's own inputs get no credit: those inputs
        are all zero (or one is, and the step is 0 because of it), or the step copies an input
        its formula would change."""
        zeros = [not np.any(self.yours(k)) for k in inputs if k in self.claims]
        if zeros and (all(zeros) or (any(zeros) and not np.any(values[given]))):
            return "zero_inputs"  # all zero, or a zero factor making the step 0
        for source in inputs:
            own = self.yours(source)
            same = own.shape == values.shape and np.array_equal(values[given], own[given])
            if same and self.model.changes(key, source):
                return "copied"
        return None

    def _imprecise(
        self,
        key: Key,
        codes: NDArray[np.int64],
        values: Array,
        decimals: NDArray[np.int64],
        correct: Array,
        yours: Array,
        hands: tuple[Array, ...],
        remarks: dict[tuple[int, ...], Remark],
    ) -> NDArray[np.int64]:
        if key[0] == "predicted_class":
            return codes
        credited = (codes == CORRECT) | (codes == CARRIED)
        target = np.where(codes == CORRECT, correct, yours)
        # a whole number that is the value exactly (a ReLU's 0, a mask's 1, a graph's 3) is
        # precise however few decimals it is written with
        exact = (values == np.round(values)) & (target == values)
        as_by_hand = _any(np.abs(values - hand) <= 1e-12 for hand in hands)
        # a written 0 has no figure of a value that is not 0, even where it is a cut 0.9
        zero = (values == 0) & (target != 0) & (decimals >= 0)
        faint = credited & (no_significant_figure(target, decimals) | zero) & ~exact & ~as_by_hand
        required = self.settings.required_decimals
        short = np.zeros_like(faint)
        if required is not None:
            short = credited & (decimals >= 0) & (decimals < required) & ~exact & ~faint
        for index in _where(faint):
            remarks[index] = Remark("no_significant_figure")
        for index in _where(short):
            remarks[index] = Remark("fewer_decimals", decimals=required)
        return np.where(faint | short, IMPRECISE, codes)

    def _slips(
        self, key: Key, inputs: tuple[Key, ...], wrong: bool
    ) -> list[tuple[str, Array, Array]]:
        """Every applicable slip's values at this step, from the student's inputs, with their
        spread (for a step with wrong entries, which a diagnosis must explain)."""
        shape = self.model.correct(key).shape
        with np.errstate(all="ignore"):
            found = [
                (code, np.asarray(value, dtype=np.float64))
                for code, value in self.model.slip_values(key, self.yours)
            ]
            found = [(code, value) for code, value in found if value.shape == shape]
            if not wrong or not found:
                return [(code, value, np.zeros(shape)) for code, value in found]

            def formula(world: World) -> list[Array]:
                return [value for _, value in self.model.slip_values(key, world)]

            values = [value for _, value in found]
            spreads = self._spread(self.yours, key, inputs, values, formula)
        return [(code, v, w) for (code, v), w in zip(found, spreads, strict=True)]

    def _diagnose(
        self,
        codes: NDArray[np.int64],
        near: object,
        slip_values: list[tuple[str, Array, Array]],
    ) -> dict[tuple[int, ...], Diagnosis]:
        """For each wrong entry, the slips reproducing it; the step's diagnosis where one set
        of slips explains every wrong entry that any explains."""
        wrong = codes == WRONG
        if not wrong.any():
            return {}
        assert callable(near)
        matches: dict[tuple[int, ...], list[str]] = {}
        for code, value, spread in slip_values:
            for index in _where(near(value, spread) & wrong):
                found = matches.setdefault(index, [])
                if code not in found:
                    found.append(code)
        if not matches:
            return {}
        shared = set.intersection(*(set(codes) for codes in matches.values()))
        diagnoses = {}
        for index, found in matches.items():
            chosen = [code for code in found if code in shared] if shared else found
            diagnoses[index] = Diagnosis.of(tuple(chosen))
        return diagnoses

    def _indistinct(
        self,
        codes: NDArray[np.int64],
        values: Array,
        correct: Array,
        near: object,
        slip_values: list[tuple[str, Array, Array]],
        remarks: dict[tuple[int, ...], Remark],
        exact: NDArray[np.bool_],
    ) -> None:
        """A remark where a slip would go unnoticed at the precision written: every claimed
        entry of the step is also within the allowance of the slip's value (and the slip
        changes at least one). It goes on the first entry the slip changes."""
        assert callable(near)
        given = ~np.isnan(values)
        if not (codes[given] == CORRECT).all():
            return
        also: dict[tuple[int, ...], list[str]] = {}
        for code, value, _ in slip_values:
            differs = given & ~np.isclose(value, correct, rtol=1e-6, atol=1e-12)
            if not differs.any() or not (near(value) & ~(exact & differs))[given].all():
                continue
            first = int(np.flatnonzero(differs)[0])
            index = tuple(int(i) for i in np.unravel_index(first, differs.shape))
            found = also.setdefault(index, [])
            if code not in found:
                found.append(code)
        for index, found in also.items():
            remarks.setdefault(index, Remark("indistinct", tuple(found)))

    def _step(
        self,
        key: Key,
        claim: Claim,
        codes: NDArray[np.int64],
        values: Array,
        decimals: NDArray[np.int64],
        correct: Array,
        expected: Array,
        diagnoses: dict[tuple[int, ...], Diagnosis],
        remarks: dict[tuple[int, ...], Remark],
    ) -> Step:
        model = self.model
        arrays = (values, decimals, correct, expected, codes)
        shown = [model.user(key, np.asarray(array)) for array in arrays]
        user_values, user_decimals, user_correct, user_expected, user_codes = shown
        internal_index = list(np.ndindex(values.shape))
        user_index = list(np.ndindex(user_values.shape))
        parameter = model.parameter(key)
        layer, node = (None, key[1]) if isinstance(key[1], str) else (key[1], None)
        columns = zip(  # plain Python numbers, converted once per step (100,000s of entries)
            internal_index,
            user_index,
            user_values.ravel().tolist(),
            user_decimals.ravel().tolist(),
            user_correct.ravel().tolist(),
            user_expected.ravel().tolist(),
            user_codes.ravel().tolist(),
            claim.written,
            strict=True,
        )
        entries = [
            Judged(
                key[0],
                layer,
                index,
                claimed,
                written,
                places,
                right,
                expected_value,
                STATUSES[int(code)],
                diagnoses.get(inner),
                remarks.get(inner),
                parameter,
                None,
                node,
            )
            for inner, index, claimed, places, right, expected_value, code, written in columns
            if claimed == claimed  # NaN: an entry not claimed
        ]
        status = STATUSES[int(codes[~np.isnan(values)].max())]
        wrong = [e.diagnosis for e in entries if e.status == "wrong"]
        named = Counter(d for d in wrong if d is not None).most_common(1)
        # the step's slip explains at least half of its wrong entries (an entry may coincide)
        diagnosis = named[0][0] if named and 2 * named[0][1] >= len(wrong) else None
        marks = self.settings.marks.of(key)
        return Step(key[0], layer, tuple(entries), status, marks, diagnosis, node)

    def consequences(self, first: Key) -> tuple[Key, ...]:
        """The claimed steps after `first` that are computed from it, directly or not."""
        reached = {first}
        for key in self.model.order[self.model.position[first] + 1 :]:
            if any(source in reached for source in self.model.inputs(key)):
                reached.add(key)
        reached.discard(first)
        return tuple(key for key in self.model.order if key in reached and key in self.claims)


ONE_BY_ONE = 400  # input entries up to which a spread is found one entry at a time
_PATTERNS = (0, 1, 2, 3)  # how inputs are moved to find a spread: all up; up and down by
# input (the worst case of a product of two inputs with opposite signs); two mixed patterns


def _signs(pattern: int, which: int, like: Array) -> Array:
    """+1 or −1 for every entry of input number `which` under `pattern` (fixed, so grading
    is reproducible)."""
    if pattern < 2:
        return np.full(np.shape(like), -1.0 if pattern == 1 and which % 2 else 1.0)
    rng = np.random.default_rng((pattern, which))
    return rng.choice((-1.0, 1.0), size=np.shape(like))


def _rounding_of(decimals: NDArray[np.int64]) -> Array:
    """How far a written number may be from what the student had: half a unit in its last
    decimal; 0 for a whole number (a ReLU's 0, a mask's 1 are exact, and a student rounding to
    units would write none) and for a number not written as text."""
    return np.where(decimals >= 1, _half_units(decimals), 0.0)


def _half_units(decimals: NDArray[np.int64]) -> Array:
    """Half a unit in the last written decimal (0 for a number not written as text)."""
    return np.where(decimals >= 0, 0.5 * 10.0 ** -np.maximum(decimals, 0).astype(float), 0.0)


def _where(mask: NDArray[np.bool_]) -> list[tuple[int, ...]]:
    """The indices where `mask` holds (`()` for a true 0-d mask)."""
    if mask.ndim == 0:
        return [()] if bool(mask) else []
    return [tuple(int(i) for i in index) for index in zip(*np.nonzero(mask), strict=True)]


def _first_cut(cut: object, targets: list[Array], open_: NDArray[np.bool_]) -> Array:
    """Per entry, the first target it is a truncation of (NaN: none), where `open_`."""
    assert callable(cut)
    found = np.full(open_.shape, np.nan)
    for target in targets:
        hit = cut(target) & open_ & np.isnan(found)
        found = np.where(hit, target, found)
    return found


def _any(masks: object) -> NDArray[np.bool_]:
    found = None
    for mask in masks:  # type: ignore[attr-defined]
        found = mask if found is None else found | mask
    assert found is not None
    return np.asarray(found)


def steps_for(trace: Trace) -> Steps:
    """The hand solution's steps of a network's trace (a graph's: graphmodel.GraphSteps)."""
    if trace.kind == "graph":
        from backcalc.core.grading.graphmodel import GraphSteps

        return GraphSteps(cast("GraphTrace", trace))  # a graph's trace, by its kind
    return NetworkSteps(trace)


def _with_evidence(trace: Trace, steps: list[Step], eps: float) -> list[Step]:
    """Central differences beside the gradient entries (see EVIDENCE_UP_TO)."""
    gradients = [s for s in steps if s.entries and s.entries[0].parameter is not None]
    total = sum(len(s.entries) for s in gradients)
    if total > EVIDENCE_UP_TO:
        gradients = [s for s in gradients if s.status == "wrong"]
    if not gradients:
        return steps
    differences = _differences(trace, eps)
    budget = EVIDENCE_UP_TO
    replaced = {}
    for step in gradients:
        entries = []
        for entry in step.entries:
            numeric = None
            if budget > 0 and entry.parameter in differences:
                numeric = differences[entry.parameter](entry.index)
                budget -= 1
            entries.append(dataclasses.replace(entry, numeric=numeric))
        replaced[step.key] = dataclasses.replace(step, entries=tuple(entries))
    return [replaced.get(step.key, step) for step in steps]


Difference: TypeAlias = "Callable[[tuple[int, ...]], float | None]"  # an entry's central difference


def _differences(trace: Trace, eps: float) -> dict[str, Difference]:
    """By parameter name (W1, b2, x; a graph's inputs), the central difference of an entry."""
    from functools import partial

    from backcalc.core.gradcheck import Probe, graph_difference

    if trace.kind == "graph":
        graph: Any = trace.exercise

        def moved(name: str, index: tuple[int, ...]) -> float | None:
            return graph_difference(graph, name, eps)

        return {name: partial(moved, name) for name in graph.values}
    probe = Probe(trace.exercise)

    def perturbed(view: Array, index: tuple[int, ...]) -> float | None:
        return probe.central_difference(view, index, eps)

    return {name: partial(perturbed, view) for name, _, view, _ in probe.targets(trace)}


class _HandTraces:
    """The exercise computed by hand at each number of decimals the claims are written with."""

    def __init__(self, trace: Trace) -> None:
        self.exercise = trace.exercise
        self.traces: dict[int, Trace | None] = {}

    def values(self, model: Steps, key: Key, decimals: int) -> Array | None:
        """Step `key` computed by hand at `decimals`, or None (no hand computation possible)."""
        if decimals not in self.traces:
            try:
                self.traces[decimals] = self.exercise.run(hand_rounding=decimals)
            except NumericalError:  # rounding can make a log meet 0: no hand value then
                self.traces[decimals] = None
        hand = self.traces[decimals]
        return None if hand is None else model.internal(hand, key)

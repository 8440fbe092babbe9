"""Hand-worked answers against the trace: every claimed entry judged, in the order a hand
solution goes, and the first wrong step named.

Hand answers are rounded along the way, and the rounding is carried through the steps. An entry
written with d decimals passes when either

- |claimed − correct| ≤ atol + rtol·|correct| + u, with u half a unit in the d-th decimal
  (`correct` is the engine's exact value; defaults rtol 1 %, atol 1e-4), or
- it is within one unit in the d-th decimal of the same computation done by hand at d decimals
  (every step rounded and used rounded, as `run --hand-rounding d` does).

So a solution key made with `--hand-rounding`, or a student rounding at every step, passes, while
the notes' layer-1 slip fails, and so does a sign flipped on an entry of size 1e-4. For gradients
the central difference is reported beside the value as evidence.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from backcalc.core.gradcheck import Probe, relative_error
from backcalc.core.network import run
from backcalc.core.quantities import GRADIENTS, quantity
from backcalc.errors import NumericalError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from backcalc.core.activations import Array
    from backcalc.core.network import Trace


@dataclass(frozen=True)
class Claim:
    """A claimed quantity: `values` in the shape `run` gives it, and for each entry the number
    of decimals it was written with."""

    name: str
    layer: int | None
    values: Array
    decimals: NDArray[np.int64]  # per entry, the decimals it was written with (-1: none)
    written: tuple[str, ...]  # each entry as written, in the order of `values`


@dataclass(frozen=True)
class AnswerSettings:
    rtol: float = 0.01
    atol: float = 1e-4
    eps: float = 1e-6


@dataclass(frozen=True)
class Judged:
    """One claimed entry. `parameter` (W1, b2, x) and `numeric` are set for gradients."""

    quantity: str
    layer: int | None
    index: tuple[int, ...]
    claimed: float
    written: str
    correct: float
    numeric: float | None
    abs_error: float
    rel_error: float
    allowed: float
    status: Literal["pass", "fail"]
    parameter: str | None
    by_hand: float | None = None  # the value computed by hand at the claim's decimals


@dataclass(frozen=True)
class Grading:
    """Every claimed entry judged; `answers` names the file they came from, `title` the
    exercise."""

    kind: ClassVar[str] = "answers"
    settings: AnswerSettings
    entries: tuple[Judged, ...]
    answers: str = "answers"
    title: str | None = None

    @property
    def passed(self) -> bool:
        return all(entry.status == "pass" for entry in self.entries)

    @property
    def first_wrong(self) -> Judged | None:
        return next((entry for entry in self.entries if entry.status == "fail"), None)

    @property
    def worst(self) -> Judged | None:
        return max(self.entries, key=lambda entry: entry.rel_error, default=None)


EVIDENCE_UP_TO = 2000  # gradient entries given a finite difference beside them (all of them up to
# this many; beyond it, only the wrong ones, up to this many: a big batch's ∂J/∂x has 100,000s)


def grade(
    trace: Trace, claims: tuple[Claim, ...], settings: AnswerSettings, answers: str = "answers"
) -> Grading:
    """Judge every claimed entry, in hand-solution order."""
    by_key = {(claim.name, claim.layer): claim for claim in claims}
    by_hand = _HandTraces(trace)
    finest = max((int(d) for claim in claims for d in claim.decimals.flat), default=-1)
    entries: list[Judged] = []
    for name, layer in trace.names():
        claim = by_key.get((name, layer))
        if claim is None:
            continue
        correct = quantity(trace, name, layer)
        assert correct is not None  # the answers reader refuses quantities the trace lacks
        parameter = _parameter(name, layer)
        # the hand values of this quantity, looked up once per number of decimals (once per
        # entry made a big answers file slow)
        hands = {
            places: by_hand.values(name, layer, places)
            for places in {int(d) for d in claim.decimals.flat} | {finest}
        }
        for index in np.ndindex(claim.values.shape):
            if np.isnan(claim.values[index]):  # a null entry: not claimed
                continue
            judged = _judge(claim, index, float(correct[index]), parameter, settings, hands, finest)
            entries.append(judged)
    graded = tuple(_with_evidence(trace, entries, settings.eps))
    return Grading(settings, graded, answers, trace.exercise.title)


def _with_evidence(trace: Trace, entries: list[Judged], eps: float) -> list[Judged]:
    """Central differences beside the gradient entries (see EVIDENCE_UP_TO)."""
    gradients = [i for i, e in enumerate(entries) if e.parameter is not None]
    if len(gradients) > EVIDENCE_UP_TO:
        gradients = [i for i in gradients if entries[i].status == "fail"][:EVIDENCE_UP_TO]
    if not gradients:
        return entries
    probe = Probe(trace.exercise)
    views = {name: view for name, _, view, _ in probe.targets(trace)}
    for i in gradients:
        entry = entries[i]
        assert entry.parameter is not None
        numeric = probe.central_difference(views[entry.parameter], entry.index, eps)
        entries[i] = dataclasses.replace(entry, numeric=numeric)
    return entries


class _HandTraces:
    """The exercise computed by hand at each number of decimals the claims are written with."""

    def __init__(self, trace: Trace) -> None:
        self.exercise = trace.exercise
        self.traces: dict[int, Trace | None] = {}

    def values(self, name: str, layer: int | None, decimals: int) -> Array | None:
        """Quantity `name` of `layer` computed by hand at `decimals`, or None (no decimals, or
        no hand computation possible)."""
        if decimals < 0:
            return None
        if decimals not in self.traces:
            try:
                self.traces[decimals] = run(self.exercise, hand_decimals=decimals)
            except NumericalError:  # rounding can make a log meet 0: no hand value then
                self.traces[decimals] = None
        hand = self.traces[decimals]
        return None if hand is None else quantity(hand, name, layer)


def _by_hand(
    claimed: float, status: Literal["pass", "fail"], hands: list[tuple[float | None, float]]
) -> tuple[float | None, Literal["pass", "fail"]]:
    """The hand value beside an entry, and its status: passed if it is within one unit in its
    last decimal of a hand value. `hands`: (hand value or None, half a unit), in order."""
    by_hand = None
    for hand, half in hands:
        if hand is None or (status == "pass" and by_hand is not None):
            continue
        by_hand = hand
        if status == "fail" and abs(claimed - hand) <= 2 * half * (1 + 1e-9):
            status = "pass"
    return by_hand, status


def half_unit(decimals: int) -> float:
    """Half a unit in the last decimal place written (0 for a whole number)."""
    return 0.5 * 10.0**-decimals if decimals >= 0 else 0.0


def _parameter(name: str, layer: int | None) -> str | None:
    symbol = GRADIENTS.get(name)
    if symbol is None:
        return None
    return symbol if layer is None else f"{symbol}{layer}"


def _judge(
    claim: Claim,
    index: tuple[int, ...],
    correct: float,
    parameter: str | None,
    settings: AnswerSettings,
    hands: dict[int, Array | None],
    finest: int,
) -> Judged:
    """One entry judged, against the engine's value and then by hand: at the decimals this
    number has, and at the most any number of the file has (a key printed by a program drops
    trailing zeros: 0.60 comes out as 0.6). Built once: a big answers file has 100,000s."""
    claimed = float(claim.values[index])
    error = abs(claimed - correct)
    own = int(claim.decimals[index])
    allowed = settings.atol + settings.rtol * abs(correct) + half_unit(own)
    at = []
    for places in dict.fromkeys((own, finest)):
        hand = hands[places]
        at.append((None if hand is None else float(hand[index]), half_unit(places)))
    by_hand, status = _by_hand(claimed, "pass" if error <= allowed else "fail", at)
    return Judged(
        quantity=claim.name,
        layer=claim.layer,
        index=index,
        claimed=claimed,
        written=claim.written[int(np.ravel_multi_index(index, claim.values.shape)) if index else 0],
        correct=correct,
        numeric=None,
        abs_error=error,
        rel_error=relative_error(claimed, correct),
        allowed=allowed,
        status=status,
        parameter=parameter,
        by_hand=by_hand,
    )

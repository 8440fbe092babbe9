"""Would every slip be seen? The grader's judgement of one step, emulated for each buggy rule.

For every step the grader grades (backcalc.core.grading.model.NetworkSteps.order, or a graph's
GraphSteps.order: every quantity `check --answers` takes), every step claimed and correct
(claimed = all steps, each written with `decimals` decimals, so with a spread of half a unit, as
the grader has it), each candidate value of each applicable buggy rule (`slip_values`) is
written by two students, rounded to `decimals`, and judged as the grader judges a claim
(backcalc.core.grading `_judge` and `_diagnose`):

- one who keeps every digit: the slip's value from the exact values, the grader seeing the
  student's other steps as the exact values rounded;
- one who rounds every step as they go: the slip's value and the other steps all from the
  computation rounded at every step (`run(hand_rounding=decimals)`).

An entry is taken for correct when it is within the decimals rule (Tolerance().close) of the
correct value, of the value computed by hand (from 2 decimals, as the grader), or of a correct
method's value from the student's inputs widened by the spread their rounding gives, or when it
is one of them cut instead of rounded. The slip is unseen (`slip_unnoticed`) when either
student's every entry is taken for correct, and unnamed (`slip_unnamed`) when an entry the
second student's slip makes wrong, and whose value shows a digit at `decimals`, does not get the
slip in its diagnosis (another slip explaining the step's entries better). A slip's value that
rounds to 0 shows no digit: the grader names nothing there, at any draw, and it is not counted.

A rule whose value equals the correct value on every entry (to rel 1e-6, as the grader's
`indistinct` remark has it) cannot differ in this structure (derivative_at_activation on a ReLU,
single_path where the other units' δ is 0) and is not counted; rules that give no candidate
(batch_sum_vs_mean with one observation, forgot_activation_derivative on an identity layer,
single_path on a one-unit layer, the updates without a learning rate) are skipped by the slips
themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

from backcalc.core.grading import steps_for
from backcalc.core.grading.model import World
from backcalc.core.grading.tolerance import Tolerance, no_significant_figure, truncated
from backcalc.core.rounding import hand_round
from backcalc.core.variants.problems import Problem

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from backcalc.core.activations import Array
    from backcalc.core.grading.model import Key, Steps

_TOLERANCE = Tolerance()


def slip_problems(trace: Any, hand: Any, decimals: int) -> list[Problem]:
    """The slips of the grader that would go unnoticed, or unnamed, at `decimals`."""
    model = steps_for(trace)
    half = 0.5 * 10.0**-decimals if decimals >= 1 else 0.0
    exact, rounded, by_hand = (World(set(model.order)) for _ in range(3))
    for key in model.order:
        correct = np.asarray(model.correct(key), dtype=np.float64)
        spread = np.full(np.shape(correct), half)
        exact.set(key, correct, False, spread)
        rounded.set(key, hand_round(correct, decimals), True, spread)
        value = model.internal(hand, key)
        by_hand.set(key, correct if value is None else np.asarray(value), True, spread)
    found: list[Problem] = []
    for key in model.order:
        for code, named in _step(model, (exact, rounded, by_hand), key, hand, decimals):
            found.append(_problem(key, code, named, decimals))
    return found


def _step(
    model: Steps, worlds: tuple[World, ...], key: Key, hand: Any, decimals: int
) -> list[tuple[str, bool]]:
    """(code, noticed) of each slip that would not be seen, or not named, at step `key`: every
    candidate judged at once, stacked on a first axis. Two students make each slip (`worlds`:
    the exact values, them rounded to the decimals asked, and the computation rounded at every
    step): one who keeps every digit (the slip's value from the exact values; the grader sees
    the rounded ones) and one who rounds every step as they go (the slip's value and what the
    grader sees both rounded at every step). A slip is unseen where either passes with it,
    unnamed where the second (whose slip the grader reproduces exactly) is not named."""
    exact, rounded, by_hand = worlds
    correct = np.asarray(model.correct(key), dtype=np.float64)
    shape = correct.shape
    codes, of_code, kept = _candidates(model, exact, key, shape)
    if not kept:
        return []
    values = np.stack(kept)  # (K, *shape)
    count = len(kept)
    with np.errstate(all="ignore"):
        near = np.abs(values - correct) <= 1e-12 + 1e-6 * np.abs(correct)
        differs = ~near.reshape(count, -1).all(axis=1)
        if not differs.any():
            return []
        _, of_hand, from_hand = _candidates(model, by_hand, key, shape)
        if len(from_hand) != count or not np.array_equal(of_hand, of_code):
            from_hand = kept  # candidates that change with the values: the exact ones
        hand_values = np.stack(from_hand)
        targets, widths = _targets(model, (rounded, by_hand), key, hand, decimals, correct)
        places = np.full((1, 1, 1, *shape), decimals, dtype=np.int64)
        written = hand_round(np.stack([values, hand_values]), decimals)  # (2, K, *shape)
        claimed = written[:, :, None]  # (2, K, 1, *shape) against (2, 1, T, *shape)
        taken = _TOLERANCE.close(claimed, targets[:, None], places, widths[:, None])
        taken |= truncated(claimed, targets[:, None], places)
        wrong: NDArray[np.bool_] = ~np.any(taken, axis=2)  # (2, K, *shape): each student
        noticed = np.asarray(wrong.reshape(2, count, -1).any(axis=2).all(axis=0))
        rounds = wrong[1]
        blank = no_significant_figure(hand_values, places[0, 0]) & (hand_values != 0)
        # hits[c, k]: candidate k reproduces what candidate c's slip makes the student write
        hits = _TOLERANCE.close(written[1][:, None], hand_values[None], places[0])
        hits &= ~blank[None] & rounds[:, None]
    membership = np.eye(len(codes), dtype=np.int64)[of_code]  # (K, J): candidate k is slip j
    flat = hits.reshape(count, count, -1).astype(np.int64)
    by_code = np.einsum("cke,kj->cje", flat, membership) > 0  # slip j reproduces what c writes
    shown = rounds.reshape(count, -1) & ~blank.reshape(count, -1)
    named = _named(by_code, of_code, shown)
    failed: dict[str, bool] = {}
    for c in np.flatnonzero(differs & (~noticed | (shown.any(axis=1) & ~named))):
        failed.setdefault(codes[of_code[c]], bool(noticed[c]))
    return list(failed.items())


def _candidates(
    model: Steps, world: World, key: Key, shape: tuple[int, ...]
) -> tuple[list[str], NDArray[np.int64], list[Array]]:
    """The slips' codes, the code of each candidate value, and the values, from `world`."""
    with np.errstate(all="ignore"):
        slips = [
            (code, np.asarray(value, dtype=np.float64))
            for code, value in model.slip_values(key, world)
        ]
    slips = [(code, value) for code, value in slips if value.shape == shape]
    codes = list(dict.fromkeys(code for code, _ in slips))
    of_code = np.array([codes.index(code) for code, _ in slips], dtype=np.int64)
    return codes, of_code, [value for _, value in slips]


def _targets(
    model: Steps,
    worlds: tuple[World, World],
    key: Key,
    hand: Any,
    decimals: int,
    correct: Array,
) -> tuple[Array, Array]:
    """What the grader takes an entry for correct near, per world of the student's inputs
    (stacked first), with how far (beyond the decimals rule): the correct value and the value
    computed by hand (from 2 decimals) as they are, a correct method's value from the inputs
    widened by the spread their rounding gives (the same, to first order, in each world)."""
    shape = correct.shape
    fixed = [correct]
    by_hand = model.internal(hand, key) if decimals >= 2 else None
    if by_hand is not None and np.shape(by_hand) == shape:
        fixed.append(np.asarray(by_hand, dtype=np.float64))
    spreads = _spreads(model, worlds[0], key)
    targets, widths = [], []
    for world in worlds:
        methods = [np.asarray(v, dtype=np.float64) for v in model.compute(key, world)]
        pairs = [(v, w) for v, w in zip(methods, spreads, strict=False) if v.shape == shape]
        pairs = pairs if pairs else [(correct, np.zeros(shape))]
        targets.append(np.stack([*fixed, *(v for v, _ in pairs)]))
        widths.append(np.stack([*(np.zeros(shape) for _ in fixed), *(w for _, w in pairs)]))
    return np.stack(targets), np.stack(widths)  # (2, T, *shape) each


def _named(
    hits: NDArray[np.bool_], of_code: NDArray[np.int64], shown: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """For each candidate k, whether the grader's diagnosis (its `_diagnose`) names its slip
    on every entry where its value shows a digit (`shown`), given which slips reproduce which
    entries (`hits`, (K, J, entries)): each entry gets the slips shared by every reproduced
    entry, or, where none is shared, its own."""
    rows = np.arange(len(of_code))
    own = hits[rows, of_code]  # (K, entries)
    everywhere = np.all(own | ~shown, axis=1)
    matched = np.any(hits, axis=1)  # (K, entries)
    shared = np.all(hits | ~matched[:, None, :], axis=2)  # (K, J)
    return np.asarray(everywhere & (shared[rows, of_code] | ~shared.any(axis=1)))


def _spreads(model: Steps, world: World, key: Key) -> list[Array]:
    """The spread of each of a correct method's candidates: how far its inputs' rounding
    moves it (the grader's own formulas; one input entry at a time for a graph)."""
    with np.errstate(all="ignore"):
        exact = model.spread(key, world)
        if exact is not None:
            return [np.nan_to_num(np.asarray(s, dtype=np.float64)) for s in exact]
        values = [np.asarray(v, dtype=np.float64) for v in model.compute(key, world)]
        return _spread_by_entry(model, world, key, values)


def _spread_by_entry(model: Steps, world: World, key: Key, values: list[Array]) -> list[Array]:
    """The grader's first-order spread, one input entry moved at a time (a graph's steps)."""
    total = [np.zeros_like(value) for value in values]
    with np.errstate(all="ignore"):
        for source in model.inputs(key):
            spread = world.spread.get(source)
            if spread is None:
                continue
            for index in np.ndindex(spread.shape):
                change = [np.zeros_like(value) for value in values]
                for sign in (1.0, -1.0):
                    shift = np.zeros_like(spread)
                    shift[index] = sign * spread[index]
                    moved = model.compute(key, world.moved({source: shift}))
                    for i, (value, other) in enumerate(zip(values, moved, strict=False)):
                        other = np.asarray(other, dtype=np.float64)
                        if other.shape == value.shape:
                            change[i] = np.maximum(change[i], np.nan_to_num(np.abs(other - value)))
                total = [t + c for t, c in zip(total, change, strict=True)]
    return total


def _where(mask: NDArray[np.bool_]) -> list[tuple[int, ...]]:
    if mask.ndim == 0:
        return [()] if bool(mask) else []
    return [tuple(int(i) for i in index) for index in zip(*np.nonzero(mask), strict=True)]


def _problem(key: Key, code: str, noticed: bool, decimals: int) -> Problem:
    name, where = key[0], cast(object, key[1])
    if isinstance(where, str):  # a graph's step: (value|gradient, node)
        step, layer, place = where, None, f"the {name} of {where}"
    else:
        step, layer = name, cast("int | None", where)
        place = name if where is None else f"{name} of layer {where}"
    if noticed:
        detail = f"the slip {code} not named at {decimals} decimals in {place}"
        return Problem("slip_unnamed", step, layer, detail, code)
    detail = f"the slip {code} unseen at {decimals} decimals in {place}"
    return Problem("slip_unnoticed", step, layer, detail, code)

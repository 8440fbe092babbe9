"""Would every slip be seen? The grader's judgement of one step, emulated for each buggy rule.

For every step the grader grades (backcalc.core.grading.model.NetworkSteps.order, or a graph's
GraphSteps.order: every quantity `check --answers` takes), with every step claimed and correct
(a World of the correct values, claimed = all steps, each written with `decimals` decimals and
so `spread` half a unit, as the grader has it), each candidate value of each applicable buggy
rule (`slip_values`) is written as a student would write it (rounded to `decimals`) and judged
as the grader judges a claim (backcalc.core.grading, `_judge`, `_diagnose`):

- an entry is taken for correct when it is within the decimals rule (Tolerance().close) of the
  correct value, of the value computed by hand at `decimals` (from 2 decimals, as the grader),
  or of a correct method's value widened by the spread its inputs' rounding gives, or when it is
  one of them cut instead of rounded;
- the slip is unnoticed (`slip_unnoticed`) when every entry is taken for correct, and unnamed
  (`slip_unnamed`) when the entries it makes wrong do not get it as the step's diagnosis (a
  slip's value that rounds to 0 names nothing, and another slip may explain the entries better).

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
    world = World(set(model.order))
    half = 0.5 * 10.0**-decimals if decimals >= 1 else 0.0
    for key in model.order:
        correct = model.correct(key)
        world.set(key, correct, False, np.full(np.shape(correct), half))
    found: list[Problem] = []
    for key in model.order:
        for code, named in _step(model, world, key, hand, decimals):
            found.append(_problem(key, code, named, decimals))
    return found


def _step(model: Steps, world: World, key: Key, hand: Any, decimals: int) -> list[tuple[str, bool]]:
    """(code, noticed) of each slip that would not be seen, or not named, at step `key`: every
    candidate judged at once, stacked on a first axis."""
    correct = np.asarray(model.correct(key), dtype=np.float64)
    with np.errstate(all="ignore"):
        slips = [
            (code, np.asarray(value, dtype=np.float64))
            for code, value in model.slip_values(key, world)
        ]
    slips = [(code, value) for code, value in slips if value.shape == correct.shape]
    if not slips:
        return []
    codes = list(dict.fromkeys(code for code, _ in slips))
    of_code = np.array([codes.index(code) for code, _ in slips])
    values = np.stack([value for _, value in slips])  # (K, *shape)
    axes = tuple(range(1, values.ndim))
    differs = ~np.all(np.isclose(values, correct, rtol=1e-6, atol=1e-12), axis=axes)
    if not differs.any():
        return []
    shape = correct.shape
    targets, spreads = [correct], [np.zeros(shape)]
    by_hand = model.internal(hand, key) if decimals >= 2 else None
    if by_hand is not None and np.shape(by_hand) == shape:
        targets.append(np.asarray(by_hand, dtype=np.float64))
        spreads.append(np.zeros(shape))
    for value, spread in _methods(model, world, key, shape):
        targets += [value, value]
        spreads += [np.zeros(shape), spread]
    places = np.full((1, 1, *shape), decimals, dtype=np.int64)
    with np.errstate(all="ignore"):
        claimed = hand_round(values, decimals)[:, None]  # (K, 1, *shape)
        stacked, widened = np.stack(targets)[None], np.stack(spreads)[None]  # (1, T, *shape)
        taken = _TOLERANCE.close(claimed, stacked, places, widened)
        taken |= truncated(claimed, stacked, places)
        wrong = ~np.any(taken, axis=1)  # (K, *shape)
        blank = no_significant_figure(values, places[0]) & (values != 0)  # (K, *shape)
        # hits[c, k]: candidate k reproduces what candidate c's slip makes the student write
        hits = _TOLERANCE.close(claimed, values[None], places) & ~blank[None] & wrong[:, None]
    count = len(slips)
    flat = (count, len(codes), -1)
    by_code = np.stack([np.any(hits[:, of_code == j], axis=1) for j in range(len(codes))], 1)
    by_code = by_code.reshape(flat)  # (K, J, entries): slip j reproduces what k makes written
    wrong, blank = wrong.reshape(count, -1), blank.reshape(count, -1)
    noticed, shown = wrong.any(axis=1), wrong & ~blank
    named = _named(by_code, of_code, shown)
    failed: dict[str, bool] = {}
    for c in np.flatnonzero(differs & (~noticed | (shown.any(axis=1) & ~named))):
        failed.setdefault(codes[of_code[c]], bool(noticed[c]))
    return list(failed.items())


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


def _methods(
    model: Steps, world: World, key: Key, shape: tuple[int, ...]
) -> list[tuple[Array, Array]]:
    """A correct method's candidates from the world, each with its spread."""
    with np.errstate(all="ignore"):
        values = [np.asarray(v, dtype=np.float64) for v in model.compute(key, world)]
        exact = model.spread(key, world)
    if exact is None:
        spreads = _spread_by_entry(model, world, key, values)
    else:
        spreads = [np.nan_to_num(np.asarray(s, dtype=np.float64)) for s in exact]
    return [(v, s) for v, s in zip(values, spreads, strict=False) if v.shape == shape]


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
        step, layer, place = where, None, f"{name} of {where}"
    else:
        step, layer = name, cast("int | None", where)
        place = name if where is None else f"{name} of layer {where}"
    if noticed:
        detail = f"the slip {code} not named at {decimals} decimals in {place}"
        return Problem("slip_unnamed", step, layer, detail, code)
    detail = f"the slip {code} unseen at {decimals} decimals in {place}"
    return Problem("slip_unnoticed", step, layer, detail, code)

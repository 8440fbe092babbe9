"""One central difference and its own error, for the gradient check.

D(h) = (J(θ+h) − J(θ−h)) / 2h estimates ∂J/∂θ with two errors: truncation (≈ J'''·h²/6, large
when h is) and rounding (J's own error divided by h, large when h is small). For J computed in
float64 with ordinary conditioning the rounding is about ε_mach·max(1, |J|)/h, the floor the
tolerance already allows. But J computed with cancellation (log(1 − ŷ) with ŷ = 1 − 1e-10 keeps
only 6 digits of 1 − ŷ) is a staircase at the scale of h: D(h) then says little about the
derivative, and a correct gradient would be reported as wrong.

So an entry that does not match at ε is looked at again on a ladder of steps (ε/√10, ε·√10, and
10ε, 100ε, 1000ε while they stay below 1e-2). The largest move of D along the ladder, plus the
rounding floor, is the difference's own error: if the analytic value lies within the tolerance
plus SPREAD_FACTOR times that error, the finite difference cannot judge the entry and it is
`unreliable`, not failed. So is an entry whose D does not settle at all along the ladder (it
moves by more than half its size): J is then not locally linear at any step float64 can take
(sin(w·x) with |w| = 1e19 turns many times within one unit in the last place of x), and no finite
difference can judge it. A smooth J gives the same D on every step up to a tiny truncation, so
a truly wrong gradient still fails.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

Status = Literal["pass", "fail", "kink", "unreliable"]
Reason = Literal["steps_disagree", "not_finite", "step_below_precision"]
Evaluate = Callable[[float], tuple[float, object]]  # J and the kink pattern at θ + step

SPREAD_FACTOR = 3.0  # an error beyond the tolerance and this many times the own error fails
UNSETTLED = 0.5  # D(ε/√10), D(ε), D(ε·√10) apart by half their size: J is not linear at ε
NOISE = 100.0  # ... and by more than this many rounding floors: not rounding noise either
PRECISION = 100.0  # a step below this many units in the last place of θ is not the step taken
LARGEST_STEP = 1e-2  # the ladder's 10ε, 100ε and 1000ε steps only up to this
_ROOT10 = math.sqrt(10.0)


@dataclass(frozen=True)
class Difference:
    """A judged central difference: `numeric` is D(ε); `error` (the spread of D along the
    ladder plus the rounding floor) and `reason` are set for entries looked at again."""

    numeric: float
    abs_error: float
    rel_error: float
    status: Status
    error: float | None = None
    reason: Reason | None = None


def relative_error(a: float, n: float) -> float:
    scale = max(abs(a), abs(n))
    return 0.0 if scale == 0 else abs(a - n) / scale


def ladder(eps: float) -> list[float]:
    """The further steps an entry that does not match at ε is looked at with."""
    steps = [eps / _ROOT10, eps * _ROOT10]
    return steps + [h for h in (10 * eps, 100 * eps, 1000 * eps) if h <= LARGEST_STEP]


def central(at: Evaluate, h: float) -> tuple[float, object, object]:
    plus, side_plus = at(h)
    minus, side_minus = at(-h)
    return (plus - minus) / (2 * h), side_plus, side_minus


def difference(
    at: Evaluate,
    claimed: float,
    eps: float,
    floor: float,
    atol: float,
    rtol: float,
    resolution: float = 0.0,
) -> Difference:
    """D(ε) against `claimed`: pass within atol + floor + rtol·|D|, a kink when θ ± ε lie on
    two sides of one, else the ladder decides between fail and unreliable. `resolution` is the
    spacing of float64 numbers at θ (ε_mach·|θ|): a step not far above it is mostly rounding."""
    numeric, side_plus, side_minus = central(at, eps)
    error = abs(claimed - numeric)
    rel = relative_error(claimed, numeric)
    if side_plus != side_minus:
        return Difference(numeric, error, rel, "kink")
    if eps < PRECISION * resolution:  # θ ± ε rounds to θ or near it: D measures the rounding
        allowed = atol + floor + rtol * abs(numeric)
        status: Status = "pass" if error <= allowed else "unreliable"
        return Difference(
            numeric, error, rel, status, None, None if status == "pass" else "step_below_precision"
        )
    if not math.isfinite(numeric):
        return Difference(numeric, error, rel, "unreliable", math.inf, "not_finite")
    allowed = atol + floor + rtol * abs(numeric)
    if error <= allowed:
        return Difference(numeric, error, rel, "pass")
    others = [d for d, p, m in (central(at, h) for h in ladder(eps)) if p == m == side_plus]
    spread = max((abs(d - numeric) for d in others if math.isfinite(d)), default=0.0)
    own = spread + floor
    if error <= allowed + SPREAD_FACTOR * own or _unsettled(numeric, others[:2], floor):
        return Difference(numeric, error, rel, "unreliable", own, "steps_disagree")
    return Difference(numeric, error, rel, "fail", own)


def _unsettled(numeric: float, near: list[float], floor: float) -> bool:
    """D at the steps next to ε moves by half its size, far beyond rounding: J is not linear at
    any step float64 can take near θ (sin(w·x) with |w| = 1e19), so D judges nothing."""
    values = [d for d in (numeric, *near) if math.isfinite(d)]
    if len(values) < 2:
        return False
    spread = max(values) - min(values)
    return spread > UNSETTLED * max(abs(d) for d in values) and spread > NOISE * floor


def rounding_floor(objective: float, eps: float) -> float:
    """ε_mach·max(1, |J|)/ε: the rounding of an ordinarily computed J, divided by the step."""
    return float(np.finfo(np.float64).eps) * max(1.0, abs(objective)) / eps

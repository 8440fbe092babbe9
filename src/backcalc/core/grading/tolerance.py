"""How close a written number must be to the value it should have.

The rules have the names numerical graders give them (PrairieLearn, Moodle):

- `decimals` (the default): a number written with d decimals is within 0.51 of a unit in its
  last written place (0.0051 for 0.21); a number not written as text (from a `.npz` file or
  the Python API) within rel 1e-6 + abs 1e-9, safe for float32 work;
- `sigfig:n`: within 0.51 of a unit in the n-th significant figure of the value it should have;
- `rel:r`: within r·|value|;
- `abs:a`: within a.

Only `decimals` looks at how a number was written, and only under it is a number cut instead of
rounded, or the computation rounded at every step, also accepted; the precision check
(imprecise) needs written decimals under any rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

import numpy as np

from backcalc.errors import BackcalcError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from backcalc.core.activations import Array

Rule = Literal["decimals", "sigfig", "rel", "abs"]
RULES: tuple[Rule, ...] = ("decimals", "sigfig", "rel", "abs")
UNIT_SHARE = 0.51  # of a unit in the last place: PrairieLearn's `decdig`
UNWRITTEN_REL, UNWRITTEN_ABS = 1e-6, 1e-9  # for numbers with no written decimals
_SLACK = 1e-9  # float noise on the boundary: 0.21 - 0.2049 is 0.005100000000000004


@dataclass(frozen=True)
class Tolerance:
    rule: Rule = "decimals"
    value: float = 0.0  # n for sigfig, r for rel, a for abs

    @classmethod
    def parse(cls, text: str) -> Tolerance:
        """`decimals`, `sigfig:3`, `rel:0.01` or `abs:1e-3`."""
        name, _, given = text.strip().partition(":")
        if name not in RULES:
            raise BackcalcError(
                f"--tolerance: unknown rule '{text}'; expected decimals, sigfig:N, rel:R or abs:A"
            )
        if name == "decimals":
            if given:
                raise BackcalcError("--tolerance: decimals takes no value (it reads each number)")
            return cls()
        try:
            value = float(given)
        except ValueError:
            raise BackcalcError(
                f"--tolerance: {name} needs a number after the colon, found '{given}'"
            ) from None
        whole = math.isfinite(value) and value == int(value)  # int(nan) and int(inf) raise
        if name == "sigfig" and not (whole and 1 <= value <= 17):
            raise BackcalcError(
                f"--tolerance: sigfig needs a whole number from 1 to 17, found {given}"
            )
        if not math.isfinite(value) or value < 0:
            raise BackcalcError(f"--tolerance: {name} needs a number ≥ 0, found {given}")
        return cls(cast(Rule, name), value)

    @property
    def text(self) -> str:
        """The rule as the option writes it."""
        if self.rule == "decimals":
            return "decimals"
        value = int(self.value) if self.rule == "sigfig" else self.value
        return f"{self.rule}:{value:g}"

    def allowance(self, target: Array, decimals: NDArray[np.int64]) -> Array:
        """How far from `target` each written number may be (same shape)."""
        size = np.abs(target)
        if self.rule == "rel":
            return self.value * size
        if self.rule == "abs":
            return np.full(np.shape(target), self.value)
        if self.rule == "sigfig":
            with np.errstate(all="ignore"):
                place = np.floor(np.log10(np.where(size > 0, size, 1.0))) - self.value + 1
            return np.where(size > 0, UNIT_SHARE * 10.0**place, UNWRITTEN_ABS)
        unit = 10.0 ** -np.maximum(decimals, 0).astype(np.float64)
        return np.where(decimals >= 0, UNIT_SHARE * unit, UNWRITTEN_REL * size + UNWRITTEN_ABS)

    def close(
        self,
        claimed: Array,
        target: Array,
        decimals: NDArray[np.int64],
        spread: Array | float = 0.0,
    ) -> NDArray[np.bool_]:
        """Which claimed numbers are within the allowance of `target`, widened by `spread`
        (how uncertain the target is: computed from numbers written rounded); NaN never is."""
        with np.errstate(all="ignore"):
            allowed = self.allowance(target, decimals) + spread
            return np.asarray(np.abs(claimed - target) <= allowed * (1 + _SLACK) + 1e-300)


def truncated(claimed: Array, target: Array, decimals: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Which claimed numbers are `target` cut (not rounded) at their written decimals: −1,062
    for −1,0626. Only numbers written with decimals can be."""
    places = np.maximum(decimals, 0).astype(np.float64)
    with np.errstate(all="ignore"):
        scale = 10.0**places
        cut = np.copysign(np.floor(np.abs(target) * scale + 1e-6) / scale, target)
        return np.asarray((decimals >= 0) & (np.abs(claimed - cut) <= 0.01 / scale))


def no_significant_figure(target: Array, decimals: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Where a value that is not 0 rounds to 0 at the written decimals: `0.0` for 0.0008 says
    nothing about it."""
    places = np.maximum(decimals, 0).astype(np.float64)
    with np.errstate(all="ignore"):
        return np.asarray((decimals >= 0) & (target != 0) & (np.abs(target) * 10.0**places < 0.5))

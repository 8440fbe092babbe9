"""Rounding as a person does it by hand: half away from zero, on the decimal value.

Binary floating point turns 0.5575 into 0.55749999…, which Python's `round` and `f"{:.3f}"` take
down to 0.557; a person writing 0.5575 rounds it up to 0.558. So the value is first read as the
decimal it stands for (its shortest repr, with float noise beyond 6 further places snapped away:
0.5 × 1.115 = 0.5574999999999999 reads as 0.5575), then rounded half away from zero.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from backcalc.core.activations import Array

_GUARD = 6  # decimal places beyond the rounding position that are float noise


def round_half_away(value: float, decimals: int) -> Decimal:
    """`value` rounded half away from zero to `decimals` places, as a Decimal."""
    with localcontext() as context:
        context.prec = 420  # every digit of float64's largest (1.8e308) and the decimals asked
        exact = Decimal(repr(float(value)))
        snapped = exact.quantize(Decimal(1).scaleb(-(decimals + _GUARD)), rounding=ROUND_HALF_EVEN)
        return snapped.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def hand_round(values: Array, decimals: int) -> Array:
    """Every entry of `values` rounded half away from zero to `decimals` places, vectorised:
    ⌊|x|·10ᵈ + ½ + guard⌋, the guard (half a unit _GUARD places further) absorbing the float noise
    that round_half_away snaps away, so 0.5 × 1.115 = 0.5574999… rounds to 0.558 here too."""
    scale = 10.0**decimals
    with np.errstate(all="ignore"):
        scaled = np.abs(values) * scale
        rounded = np.floor(scaled + 0.5 + 0.5 * 10.0**-_GUARD) / scale
        result = np.copysign(rounded, values)
    return np.where(np.isfinite(values), result + 0.0, values)

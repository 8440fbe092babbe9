"""The one place numbers are formatted for display, in every output format.

Rounding is half away from zero on the decimal value (backcalc.core.rounding), as by hand: 0.5225
shows as 0.523 at 3 decimals, where Python's binary `f"{0.5225:.3f}"` gives 0.522.
`comma` is the numeral style (decided once, from the language unless the user says otherwise):
a decimal comma is "," in text and "{,}" in LaTeX math (`for_math`), so that TeX does not typeset
0,522 as a list. `small_in_scientific` (the check and train reports) writes a non-zero number
that would show fewer than two significant digits at `decimals` in scientific notation instead;
`run` keeps exactly N decimals, as hand rounding does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from backcalc.core.rounding import round_half_away


def _special(value: float) -> str | None:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return None


HUGE = 1e15  # from here a number is shown in scientific notation: 1.0000e+70, not 71 digits


@dataclass(frozen=True)
class NumberFormat:
    decimals: int = 4
    comma: bool = False
    math: bool = False  # inside LaTeX math: the comma is written {,}
    small_in_scientific: bool = False  # 4.4e-06, not 0.0000, for a non-zero number
    fixed_only: bool = False  # decimals asked for: `significant` gives `fixed` too

    def for_math(self) -> NumberFormat:
        return replace(self, math=True)

    @property
    def point(self) -> str:
        if not self.comma:
            return "."
        return "{,}" if self.math else ","

    def _sep(self, text: str) -> str:
        if text.startswith("-") and not any(c in "123456789" for c in text):
            text = text[1:]  # never -0.000
        return text.replace(".", self.point) if self.comma else text

    def fixed(self, value: float) -> str:
        """A computed number with exactly `decimals` decimals; where `small_in_scientific`, a
        non-zero one that would show fewer than two significant digits (0.0000, or 0.0004 at 4
        decimals, 0 at 0 decimals) in scientific notation with `decimals` significant digits
        (4.391e-06). From 1e15 on, every number is in scientific notation with `decimals`
        decimals (1.0000e+70): float64 holds 16 digits, and 71 of them would not be read."""
        value = float(value)
        if math.isfinite(value) and abs(value) >= HUGE:  # digits past float64's 16 are noise
            return self._scientific(value, self.decimals)
        text = self._fixed(value)
        if self.small_in_scientific and value != 0 and math.isfinite(value):
            digits = sum(c.isdigit() for c in text.lstrip("-0.,{}"))
            if digits == 0 or digits < min(2, self.decimals):
                return self._scientific(value, max(self.decimals, 1) - 1)
        return text

    def _scientific(self, value: float, decimals: int) -> str:
        """4.400e-06 in text; 4.400 \\cdot 10^{-6} in math."""
        text = f"{value:.{decimals}e}"
        if not self.math:
            return self._sep(text)
        mantissa, exponent = text.split("e")
        return f"{self._sep(mantissa)} \\cdot 10^{{{int(exponent)}}}"

    def _fixed(self, value: float) -> str:
        scaled = abs(value) * 10.0**self.decimals
        if scaled < 1e12 and abs(scaled % 1.0 - 0.5) > 1e-3:
            # far from a half-way point both roundings agree, and float formatting is much
            # faster than Decimal (a --full table has 100,000s of numbers)
            return self._sep(f"{value:.{self.decimals}f}")
        return _special(value) or self._sep(f"{round_half_away(value, self.decimals):f}")

    def written(self, text: str) -> str:
        """A number as the user wrote it (an answers file's 1,98 or 1.98), its digits kept, in
        this output's numeral style."""
        return self._sep(text.strip().replace(",", "."))

    def given(self, value: float) -> str:
        """A number the user gave (a parameter, a setting): its shortest round-trip form, as
        written. One with more than 10 significant digits was not typed by a person (it was
        drawn by an initialiser or read from a file), so it is shown like a computed one."""
        value = float(value)
        special = _special(value)
        if special:
            return special
        if value.is_integer() and abs(value) < 1e15:
            return self._sep(str(int(value)))
        text = repr(value)
        digits = text.split("e")[0].replace("-", "").replace(".", "").lstrip("0")
        return self.fixed(value) if len(digits) > 10 else self._sep(text)

    def significant(self, value: float, digits: int = 8) -> str:
        """`digits` significant digits (finite-difference evidence), or `fixed` when the user
        asked for a number of decimals (`fixed_only`)."""
        if self.fixed_only:
            return self.fixed(value)
        special = _special(float(value))
        return special or self._sep(f"{value:.{digits}g}")

    def error(self, value: float) -> str:
        """An error size: `0` or two significant digits in scientific notation."""
        return "0" if value == 0 else self._sep(f"{value:.1e}")

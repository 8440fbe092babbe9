"""The one place numbers are formatted for display."""

from __future__ import annotations

import math


def fmt(value: float, decimals: int) -> str:
    """`value` with exactly `decimals` decimals; never `-0.000`; ∞ and NaN spelled out."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text


def fmt_significant(value: float, digits: int = 8) -> str:
    """`value` to `digits` significant digits (for finite-difference evidence); never `-0`."""
    if not math.isfinite(value):
        return fmt(value, 0)
    text = f"{value:.{digits}g}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def fmt_error(value: float) -> str:
    """An error size: `0` or two significant digits in scientific notation."""
    return "0" if value == 0 else f"{value:.1e}"


def fmt_given(value: float) -> str:
    """A number the user gave (a parameter, an option), as written: the shortest round-trip form."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)

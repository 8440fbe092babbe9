"""A small text chart of a loss curve, for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from backcalc.render.numbers import NumberFormat


def loss_chart(
    values: Sequence[float], numbers: NumberFormat, width: int = 56, height: int = 8
) -> str:
    """Rows of ● marking each column's mean loss, the top and bottom values on the left."""
    if len(values) < 2:
        return ""
    columns = min(width, len(values))
    edges = [round(i * len(values) / columns) for i in range(columns + 1)]
    means = [sum(values[a:b]) / (b - a) for a, b in pairwise(edges)]
    low, high = min(means), max(means)
    span = (high - low) or 1.0
    levels = [round((v - low) / span * (height - 1)) for v in means]
    labels = {height - 1: numbers.fixed(high), 0: numbers.fixed(low)}
    pad = max(len(text) for text in labels.values())
    lines = []
    for level in range(height - 1, -1, -1):
        marks = "".join("●" if at == level else " " for at in levels)
        lines.append(f"{labels.get(level, ''):>{pad}} ┤{marks}")
    lines.append(f"{'':>{pad}} └{'─' * columns}")
    return "\n".join(lines)

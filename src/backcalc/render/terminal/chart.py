"""A small text chart of loss curves, for the terminal.

Each column covers a run of consecutive steps (epochs) and marks every row its losses pass
through, so the curve is drawn as a line and no loss lies outside it; the rows span the true
minimum and maximum of the losses (labelled on the left), and the axis below names the first and
last step. On a log scale the rows are evenly spaced in log₁₀ J (every loss must be > 0).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import pairwise

LINE = 80  # columns the chart fits in, with its labels
MARKS = "●○"  # the first curve (training) is drawn over the second (validation)


def loss_chart(
    curves: Sequence[Sequence[float]],
    label: Callable[[float], str],
    axis: str,
    log: bool = False,
    width: int = 56,
    height: int = 8,
) -> str:
    """Rows of ● (and ○ for a second curve of the same length), the highest and lowest loss
    on the left, the first and last index under the axis, then `axis` (what they count)."""
    count = len(curves[0])
    if count < 2:
        return ""
    scale: Callable[[float], float] = math.log10 if log else float
    low, high = min(min(c) for c in curves), max(max(c) for c in curves)
    bottom, span = scale(low), (scale(high) - scale(low)) or 1.0
    labels = {height - 1: label(high), 0: label(low)}
    pad = max(len(text) for text in labels.values())
    width = min(width, max(8, LINE - pad - 3 - len(axis)))  # the axis words fit on the line
    columns = min(width, count)
    edges = [round(i * count / columns) for i in range(columns + 1)]
    grid = [[" "] * columns for _ in range(height)]
    for mark, curve in reversed(list(zip(MARKS, curves, strict=False))):
        for column, (a, b) in enumerate(pairwise(edges)):
            levels = [round((scale(v) - bottom) / span * (height - 1)) for v in curve[a:b]]
            for level in range(min(levels), max(levels) + 1):
                grid[level][column] = mark
    lines = [
        f"{labels.get(level, ''):>{pad}} ┤{''.join(grid[level])}"
        for level in range(height - 1, -1, -1)
    ]
    lines.append(f"{'':>{pad}} └{'─' * columns}")
    first, last = "0", str(count - 1)
    if columns >= len(first) + len(last) + 1:
        ends = first + last.rjust(columns - len(first))
    else:
        ends = f"{first}–{last}"
    lines.append(f"{'':>{pad}}  {ends} {axis}")
    return "\n".join(lines)

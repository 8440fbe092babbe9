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
MARKS = "●○"  # the first curve (training) and the second (validation)
BOTH = "◉"  # a cell both curves pass through


def loss_chart(
    curves: Sequence[Sequence[float]],
    label: Callable[[float], str],
    axis: str,
    log: bool = False,
    width: int = 56,
    height: int = 8,
) -> str:
    """Rows of ● (and ○ for a second curve of the same length, ◉ where both pass), the highest
    and lowest loss on the left, the first and last index under the axis, then `axis` (what
    they count). Fewer points than columns are spread over the width, blanks between."""
    count = len(curves[0])
    if count < 2:
        return ""
    scale: Callable[[float], float] = math.log10 if log else float
    low, high = min(min(c) for c in curves), max(max(c) for c in curves)
    bottom, span = scale(low), (scale(high) - scale(low)) or 1.0
    labels = {height - 1: label(high), 0: label(low)}
    pad = max(len(text) for text in labels.values())
    width = min(width, max(8, LINE - pad - 3 - len(axis)))  # the axis words fit on the line
    # few points are spread over the width (a column each, blanks between); many share columns
    spread = max(1, (width - 1) // (count - 1)) if count <= width else 1
    columns = (count - 1) * spread + 1 if spread > 1 else min(width, count)
    if spread > 1:
        spans = [(i * spread, i, i + 1) for i in range(count)]
    else:
        edges = [round(i * count / columns) for i in range(columns + 1)]
        spans = [(column, a, b) for column, (a, b) in enumerate(pairwise(edges))]
    grid = [[" "] * columns for _ in range(height)]
    for mark, curve in reversed(list(zip(MARKS, curves, strict=False))):
        for column, a, b in spans:
            levels = [round((scale(v) - bottom) / span * (height - 1)) for v in curve[a:b]]
            for level in range(min(levels), max(levels) + 1):
                cell = grid[level][column]
                grid[level][column] = BOTH if cell not in (" ", mark) else mark
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

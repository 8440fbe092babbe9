"""The teacher's combined key of a set of variants: every final answer of every variant, as
`backcalc variants` writes it beside the variants (key.md, key.tex, key.html, key.pdf)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from backcalc.core.quantities import quantity

if TYPE_CHECKING:
    from backcalc.core.activations import Array


@dataclass(frozen=True)
class KeyRow:
    variant: str
    student: str  # the student's name ('' without a roster)
    trace: Any  # the variant's Trace or GraphTrace, as its solution is computed


@dataclass(frozen=True)
class VariantKey:
    kind: ClassVar[str] = "key"
    title: str | None
    rows: tuple[KeyRow, ...]
    decimals: int
    seed: int


@dataclass(frozen=True)
class Answer:
    """A final answer: a quantity (`run --format json`'s name, its layer; a graph's node) and
    its values in every variant, in the shape `run` shows them."""

    name: str
    layer: int | None
    node: str | None
    values: tuple[Array, ...]


def final_answers(key: VariantKey) -> list[Answer]:
    """ŷ and J, every ∂J/∂W⁽ˡ⁾ and ∂J/∂b⁽ˡ⁾, ∂J/∂x and the updated parameters (a graph: its
    output's value and the gradient of each of its inputs), in the order of a hand solution."""
    traces = [row.trace for row in key.rows]
    first = traces[0]
    if first.kind == "graph":
        found = [
            Answer("value", None, first.graph.output, tuple(np.asarray(t.value) for t in traces))
        ]
        for name in first.graph.values:
            values = tuple(np.asarray(t.gradients[name]) for t in traces)
            found.append(Answer("gradient", None, name, values))
        return found
    layers = len(first.layers)
    wanted: list[tuple[str, int | None]] = [("prediction", None), ("loss", None)]
    wanted += [(name, n) for n in range(1, layers + 1) for name in ("dJ_dW", "dJ_db")]
    wanted.append(("dJ_dx", None))
    wanted += [
        (name, n) for n in range(1, layers + 1) for name in ("weights_updated", "bias_updated")
    ]
    answers = []
    for name, layer in wanted:
        shown = [quantity(trace, name, layer) for trace in traces]
        if any(value is None for value in shown):
            continue
        answers.append(Answer(name, layer, None, tuple(np.asarray(v) for v in shown)))
    return answers

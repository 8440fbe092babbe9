"""Loss functions, per observation: ℓ(ŷ, y) summed over the output units, and ∂ℓ/∂ŷ.

Shapes: ŷ and y are (m, k), one row per observation. `value` returns ℓ for each observation,
shape (m,); `gradient` returns ∂ℓ/∂ŷ, shape (m, k). The reduction over a batch (mean or sum) is
the network's job. Targets of classification losses arrive as one-hot (or probability) rows.

A loss is one class, registered with `@register`: its `name`, its options (dataclass fields,
`loss: {name: huber, delta: 0.5}` in a spec), its math (`value`, `gradient`) and its notation
(`formula` and `gradient_formula` in plain text, `*_tex` in LaTeX, with `{yhat}` and `{y}` for
the arguments).

Two losses fuse with the activation before them: `cross_entropy` after softmax and
`binary_cross_entropy` after sigmoid. Then ℓ is computed from the logits z and δ = ∂ℓ/∂z
directly (softmax(z)·Σy − y, σ(z) − y), which stays finite where ŷ rounds to 0 or 1.
"""

from __future__ import annotations

from backcalc.core.losses.base import LOSS_ALIASES, LOSSES, REDUCTIONS, Loss, register
from backcalc.core.losses.builtins import (
    BinaryCrossEntropy,
    CrossEntropy,
    HalfSquaredError,
    MeanSquaredError,
    MulticlassHinge,
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    SquaredError,
)

__all__ = [
    "LOSSES",
    "LOSS_ALIASES",
    "REDUCTIONS",
    "BinaryCrossEntropy",
    "CrossEntropy",
    "HalfSquaredError",
    "Loss",
    "MeanSquaredError",
    "MulticlassHinge",
    "SigmoidBinaryCrossEntropy",
    "SoftmaxCrossEntropy",
    "SquaredError",
    "register",
]

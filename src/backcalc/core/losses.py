"""Loss functions, per observation: ℓ(ŷ, y) summed over the output units, and ∂ℓ/∂ŷ.

Shapes: ŷ and y are (m, k), one row per observation. `value` returns ℓ for each observation,
shape (m,); `gradient` returns ∂ℓ/∂ŷ, shape (m, k). The reduction over a batch (mean or sum) is
the network's job. Targets of classification losses arrive as one-hot (or probability) rows.

Two losses fuse with the activation before them: `cross_entropy` after softmax and
`binary_cross_entropy` after sigmoid. Then ℓ is computed from the logits z and δ = ∂ℓ/∂z
directly (softmax(z)·Σy − y, σ(z) − y), which stays finite where ŷ rounds to 0 or 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from backcalc.core.activations import log_softmax, sigmoid, softmax

if TYPE_CHECKING:
    from backcalc.core.activations import Array, Mask


def _xlogy(x: Array, y: Array) -> Array:
    """x·log y, taken as 0 where x = 0 (so 0·log 0 = 0)."""
    safe = np.where(x == 0, 1.0, y)
    return np.where(x == 0, 0.0, x * np.log(safe))


def _ratio(x: Array, y: Array) -> Array:
    """x / y, taken as 0 where x = 0 (so a zero target contributes nothing, even at ŷ = 0)."""
    safe = np.where(x == 0, 1.0, y)
    return np.where(x == 0, 0.0, x / safe)


def _softplus(z: Array) -> Array:
    return np.logaddexp(0.0, z)


@dataclass(frozen=True)
class Loss:
    """Base class. `classes`: targets are classes (index or one-hot); `logits`: ŷ are logits or
    scores, not probabilities; `fuses_with`: the activation whose logits this loss can take."""

    name: ClassVar[str] = ""
    classes: ClassVar[bool] = False
    logits: ClassVar[bool] = False
    binary: ClassVar[bool] = False
    fuses_with: ClassVar[str | None] = None

    def value(self, yhat: Array, y: Array) -> Array:
        raise NotImplementedError

    def gradient(self, yhat: Array, y: Array) -> Array:
        raise NotImplementedError

    def value_from_logits(self, z: Array, y: Array) -> Array:
        """ℓ from the logits of the fused activation (only when `fuses_with` is set)."""
        raise NotImplementedError

    def delta_from_logits(self, z: Array, y: Array) -> Array:
        """∂ℓ/∂z through the fused activation (only when `fuses_with` is set)."""
        raise NotImplementedError

    def delta_from_output(self, yhat: Array, y: Array) -> Array:
        """The same ∂ℓ/∂z written with the activation's output ŷ, as a hand solution does."""
        raise NotImplementedError

    def probabilities(self, yhat: Array) -> Array | None:
        """The class probabilities the output stands for, or None (regression, scores)."""
        return None

    def kink_side(self, yhat: Array, y: Array) -> Mask | None:
        """Which side of a non-differentiable point ℓ is on (None: ℓ is smooth in ŷ)."""
        return None


class HalfSquaredError(Loss):
    """ℓ = ½ Σₖ (ŷₖ − yₖ)², ∂ℓ/∂ŷ = ŷ − y."""

    name: ClassVar[str] = "half_squared_error"

    def value(self, yhat: Array, y: Array) -> Array:
        return np.asarray(0.5 * np.sum((yhat - y) ** 2, axis=1))

    def gradient(self, yhat: Array, y: Array) -> Array:
        return yhat - y


class SquaredError(Loss):
    """ℓ = Σₖ (ŷₖ − yₖ)², ∂ℓ/∂ŷ = 2(ŷ − y)."""

    name: ClassVar[str] = "squared_error"

    def value(self, yhat: Array, y: Array) -> Array:
        return np.asarray(np.sum((yhat - y) ** 2, axis=1))

    def gradient(self, yhat: Array, y: Array) -> Array:
        return 2.0 * (yhat - y)


class MeanSquaredError(Loss):
    """ℓ = (1/k) Σₖ (ŷₖ − yₖ)² over the k output units, ∂ℓ/∂ŷ = 2(ŷ − y)/k."""

    name: ClassVar[str] = "mean_squared_error"

    def value(self, yhat: Array, y: Array) -> Array:
        return np.asarray(np.mean((yhat - y) ** 2, axis=1))

    def gradient(self, yhat: Array, y: Array) -> Array:
        return np.asarray(2.0 * (yhat - y) / yhat.shape[1], dtype=np.float64)


class CrossEntropy(Loss):
    """ℓ = −Σₖ yₖ log ŷₖ with ŷ probabilities; ∂ℓ/∂ŷ = −y/ŷ. Fuses with softmax."""

    name: ClassVar[str] = "cross_entropy"
    classes: ClassVar[bool] = True
    fuses_with: ClassVar[str | None] = "softmax"

    def value(self, yhat: Array, y: Array) -> Array:
        return np.asarray(-np.sum(_xlogy(y, yhat), axis=1))

    def gradient(self, yhat: Array, y: Array) -> Array:
        return -_ratio(y, yhat)

    def value_from_logits(self, z: Array, y: Array) -> Array:
        return np.asarray(-np.sum(y * log_softmax(z), axis=1))

    def delta_from_logits(self, z: Array, y: Array) -> Array:
        return self.delta_from_output(softmax(z), y)

    def delta_from_output(self, yhat: Array, y: Array) -> Array:
        return np.asarray(yhat * np.sum(y, axis=1, keepdims=True) - y, dtype=np.float64)

    def probabilities(self, yhat: Array) -> Array | None:
        return yhat


class SoftmaxCrossEntropy(Loss):
    """ℓ = −Σₖ yₖ log softmax(ŷ)ₖ with ŷ logits; ∂ℓ/∂ŷ = softmax(ŷ)·Σy − y (p − y for one-hot)."""

    name: ClassVar[str] = "softmax_cross_entropy"
    classes: ClassVar[bool] = True
    logits: ClassVar[bool] = True

    def value(self, yhat: Array, y: Array) -> Array:
        return CrossEntropy().value_from_logits(yhat, y)

    def gradient(self, yhat: Array, y: Array) -> Array:
        return CrossEntropy().delta_from_logits(yhat, y)

    def probabilities(self, yhat: Array) -> Array | None:
        return softmax(yhat)


class BinaryCrossEntropy(Loss):
    """ℓ = −Σₖ [yₖ log ŷₖ + (1 − yₖ) log(1 − ŷₖ)] with ŷ probabilities;
    ∂ℓ/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ). Fuses with sigmoid."""

    name: ClassVar[str] = "binary_cross_entropy"
    binary: ClassVar[bool] = True
    fuses_with: ClassVar[str | None] = "sigmoid"

    def value(self, yhat: Array, y: Array) -> Array:
        return np.asarray(-np.sum(_xlogy(y, yhat) + _xlogy(1.0 - y, 1.0 - yhat), axis=1))

    def gradient(self, yhat: Array, y: Array) -> Array:
        return -_ratio(y, yhat) + _ratio(1.0 - y, 1.0 - yhat)

    def value_from_logits(self, z: Array, y: Array) -> Array:
        # −[y log σ(z) + (1 − y) log(1 − σ(z))] = softplus(z) − y·z, finite for finite z.
        return np.asarray(np.sum(_softplus(z) - y * z, axis=1))

    def delta_from_logits(self, z: Array, y: Array) -> Array:
        return self.delta_from_output(sigmoid(z), y)

    def delta_from_output(self, yhat: Array, y: Array) -> Array:
        return yhat - y

    def probabilities(self, yhat: Array) -> Array | None:
        return yhat


class SigmoidBinaryCrossEntropy(Loss):
    """Binary cross-entropy of σ(ŷ) with ŷ logits: ℓ = Σₖ softplus(ŷₖ) − yₖŷₖ; ∂ℓ/∂ŷ = σ(ŷ) − y."""

    name: ClassVar[str] = "sigmoid_binary_cross_entropy"
    binary: ClassVar[bool] = True
    logits: ClassVar[bool] = True

    def value(self, yhat: Array, y: Array) -> Array:
        return BinaryCrossEntropy().value_from_logits(yhat, y)

    def gradient(self, yhat: Array, y: Array) -> Array:
        return sigmoid(yhat) - y

    def probabilities(self, yhat: Array) -> Array | None:
        return sigmoid(yhat)


class MulticlassHinge(Loss):
    """The multiclass SVM loss of cs231n: ℓ = Σ_{j≠c} max(0, ŷⱼ − ŷ_c + 1) with c the correct
    class; ∂ℓ/∂ŷⱼ = 1[ŷⱼ − ŷ_c + 1 > 0] for j ≠ c and minus their count for c (0 at a margin of 0).
    Targets are one-hot rows."""

    name: ClassVar[str] = "multiclass_hinge"
    classes: ClassVar[bool] = True
    logits: ClassVar[bool] = True

    def _active(self, yhat: Array, y: Array) -> tuple[Array, Array]:
        correct = np.sum(yhat * y, axis=1, keepdims=True)
        margins = np.where(y == 1, 0.0, yhat - correct + 1.0)
        return np.maximum(margins, 0.0), (margins > 0).astype(np.float64)

    def value(self, yhat: Array, y: Array) -> Array:
        return np.asarray(np.sum(self._active(yhat, y)[0], axis=1))

    def kink_side(self, yhat: Array, y: Array) -> Mask | None:
        return self._active(yhat, y)[1] > 0

    def gradient(self, yhat: Array, y: Array) -> Array:
        active = self._active(yhat, y)[1]
        return np.asarray(active - y * np.sum(active, axis=1, keepdims=True), dtype=np.float64)


LOSSES: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (
        HalfSquaredError,
        SquaredError,
        MeanSquaredError,
        CrossEntropy,
        SoftmaxCrossEntropy,
        BinaryCrossEntropy,
        SigmoidBinaryCrossEntropy,
        MulticlassHinge,
    )
}
REDUCTIONS = ("mean", "sum")

"""The built-in losses, each one class: its math beside its formulas (see base.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from backcalc.core.activations import log_softmax, sigmoid, softmax
from backcalc.core.losses.base import Loss, _ratio, _softplus, _xlogy, register
from backcalc.core.registry import Number

if TYPE_CHECKING:
    from backcalc.core.activations import Array, Mask


def _squares(factor: str, yhat: Array, y: Array, fixed: Number, given: Number) -> str:
    """factor·[(ŷ₁ − y₁)² + …] with the numbers, for up to 4 outputs."""
    if len(y) > 4:
        return ""
    terms = " + ".join(
        f"({fixed(float(p))} - {_term(given(float(t)))})^2" for p, t in zip(yhat, y, strict=True)
    )
    return f"{factor}\\left[{terms}\\right]" if len(y) > 1 else f"{factor}{terms}"


def _term(number: str) -> str:
    """A number after a minus sign: in parentheses when negative, 0,5 − (−1)."""
    return f"({number})" if number.startswith("-") else number


def _minus_log(yhat: Array, y: Array, p: Array | None, fixed: Number) -> str:
    """−log p_c for a one-hot target."""
    if np.count_nonzero(y) != 1:
        return ""
    c = int(np.argmax(y))
    return rf"-\log {fixed(float((p if p is not None else yhat)[c]))}"


@register
class HalfSquaredError(Loss):
    """ℓ = ½ Σₖ (ŷₖ − yₖ)², ∂ℓ/∂ŷ = ŷ − y."""

    name = "half_squared_error"
    formula = "½Σ({yhat} − {y})²"
    formula_tex = r"\frac{1}{2} \sum_{k} ({yhat}_k - {y}_k)^2"
    gradient_formula = "{yhat} − {y}"
    gradient_formula_tex = r"({yhat} - {y})"
    gradient_numbers_tex = r"\left({yhat} - {y}\right)"

    def value_numbers(
        self, yhat: Array, y: Array, p: Array | None, fixed: Number, given: Number
    ) -> str:
        return _squares(r"\frac{1}{2}", yhat, y, fixed, given)

    def value(self, yhat: Array, y: Array) -> Array:
        return np.asarray(0.5 * np.sum((yhat - y) ** 2, axis=1))

    def gradient(self, yhat: Array, y: Array) -> Array:
        return yhat - y


@register
class SquaredError(Loss):
    """ℓ = Σₖ (ŷₖ − yₖ)², ∂ℓ/∂ŷ = 2(ŷ − y)."""

    name = "squared_error"
    formula = "Σ({yhat} − {y})²"
    formula_tex = r"\sum_{k} ({yhat}_k - {y}_k)^2"
    gradient_formula = "2({yhat} − {y})"
    gradient_formula_tex = r"2({yhat} - {y})"
    gradient_numbers_tex = r"2\left({yhat} - {y}\right)"

    def value_numbers(
        self, yhat: Array, y: Array, p: Array | None, fixed: Number, given: Number
    ) -> str:
        return _squares("", yhat, y, fixed, given)

    def value(self, yhat: Array, y: Array) -> Array:
        return np.asarray(np.sum((yhat - y) ** 2, axis=1))

    def gradient(self, yhat: Array, y: Array) -> Array:
        return 2.0 * (yhat - y)


@register
class MeanSquaredError(Loss):
    """ℓ = (1/k) Σₖ (ŷₖ − yₖ)² over the k output units, ∂ℓ/∂ŷ = 2(ŷ − y)/k."""

    name = "mean_squared_error"
    formula = "(1/k)Σ({yhat} − {y})²"
    formula_tex = r"\frac{1}{K} \sum_{k} ({yhat}_k - {y}_k)^2"
    gradient_formula = "2({yhat} − {y})/k"
    gradient_formula_tex = r"\frac{2}{K}({yhat} - {y})"

    def gradient_numbers(self, yhat: str, y: str, k: int) -> str:
        factor = rf"\frac{{2}}{{{k}}}" if k > 1 else "2"
        return rf"{factor}\left({yhat} - {y}\right)"

    def value_numbers(
        self, yhat: Array, y: Array, p: Array | None, fixed: Number, given: Number
    ) -> str:
        return _squares(rf"\frac{{1}}{{{len(y)}}}" if len(y) > 1 else "", yhat, y, fixed, given)

    def value(self, yhat: Array, y: Array) -> Array:
        return np.asarray(np.mean((yhat - y) ** 2, axis=1))

    def gradient(self, yhat: Array, y: Array) -> Array:
        return np.asarray(2.0 * (yhat - y) / yhat.shape[1], dtype=np.float64)


@register
class CrossEntropy(Loss):
    """ℓ = −Σₖ yₖ log ŷₖ with ŷ probabilities; ∂ℓ/∂ŷ = −y/ŷ. Fuses with softmax."""

    name = "cross_entropy"
    classes = True
    fuses_with = "softmax"
    formula = "−Σ {y}·log {yhat}"
    formula_tex = r"-\sum_{k} {y}_k \log {yhat}_k"
    gradient_formula = "−{y}/{yhat}"
    gradient_formula_tex = r"\left(-\frac{{y}_k}{{yhat}_k}\right)_k"
    fused_delta_formula = "softmax(z) − {y}"

    def value_numbers(
        self, yhat: Array, y: Array, p: Array | None, fixed: Number, given: Number
    ) -> str:
        return _minus_log(yhat, y, p, fixed)

    from_logits = "softmax_cross_entropy"  # the same loss, stable, on logits

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


@register
class SoftmaxCrossEntropy(Loss):
    """ℓ = −Σₖ yₖ log softmax(ŷ)ₖ with ŷ logits; ∂ℓ/∂ŷ = softmax(ŷ)·Σy − y (p − y for one-hot)."""

    name = "softmax_cross_entropy"
    classes = True
    logits = True
    formula = "−Σ {y}·log softmax({yhat})"
    formula_tex = r"-\sum_{k} {y}_k \log \mathrm{softmax}({yhat})_k"
    gradient_formula = "softmax({yhat}) − {y}"
    gradient_formula_tex = r"(\mathrm{softmax}({yhat}) - {y})"
    gradient_numbers_tex = r"\left({yhat} - {y}\right)"
    gradient_of_probabilities = True

    def value_numbers(
        self, yhat: Array, y: Array, p: Array | None, fixed: Number, given: Number
    ) -> str:
        return _minus_log(yhat, y, p, fixed)

    def value(self, yhat: Array, y: Array) -> Array:
        return CrossEntropy().value_from_logits(yhat, y)

    def gradient(self, yhat: Array, y: Array) -> Array:
        return CrossEntropy().delta_from_logits(yhat, y)

    def probabilities(self, yhat: Array) -> Array | None:
        return softmax(yhat)

    def value_from_probabilities(self, p: Array, y: Array) -> Array | None:
        return CrossEntropy().value(p, y)

    def gradient_from_probabilities(self, p: Array, y: Array) -> Array | None:
        return CrossEntropy().delta_from_output(p, y)


@register
class BinaryCrossEntropy(Loss):
    """ℓ = −Σₖ [yₖ log ŷₖ + (1 − yₖ) log(1 − ŷₖ)] with ŷ probabilities;
    ∂ℓ/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ). Fuses with sigmoid."""

    name = "binary_cross_entropy"
    binary = True
    fuses_with = "sigmoid"
    formula = "−Σ [{y}·log {yhat} + (1 − {y})·log(1 − {yhat})]"
    formula_tex = r"-\sum_{k} \left[{y}_k \log {yhat}_k + (1 - {y}_k) \log(1 - {yhat}_k)\right]"
    gradient_formula = "−{y}/{yhat} + (1 − {y})/(1 − {yhat})"
    gradient_formula_tex = (
        r"\left(-\frac{{y}_k}{{yhat}_k} + \frac{1 - {y}_k}{1 - {yhat}_k}\right)_k"
    )
    fused_delta_formula = "σ(z) − {y}"

    from_logits = "sigmoid_binary_cross_entropy"  # the same loss, stable, on logits

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


@register
class SigmoidBinaryCrossEntropy(Loss):
    """Binary cross-entropy of σ(ŷ) with ŷ logits: ℓ = Σₖ softplus(ŷₖ) − yₖŷₖ; ∂ℓ/∂ŷ = σ(ŷ) − y."""

    name = "sigmoid_binary_cross_entropy"
    binary = True
    logits = True
    formula = "−Σ [{y}·log σ({yhat}) + (1 − {y})·log(1 − σ({yhat}))]"
    formula_tex = (
        r"-\sum_{k} \left[{y}_k \log \sigma({yhat}_k)"
        r" + (1 - {y}_k) \log(1 - \sigma({yhat}_k))\right]"
    )
    gradient_formula = "σ({yhat}) − {y}"
    gradient_formula_tex = r"(\sigma({yhat}) - {y})"
    gradient_numbers_tex = r"\left({yhat} - {y}\right)"
    gradient_of_probabilities = True

    def value(self, yhat: Array, y: Array) -> Array:
        return BinaryCrossEntropy().value_from_logits(yhat, y)

    def gradient(self, yhat: Array, y: Array) -> Array:
        return sigmoid(yhat) - y

    def probabilities(self, yhat: Array) -> Array | None:
        return sigmoid(yhat)

    def value_from_probabilities(self, p: Array, y: Array) -> Array | None:
        return BinaryCrossEntropy().value(p, y)

    def gradient_from_probabilities(self, p: Array, y: Array) -> Array | None:
        return p - y


@register
class MulticlassHinge(Loss):
    """The multiclass SVM loss of cs231n: ℓ = Σ_{j≠c} max(0, ŷⱼ − ŷ_c + 1) with c the correct
    class; ∂ℓ/∂ŷⱼ = 1[ŷⱼ − ŷ_c + 1 > 0] for j ≠ c and minus their count for c (0 at a margin of 0).
    Targets are one-hot rows."""

    name = "multiclass_hinge"
    classes = True
    logits = True
    formula = "Σ_{j≠c} max(0, {yhat}ⱼ − {yhat}_c + 1)"
    formula_tex = r"\sum_{j \ne c} \max(0, {yhat}_j - {yhat}_c + 1)"
    gradient_formula = (
        "1[{yhat}ⱼ − {yhat}_c + 1 > 0] (j ≠ c), −Σⱼ 1[{yhat}ⱼ − {yhat}_c + 1 > 0] (c)"
    )
    gradient_formula_tex = (
        r"\left(\mathbf{1}[{yhat}_j - {yhat}_c + 1 > 0]\right)_{j \ne c}"
        r", \quad -\sum_{j \ne c} \mathbf{1}[\cdot]"
    )

    def value_numbers(
        self, yhat: Array, y: Array, p: Array | None, fixed: Number, given: Number
    ) -> str:
        """Σ_{j≠c} max(0, ŷⱼ − ŷ_c + 1) with the scores, for up to 4 classes; the arguments
        separated by `;` where the numbers have a decimal comma."""
        if len(y) > 4 or np.count_nonzero(y) != 1:
            return ""
        c = int(np.argmax(y))
        correct = _term(fixed(float(yhat[c])))
        separator = "; " if "," in fixed(0.5) else ", "
        terms = [
            f"\\max(0{separator}{fixed(float(v))} - {correct} + 1)"
            for j, v in enumerate(yhat)
            if j != c
        ]
        return " + ".join(terms)

    def target_problem(self, row: Array) -> str | None:
        if np.all((row == 0) | (row == 1)) and row.sum() == 1:
            return None
        return f"{self.name} needs a class index or a one-hot vector"

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

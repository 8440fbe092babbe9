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

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from backcalc.core.activations import log_softmax, sigmoid, softmax
from backcalc.core.registry import (
    Number,
    Words,
    fill,
    options_tex,
    options_text,
    registrar,
    tex_name,
)

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
    aliases: ClassVar[tuple[str, ...]] = ()  # other names a spec may use
    classes: ClassVar[bool] = False
    logits: ClassVar[bool] = False
    binary: ClassVar[bool] = False
    fuses_with: ClassVar[str | None] = None
    formula: ClassVar[str] = ""  # ℓ in plain text, with {yhat} and {y}
    formula_tex: ClassVar[str] = ""
    gradient_formula: ClassVar[str] = ""  # ∂ℓ/∂ŷ in plain text
    gradient_formula_tex: ClassVar[str] = ""
    gradient_numbers_tex: ClassVar[str] = ""  # ∂ℓ/∂ŷ to write with the numbers of {yhat}, {y}
    gradient_of_probabilities: ClassVar[bool] = False  # those numbers are p, not ŷ
    fused_delta_formula: ClassVar[str] = ""  # δ of the fused form, in plain text

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

    def target_problem(self, row: Array) -> str | None:
        """Why a written target row cannot be this loss's target (None: it can)."""
        return None

    def non_finite_message(self, losses: Array) -> str:
        """What to tell the user when ℓ is not finite."""
        kind = "NaN" if np.any(np.isnan(losses)) else "infinite"
        return f"the loss is {kind}: {self.name} left float64's range; scale the data down"

    # -- notation (renderers call these) ------------------------------------------------------

    def describe(self, words: Words, number: Number, yhat: str = "ŷ", y: str = "y") -> str:
        """ℓ in plain text, with its options."""
        text = fill(self.formula or f"{self.name}({{yhat}}, {{y}})", yhat=yhat, y=y)
        shown = options_text(self, number)
        return f"{text} {words('formula.with_options', options=shown)}" if shown else text

    def tex(self, number: Number, yhat: str = r"\hat{y}", y: str = "y") -> str:
        """ℓ in LaTeX, with its options."""
        default = rf"\mathrm{{{tex_name(self.name)}}}({{yhat}}, {{y}})"
        text = fill(self.formula_tex or default, yhat=yhat, y=y, tex=True)
        return text + options_tex(self, number)

    def gradient_tex(self, yhat: str = r"\hat{y}", y: str = "y") -> str:
        default = r"\frac{\partial \ell}{\partial {yhat}}"
        return fill(self.gradient_formula_tex or default, yhat=yhat, y=y, tex=True)

    def gradient_numbers(self, yhat: str, y: str, k: int) -> str:
        """∂ℓ/∂ŷ with the matrices `yhat` and `y` (LaTeX) substituted ('' if not written out)."""
        return fill(self.gradient_numbers_tex, yhat=yhat, y=y)

    def value_numbers(
        self, yhat: Array, y: Array, p: Array | None, fixed: Number, given: Number
    ) -> str:
        """ℓ of one observation with its numbers in (LaTeX; '' where a hand solution would not
        write it out). `p` are the class probabilities, if any."""
        return ""


LOSSES: dict[str, type[Loss]] = {}
LOSS_ALIASES: dict[str, str] = {}
register = registrar(LOSSES, LOSS_ALIASES)


def _squares(factor: str, yhat: Array, y: Array, fixed: Number, given: Number) -> str:
    """factor·[(ŷ₁ − y₁)² + …] with the numbers, for up to 4 outputs."""
    if len(y) > 4:
        return ""
    terms = " + ".join(
        f"({fixed(float(p))} - {given(float(t))})^2" for p, t in zip(yhat, y, strict=True)
    )
    return f"{factor}\\left[{terms}\\right]" if len(y) > 1 else f"{factor}{terms}"


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
        return rf"\frac{{2}}{{{k}}}\left({yhat} - {y}\right)"

    def value_numbers(
        self, yhat: Array, y: Array, p: Array | None, fixed: Number, given: Number
    ) -> str:
        return _squares(rf"\frac{{1}}{{{len(y)}}}", yhat, y, fixed, given)

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

    def non_finite_message(self, losses: Array) -> str:
        return (
            f"the loss is infinite: {self.name} takes the log of an output that is exactly 0 "
            "(or 1) where the target needs it positive; compute the loss from logits instead "
            f"({self.from_logits})"
        )

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

    def non_finite_message(self, losses: Array) -> str:
        return (
            f"the loss is infinite: {self.name} takes the log of an output that is exactly 0 "
            "(or 1) where the target needs it positive; compute the loss from logits instead "
            f"({self.from_logits})"
        )

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
        r"\left(\mathbb{1}[{yhat}_j - {yhat}_c + 1 > 0]\right)_{j \ne c}"
        r", \quad -\sum_{j \ne c} \mathbb{1}[\cdot]"
    )

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


REDUCTIONS = ("mean", "sum")

"""Buggy rules: the values known wrong procedures give for a step, from the student's own
inputs (the intelligent-tutoring tradition: BUGGY, cognitive tutors).

A slip is one class, registered with `@register` like activations: its `code` (fixed, for
scripts and class grading), the steps it applies to, and `values`, which computes what the
wrong procedure gives from the values `get` returns (the student's world) — a list of
candidates, empty where the slip cannot happen in this network. Its text, in English and
Spanish, is the locale's `slip.<code>` (and `slip_formula.<code>` for the wrong formula).

The grader evaluates every slip on every claimed step: one reproducing a wrong entry within
its precision is the diagnosis; one reproducing a correct entry is a remark (the written
precision cannot tell the two apart).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from backcalc.core.activations import softmax
from backcalc.core.layer import bias_gradient, input_gradient, weight_gradient

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.grading.model import Get, Key, NetworkSteps, Steps

SLIPS: dict[str, type[Slip]] = {}


class Slip:
    code: ClassVar[str] = ""
    steps: ClassVar[tuple[str, ...]] = ()  # the quantities it applies to
    modes: ClassVar[tuple[str, ...]] = ("network",)  # network and/or graph (graphslips.py)

    def values(self, model: Any, key: Key, get: Get) -> list[Array]:
        """The values from the student's world `get`; `model` is the mode's Steps (NetworkSteps
        here, graphmodel.GraphSteps for a graph's slips)."""
        raise NotImplementedError


def register(cls: type[Slip]) -> type[Slip]:
    if not cls.code:
        raise TypeError(f"{cls.__name__} needs a `code` to be registered")
    SLIPS[cls.code] = cls
    return cls


def _layer_of(key: Key) -> int:
    assert key[1] is not None
    return key[1]


def _chained(model: NetworkSteps, number: int) -> bool:
    """δ⁽ˡ⁾ is ∂J/∂a ⊙ g' here (not the fused output's ŷ − y)."""
    return not (number == model.depth and model.fused)


@register
class ForgotActivationDerivative(Slip):
    """δ = ∂J/∂a: g'(z) left out."""

    code = "forgot_activation_derivative"
    steps = ("delta",)

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        n = _layer_of(key)
        if not _chained(model, n) or model.layer(n).activation.identity:
            return []
        return [get(("dJ_da", n))]


@register
class ZInsteadOfUpstream(Slip):
    """δ = z ⊙ g'(z): the layer's own z where the rule takes ∂J/∂a (the notes' slip)."""

    code = "z_instead_of_upstream"
    steps = ("delta",)

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        n = _layer_of(key)
        if not _chained(model, n):
            return []
        activation = model.layer(n).activation
        return [activation.chain(get(("g_prime", n)), get(("z", n)))]


@register
class DerivativeAtActivation(Slip):
    """g' taken at the wrong point: σ'(a) = σ(a)(1 − σ(a)), or a(1 − a) with z in place of a."""

    code = "derivative_at_activation"
    steps = ("g_prime", "delta")

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        name, n = key[0], _layer_of(key)
        activation = model.layer(n).activation
        if activation.identity or (name == "delta" and not _chained(model, n)):
            return []
        found = [activation.derivative(get(("a", n)))]
        from_z = activation.derivative_from_output(get(("z", n)))
        if from_z is not None:
            found.append(from_z)
        if name == "g_prime":
            return found
        return [activation.chain(g_prime, get(("dJ_da", n))) for g_prime in found]


@register
class MissingTranspose(Slip):
    """∂J/∂a⁽ˡ⁻¹⁾ = W·δ where the rule takes Wᵀ·δ (a square W lets it through)."""

    code = "missing_transpose"
    steps = ("dJ_da", "dJ_dx")

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        upstream = model.upstream_layer(key)
        if upstream is None:
            return []
        weights = model.layer(upstream).weights
        if weights.shape[0] != weights.shape[1]:
            return []
        delta = get(("delta", upstream))
        return [delta @ weights.T if model.conv == "column" else delta @ weights]


@register
class TransposedGradient(Slip):
    """∂J/∂W written transposed (a square W lets it through)."""

    code = "transposed_gradient"
    steps = ("dJ_dW",)

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        gradient = model.compute(key, get)[0]
        return [gradient.T] if gradient.shape[0] == gradient.shape[1] else []


class _LossFactor(Slip):
    """A factor slipped into the loss derivative, seen on ∂J/∂ŷ, δ⁽ᴸ⁾ or any step it reaches
    unseen (the steps between unclaimed)."""

    steps = ("dJ_da", "delta", "dJ_dW", "dJ_db", "dJ_dx", "weights_updated", "bias_updated")

    def factors(self, model: NetworkSteps) -> tuple[float, ...]:
        raise NotImplementedError

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        claimed = get.claimed
        if not model.loss_side(key, claimed):
            return []
        name, n = key
        if name in ("weights_updated", "bias_updated"):
            assert n is not None
            source: Key = ("dJ_dW" if name == "weights_updated" else "dJ_db", n)
            gradient = model.compute(source, get)[0] if source not in claimed else get(source)
            which = "weights" if name == "weights_updated" else "bias"
            return [model.updated(n, which, factor * gradient) for factor in self.factors(model)]
        value = model.compute(key, get)[0]
        return [factor * value for factor in self.factors(model)]


@register
class ErrorSign(_LossFactor):
    """y − ŷ for ŷ − y."""

    code = "error_sign"

    def factors(self, model: NetworkSteps) -> tuple[float, ...]:
        return (-1.0,)


@register
class FactorTwo(_LossFactor):
    """A 2 or a ½ missing or extra in the loss derivative."""

    code = "factor_two"

    def factors(self, model: NetworkSteps) -> tuple[float, ...]:
        return (2.0, 0.5)


@register
class BatchSumVsMean(_LossFactor):
    """The batch summed where the loss takes the mean (or the other way round): a factor m."""

    code = "batch_sum_vs_mean"

    def factors(self, model: NetworkSteps) -> tuple[float, ...]:
        return () if model.m < 2 else (float(model.m), 1.0 / model.m)


@register
class SinglePath(Slip):
    """∂J/∂a⁽ˡ⁻¹⁾ from one downstream unit only, not summed over all of them."""

    code = "single_path"
    steps = ("dJ_da", "dJ_dx")

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        upstream = model.upstream_layer(key)
        if upstream is None:
            return []
        layer = model.layer(upstream)
        units = layer.n_out(model.conv)
        if units < 2:
            return []
        delta = get(("delta", upstream))
        rows = layer.weights if model.conv == "column" else layer.weights.T  # (out, in)
        return [delta[:, j : j + 1] * rows[j][None, :] for j in range(units)]


@register
class WrongUpstreamActivation(Slip):
    """∂J/∂W⁽ˡ⁾ with z⁽ˡ⁻¹⁾, or this layer's a⁽ˡ⁾, where the rule takes a⁽ˡ⁻¹⁾."""

    code = "wrong_upstream_activation"
    steps = ("dJ_dW",)

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        n = _layer_of(key)
        delta = get(("delta", n))
        penalty = 2.0 * model.network.l2 * model.layer(n).weights
        found = []
        stand_ins = [get(("a", n))]
        if n > 1:
            stand_ins.insert(0, get(("z", n - 1)))
        for stand_in in stand_ins:
            gradient = weight_gradient(model.conv, stand_in, delta)
            if gradient.shape == penalty.shape:
                found.append(gradient + penalty)
        return found


@register
class SoftmaxDiagonalOnly(Slip):
    """p(1 − p) in place of the softmax Jacobian."""

    code = "softmax_diagonal_only"
    steps = ("g_prime", "delta")

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        name, n = key[0], _layer_of(key)
        if model.layer(n).activation.name != "softmax" or not _chained(model, n):
            return []
        p = get(("a", n))
        diagonal = p * (1.0 - p)
        if name == "delta":
            return [diagonal * get(("dJ_da", n))]
        return [np.einsum("mk,kj->mkj", diagonal, np.eye(p.shape[1]))]


@register
class DerivativeAppliedTwice(Slip):
    """σ'(z) (or the softmax Jacobian) multiplied in again after the fused ŷ − y."""

    code = "derivative_applied_twice"
    steps = ("delta",)

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        n = _layer_of(key)
        if _chained(model, n):
            return []
        fused = model.compute(key, get)[0]
        yhat = get(("prediction", None))
        found = [fused * yhat * (1.0 - yhat)]
        activation = model.layer(n).activation
        if activation.name == "softmax":
            found.append(activation.chain(activation.derivative(get(("z", n))), fused))
            found.append(activation.chain(activation.derivative(yhat), fused))
            found.append(fused * softmax(get(("z", n))) * (1.0 - softmax(get(("z", n)))))
        return found


@register
class UpdatedWeightsInBackward(Slip):
    """∂J/∂a⁽ˡ⁻¹⁾ with the already-updated W⁽ˡ⁾."""

    code = "updated_weights_in_backward"
    steps = ("dJ_da", "dJ_dx")

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        upstream = model.upstream_layer(key)
        if upstream is None or model.eta is None:
            return []
        layer = model.layer(upstream)
        new = model.updated(upstream, "weights", get(("dJ_dW", upstream)))
        moved = type(layer)(new, layer.bias, layer.activation, layer.weights_shape)
        return [input_gradient(moved, model.conv, get(("delta", upstream)))]


@register
class BiasGradientTimesInput(Slip):
    """∂J/∂b = δ·x, as if the bias were a weight, on a layer with one input."""

    code = "bias_gradient_times_input"
    steps = ("dJ_db",)

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        n = _layer_of(key)
        layer = model.layer(n)
        if layer.n_in(model.conv) != 1:
            return []
        found = bias_gradient(layer, get(("delta", n)) * model.a_prev(n, get))
        return [] if found is None else [found]


class _Update(Slip):
    steps = ("weights_updated", "bias_updated")

    def gradient(self, model: NetworkSteps, key: Key, get: Get) -> tuple[int, str, Array] | None:
        name, n = key[0], _layer_of(key)
        which = "weights" if name == "weights_updated" else "bias"
        if model.eta is None or which in model.layer(n).frozen:
            return None
        return n, which, get(("dJ_dW" if which == "weights" else "dJ_db", n))


@register
class UpdateSign(_Update):
    """w + η·g."""

    code = "update_sign"

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        found = self.gradient(model, key, get)
        return [] if found is None else [model.updated(found[0], found[1], -found[2])]


@register
class UpdateWithoutRate(_Update):
    """w − g: the learning rate left out."""

    code = "update_without_rate"

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        found = self.gradient(model, key, get)
        if found is None or model.eta == 1:
            return []
        return [model.updated(found[0], found[1], found[2], rate=1.0)]


@register
class UpdateNotApplied(_Update):
    """The old value written as the updated one."""

    code = "update_not_applied"

    def values(self, model: NetworkSteps, key: Key, get: Get) -> list[Array]:
        found = self.gradient(model, key, get)
        return [] if found is None else [model.updated(found[0], found[1], found[2], rate=0.0)]


@register
class DecimalShift(Slip):
    """The right digits with the decimal point moved: a factor 10ᵏ."""

    code = "decimal_shift"
    steps = ()  # every step
    modes = ("network", "graph")

    def values(self, model: Steps, key: Key, get: Get) -> list[Array]:
        if key[0] == "predicted_class":
            return []
        value = model.compute(key, get)[0]
        return [value * 10.0**k for k in (-3, -2, -1, 1, 2, 3)]


def applicable(key: Key, mode: str = "network") -> list[Slip]:
    """The slips that may happen at step `key` of an exercise of `mode`, one instance each."""
    return [
        cls()
        for cls in SLIPS.values()
        if mode in cls.modes and (not cls.steps or key[0] in cls.steps)
    ]


from backcalc.core.grading import graphslips  # noqa: E402, F401  (registers the graph's slips)

"""The network, its forward and backward pass, and the Trace of every intermediate.

Shape convention, stated once: every per-unit quantity (x, z⁽ˡ⁾, a⁽ˡ⁾, g'(z⁽ˡ⁾), ∂J/∂a⁽ˡ⁾, δ⁽ˡ⁾)
is held as (m, k): one row per observation, one column per unit, in both conventions. Weights
are held in the user's layout, never transposed silently:

- column convention: z = W·a + b with W of shape (out, in), so for a batch Z = A·Wᵀ + b,
  ∂J/∂W = δᵀ·A (out, in) and ∂J/∂A = δ·W;
- row convention: z = a·W + b with W of shape (in, out), so Z = A·W + b,
  ∂J/∂W = Aᵀ·δ (in, out) and ∂J/∂A = δ·Wᵀ.

J = reduction over observations of ℓ(ŷ, y) (mean or sum) + λ·Σ‖W⁽ˡ⁾‖², so ∂J/∂ŷ carries the 1/m
of a mean and ∂J/∂W⁽ˡ⁾ gains 2λW⁽ˡ⁾. Nothing here prints, rounds or exits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

__all__ = ["Convention", "Exercise", "Layer", "LayerTrace", "Network", "Trace", "run"]

import numpy as np

from backcalc.core.layer import (
    Convention,
    Layer,
    bias_gradient,
    input_gradient,
    linear,
    weight_gradient,
    weighted,
)
from backcalc.core.rounding import hand_round
from backcalc.core.texts import Sheet
from backcalc.core.trace import LayerTrace, Trace, check_finite

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from backcalc.core.activations import Array
    from backcalc.core.losses import Loss

Rounder = Callable[["Array"], "Array"]


@dataclass(frozen=True)
class Network:
    convention: Convention
    layers: tuple[Layer, ...]
    loss: Loss
    reduction: Literal["mean", "sum"] = "mean"
    l2: float = 0.0


@dataclass(frozen=True, eq=False)  # holds arrays: compared by identity
class Exercise:
    """A network with the data it is run on. `x` is (m, n) and `target` is (m, k) (one-hot rows
    for class targets); `batched` says whether the user gave a batch or one observation."""

    network: Network
    x: Array
    target: Array
    batched: bool
    learning_rate: float | None = None
    title: str | None = None
    description: str | None = None
    validation: tuple[Array, Array] | None = None  # (x, target) evaluated, never trained on
    answer_decimals: int | None = None  # the decimals answers must be written with
    sheet: Sheet = dataclasses.field(default_factory=Sheet)  # its task and header (core.texts)
    notation: tuple[tuple[str, str], ...] = ()  # (role, symbol): the course's symbols

    kind: ClassVar[str] = "network"

    def run(self, hand_rounding: int | None = None) -> Trace:
        """The forward and backward pass (computed as by hand with `hand_rounding`)."""
        return run(self, hand_decimals=hand_rounding)


def forward(
    network: Network, x: Array, rounded: Rounder = lambda values: values
) -> tuple[list[Array], list[Array]]:
    """The forward pass: z⁽ˡ⁾ and a⁽ˡ⁾ for every layer (a⁽⁰⁾ = x is not included)."""
    zs: list[Array] = []
    activations: list[Array] = []
    a = x
    for layer in network.layers:
        z = rounded(linear(layer, network.convention, a))
        a = rounded(layer.activation.value(z))
        zs.append(z)
        activations.append(a)
    return zs, activations


def objective(network: Network, x: Array, target: Array) -> float:
    """J alone, by the forward pass only: what finite differences perturb."""
    return evaluate(network, x, target)[0]


def evaluate(network: Network, x: Array, target: Array) -> tuple[float, bytes]:
    """J by the forward pass only, and the kink pattern: which side of its non-differentiable
    point every ReLU-like input and hinge margin is on. Two evaluations with different patterns
    straddle a kink, and a finite difference between them is not a derivative."""
    with np.errstate(all="ignore"):
        zs, activations = forward(network, x)
        losses, _, _ = _output_loss(network, zs[-1], activations[-1], target)
        sides = [layer.activation.kink_side(z) for layer, z in zip(network.layers, zs, strict=True)]
        sides.append(network.loss.kink_side(activations[-1], target))
        pattern = b"".join(np.packbits(side).tobytes() for side in sides if side is not None)
        return _reduce(network, losses) + _l2(network), pattern


def gradients(network: Network, x: Array, target: Array) -> tuple[list[Array], list[Array | None]]:
    """∂J/∂W⁽ˡ⁾ and ∂J/∂b⁽ˡ⁾ alone, for training: the backward pass of `run`, without
    keeping the intermediates."""
    with np.errstate(all="ignore"):
        zs, activations = forward(network, x)
        _, steps, _ = backward(network, x, zs, activations, target)
    steps.reverse()
    return [step.dW for step in steps], [step.db for step in steps]


@dataclass(frozen=True, eq=False)  # holds arrays: compared by identity
class BackwardStep:
    """One layer's step of the backward pass: what it received, g'(z), δ and the gradients."""

    dJ_da: Array
    g_prime: Array
    delta: Array
    dW: Array
    db: Array | None


def backward(
    network: Network,
    x: Array,
    zs: list[Array],
    activations: list[Array],
    target: Array,
    rounded: Rounder = lambda values: values,
    by_hand: bool = False,
) -> tuple[Array, list[BackwardStep], Array]:
    """The backward pass, from the last layer to the first: ℓ per observation, each layer's
    step (in that order) and ∂J/∂x. Every quantity goes through `rounded` as it is produced."""
    conv = network.convention
    inputs = [x, *activations[:-1]]
    by_hand_rounded = rounded if by_hand else None
    losses, dJ_da, fused_delta = _output_loss(
        network, zs[-1], activations[-1], target, by_hand_rounded
    )
    dJ_da = rounded(dJ_da)
    steps: list[BackwardStep] = []
    for index in reversed(range(len(network.layers))):
        layer, z = network.layers[index], zs[index]
        g_prime = rounded(_derivative(layer, z, activations[index], by_hand))
        delta = layer.activation.chain(g_prime, dJ_da) if fused_delta is None else fused_delta
        delta, fused_delta = rounded(delta), None
        dW = weight_gradient(conv, inputs[index], delta) + 2.0 * network.l2 * layer.weights
        db = bias_gradient(layer, delta)
        steps.append(
            BackwardStep(dJ_da, g_prime, delta, rounded(dW), None if db is None else rounded(db))
        )
        dJ_da = rounded(input_gradient(layer, conv, delta))
    return losses, steps, dJ_da


def _derivative(layer: Layer, z: Array, a: Array, by_hand: bool) -> Array:
    """g'(z); by hand, from the rounded a where the derivative is written with a (σ: a(1 − a),
    tanh: 1 − a²), as the solution's line substitutes it, else at the rounded z."""
    from_output = layer.activation.derivative_from_output(a) if by_hand else None
    return layer.activation.derivative(z) if from_output is None else from_output


def fused_output(network: Network) -> bool:
    return network.loss.fuses_with == network.layers[-1].activation.name


def _output_loss(
    network: Network, z: Array, yhat: Array, target: Array, by_hand: Rounder | None = None
) -> tuple[Array, Array, Array | None]:
    """ℓ per observation, ∂J/∂ŷ and, for a fused output, δ (from the logits, or by hand from
    the rounded ŷ as a person writes ŷ − y). By hand (`by_hand` rounds), a loss on logits is
    written with the rounded class probabilities p, as the solution's lines substitute them:
    ℓ = −log p_c and ∂J/∂ŷ = p − y."""
    scale = 1.0 / len(target) if network.reduction == "mean" else 1.0
    loss = network.loss
    if by_hand is not None and loss.gradient_of_probabilities:
        return _from_probabilities(loss, yhat, target, scale, by_hand)
    dJ_dyhat = scale * loss.gradient(yhat, target)
    if not fused_output(network):
        return loss.value(yhat, target), dJ_dyhat, None
    if by_hand is not None:
        return loss.value(yhat, target), dJ_dyhat, scale * loss.delta_from_output(yhat, target)
    return loss.value_from_logits(z, target), dJ_dyhat, scale * loss.delta_from_logits(z, target)


def _from_probabilities(
    loss: Loss, yhat: Array, target: Array, scale: float, rounded: Rounder
) -> tuple[Array, Array, None]:
    """ℓ and ∂J/∂ŷ of a loss on logits from the rounded class probabilities p. Where p rounds
    to 0 (or 1) and its log is infinite, that observation's ℓ is the one of the logits: a
    person keeps more digits there rather than write −log 0."""
    probabilities = loss.probabilities(yhat)
    assert probabilities is not None
    p = rounded(probabilities)
    exact_losses = loss.value(yhat, target)
    written = loss.value_from_probabilities(p, target)
    gradient = loss.gradient_from_probabilities(p, target)
    losses = (
        exact_losses if written is None else np.where(np.isfinite(written), written, exact_losses)
    )
    if gradient is None:
        gradient = loss.gradient(yhat, target)
    return np.asarray(losses, dtype=np.float64), scale * gradient, None


def _reduce(network: Network, losses: Array) -> float:
    return float(np.mean(losses) if network.reduction == "mean" else np.sum(losses))


def _l2(network: Network) -> float:
    """λ·ΣW² (exactly 0 without a penalty, however large the weights)."""
    if not network.l2:
        return 0.0
    with np.errstate(all="ignore"):  # an overflow is reported by check_finite
        return network.l2 * float(sum(np.sum(layer.weights**2) for layer in network.layers))


def run(exercise: Exercise, hand_decimals: int | None = None) -> Trace:
    """Forward pass, loss, backward pass and (with a learning rate) one gradient-descent step.

    With `hand_decimals`, compute as a person does by hand: every quantity rounded half away
    from zero to that many decimals and used rounded in the next step, g'(z) from the rounded a
    where it is written with a (σ: a(1 − a), tanh: 1 − a²), else at the rounded z)."""
    rounded = _rounder(hand_decimals)
    network, conv = exercise.network, exercise.network.convention
    with np.errstate(all="ignore"):  # non-finite results are found and reported below
        zs, activations = forward(network, exercise.x, rounded)
        losses, steps, dJ_dx = backward(
            network,
            exercise.x,
            zs,
            activations,
            exercise.target,
            rounded,
            hand_decimals is not None,
        )
        inputs = [exercise.x, *activations[:-1]]
        traces: list[LayerTrace] = []
        for index, step in zip(reversed(range(len(network.layers))), steps, strict=True):
            layer = network.layers[index]
            written = rounded(weighted(layer, conv, inputs[index]))
            trace = LayerTrace(
                zs[index],
                activations[index],
                step.g_prime,
                step.dJ_da,
                step.delta,
                step.dW,
                step.db,
                written,
            )
            if exercise.learning_rate is not None:
                trace = _step(trace, layer, exercise.learning_rate, rounded)
            traces.append(trace)
    traces.reverse()
    return _finish(exercise, tuple(traces), rounded(losses), dJ_dx, rounded, hand_decimals)


def _finish(
    exercise: Exercise,
    traces: tuple[LayerTrace, ...],
    losses: Array,
    dJ_dx: Array,
    rounded: Rounder,
    hand_decimals: int | None,
) -> Trace:
    network, yhat = exercise.network, traces[-1].a
    probabilities = network.loss.probabilities(yhat)
    if probabilities is not None:  # by hand too, from the rounded ŷ
        probabilities = rounded(probabilities)
    data_loss = float(rounded(np.asarray(_reduce(network, losses))))
    l2_loss = float(rounded(np.asarray(_l2(network))))
    result = Trace(
        exercise=exercise,
        layers=traces,
        losses=losses,
        data_loss=data_loss,
        l2_loss=l2_loss,
        loss=float(rounded(np.asarray(data_loss + l2_loss))),
        dJ_dx=dJ_dx,
        fused=fused_output(network),
        probabilities=probabilities,
        predicted=predicted_classes(network.loss, yhat, probabilities),
        hand_decimals=hand_decimals,
    )
    check_finite(result)
    return result


def _rounder(decimals: int | None) -> Rounder:
    if decimals is None:
        return lambda values: values
    return lambda values: hand_round(values, decimals)


def _step(trace: LayerTrace, layer: Layer, eta: float, rounded: Rounder) -> LayerTrace:
    """One gradient-descent step: W − η·∂J/∂W and b − η·∂J/∂b, a frozen parameter (the
    layer's `freeze`, as training honours it) left as it is."""
    bias = None
    if layer.bias is not None and trace.db is not None:
        bias = rounded(layer.bias - eta * trace.db)
        if "bias" in layer.frozen:
            bias = np.broadcast_to(layer.bias, bias.shape).copy()
    weights = rounded(layer.weights - eta * trace.dW)
    if "weights" in layer.frozen:
        weights = np.broadcast_to(layer.weights, weights.shape).copy()
    return dataclasses.replace(trace, weights_updated=weights, bias_updated=bias)


def predicted_classes(
    loss: Loss, yhat: Array, probabilities: Array | None
) -> NDArray[np.int64] | None:
    if loss.binary and probabilities is not None:
        return (probabilities >= 0.5).astype(np.int64)
    if loss.classes:
        return np.asarray(np.argmax(yhat, axis=1), dtype=np.int64)
    return None

"""Training by gradient descent: full-batch steps or mini-batch SGD over epochs, with momentum and
a step learning-rate schedule defined as PyTorch's `optim.SGD` and `StepLR` define them:

    v ← μ·v + g,   θ ← θ − η·v          (v starts at 0, so the first step is θ − η·g)
    η = η₀·γ^⌊t / lr_step⌋               (t counts steps under `steps`, epochs under `epochs`)

Mini-batches are drawn from a permutation by `numpy.random.default_rng(seed)` each epoch; a last
partial batch is used as a smaller batch, as PyTorch's DataLoader does by default. Frozen
parameters (a layer's `freeze`) are left alone. Nothing here prints; `progress` is called with
(done, total, J) after every step (epoch) so a caller can draw a bar.

Validation data (the spec's `validation`, or `validation_split` of the data held out) is never
trained on: after every step (epoch) its data loss (the reduction of ℓ, without the L2 term) and
its accuracy are measured. A split draws `round(fraction·m)` rows (half away from zero) with
`numpy.random.default_rng(seed).permutation(m)[:count]`; both parts keep the data's order.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from backcalc.core.network import gradients, objective
from backcalc.errors import NumericalError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from backcalc.core.activations import Array
    from backcalc.core.network import Exercise, Network


@dataclass(frozen=True)
class TrainSettings:
    learning_rate: float
    steps: int | None = None
    epochs: int | None = None
    batch_size: int | None = None  # with epochs; None is the whole data
    momentum: float = 0.0
    lr_step: int | None = None
    lr_gamma: float = 0.1
    seed: int = 0
    validation_split: float | None = None  # the fraction of the data held out for validation

    @property
    def unit(self) -> Literal["step", "epoch"]:
        return "epoch" if self.epochs is not None else "step"


@dataclass(frozen=True, eq=False)
class ValidationCurve:
    """The validation data's data loss (no L2 term) before training and after each step (or
    epoch), and its accuracy likewise (classification losses only)."""

    size: int
    held_out: bool  # drawn from the training data (a split) rather than given apart
    losses: tuple[float, ...]
    accuracies: tuple[float, ...] | None


@dataclass(frozen=True, eq=False)
class TrainResult:
    """`exercise` holds the trained parameters and the data as given; `losses[0]` is J before
    training and `losses[t]` after step (or epoch) t, over the `observations` trained on (all of
    them, or those a split left); `rates[t-1]` the η used in t."""

    kind: ClassVar[str] = "train"

    exercise: Exercise
    settings: TrainSettings
    losses: tuple[float, ...]
    rates: tuple[float, ...]
    updates: int
    accuracy_before: float | None
    accuracy: float | None
    observations: int = 0
    validation: ValidationCurve | None = None


def held_out_count(m: int, fraction: float) -> int:
    """How many of m observations a validation split of `fraction` holds out: round(fraction·m),
    half away from zero."""
    return math.floor(fraction * m + 0.5)


def held_out(m: int, fraction: float, seed: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The rows kept for training and the rows held out for validation (`held_out_count` of
    them, drawn by `default_rng(seed)`), each in the data's order."""
    count = held_out_count(m, fraction)
    if not 0 < count < m:
        raise ValueError(f"a split of {fraction} of {m} observations leaves a part empty")
    order = np.random.default_rng(seed).permutation(m)
    return np.sort(order[count:]), np.sort(order[:count])


def accuracy(network: Network, x: Array, target: Array) -> float | None:
    """The fraction of observations classified right (classification losses only)."""
    from backcalc.core.network import forward

    loss = network.loss
    if not (loss.classes or loss.binary):
        return None
    with np.errstate(all="ignore"):
        yhat = forward(network, x)[1][-1]
    if loss.binary:
        p = loss.probabilities(yhat)
        assert p is not None
        return float(np.mean((p >= 0.5) == (target >= 0.5)))
    return float(np.mean(np.argmax(yhat, axis=1) == np.argmax(target, axis=1)))


def train(
    exercise: Exercise,
    settings: TrainSettings,
    progress: Callable[[int, int, float], None] | None = None,
) -> TrainResult:
    trained = copy.deepcopy(exercise)
    network, x, target = trained.network, trained.x, trained.target
    validation, held = exercise.validation, False
    if settings.validation_split is not None:
        kept, kept_out = held_out(len(x), settings.validation_split, settings.seed)
        validation, held = (x[kept_out], target[kept_out]), True
        x, target = x[kept], target[kept]
    params = [(layer.weights, "weights" in layer.frozen) for layer in network.layers]
    params += [
        (layer.bias, "bias" in layer.frozen) for layer in network.layers if layer.bias is not None
    ]
    velocity = [np.zeros_like(p) for p, _ in params]
    losses, rates = [objective(network, x, target)], []
    before = accuracy(network, x, target)
    checks = [_validate(network, validation)] if validation is not None else []
    total = settings.epochs if settings.epochs is not None else settings.steps or 0
    updates = 0
    rng = np.random.default_rng(settings.seed)
    for t in range(total):
        eta = settings.learning_rate * settings.lr_gamma ** (
            t // settings.lr_step if settings.lr_step else 0
        )
        for rows in _batches(len(x), settings, rng):
            _step(network, x[rows], target[rows], params, velocity, eta, settings.momentum)
            updates += 1
        losses.append(objective(network, x, target))
        rates.append(eta)
        if not np.isfinite(losses[-1]):
            raise NumericalError(
                f"the loss became {losses[-1]} at {settings.unit} {t + 1}: lower the learning rate"
            )
        if validation is not None:
            checks.append(_validate(network, validation))
            if not np.isfinite(checks[-1][0]):
                raise NumericalError(
                    f"the validation loss became {checks[-1][0]} at {settings.unit} {t + 1}"
                )
        if progress is not None:
            progress(t + 1, total, losses[-1])
    curve = None if validation is None else _curve(len(validation[0]), held, checks)
    return TrainResult(
        trained,
        settings,
        tuple(losses),
        tuple(rates),
        updates,
        before,
        accuracy(network, x, target),
        len(x),
        curve,
    )


def _curve(size: int, held: bool, checks: list[tuple[float, float | None]]) -> ValidationCurve:
    scores = [score for _, score in checks]
    accuracies = None if None in scores else tuple(s for s in scores if s is not None)
    return ValidationCurve(size, held, tuple(loss for loss, _ in checks), accuracies)


def _validate(network: Network, data: tuple[Array, Array]) -> tuple[float, float | None]:
    """The data loss (without the L2 term) and the accuracy on validation data."""
    x, target = data
    return objective(dataclasses.replace(network, l2=0.0), x, target), accuracy(network, x, target)


def _batches(
    m: int, settings: TrainSettings, rng: np.random.Generator
) -> list[NDArray[np.int64] | slice]:
    if settings.epochs is None:
        return [slice(None)]
    order = rng.permutation(m)
    size = settings.batch_size or m
    return [order[start : start + size] for start in range(0, m, size)]


def _step(
    network: Network,
    x: Array,
    target: Array,
    params: list[tuple[Array, bool]],
    velocity: list[Array],
    eta: float,
    momentum: float,
) -> None:
    """One SGD update in place: v ← μ·v + g, θ ← θ − η·v (frozen parameters skipped)."""
    dW, db = gradients(network, x, target)
    grads = dW + [g for g in db if g is not None]
    for (param, frozen), v, g in zip(params, velocity, grads, strict=True):
        if frozen:
            continue
        v *= momentum
        v += g
        param -= eta * v

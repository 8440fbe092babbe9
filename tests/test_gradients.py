"""Every gradient against central finite differences, and the forward pass against an
independent per-observation implementation, on many random networks: every activation, every
loss (fused and not), both conventions, one observation and batches, vector, shared and absent
biases, both reductions, with and without L2."""

from __future__ import annotations

import itertools
import math
import zlib

import numpy as np
import pytest

from backcalc.core.activations import ACTIVATIONS, Activation, Elu, LeakyRelu, Relu
from backcalc.core.losses import LOSSES
from backcalc.core.network import Convention, Exercise, Layer, Network, Trace, run
from tests.helpers import numeric_gradients

# Every registered activation, hidden and at the output: the registry drives the cases.
HIDDEN = [name for name, cls in ACTIVATIONS.items() if cls.__module__.startswith("backcalc.core.")]
KINKED = (Relu, LeakyRelu, Elu)

# Output activations that make sense for each loss (the first of a pair fuses where it can);
# a loss not listed here (a new one) is tried after an identity output.
KNOWN_OUTPUTS = {
    "half_squared_error": ["identity", "tanh", "sigmoid", "softmax"],
    "squared_error": ["identity", "exp", "relu"],
    "mean_squared_error": ["identity", "sin", "leaky_relu"],
    "cross_entropy": ["softmax", "sigmoid"],
    "softmax_cross_entropy": ["identity", "tanh"],
    "binary_cross_entropy": ["sigmoid", "softmax"],
    "sigmoid_binary_cross_entropy": ["identity", "elu"],
    "multiclass_hinge": ["identity", "softplus"],
}
OUTPUTS = {name: KNOWN_OUTPUTS.get(name, ["identity"]) for name in LOSSES}


def make_activation(name: str, rng: np.random.Generator) -> Activation:
    cls = ACTIVATIONS[name]
    if cls is LeakyRelu:
        return LeakyRelu(slope=float(rng.uniform(0.01, 0.3)))
    if cls is Elu:
        return Elu(alpha=float(rng.uniform(0.5, 2.0)))
    if cls is Relu:
        return Relu(derivative_at_zero=float(rng.choice([0.0, 1.0])))
    return cls()


def make_exercise(
    rng: np.random.Generator,
    loss_name: str,
    output: str,
    convention: Convention,
    batched: bool,
    bias_kind: str,
    reduction: str,
    l2: float,
) -> Exercise:
    n_layers = int(rng.integers(1, 4))
    sizes = [int(s) for s in rng.integers(1, 5, size=n_layers + 1)]
    loss = LOSSES[loss_name]()
    if loss.classes or output == "softmax":
        sizes[-1] = max(sizes[-1], 2)
    layers = []
    for index in range(n_layers):
        n_in, n_out = sizes[index], sizes[index + 1]
        w = rng.normal(0, 0.8, size=(n_out, n_in) if convention == "column" else (n_in, n_out))
        name = output if index == n_layers - 1 else str(rng.choice(HIDDEN))
        kind = bias_kind if bias_kind != "mixed" else str(rng.choice(["vector", "shared", "none"]))
        bias = {
            "vector": rng.normal(0, 0.5, n_out),
            "shared": np.asarray(rng.normal()),
            "none": None,
        }[kind]
        layers.append(Layer(w, bias, make_activation(name, rng), w.shape))
    m = int(rng.integers(2, 5)) if batched else 1
    x = rng.normal(0, 1, size=(m, sizes[0]))
    k = sizes[-1]
    if loss.classes:
        target = np.eye(k)[rng.integers(0, k, size=m)]
    elif loss.binary:
        target = (
            rng.uniform(0, 1, size=(m, k)) if rng.random() < 0.5 else rng.integers(0, 2, (m, k))
        )
    else:
        target = rng.normal(0, 1, size=(m, k))
    network = Network(convention, tuple(layers), loss, reduction, l2)  # type: ignore[arg-type]
    return Exercise(network, x, target.astype(np.float64), batched, learning_rate=0.1)


def away_from_kinks(trace: Trace) -> bool:
    """No ReLU-family input or hinge margin within reach of a finite-difference step."""
    for layer, lt in zip(trace.exercise.network.layers, trace.layers, strict=True):
        if isinstance(layer.activation, KINKED) and np.min(np.abs(lt.z)) < 1e-3:
            return False
    if trace.exercise.network.loss.name == "multiclass_hinge":
        yhat, y = trace.prediction, trace.exercise.target
        margins = yhat - np.sum(yhat * y, axis=1, keepdims=True) + 1
        if np.min(np.abs(margins[y == 0])) < 1e-3:
            return False
    return True


def assert_gradients_match(trace: Trace) -> None:
    numeric = numeric_gradients(trace.exercise)
    # Central differences lose about ε_machine·|J|/h to rounding in J itself: allow for it.
    atol = 1e-7 + 1e-8 * max(1.0, abs(trace.loss))
    for number, lt in enumerate(trace.layers, start=1):
        np.testing.assert_allclose(
            lt.dW, numeric[f"W{number}"], rtol=1e-5, atol=atol, err_msg=f"∂J/∂W{number}"
        )
        if lt.db is None:
            assert numeric[f"b{number}"] is None
        else:
            np.testing.assert_allclose(
                lt.db, numeric[f"b{number}"], rtol=1e-5, atol=atol, err_msg=f"∂J/∂b{number}"
            )
    np.testing.assert_allclose(trace.dJ_dx, numeric["x"], rtol=1e-5, atol=atol, err_msg="∂J/∂x")


CASES = [
    (loss, output, convention, batched, bias, reduction)
    for loss, outputs in OUTPUTS.items()
    for output in outputs
    for convention, batched, bias, reduction in itertools.product(
        ("column", "row"), (False, True), ("vector", "shared", "none", "mixed"), ("mean", "sum")
    )
    if not (reduction == "sum" and not batched)
]


@pytest.mark.parametrize(("loss", "output", "convention", "batched", "bias", "reduction"), CASES)
def test_random_networks_against_finite_differences(
    loss: str, output: str, convention: Convention, batched: bool, bias: str, reduction: str
) -> None:
    case = repr((loss, output, convention, batched, bias, reduction))
    rng = np.random.default_rng(zlib.crc32(case.encode()))  # stable across processes
    checked = 0
    for _ in range(40):
        l2 = float(rng.choice([0.0, 0.1]))
        exercise = make_exercise(rng, loss, output, convention, batched, bias, reduction, l2)
        trace = run(exercise)
        if not away_from_kinks(trace):
            continue
        assert_gradients_match(trace)
        checked += 1
        if checked == 3:
            break
    assert checked == 3


def test_every_activation_is_a_hidden_and_an_output_layer_somewhere() -> None:
    outputs = {output for names in OUTPUTS.values() for output in names}
    assert set(HIDDEN) <= set(ACTIVATIONS)
    assert {"identity", "softmax", "sigmoid"} <= outputs  # the fused and the plain cases


# -- the forward pass against a per-observation implementation ------------------------------

SCALAR = {
    "identity": lambda z: z,
    "sigmoid": lambda z: 1 / (1 + math.exp(-z)),
    "tanh": math.tanh,
    "softplus": lambda z: math.log(1 + math.exp(z)),
    "sin": math.sin,
    "cos": math.cos,
    "exp": math.exp,
}


def naive_forward(exercise: Exercise) -> list[list[list[float]]]:
    """a⁽ᴸ⁾ for each observation with explicit sums: Σⱼ wᵢⱼ·aⱼ + bᵢ, unit by unit."""
    net = exercise.network
    outputs = []
    for observation in exercise.x:
        a = list(observation)
        for layer in net.layers:
            w = layer.weights if net.convention == "column" else layer.weights.T
            z = []
            for i in range(w.shape[0]):
                total = sum(w[i, j] * a[j] for j in range(len(a)))
                if layer.bias is not None:
                    total += float(layer.bias) if layer.bias.ndim == 0 else layer.bias[i]
                z.append(total)
            name = layer.activation.name
            if name == "softmax":
                e = [math.exp(v) for v in z]
                a = [v / sum(e) for v in e]
            elif name == "relu":
                a = [max(0.0, v) for v in z]
            elif name == "leaky_relu":
                a = [v if v > 0 else layer.activation.slope * v for v in z]  # type: ignore[attr-defined]
            elif name == "elu":
                alpha = layer.activation.alpha  # type: ignore[attr-defined]
                a = [v if v > 0 else alpha * (math.exp(v) - 1) for v in z]
            else:
                a = [SCALAR[name](v) for v in z]
        outputs.append(a)
    return [outputs]


@pytest.mark.parametrize("seed", range(60))
def test_forward_matches_explicit_sums(seed: int) -> None:
    rng = np.random.default_rng(seed)
    loss = str(rng.choice(list(OUTPUTS)))
    exercise = make_exercise(
        rng,
        loss,
        str(rng.choice(OUTPUTS[loss])),
        str(rng.choice(["column", "row"])),  # type: ignore[arg-type]
        bool(rng.random() < 0.5),
        "mixed",
        "mean",
        0.0,
    )
    np.testing.assert_allclose(run(exercise).prediction, naive_forward(exercise)[0], rtol=1e-12)


# -- losses against their definitions ---------------------------------------------------------


def naive_loss(name: str, yhat: list[float], y: list[float]) -> float:
    k = len(y)
    c = y.index(max(y))
    softmax = [math.exp(v) / sum(math.exp(u) for u in yhat) for v in yhat]
    sig = [1 / (1 + math.exp(-v)) for v in yhat]
    return {
        "half_squared_error": lambda: 0.5 * sum((p - t) ** 2 for p, t in zip(yhat, y, strict=True)),
        "squared_error": lambda: sum((p - t) ** 2 for p, t in zip(yhat, y, strict=True)),
        "mean_squared_error": lambda: sum((p - t) ** 2 for p, t in zip(yhat, y, strict=True)) / k,
        "cross_entropy": lambda: -sum(t * math.log(p) for p, t in zip(yhat, y, strict=True) if t),
        "softmax_cross_entropy": lambda: -math.log(softmax[c]),
        "binary_cross_entropy": lambda: (
            -sum(t * math.log(p) + (1 - t) * math.log(1 - p) for p, t in zip(yhat, y, strict=True))
        ),
        "sigmoid_binary_cross_entropy": lambda: (
            -sum(t * math.log(p) + (1 - t) * math.log(1 - p) for p, t in zip(sig, y, strict=True))
        ),
        "multiclass_hinge": lambda: sum(
            max(0.0, yhat[j] - yhat[c] + 1) for j in range(k) if j != c
        ),
    }[name]()


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_loss_values_match_definitions(name: str) -> None:
    rng = np.random.default_rng(7)
    loss = LOSSES[name]()
    for _ in range(20):
        k = int(rng.integers(2, 5))
        if loss.classes:
            y = np.eye(k)[rng.integers(0, k)]
        else:
            y = rng.uniform(0, 1, k).round(0) if loss.binary else rng.normal(size=k)
        yhat = rng.normal(size=k)
        if name in ("cross_entropy", "binary_cross_entropy"):
            yhat = rng.uniform(0.05, 0.95, size=k)
        value = loss.value(yhat.reshape(1, k), y.reshape(1, k))[0]
        assert value == pytest.approx(naive_loss(name, list(yhat), list(y)), rel=1e-12)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_derivatives_against_finite_differences(name: str) -> None:
    rng = np.random.default_rng(3)
    activation = make_activation(name, rng)
    z = rng.uniform(-3, 3, size=(4, 5))
    z[np.abs(z) < 1e-2] = 0.5  # away from kinks
    h = 1e-6
    if activation.elementwise:
        numeric = (activation.value(z + h) - activation.value(z - h)) / (2 * h)
        np.testing.assert_allclose(activation.derivative(z), numeric, rtol=1e-6, atol=1e-9)
    else:
        jacobian = activation.derivative(z)
        for j in range(z.shape[1]):
            step = np.zeros_like(z)
            step[:, j] = h
            column = (activation.value(z + step) - activation.value(z - step)) / (2 * h)
            np.testing.assert_allclose(jacobian[:, :, j], column, rtol=1e-6, atol=1e-9)

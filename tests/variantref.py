"""An independent NumPy reference for the variant tests: a dense network's forward pass and J
written out here, its gradients by central finite differences of J (never the engine's backward
pass), and a graph's steps evaluated as Python arithmetic. The re-checks every drawn variant
must pass are here too: no ReLU-like input or hinge margin rounding to 0, no g'(z) rounding to 0
though it is not 0, no gradient entry rounding to 0 though it is not 0.

Only the numbers are taken from the engine's parsed exercise (weights, biases, data, names of
the activations and the loss and their options); everything computed from them is computed here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
EPS = 1e-6


def sigmoid(z: Array) -> Array:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)))  # no overflow


def activate(name: str, z: Array, options: dict[str, float]) -> Array:
    """g(z) for (m, k) z."""
    if name == "sigmoid":
        return sigmoid(z)
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, z, options.get("slope", 0.01) * z)
    if name == "elu":
        return np.where(z > 0, z, options.get("alpha", 1.0) * (np.exp(np.minimum(z, 0)) - 1))
    if name == "softplus":
        return np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0.0)
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return np.asarray(e / e.sum(axis=1, keepdims=True))
    if name in ("sin", "cos", "exp"):
        return np.asarray(getattr(np, name)(z))
    assert name == "identity", name
    return z


def slope(name: str, z: Array, options: dict[str, float]) -> Array:
    """g'(z) of an element-wise activation, in closed form."""
    if name == "sigmoid":
        s = sigmoid(z)
        return s * (1 - s)
    if name == "tanh":
        return np.asarray(1 - np.tanh(z) ** 2)
    if name == "relu":
        return np.where(z > 0, 1.0, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, options.get("slope", 0.01))
    if name == "elu":
        return np.where(z > 0, 1.0, options.get("alpha", 1.0) * np.exp(np.minimum(z, 0)))
    if name == "softplus":
        return sigmoid(z)
    if name == "sin":
        return np.cos(z)
    if name == "cos":
        return np.asarray(-np.sin(z))
    if name == "exp":
        return np.exp(z)
    assert name == "identity", name
    return np.ones_like(z)


def kinked(name: str, options: dict[str, float]) -> bool:
    """An activation whose slope jumps at 0."""
    if name == "leaky_relu":
        return options.get("slope", 0.01) != 1
    if name == "elu":
        return options.get("alpha", 1.0) != 1
    return name == "relu"


def sample_losses(name: str, yhat: Array, y: Array) -> Array:
    """ℓ per observation for (m, k) ŷ and y."""
    if name == "half_squared_error":
        return np.asarray(0.5 * np.sum((yhat - y) ** 2, axis=1))
    if name == "squared_error":
        return np.asarray(np.sum((yhat - y) ** 2, axis=1))
    if name == "mean_squared_error":
        return np.asarray(np.mean((yhat - y) ** 2, axis=1))
    if name == "cross_entropy":
        return np.asarray(-np.sum(np.where(y > 0, y * np.log(yhat), 0.0), axis=1))
    if name == "softmax_cross_entropy":
        shifted = yhat - yhat.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        return np.asarray(-np.sum(y * log_p, axis=1))
    if name == "binary_cross_entropy":
        return np.asarray(-np.sum(y * np.log(yhat) + (1 - y) * np.log(1 - yhat), axis=1))
    if name == "sigmoid_binary_cross_entropy":
        softplus = np.log1p(np.exp(-np.abs(yhat))) + np.maximum(yhat, 0.0)
        return np.asarray(np.sum(softplus - y * yhat, axis=1))
    assert name == "multiclass_hinge", name
    correct = np.sum(yhat * y, axis=1, keepdims=True)
    return np.asarray(np.sum(np.where(y == 1, 0.0, np.maximum(0.0, yhat - correct + 1)), axis=1))


@dataclass(frozen=True, eq=False)
class Net:
    """A network's numbers, weights canonical (out, in) whatever the convention."""

    weights: list[Array]
    biases: list[Array | None]  # (k,), a shared () or None
    activations: list[tuple[str, dict[str, float]]]
    x: Array
    y: Array
    loss: str
    reduction: str
    l2: float


def from_exercise(exercise: Any) -> Net:
    """The numbers of an engine's Exercise (only the numbers and the names)."""
    network = exercise.network
    weights, biases, activations = [], [], []
    for layer in network.layers:
        w = np.array(layer.weights, dtype=np.float64)
        weights.append(w if network.convention == "column" else w.T.copy())
        biases.append(None if layer.bias is None else np.array(layer.bias, dtype=np.float64))
        options = {
            key: float(getattr(layer.activation, key))
            for key in ("slope", "alpha")
            if hasattr(layer.activation, key)
        }
        activations.append((layer.activation.name, options))
    return Net(
        weights,
        biases,
        activations,
        np.array(exercise.x, dtype=np.float64),
        np.array(exercise.target, dtype=np.float64),
        network.loss.name,
        network.reduction,
        float(network.l2),
    )


def forward(
    net: Net, weights: list[Array], biases: list[Array | None]
) -> list[tuple[Array, Array]]:
    """(z, a) of every layer, (m, k) each."""
    found = []
    a = net.x
    for w, b, (name, options) in zip(weights, biases, net.activations, strict=True):
        z = a @ w.T + (0.0 if b is None else b)
        a = activate(name, z, options)
        found.append((z, a))
    return found


def objective(net: Net, weights: list[Array], biases: list[Array | None]) -> float:
    with np.errstate(all="ignore"):
        yhat = forward(net, weights, biases)[-1][1]
        losses = sample_losses(net.loss, yhat, net.y)
    data = float(np.mean(losses) if net.reduction == "mean" else np.sum(losses))
    return data + net.l2 * float(sum(np.sum(w**2) for w in weights))


def gradients(net: Net) -> list[tuple[str, int, Array]]:
    """('W' or 'b', layer from 1, ∂J/∂·) by central differences, canonical layout."""
    found = []
    for number in range(len(net.weights)):
        for which in ("W", "b"):
            params = net.weights if which == "W" else net.biases
            base = params[number]
            if base is None:
                continue
            result = np.zeros_like(base)
            for index in np.ndindex(base.shape):
                values = []
                for sign in (1.0, -1.0):
                    moved = base.copy()
                    moved[index] += sign * EPS
                    ws = list(net.weights)
                    bs = list(net.biases)
                    (ws if which == "W" else bs)[number] = moved
                    values.append(objective(net, ws, bs))
                result[index] = (values[0] - values[1]) / (2 * EPS)
            found.append((which, number + 1, result))
    return found


def half(decimals: int) -> float:
    """The largest size that rounds to 0 at `decimals` (half away from zero)."""
    return 0.5 * 10.0**-decimals


def network_faults(net: Net, decimals: int) -> list[str]:
    """What an independent re-check finds wrong with a drawn network (empty: nothing)."""
    faults = []
    u = half(decimals)
    layers = forward(net, net.weights, net.biases)
    for number, ((z, _), (name, options)) in enumerate(
        zip(layers, net.activations, strict=True), start=1
    ):
        if kinked(name, options) and np.any(np.abs(z) < u):
            faults.append(f"layer {number}: a {name} input within {u:g} of 0: {z.tolist()}")
        if name != "softmax":
            g = slope(name, z, options)
            if np.any((np.abs(g) < u) & (g != 0)):
                faults.append(f"layer {number}: g'(z) rounds to 0: {g.tolist()}")
    if net.loss == "multiclass_hinge":
        yhat = layers[-1][1]
        correct = np.sum(yhat * net.y, axis=1, keepdims=True)
        margins = np.where(net.y == 1, np.inf, yhat - correct + 1)
        if np.any(np.abs(margins) < u):
            faults.append(f"a hinge margin within {u:g} of 0: {margins.tolist()}")
    for which, number, gradient in gradients(net):
        size = np.abs(gradient)
        if np.any((size < u - 1e-7) & (size > 1e-7)):
            faults.append(f"∂J/∂{which}{number} rounds to 0: {gradient.tolist()}")
    return faults


# -- graphs ----------------------------------------------------------------------------------

FUNCTIONS: dict[str, Any] = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "abs": abs,
    "max": max,
    "min": min,
    "relu": lambda v: max(v, 0.0),
    "sigmoid": lambda v: 0.5 * (1 + math.tanh(0.5 * v)),
    "tanh": math.tanh,
}


def graph_output(steps: list[str], values: dict[str, float]) -> float:
    """The last step's value: each step `name = expression` evaluated as Python arithmetic."""
    env = dict(values)
    name = ""
    for step in steps:
        name, text = (part.strip() for part in step.split("=", 1))
        env[name] = float(eval(text, {"__builtins__": {}}, {**FUNCTIONS, **env}))
    return env[name]


def graph_gradients(steps: list[str], values: dict[str, float]) -> dict[str, float]:
    found = {}
    for name in values:
        up, down = dict(values), dict(values)
        up[name] += EPS
        down[name] -= EPS
        found[name] = (graph_output(steps, up) - graph_output(steps, down)) / (2 * EPS)
    return found


def graph_faults(steps: list[str], values: dict[str, float], decimals: int) -> list[str]:
    u = half(decimals)
    return [
        f"∂out/∂{name} rounds to 0: {g}"
        for name, g in graph_gradients(steps, values).items()
        if u - 1e-7 > abs(g) > 1e-7
    ]

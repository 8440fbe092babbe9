"""An independent NumPy reference for the planted-slip tests (issue 12, §2 and §3): dense networks
solved step by step as a student does by hand, with one known slip planted at one step.

Nothing here imports backcalc. Weights are held canonically as (out, in), so that
z⁽ˡ⁾ᵢ = W⁽ˡ⁾·a⁽ˡ⁻¹⁾ᵢ + b⁽ˡ⁾ for every observation i in both conventions (a row-convention spec
writes Wᵀ, and its gradients are transposed back in `answers`). Per-unit quantities are (m, k),
one row per observation, computed observation by observation; a softmax g' is (m, k, k). J is
the mean (or sum) over the batch of ℓ(ŷᵢ, yᵢ), so ∂J/∂ŷ carries the 1/m of a mean.

A student's solution is computed in hand-solution order, every step from the student's own
earlier values: `solve(net, slip)` makes the slip at its step and carries on correctly from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Step = tuple[str, int | None]  # (JSON name, layer from 1, or None for a top-level quantity)
Values = dict[Step, Array]

FUSED = {("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")}
SQUARED = ("half_squared_error", "squared_error")
HIDDEN = ("sigmoid", "tanh", "relu", "identity")
HEADS = (  # (output activation, loss)
    ("identity", "half_squared_error"),
    ("identity", "squared_error"),
    ("sigmoid", "half_squared_error"),
    ("tanh", "squared_error"),
    ("relu", "half_squared_error"),
    ("sigmoid", "binary_cross_entropy"),
    ("softmax", "cross_entropy"),
    ("softmax", "squared_error"),
    ("softmax", "half_squared_error"),
)
BATCHES: tuple[int | None, ...] = (None, 1, 2, 3, 5)  # None: one observation, not a batch


@dataclass(frozen=True, eq=False)
class Net:
    convention: str
    weights: tuple[Array, ...]  # canonical (out, in)
    biases: tuple[Array, ...]  # (k,)
    activations: tuple[str, ...]
    x: Array  # (m, n)
    y: Array  # (m, k)
    batched: bool
    loss: str
    reduction: str = "mean"
    learning_rate: float | None = None

    @property
    def n_layers(self) -> int:
        return len(self.weights)

    @property
    def m(self) -> int:
        return int(self.x.shape[0])

    @property
    def fused(self) -> bool:
        return (self.activations[-1], self.loss) in FUSED

    @property
    def scale(self) -> float:
        return 1.0 / self.m if self.reduction == "mean" else 1.0

    def spec(self) -> dict[str, Any]:
        """The spec as `backcalc.load` takes it, in the layout of the convention."""
        layers = [
            {
                "weights": (w if self.convention == "column" else w.T).tolist(),
                "bias": b.tolist(),
                "activation": act,
            }
            for w, b, act in zip(self.weights, self.biases, self.activations, strict=True)
        ]
        spec: dict[str, Any] = {
            "convention": self.convention,
            "input": self.x.tolist() if self.batched else self.x[0].tolist(),
            "target": self._targets() if self.batched else self._targets()[0],
            "layers": layers,
            "loss": {"name": self.loss, "reduction": self.reduction},
        }
        if self.learning_rate is not None:
            spec["learning_rate"] = self.learning_rate
        return spec

    def _targets(self) -> list[Any]:
        """One target per observation: a number for one output unit, else a vector."""
        return [float(row[0]) if len(row) == 1 else row.tolist() for row in self.y]


# -- activations and losses, per observation -------------------------------------------------


def activate(name: str, z: Array) -> Array:
    if name == "sigmoid":
        return np.asarray(1.0 / (1.0 + np.exp(-z)))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "softmax":
        e = np.exp(z - z.max())
        return np.asarray(e / e.sum())
    return z.copy()


def derivative(name: str, z: Array) -> Array:
    """g'(z) for one observation: a vector, or the k×k Jacobian of a softmax."""
    if name == "sigmoid":
        s = activate("sigmoid", z)
        return s * (1.0 - s)
    if name == "tanh":
        return np.asarray(1.0 - np.tanh(z) ** 2)
    if name == "relu":
        return np.where(z > 0, 1.0, 0.0)
    if name == "softmax":
        p = activate("softmax", z)
        return np.diag(p) - np.outer(p, p)
    return np.ones_like(z)


def chain(name: str, g_prime: Array, dJ_da: Array) -> Array:
    """δ for one observation: Jᵀ·∂J/∂a for a softmax, ∂J/∂a ⊙ g'(z) otherwise."""
    return np.asarray(g_prime.T @ dJ_da) if name == "softmax" else dJ_da * g_prime


def sample_loss(name: str, yhat: Array, y: Array) -> float:
    if name == "half_squared_error":
        return float(0.5 * np.sum((yhat - y) ** 2))
    if name == "squared_error":
        return float(np.sum((yhat - y) ** 2))
    if name == "cross_entropy":
        return float(-np.sum(y * np.log(yhat)))
    return float(-np.sum(y * np.log(yhat) + (1.0 - y) * np.log(1.0 - yhat)))


def loss_gradient(name: str, yhat: Array, y: Array) -> Array:
    """∂ℓ/∂ŷ for one observation."""
    if name == "half_squared_error":
        return yhat - y
    if name == "squared_error":
        return 2.0 * (yhat - y)
    if name == "cross_entropy":
        return -y / yhat
    return np.asarray(-y / yhat + (1.0 - y) / (1.0 - yhat))


# -- the steps of a hand solution ----------------------------------------------------------


def hand_order(net: Net) -> list[Step]:
    """Forward 1..L, ŷ, ℓ per observation, J, backward L..1, ∂J/∂x, then the update."""
    L = net.n_layers
    order: list[Step] = [(name, layer) for layer in range(1, L + 1) for name in ("z", "a")]
    order += [("prediction", None), ("losses", None), ("loss", None)]
    backward = ("dJ_da", "g_prime", "delta", "dJ_dW", "dJ_db")
    order += [(name, layer) for layer in range(L, 0, -1) for name in backward]
    order.append(("dJ_dx", None))
    if net.learning_rate is not None:
        order += [
            (name, layer)
            for layer in range(1, L + 1)
            for name in ("weights_updated", "bias_updated")
        ]
    return order


def layer_input(net: Net, v: Values, layer: int) -> Array:
    """a⁽ˡ⁻¹⁾ as the student has it (x for the first layer)."""
    return net.x if layer == 1 else v[("a", layer - 1)]


def per_observation(f: Callable[[int], Array], m: int) -> Array:
    return np.array([f(i) for i in range(m)], dtype=np.float64)


def input_gradient(weights: Array, delta: Array) -> Array:
    """∂J/∂a⁽ˡ⁻¹⁾ᵢ = Wᵀ·δᵢ for every observation."""
    return per_observation(lambda i: weights.T @ delta[i], len(delta))


def weight_gradient(delta: Array, a_prev: Array) -> Array:
    """∂J/∂W = Σᵢ δᵢ·a⁽ˡ⁻¹⁾ᵢᵀ, canonical (out, in)."""
    return np.asarray(sum(np.outer(delta[i], a_prev[i]) for i in range(len(delta))))


def upstream_layer(step: Step, net: Net) -> int | None:
    """The layer whose W and δ give this input-gradient step (∂J/∂a⁽ˡ⁾ or ∂J/∂x)."""
    name, layer = step
    if name == "dJ_dx":
        return 1
    if name == "dJ_da" and layer is not None and layer < net.n_layers:
        return layer + 1
    return None


def formula(net: Net, v: Values, step: Step) -> Array:
    """The step's correct formula applied to the student's own earlier values `v`."""
    name, layer = step
    m = net.m
    if name in ("prediction", "losses", "loss"):
        yhat = v[("a", net.n_layers)]
        if name == "prediction":
            return yhat.copy()
        if name == "losses":
            return np.array([sample_loss(net.loss, yhat[i], net.y[i]) for i in range(m)])
        losses = v[("losses", None)]
        return np.asarray(np.mean(losses) if net.reduction == "mean" else np.sum(losses))
    source = upstream_layer(step, net)
    if source is not None:
        return input_gradient(net.weights[source - 1], v[("delta", source)])
    assert layer is not None
    w, b, act = net.weights[layer - 1], net.biases[layer - 1], net.activations[layer - 1]
    if name == "z":
        a_prev = layer_input(net, v, layer)
        return per_observation(lambda i: w @ a_prev[i] + b, m)
    if name == "a":
        return per_observation(lambda i: activate(act, v[("z", layer)][i]), m)
    if name == "dJ_da":  # the last layer's: ∂J/∂ŷ
        yhat = v[("prediction", None)]
        return per_observation(lambda i: net.scale * loss_gradient(net.loss, yhat[i], net.y[i]), m)
    if name == "g_prime":
        return per_observation(lambda i: derivative(act, v[("z", layer)][i]), m)
    if name == "delta":
        if layer == net.n_layers and net.fused:
            return net.scale * (v[("prediction", None)] - net.y)
        return per_observation(
            lambda i: chain(act, v[("g_prime", layer)][i], v[("dJ_da", layer)][i]), m
        )
    if name == "dJ_dW":
        return weight_gradient(v[("delta", layer)], layer_input(net, v, layer))
    if name == "dJ_db":
        return np.asarray(v[("delta", layer)].sum(axis=0))
    eta = net.learning_rate
    assert eta is not None
    if name == "weights_updated":
        return w - eta * v[("dJ_dW", layer)]
    return b - eta * v[("dJ_db", layer)]


@dataclass(frozen=True, eq=False)
class Slip:
    """A known wrong procedure at one step: `value(net, v)` is what it gives there from the
    student's own earlier values."""

    code: str
    step: Step
    value: Callable[[Net, Values], Array]
    note: str = ""

    def __repr__(self) -> str:
        return f"{self.code} at {self.step} {self.note}".rstrip()


def solve(net: Net, slip: Slip | None = None) -> Values:
    """Every step in hand-solution order, each from the student's own earlier values; at the
    slip's step, the slip's value instead."""
    v: Values = {}
    for step in hand_order(net):
        v[step] = (
            slip.value(net, v) if slip is not None and step == slip.step else formula(net, v, step)
        )
    return v


def claimed(net: Net) -> list[Step]:
    """The steps a test claims: all of them but g' of a softmax layer on a batch, a (m, k, k)
    array that the answers reader does not take (issue 12, §4; not what these tests are about,
    and no slip planted here changes it)."""
    return [
        (name, layer)
        for name, layer in hand_order(net)
        if not (
            name == "g_prime"
            and net.batched
            and layer is not None
            and net.activations[layer - 1] == "softmax"
        )
    ]


def answers(net: Net, values: Values, shapes: dict[Step, tuple[int, ...]]) -> dict[str, Any]:
    """The answers-file layout of `backcalc.check` for the `claimed` steps, every value a float
    array in the shape the engine reports (`shapes`), weight quantities in the layout of the
    convention."""
    doc: dict[str, Any] = {"layers": {layer: {} for layer in range(1, net.n_layers + 1)}}
    for step in claimed(net):
        name, layer = step
        value = values[step]
        shaped = user_layout(net, step, value, shapes[step])
        if name == "loss":
            doc["loss"] = float(shaped)
        elif layer is None:
            doc[name] = shaped
        else:
            doc["layers"][layer][name] = shaped
    return doc


def user_layout(net: Net, step: Step, value: Array, shape: tuple[int, ...]) -> Array:
    """A canonical value in the layout and shape the engine reports it in."""
    user = value.T if step[0] in ("dJ_dW", "weights_updated") and net.convention == "row" else value
    return np.ascontiguousarray(user).reshape(shape)


# -- random networks -----------------------------------------------------------------------


def draw(
    rng: np.random.Generator,
    *,
    n_layers: int | None = None,
    sizes: dict[int, int] | None = None,
    heads: tuple[tuple[str, str], ...] = HEADS,
    hidden: tuple[str, ...] = HIDDEN,
    batches: tuple[int | None, ...] = BATCHES,
    rates: tuple[float | None, ...] = (None, 0.1, 0.5),
    reduction: str = "mean",
) -> Net | None:
    """A random dense network (1-3 layers of 1-4 units) with its data; `sizes` fixes some
    widths (index 0 is the input's). None for a draw too close to a kink or a saturation:
    a ReLU input within 0.05 of 0, a binary cross-entropy ŷ within 0.02 of 0 or 1."""
    L = int(n_layers if n_layers is not None else rng.integers(1, 4))
    act, loss = heads[int(rng.integers(len(heads)))]
    width = [int(rng.integers(1, 5)) for _ in range(L + 1)]
    width[L] = int(rng.integers(2, 5)) if act == "softmax" else width[L]
    for index, value in (sizes or {}).items():
        width[index] = value
    if act == "softmax" and width[L] < 2:
        return None
    batch = batches[int(rng.integers(len(batches)))]
    m = 1 if batch is None else batch
    weights = tuple(rng.uniform(-1.5, 1.5, (width[layer + 1], width[layer])) for layer in range(L))
    biases = tuple(rng.uniform(-0.5, 0.5, width[layer + 1]) for layer in range(L))
    activations = (*(hidden[int(rng.integers(len(hidden)))] for _ in range(L - 1)), act)
    x = rng.uniform(-2.0, 2.0, (m, width[0]))
    k = width[L]
    if loss == "cross_entropy":
        y = np.eye(k)[rng.integers(0, k, m)]
    elif loss == "binary_cross_entropy":
        y = rng.integers(0, 2, (m, k)).astype(np.float64)
    else:
        y = rng.uniform(-1.0, 1.0, (m, k))
    rate = rates[int(rng.integers(len(rates)))]
    conv = "column" if rng.integers(2) == 0 else "row"
    net = Net(conv, weights, biases, activations, x, y, batch is not None, loss, reduction, rate)
    v = solve(net)
    for layer, name in enumerate(activations, start=1):
        if name == "relu" and np.min(np.abs(v[("z", layer)])) < 0.05:
            return None
    if loss == "binary_cross_entropy" and not np.all(np.abs(v[("a", L)] - 0.5) < 0.48):
        return None
    return net


# -- planting: one function per slip code, each drawing a network and a step ---------------

Planted = tuple[Net, Slip] | None


def pick(rng: np.random.Generator, items: list[Any] | tuple[Any, ...]) -> Any:
    return items[int(rng.integers(len(items)))]


def input_gradient_step(j: int) -> Step:
    """The step that layer j's W and δ give: ∂J/∂a⁽ʲ⁻¹⁾, or ∂J/∂x for the first layer."""
    return ("dJ_dx", None) if j == 1 else ("dJ_da", j - 1)


def square(rng: np.random.Generator, **options: Any) -> tuple[Net, int] | None:
    """A network whose layer j has a square W with at least 2 units."""
    L = int(rng.integers(1, 4))
    j = int(rng.integers(1, L + 1))
    k = int(rng.integers(2, 5))
    net = draw(rng, n_layers=L, sizes={j - 1: k, j: k}, **options)
    return None if net is None else (net, j)


SQUARED_HEADS = tuple(head for head in HEADS if head[1] in SQUARED)


def forgot_activation_derivative(rng: np.random.Generator) -> Planted:
    net = draw(rng)
    if net is None:
        return None
    L = net.n_layers
    layers = [
        layer
        for layer in range(1, L + 1)
        if net.activations[layer - 1] != "identity" and not (layer == L and net.fused)
    ]
    if not layers:
        return None
    layer = pick(rng, layers)
    return net, Slip(
        "forgot_activation_derivative", ("delta", layer), lambda n, v: v[("dJ_da", layer)]
    )


def z_instead_of_upstream(rng: np.random.Generator) -> Planted:
    net = draw(rng)
    if net is None:
        return None
    L = net.n_layers
    layers = [
        layer
        for layer in range(1, L + 1)
        if net.activations[layer - 1] != "softmax" and not (layer == L and net.fused)
    ]
    if not layers:
        return None
    layer = pick(rng, layers)
    return net, Slip(
        "z_instead_of_upstream",
        ("delta", layer),
        lambda n, v: v[("z", layer)] * v[("g_prime", layer)],
    )


def derivative_at_activation(rng: np.random.Generator) -> Planted:
    """g' at a instead of z (σ(a)(1 − σ(a)), 1 − tanh²(a)) or the a-form at z (z(1 − z),
    1 − z²), written as g' or used straight in δ."""
    heads = (
        ("sigmoid", "half_squared_error"),
        ("tanh", "squared_error"),
        ("sigmoid", "binary_cross_entropy"),
        ("identity", "half_squared_error"),
    )
    net = draw(rng, heads=heads, hidden=("sigmoid", "tanh", "identity"))
    if net is None:
        return None
    L = net.n_layers
    layers = [
        layer for layer in range(1, L + 1) if net.activations[layer - 1] in ("sigmoid", "tanh")
    ]
    if not layers:
        return None
    layer = pick(rng, layers)
    act = net.activations[layer - 1]
    at_a = bool(rng.integers(2))
    where = "g_prime" if layer == L and net.fused else pick(rng, ("g_prime", "delta"))

    def wrong_g_prime(v: Values) -> Array:
        if at_a:
            return derivative(act, v[("a", layer)])
        z = v[("z", layer)]
        return z * (1.0 - z) if act == "sigmoid" else np.asarray(1.0 - z**2)

    def value(n: Net, v: Values) -> Array:
        wrong = wrong_g_prime(v)
        return wrong if where == "g_prime" else v[("dJ_da", layer)] * wrong

    note = "g'(a)" if at_a else "a-form at z"
    return net, Slip("derivative_at_activation", (where, layer), value, note)


def missing_transpose(rng: np.random.Generator) -> Planted:
    drawn = square(rng)
    if drawn is None:
        return None
    net, j = drawn
    w = net.weights[j - 1]
    return net, Slip(
        "missing_transpose",
        input_gradient_step(j),
        lambda n, v: per_observation(lambda i: w @ v[("delta", j)][i], n.m),
    )


def transposed_gradient(rng: np.random.Generator) -> Planted:
    drawn = square(rng)
    if drawn is None:
        return None
    net, j = drawn
    step: Step = ("dJ_dW", j)
    return net, Slip("transposed_gradient", step, lambda n, v: formula(n, v, step).T.copy())


def error_sign(rng: np.random.Generator) -> Planted:
    net = draw(rng, heads=SQUARED_HEADS)
    if net is None:
        return None
    step: Step = ("dJ_da", net.n_layers)
    return net, Slip("error_sign", step, lambda n, v: -formula(n, v, step))


def _update(rng: np.random.Generator, code: str, rates: tuple[float, ...]) -> Planted:
    net = draw(rng, rates=rates)
    if net is None:
        return None
    j = int(rng.integers(1, net.n_layers + 1))
    which = pick(rng, ("weights_updated", "bias_updated"))
    gradient: Step = ("dJ_dW" if which == "weights_updated" else "dJ_db", j)
    old = net.weights[j - 1] if which == "weights_updated" else net.biases[j - 1]

    def value(n: Net, v: Values) -> Array:
        eta = n.learning_rate
        assert eta is not None
        if code == "update_sign":
            return old + eta * v[gradient]
        if code == "update_without_rate":
            return old - v[gradient]
        return old.copy()  # update_not_applied

    return net, Slip(code, (which, j), value)


def update_sign(rng: np.random.Generator) -> Planted:
    return _update(rng, "update_sign", (0.1, 0.5))


def update_without_rate(rng: np.random.Generator) -> Planted:
    return _update(rng, "update_without_rate", (0.05, 0.1, 0.5))


def update_not_applied(rng: np.random.Generator) -> Planted:
    return _update(rng, "update_not_applied", (0.1, 0.5))


def factor_two(rng: np.random.Generator) -> Planted:
    # no batch of 2, where a factor of 2 is also batch_sum_vs_mean's factor m
    net = draw(rng, heads=SQUARED_HEADS, batches=(None, 1, 3, 5))
    if net is None:
        return None
    step: Step = ("dJ_da", net.n_layers)
    factor = pick(rng, (2.0, 0.5))
    return net, Slip("factor_two", step, lambda n, v: factor * formula(n, v, step), f"×{factor}")


def batch_sum_vs_mean_at(
    rng: np.random.Generator, batches: tuple[int, ...], reductions: tuple[str, ...]
) -> Planted:
    """The loss derivative summed where the spec averages (×m), or averaged where it sums (÷m)."""
    net = draw(rng, heads=SQUARED_HEADS, batches=batches, reduction=pick(rng, reductions))
    if net is None:
        return None
    step: Step = ("dJ_da", net.n_layers)
    factor = float(net.m) if net.reduction == "mean" else 1.0 / net.m
    return net, Slip(
        "batch_sum_vs_mean", step, lambda n, v: factor * formula(n, v, step), f"×{factor:g}"
    )


def batch_sum_vs_mean(rng: np.random.Generator) -> Planted:
    return batch_sum_vs_mean_at(rng, (3, 5), ("mean", "sum"))


def single_path(rng: np.random.Generator) -> Planted:
    L = int(rng.integers(1, 4))
    j = int(rng.integers(1, L + 1))
    net = draw(rng, n_layers=L, sizes={j: int(rng.integers(2, 5))})
    if net is None:
        return None
    w = net.weights[j - 1]
    unit = int(rng.integers(w.shape[0]))
    return net, Slip(
        "single_path",
        input_gradient_step(j),
        lambda n, v: per_observation(lambda i: w[unit] * v[("delta", j)][i, unit], n.m),
        f"unit {unit}",
    )


def wrong_upstream_activation(rng: np.random.Generator) -> Planted:
    net = draw(rng, n_layers=int(rng.integers(2, 4)), hidden=("sigmoid", "tanh", "relu"))
    if net is None:
        return None
    j = int(rng.integers(2, net.n_layers + 1))
    return net, Slip(
        "wrong_upstream_activation",
        ("dJ_dW", j),
        lambda n, v: weight_gradient(v[("delta", j)], v[("z", j - 1)]),
    )


def softmax_diagonal_only(rng: np.random.Generator) -> Planted:
    heads = (("softmax", "squared_error"), ("softmax", "half_squared_error"))
    net = draw(rng, heads=heads)
    if net is None:
        return None
    L = net.n_layers

    def value(n: Net, v: Values) -> Array:
        p = v[("a", L)]
        return p * (1.0 - p) * v[("dJ_da", L)]

    return net, Slip("softmax_diagonal_only", ("delta", L), value)


def derivative_applied_twice(rng: np.random.Generator) -> Planted:
    net = draw(rng, heads=(("sigmoid", "binary_cross_entropy"),))
    if net is None:
        return None

    def value(n: Net, v: Values) -> Array:
        yhat = v[("prediction", None)]
        return n.scale * (yhat - n.y) * yhat * (1.0 - yhat)

    return net, Slip("derivative_applied_twice", ("delta", net.n_layers), value)


def updated_weights_in_backward(rng: np.random.Generator) -> Planted:
    net = draw(rng, rates=(0.5, 1.0))
    if net is None:
        return None
    j = int(rng.integers(1, net.n_layers + 1))

    def value(n: Net, v: Values) -> Array:
        eta = n.learning_rate
        assert eta is not None
        return input_gradient(n.weights[j - 1] - eta * v[("dJ_dW", j)], v[("delta", j)])

    return net, Slip("updated_weights_in_backward", input_gradient_step(j), value)


def bias_gradient_times_input(rng: np.random.Generator) -> Planted:
    L = int(rng.integers(1, 4))
    j = int(rng.integers(1, L + 1))
    net = draw(rng, n_layers=L, sizes={j - 1: 1})
    if net is None:
        return None

    def value(n: Net, v: Values) -> Array:
        delta, inputs = v[("delta", j)], layer_input(n, v, j)
        return np.asarray(sum(delta[i] * inputs[i, 0] for i in range(n.m)))

    return net, Slip("bias_gradient_times_input", ("dJ_db", j), value)


BACKWARD_STEPS = ("dJ_da", "g_prime", "delta", "dJ_dW", "dJ_db", "dJ_dx")


def decimal_shift(rng: np.random.Generator) -> Planted:
    net = draw(rng)
    if net is None:
        return None
    steps = [s for s in claimed(net) if s[0] in (*BACKWARD_STEPS, "weights_updated")]
    step: Step = pick(rng, steps)
    factor = pick(rng, (10.0, 0.01))
    return net, Slip(
        "decimal_shift", step, lambda n, v: factor * formula(n, v, step), f"×{factor:g}"
    )


PLANTERS: dict[str, Callable[[np.random.Generator], Planted]] = {
    planter.__name__: planter
    for planter in (
        forgot_activation_derivative,
        z_instead_of_upstream,
        derivative_at_activation,
        missing_transpose,
        transposed_gradient,
        error_sign,
        update_sign,
        factor_two,
        batch_sum_vs_mean,
        single_path,
        wrong_upstream_activation,
        softmax_diagonal_only,
        derivative_applied_twice,
        updated_weights_in_backward,
        bias_gradient_times_input,
        update_without_rate,
        update_not_applied,
        decimal_shift,
    )
}

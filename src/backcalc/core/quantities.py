"""The quantities of a trace by name, in the shapes users write them, and in hand-solution order.

The names are those of `run --format json` and of an answers file: per layer `z`, `a`,
`g_prime`, `dJ_da`, `delta`, `dJ_dW`, `dJ_db`, `weights_updated`, `bias_updated`; at the top
`prediction`, `loss`, `dJ_dx`. Shapes: a per-unit quantity is (k,) for one observation and (m, k)
for a batch (a softmax Jacobian (k, k) or (m, k, k)); a weight quantity has the shape the weights
were written in; a bias quantity the shape the bias was written in (() when shared).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.network import Layer, Trace

FORWARD = ("z", "a")
BACKWARD = ("dJ_da", "g_prime", "delta", "dJ_dW", "dJ_db")
UPDATES = ("weights_updated", "bias_updated")
LAYER_QUANTITIES = FORWARD + BACKWARD + UPDATES
TOP_QUANTITIES = ("prediction", "probabilities", "predicted_class", "losses", "loss", "dJ_dx")
OUTPUTS = ("probabilities", "predicted_class", "losses")  # besides ŷ and J; some networks lack them
GRADIENTS = {"dJ_dW": "W", "dJ_db": "b", "dJ_dx": "x"}


def per_unit(values: Array, batched: bool) -> Array:
    """(m, k) as the user sees it: (k,) for one observation, (m, k) for a batch."""
    return values if batched else values[0]


def as_weights(values: Array, layer: Layer) -> Array:
    return values.reshape(layer.weights_shape)


def as_bias(values: Array, layer: Layer) -> Array:
    return values.reshape(layer.bias_shape or values.shape)


def layer_quantity(trace: Trace, number: int, name: str) -> Array | None:
    """Quantity `name` of layer `number` (from 1), or None where the layer has none."""
    layer, lt = trace.exercise.network.layers[number - 1], trace.layers[number - 1]
    batched = trace.exercise.batched
    if name in ("dJ_dW", "weights_updated"):
        values = lt.dW if name == "dJ_dW" else lt.weights_updated
        return None if values is None else as_weights(values, layer)
    if name in ("dJ_db", "bias_updated"):
        values = lt.db if name == "dJ_db" else lt.bias_updated
        return None if values is None else as_bias(values, layer)
    return per_unit(getattr(lt, name), batched)


def top_quantity(trace: Trace, name: str) -> Array:
    if name == "loss":
        return np.asarray(trace.loss)
    values = trace.prediction if name == "prediction" else trace.dJ_dx
    return per_unit(values, trace.exercise.batched)


def output_quantity(trace: Trace, name: str) -> Array | None:
    """The class probabilities and the predicted class (None unless the loss classifies), and
    ℓ per observation, as `run --format json` gives them."""
    batched = trace.exercise.batched
    if name == "losses":
        return np.asarray(trace.losses)
    values = trace.probabilities if name == "probabilities" else trace.predicted
    return None if values is None else per_unit(np.asarray(values, dtype=np.float64), batched)


def quantity(trace: Trace, name: str, layer: int | None) -> Array | None:
    if layer is not None:
        return layer_quantity(trace, layer, name)
    return output_quantity(trace, name) if name in OUTPUTS else top_quantity(trace, name)


def hand_order(n_layers: int) -> list[tuple[str, int | None]]:
    """(name, layer) in the order a hand solution goes: forward 1..L, ŷ and J, backward L..1,
    ∂J/∂x, then the gradient-descent step."""
    order: list[tuple[str, int | None]] = [
        (name, number) for number in range(1, n_layers + 1) for name in FORWARD
    ]
    order += [("prediction", None), *((name, None) for name in OUTPUTS), ("loss", None)]
    order += [(name, number) for number in range(n_layers, 0, -1) for name in BACKWARD]
    order.append(("dJ_dx", None))
    order += [(name, number) for number in range(1, n_layers + 1) for name in UPDATES]
    return order

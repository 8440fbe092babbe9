"""`--format json`: one JSON document with every intermediate at full float64 precision.

Per-unit quantities are flat lists for one observation and one list per observation (m×k) for a
batch, whatever the convention; weight gradients have the shape of the weights as written;
bias gradients the shape of the bias (a number when shared, null when there is none).
Non-finite numbers (only ∂J/∂ŷ can hold them, under a fused output) become null.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from backcalc.core.quantities import (
    FORWARD,
    UPDATES,
    as_bias,
    as_weights,
    layer_quantity,
    per_unit,
    top_quantity,
)

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.network import Trace


def _plain(value: Any) -> Any:
    """Nested lists of floats with NaN and ±∞ replaced by None."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _layer_document(trace: Trace, number: int) -> dict[str, Any]:
    layer = trace.exercise.network.layers[number - 1]
    doc: dict[str, Any] = {
        "layer": number,
        "activation": layer.activation.name,
        "weights": _json(as_weights(layer.weights, layer)),  # as used: loaded or initialised
        "bias": None if layer.bias is None else _json(as_bias(layer.bias, layer)),
    }
    names: tuple[str, ...] = (*FORWARD, "g_prime", "dJ_da", "delta", "dJ_dW", "dJ_db")
    if trace.exercise.learning_rate is not None:
        names += UPDATES
    for name in names:
        doc[name] = _json(layer_quantity(trace, number, name))
    return doc


def _json(values: Array | None) -> Any:
    return None if values is None else _plain(values.tolist())


def document(trace: Trace) -> dict[str, Any]:
    """The whole trace as JSON-ready data."""
    ex = trace.exercise
    batched, network = ex.batched, ex.network
    doc: dict[str, Any] = {
        "title": ex.title,
        "description": ex.description,
        "convention": network.convention,
        "loss_function": network.loss.name,
        "reduction": network.reduction,
        "loss": trace.loss,
        "data_loss": trace.data_loss,
        "l2_loss": trace.l2_loss,
        "losses": trace.losses.tolist(),
        "prediction": _json(top_quantity(trace, "prediction")),
        "target": _json(per_unit(ex.target, batched)),
        "fused_output_delta": trace.fused,
    }
    if trace.probabilities is not None:
        doc["probabilities"] = _json(per_unit(trace.probabilities, batched))
    if trace.predicted is not None:
        predicted = trace.predicted if batched else trace.predicted[0]
        doc["predicted_class"] = np.asarray(predicted).tolist()
    doc["dJ_dx"] = _json(top_quantity(trace, "dJ_dx"))
    doc["layers"] = [_layer_document(trace, n) for n in range(1, len(network.layers) + 1)]
    if ex.learning_rate is not None:
        doc["learning_rate"] = ex.learning_rate
    return doc


def render(trace: Trace) -> str:
    return json.dumps(document(trace), indent=2, allow_nan=False, ensure_ascii=False) + "\n"

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

if TYPE_CHECKING:
    from backcalc.activations import Array
    from backcalc.network import Layer, LayerTrace, Trace


def _plain(value: Any) -> Any:
    """Nested lists of floats with NaN and ±∞ replaced by None."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def per_unit(values: Array, batched: bool) -> Any:
    """(m, k) -> k-list for one observation, m×k lists for a batch (also (m, k, k) Jacobians)."""
    return _plain((values if batched else values[0]).tolist())


def as_written(values: Array, layer: Layer) -> Any:
    """A weight-shaped array in the shape the user wrote the weights in."""
    return _plain(values.reshape(layer.weights_shape).tolist())


def bias_value(values: Array | None, layer: Layer) -> Any:
    """A bias-shaped array in the shape the user wrote the bias in (a number when shared)."""
    if values is None:
        return None
    return _plain(values.reshape(layer.bias_shape or values.shape).tolist())


def layer_document(layer: Layer, trace: LayerTrace, number: int, batched: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "layer": number,
        "activation": layer.activation.name,
        "z": per_unit(trace.z, batched),
        "a": per_unit(trace.a, batched),
        "g_prime": per_unit(trace.g_prime, batched),
        "dJ_da": per_unit(trace.dJ_da, batched),
        "delta": per_unit(trace.delta, batched),
        "dJ_dW": as_written(trace.dW, layer),
        "dJ_db": bias_value(trace.db, layer),
    }
    if trace.weights_updated is not None:
        doc["weights_updated"] = as_written(trace.weights_updated, layer)
        doc["bias_updated"] = bias_value(trace.bias_updated, layer)
    return doc


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
        "prediction": per_unit(trace.prediction, batched),
        "target": per_unit(ex.target, batched),
        "fused_output_delta": trace.fused,
    }
    if trace.probabilities is not None:
        doc["probabilities"] = per_unit(trace.probabilities, batched)
    if trace.predicted is not None:
        predicted = trace.predicted if batched else trace.predicted[0]
        doc["predicted_class"] = np.asarray(predicted).tolist()
    doc["dJ_dx"] = per_unit(trace.dJ_dx, batched)
    doc["layers"] = [
        layer_document(layer, layer_trace, number, batched)
        for number, (layer, layer_trace) in enumerate(
            zip(network.layers, trace.layers, strict=True), 1
        )
    ]
    if ex.learning_rate is not None:
        doc["learning_rate"] = ex.learning_rate
    return doc


def render(trace: Trace) -> str:
    return json.dumps(document(trace), indent=2, allow_nan=False, ensure_ascii=False) + "\n"

"""`backcalc train --format json`: every loss and the final parameters, however long the run."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from backcalc.core.quantities import as_bias, as_weights

if TYPE_CHECKING:
    from backcalc.core.training import TrainResult


def document(result: TrainResult) -> dict[str, Any]:
    s, ex = result.settings, result.exercise
    return {
        "title": ex.title,
        "unit": s.unit,
        "steps": s.steps,
        "epochs": s.epochs,
        "batch_size": s.batch_size,
        "updates": result.updates,
        "learning_rate": s.learning_rate,
        "momentum": s.momentum,
        "lr_step": s.lr_step,
        "lr_gamma": s.lr_gamma,
        "seed": s.seed,
        "losses": list(result.losses),
        "learning_rates": list(result.rates),
        "accuracy_before": result.accuracy_before,
        "accuracy": result.accuracy,
        "layers": [
            {
                "weights": as_weights(layer.weights, layer).tolist(),
                "bias": None if layer.bias is None else as_bias(layer.bias, layer).tolist(),
            }
            for layer in ex.network.layers
        ],
    }


def render(result: TrainResult) -> str:
    return json.dumps(document(result), indent=2, allow_nan=False, ensure_ascii=False) + "\n"

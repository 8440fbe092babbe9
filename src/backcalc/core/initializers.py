"""Seeded random initialisation of weights and biases, with the formulas of PyTorch's `nn.init`
so that results can be cross-checked (the random streams differ: numpy's `default_rng(seed)`
draws them, the same numbers on every machine with the same numpy).

fan_in is the layer's number of inputs and fan_out its number of units, in either convention.
  zeros, constant(value), normal(mean, std), uniform(low, high)
  xavier_uniform: U(−a, a), a = gain·√(6 / (fan_in + fan_out))
  xavier_normal:  N(0, std²), std = gain·√(2 / (fan_in + fan_out))
  he_uniform:     U(−b, b), b = gain·√(3 / fan_in), gain = √2 by default (kaiming_uniform_, fan_in)
  he_normal:      N(0, std²), std = gain / √fan_in, gain = √2 by default (kaiming_normal_, fan_in)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from backcalc.core.activations import Array

# name: {option: default}; `seed` is accepted by every random one
INITS: dict[str, dict[str, float]] = {
    "zeros": {},
    "constant": {"value": 0.0},
    "normal": {"mean": 0.0, "std": 1.0},
    "uniform": {"low": 0.0, "high": 1.0},
    "xavier_uniform": {"gain": 1.0},
    "xavier_normal": {"gain": 1.0},
    "he_uniform": {"gain": math.sqrt(2.0)},
    "he_normal": {"gain": math.sqrt(2.0)},
}


def initialise(
    name: str,
    shape: tuple[int, ...],
    fan_in: int,
    fan_out: int,
    seed: int,
    options: dict[str, float],
) -> Array:
    """An array of `shape` drawn by initialiser `name` (options filled with INITS' defaults)."""
    o = INITS[name] | options
    rng = np.random.default_rng(seed)
    if name == "zeros":
        return np.zeros(shape)
    if name == "constant":
        return np.full(shape, o["value"], dtype=np.float64)
    if name == "normal":
        return rng.normal(o["mean"], o["std"], size=shape)
    if name == "uniform":
        return rng.uniform(o["low"], o["high"], size=shape)
    if name == "xavier_uniform":
        bound = o["gain"] * math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-bound, bound, size=shape)
    if name == "xavier_normal":
        return rng.normal(0.0, o["gain"] * math.sqrt(2.0 / (fan_in + fan_out)), size=shape)
    if name == "he_uniform":
        bound = o["gain"] * math.sqrt(3.0 / fan_in)
        return rng.uniform(-bound, bound, size=shape)
    return rng.normal(0.0, o["gain"] / math.sqrt(fan_in), size=shape)

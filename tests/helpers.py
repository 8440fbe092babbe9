"""Helpers shared by the tests: central finite differences, written independently of the
engine's backward pass (they only call the forward-only `objective`)."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import numpy as np

from backcalc.core.network import Exercise, objective

EPS = 1e-6


def _entries(array: np.ndarray) -> Iterator[tuple[int, ...]]:
    yield from np.ndindex(array.shape)


def numeric_gradient(exercise: Exercise, array: np.ndarray) -> np.ndarray:
    """∂J/∂(array) by central differences; `array` must belong to `exercise` (it is perturbed
    in place and restored)."""
    grad = np.zeros(array.shape)
    net = exercise.network
    for index in _entries(array):
        old = float(array[index])
        array[index] = old + EPS
        plus = objective(net, exercise.x, exercise.target)
        array[index] = old - EPS
        minus = objective(net, exercise.x, exercise.target)
        array[index] = old
        grad[index] = (plus - minus) / (2 * EPS)
    return grad


def numeric_gradients(exercise: Exercise) -> dict[str, np.ndarray | None]:
    """Finite-difference ∂J/∂W⁽ˡ⁾, ∂J/∂b⁽ˡ⁾ (keys W1, b1, ...) and ∂J/∂x, on a private copy."""
    ex = copy.deepcopy(exercise)
    result: dict[str, np.ndarray | None] = {}
    for number, layer in enumerate(ex.network.layers, start=1):
        result[f"W{number}"] = numeric_gradient(ex, layer.weights)
        result[f"b{number}"] = None if layer.bias is None else numeric_gradient(ex, layer.bias)
    result["x"] = numeric_gradient(ex, ex.x)
    return result

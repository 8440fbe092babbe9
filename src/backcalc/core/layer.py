"""One dense layer: its parameters in the user's layout, and the formulas of its forward and
backward step in both conventions (the convention is stated in backcalc.core.network).

- column convention: z = W·a + b with W (out, in); for a batch Z = A·Wᵀ + b, ∂J/∂W = δᵀ·A,
  ∂J/∂A = δ·W;
- row convention: z = a·W + b with W (in, out); Z = A·W + b, ∂J/∂W = Aᵀ·δ, ∂J/∂A = δ·Wᵀ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from backcalc.core.activations import Activation, Array

Convention = Literal["column", "row"]


@dataclass(frozen=True, eq=False)  # holds arrays: compared by identity
class Layer:
    """One dense layer. `weights` is 2-D in the convention's layout; `weights_shape` is the shape
    as the user wrote it ((), (n,) or (r, c)), which gradients are reported in. `bias` is (k,),
    a shared scalar of shape (), or None; `bias_shape` is its shape as written ((k, 1) for a
    column vector), if different."""

    weights: Array
    bias: Array | None
    activation: Activation
    weights_shape: tuple[int, ...]
    bias_shape: tuple[int, ...] | None = None
    frozen: tuple[str, ...] = ()  # "weights" and/or "bias": left alone by training

    def n_in(self, convention: Convention) -> int:
        return int(self.weights.shape[1] if convention == "column" else self.weights.shape[0])

    def n_out(self, convention: Convention) -> int:
        return int(self.weights.shape[0] if convention == "column" else self.weights.shape[1])

    @property
    def shared_bias(self) -> bool:
        return self.bias is not None and self.bias.ndim == 0


def weighted(layer: Layer, convention: Convention, a_prev: Array) -> Array:
    """W·a (column) or a·W (row), before the bias, for a batch a_prev of shape (m, n)."""
    return a_prev @ layer.weights.T if convention == "column" else a_prev @ layer.weights


def linear(layer: Layer, convention: Convention, a_prev: Array) -> Array:
    """z = W·a + b (column) or z = a·W + b (row), for a batch a_prev of shape (m, n)."""
    z = weighted(layer, convention, a_prev)
    return z if layer.bias is None else z + layer.bias


def weight_gradient(convention: Convention, a_prev: Array, delta: Array) -> Array:
    """∂J/∂W: δᵀ·A (out, in) in column convention, Aᵀ·δ (in, out) in row convention."""
    return delta.T @ a_prev if convention == "column" else a_prev.T @ delta


def input_gradient(layer: Layer, convention: Convention, delta: Array) -> Array:
    """∂J/∂a⁽ˡ⁻¹⁾ = Wᵀ·δ per observation: δ·W (column) or δ·Wᵀ (row), shape (m, n)."""
    return delta @ layer.weights if convention == "column" else delta @ layer.weights.T


def bias_gradient(layer: Layer, delta: Array) -> Array | None:
    """∂J/∂b = δ summed over the batch; a shared bias also sums over the units."""
    if layer.bias is None:
        return None
    return np.asarray(delta.sum()) if layer.shared_bias else delta.sum(axis=0)

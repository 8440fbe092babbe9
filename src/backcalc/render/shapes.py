"""How quantities are laid out on the page, the same in every format: vectors as the convention
writes them, and which rows and columns of a matrix too large to show stand for it.

In column convention a per-unit quantity is a column (a batch: one column per observation, one
row per unit); in row convention a row (a batch: one row per observation). Weights appear as
written; a flat list of weights is one row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backcalc.core.activations import Array

CORNER = 3  # rows and columns of a summarised matrix's corner, before the ellipses


def units(values: Array, column: bool) -> Array:
    """A per-unit quantity, held (m, k), as shown: (k, m) in column convention."""
    return values.T if column else values


def units_transposed(values: Array, column: bool) -> Array:
    """The transpose of a per-unit quantity as shown (a⁽ˡ⁻¹⁾ᵀ in ∂J/∂W)."""
    return values if column else values.T


def vector(values: Array, column: bool) -> Array:
    """A vector (a bias, the losses of a batch) as a column or a row; a number as 1×1."""
    if values.ndim == 0:
        return values.reshape(1, 1)
    return values.reshape(-1, 1) if column else values.reshape(1, -1)


def weights(values: Array, written: tuple[int, ...]) -> Array:
    """A weight-shaped 2-D array as it was written: a flat list as one row."""
    return values.reshape(1, -1) if len(written) < 2 else values


def corner(size: int) -> list[int]:
    """The indices kept of `size` rows (or columns) of a summarised matrix: the first CORNER
    and the last."""
    return [*range(min(size, CORNER)), *([size - 1] if size > CORNER else [])]

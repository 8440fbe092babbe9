"""Activation functions: the value g(z) beside its derivative g'(z).

Shapes: z is (m, k), one row per observation and one column per unit, whatever the weight
convention. Element-wise activations return g'(z) with z's shape; softmax returns its Jacobian,
(m, k, k), and maps ∂J/∂a to δ = ∂J/∂z through it.

Every formula here is stable for finite z: sigmoid and softmax never overflow; only `exp`
(and `elu`/`softplus` not at all) can leave float64's range, which the network reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeAlias

import numpy as np

if TYPE_CHECKING:  # numpy.typing costs milliseconds at start-up; annotations only need it here
    from numpy.typing import NDArray

    Array: TypeAlias = NDArray[np.float64]
    Mask: TypeAlias = NDArray[np.bool_]


def sigmoid(z: Array) -> Array:
    """σ(z) = 1 / (1 + e^(−z)), written so that e^(−|z|) is the only exponential taken."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(z: Array) -> Array:
    """softmax over the last axis, with the row maximum subtracted first."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return np.asarray(e / np.sum(e, axis=-1, keepdims=True), dtype=np.float64)


def log_softmax(z: Array) -> Array:
    """log softmax(z) = z − m − log Σ e^(z − m) with m the row maximum: finite for finite z."""
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return np.asarray(
        shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True)), dtype=np.float64
    )


@dataclass(frozen=True)
class Activation:
    """Base class. Subclasses set `name` and implement `value` and `derivative`."""

    name: ClassVar[str] = ""
    elementwise: ClassVar[bool] = True

    def value(self, z: Array) -> Array:
        raise NotImplementedError

    def derivative(self, z: Array) -> Array:
        """g'(z), shape (m, k); for softmax the Jacobian, (m, k, k)."""
        raise NotImplementedError

    def backward(self, z: Array, dJ_da: Array) -> Array:
        """δ = ∂J/∂z from ∂J/∂a."""
        return self.chain(self.derivative(z), dJ_da)

    def chain(self, g_prime: Array, dJ_da: Array) -> Array:
        """δ from g'(z) and ∂J/∂a: ∂J/∂a ⊙ g'(z) for element-wise activations."""
        return dJ_da * g_prime

    def kink_side(self, z: Array) -> Mask | None:
        """Which side of a non-differentiable point each z is on (None: g is smooth). A finite
        difference whose two evaluations disagree here has straddled a kink."""
        return None


class Identity(Activation):
    """g(z) = z, g'(z) = 1."""

    name: ClassVar[str] = "identity"

    def value(self, z: Array) -> Array:
        return z.copy()

    def derivative(self, z: Array) -> Array:
        return np.ones_like(z)


class Sigmoid(Activation):
    """g(z) = σ(z) = 1 / (1 + e^(−z)), g'(z) = σ(z)(1 − σ(z))."""

    name: ClassVar[str] = "sigmoid"

    def value(self, z: Array) -> Array:
        return sigmoid(z)

    def derivative(self, z: Array) -> Array:
        s = sigmoid(z)
        return s * (1.0 - s)


class Tanh(Activation):
    """g(z) = tanh z, g'(z) = 1 − tanh² z."""

    name: ClassVar[str] = "tanh"

    def value(self, z: Array) -> Array:
        return np.tanh(z)

    def derivative(self, z: Array) -> Array:
        return 1.0 - np.tanh(z) ** 2


@dataclass(frozen=True)
class Relu(Activation):
    """g(z) = max(0, z), g'(z) = 1 for z > 0, 0 for z < 0, `derivative_at_zero` at 0 (default 0)."""

    name: ClassVar[str] = "relu"
    derivative_at_zero: float = 0.0

    def value(self, z: Array) -> Array:
        return np.where(z > 0, z, 0.0)

    def derivative(self, z: Array) -> Array:
        return np.where(z > 0, 1.0, np.where(z == 0, self.derivative_at_zero, 0.0))

    def kink_side(self, z: Array) -> Mask | None:
        return z > 0


@dataclass(frozen=True)
class LeakyRelu(Activation):
    """g(z) = z for z > 0, slope·z otherwise; g'(z) = 1 for z > 0, slope otherwise (also at 0)."""

    name: ClassVar[str] = "leaky_relu"
    slope: float = 0.01

    def value(self, z: Array) -> Array:
        return np.where(z > 0, z, self.slope * z)

    def derivative(self, z: Array) -> Array:
        return np.where(z > 0, 1.0, self.slope)

    def kink_side(self, z: Array) -> Mask | None:
        return None if self.slope == 1 else z > 0


@dataclass(frozen=True)
class Elu(Activation):
    """g(z) = z for z > 0, α(e^z − 1) otherwise; g'(z) = 1 for z > 0, α·e^z otherwise (α at 0)."""

    name: ClassVar[str] = "elu"
    alpha: float = 1.0

    def value(self, z: Array) -> Array:
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0.0)))

    def derivative(self, z: Array) -> Array:
        return np.where(z > 0, 1.0, self.alpha * np.exp(np.minimum(z, 0.0)))

    def kink_side(self, z: Array) -> Mask | None:
        return None if self.alpha == 1 else z > 0  # with α = 1 the slope is continuous at 0


class Softplus(Activation):
    """g(z) = log(1 + e^z), computed as log-add-exp; g'(z) = σ(z)."""

    name: ClassVar[str] = "softplus"

    def value(self, z: Array) -> Array:
        return np.logaddexp(0.0, z)

    def derivative(self, z: Array) -> Array:
        return sigmoid(z)


class Softmax(Activation):
    """g(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ) over a layer's units.

    Not element-wise: g'(z) is the Jacobian ∂aᵢ/∂zⱼ = aᵢ(1[i = j] − aⱼ), shape (m, k, k), and
    δ = Jᵀ·∂J/∂a for each observation (J is symmetric).
    """

    name: ClassVar[str] = "softmax"
    elementwise: ClassVar[bool] = False

    def value(self, z: Array) -> Array:
        return softmax(z)

    def derivative(self, z: Array) -> Array:
        p = softmax(z)
        jacobian = np.einsum("mi,ij->mij", p, np.eye(z.shape[-1])) - np.einsum("mi,mj->mij", p, p)
        return np.asarray(jacobian, dtype=np.float64)

    def chain(self, g_prime: Array, dJ_da: Array) -> Array:
        return np.asarray(np.einsum("mji,mj->mi", g_prime, dJ_da), dtype=np.float64)


class Sin(Activation):
    """g(z) = sin z, g'(z) = cos z."""

    name: ClassVar[str] = "sin"

    def value(self, z: Array) -> Array:
        return np.sin(z)

    def derivative(self, z: Array) -> Array:
        return np.cos(z)


class Cos(Activation):
    """g(z) = cos z, g'(z) = −sin z."""

    name: ClassVar[str] = "cos"

    def value(self, z: Array) -> Array:
        return np.cos(z)

    def derivative(self, z: Array) -> Array:
        return -np.sin(z)


class Exp(Activation):
    """g(z) = e^z, g'(z) = e^z (overflows above z ≈ 709.78, which the network reports)."""

    name: ClassVar[str] = "exp"

    def value(self, z: Array) -> Array:
        return np.exp(z)

    def derivative(self, z: Array) -> Array:
        return np.exp(z)


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls
    for cls in (Identity, Sigmoid, Tanh, Relu, LeakyRelu, Elu, Softplus, Softmax, Sin, Cos, Exp)
}
ALIASES: dict[str, str] = {"linear": "identity"}

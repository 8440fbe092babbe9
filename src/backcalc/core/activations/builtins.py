"""The built-in activations, each one class: its math beside its formulas (see base.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from backcalc.core.activations.base import Activation, register, sigmoid, softmax
from backcalc.core.registry import Number, Words, fill

if TYPE_CHECKING:
    from backcalc.core.activations.base import Array, Mask


def _cases(positive: str, otherwise: str, z: str) -> str:
    return f"\\begin{{cases}}\n{positive} & {z} > 0 \\\\\n{otherwise} & {z} \\le 0\n\\end{{cases}}"


def _times(factor: float, text: str, number: Number) -> str:
    """`factor` times `text` in LaTeX: e^{z}, not 1 e^{z}."""
    return text if factor == 1 else f"{number(factor)} {text}"


@register
class Identity(Activation):
    """g(z) = z, g'(z) = 1."""

    name = "identity"
    aliases = ("linear",)
    identity = True
    formula = "{z}"
    formula_tex = "{z}"
    derivative_formula = "1"
    derivative_formula_tex = "1"

    def value(self, z: Array) -> Array:
        return z.copy()

    def derivative(self, z: Array) -> Array:
        return np.ones_like(z)


@register
class Sigmoid(Activation):
    """g(z) = σ(z) = 1 / (1 + e^(−z)), g'(z) = σ(z)(1 − σ(z))."""

    name = "sigmoid"
    formula = "σ({z})"
    formula_tex = r"\frac{1}{1 + e^{-{z}}}"
    derivative_formula = "σ({z})(1 − σ({z}))"
    derivative_formula_tex = r"\sigma({z}) \odot (1 - \sigma({z})) = {a} \odot (1 - {a})"
    derivative_numbers_tex = r"{a} \odot \left(1 - {a}\right)"
    derivative_numbers = "{a} · (1 − {a})"
    symbol_tex = r"\sigma"

    def value(self, z: Array) -> Array:
        return sigmoid(z)

    def derivative(self, z: Array) -> Array:
        s = sigmoid(z)
        return s * (1.0 - s)

    def derivative_from_output(self, a: Array) -> Array | None:
        return a * (1.0 - a)


@register
class Tanh(Activation):
    """g(z) = tanh z, g'(z) = 1 − tanh² z."""

    name = "tanh"
    formula = "tanh({z})"
    formula_tex = r"\tanh({z})"
    derivative_formula = "1 − tanh²({z})"
    derivative_formula_tex = r"1 - \tanh^2({z}) = 1 - {a} \odot {a}"
    derivative_numbers_tex = r"1 - {a} \odot {a}"
    derivative_numbers = "1 − {a}²"
    symbol_tex = r"\tanh"

    def value(self, z: Array) -> Array:
        return np.tanh(z)

    def derivative(self, z: Array) -> Array:
        return 1.0 - np.tanh(z) ** 2

    def derivative_from_output(self, a: Array) -> Array | None:
        return 1.0 - a * a


@register
class Relu(Activation):
    """g(z) = max(0, z), g'(z) = 1 for z > 0, 0 for z < 0, `derivative_at_zero` at 0 (default 0)."""

    name = "relu"
    derivative_at_zero: float = 0.0
    formula = "max(0, {z})"
    formula_tex = r"\max(0, {z})"
    derivative_formula = "1 if {z} > 0, else 0"
    symbol_tex = r"\mathrm{ReLU}"

    def value(self, z: Array) -> Array:
        return np.where(z > 0, z, 0.0)

    def derivative(self, z: Array) -> Array:
        return np.where(z > 0, 1.0, np.where(z == 0, self.derivative_at_zero, 0.0))

    def kink_side(self, z: Array) -> Mask | None:
        return z > 0

    def describe(self, z: str, words: Words, number: Number) -> str:
        return fill(self.formula, z=z)  # the option is the derivative's, shown there

    def tex(self, z: str, number: Number) -> str:
        return fill(self.formula_tex, z=z)

    def describe_derivative(self, z: str, a: str, words: Words, number: Number) -> str:
        return words("formula.relu_derivative", z=z, d0=number(self.derivative_at_zero))

    def derivative_tex(self, z: str, a: str, number: Number) -> str:
        """The mask 1(z > 0), as the notes write it (1(z ≥ 0) with g'(0) = 1)."""
        if self.derivative_at_zero in (0.0, 1.0):
            sign = ">" if self.derivative_at_zero == 0 else r"\ge"
            return f"\\mathbf{{1}}({z} {sign} 0)"
        d0 = number(self.derivative_at_zero)
        return f"\\mathbf{{1}}({z} > 0) + {d0} \\cdot \\mathbf{{1}}({z} = 0)"


@register
class LeakyRelu(Activation):
    """g(z) = z for z > 0, slope·z otherwise; g'(z) = 1 for z > 0, slope otherwise (also at 0)."""

    name = "leaky_relu"
    slope: float = 0.01
    formula = "leaky_relu({z})"
    derivative_formula = "1 if {z} > 0, else slope"
    symbol_tex = r"\mathrm{LeakyReLU}"

    def value(self, z: Array) -> Array:
        return np.where(z > 0, z, self.slope * z)

    def derivative(self, z: Array) -> Array:
        return np.where(z > 0, 1.0, self.slope)

    def kink_side(self, z: Array) -> Mask | None:
        return None if self.slope == 1 else z > 0

    def describe(self, z: str, words: Words, number: Number) -> str:
        slope = words("formula.with_slope", slope=number(self.slope))
        return f"{fill(self.formula, z=z)} {slope}"

    def describe_derivative(self, z: str, a: str, words: Words, number: Number) -> str:
        return words("formula.if_positive_else", z=z, value=number(self.slope))

    def tex(self, z: str, number: Number) -> str:
        return _cases(z, f"{number(self.slope)} {z}", z)

    def derivative_tex(self, z: str, a: str, number: Number) -> str:
        return _cases("1", number(self.slope), z)


@register
class Elu(Activation):
    """g(z) = z for z > 0, α(e^z − 1) otherwise; g'(z) = 1 for z > 0, α·e^z otherwise (α at 0)."""

    name = "elu"
    alpha: float = 1.0
    formula = "elu({z})"
    derivative_formula = "1 if {z} > 0, else α·exp({z})"
    symbol_tex = r"\mathrm{ELU}"

    def value(self, z: Array) -> Array:
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0.0)))

    def derivative(self, z: Array) -> Array:
        return np.where(z > 0, 1.0, self.alpha * np.exp(np.minimum(z, 0.0)))

    def kink_side(self, z: Array) -> Mask | None:
        return None if self.alpha == 1 else z > 0  # with α = 1 the slope is continuous at 0

    def describe(self, z: str, words: Words, number: Number) -> str:
        alpha = words("formula.with_alpha", alpha=number(self.alpha))
        return f"{fill(self.formula, z=z)} {alpha}"

    def describe_derivative(self, z: str, a: str, words: Words, number: Number) -> str:
        return words("formula.if_positive_else", z=z, value=f"{number(self.alpha)}·exp({z})")

    def tex(self, z: str, number: Number) -> str:
        return _cases(z, _times(self.alpha, f"(e^{{{z}}} - 1)", number), z)

    def derivative_tex(self, z: str, a: str, number: Number) -> str:
        return _cases("1", _times(self.alpha, f"e^{{{z}}}", number), z)


@register
class Softplus(Activation):
    """g(z) = log(1 + e^z), computed as log-add-exp; g'(z) = σ(z)."""

    name = "softplus"
    formula = "log(1 + exp({z}))"
    formula_tex = r"\log(1 + e^{{z}})"
    derivative_formula = "σ({z})"
    derivative_formula_tex = r"\sigma({z})"
    symbol_tex = r"\mathrm{softplus}"

    def value(self, z: Array) -> Array:
        return np.logaddexp(0.0, z)

    def derivative(self, z: Array) -> Array:
        return sigmoid(z)


def _jacobian(p: Array) -> Array:
    """diag(p) − p·pᵀ for each row of p: (m, k) -> (m, k, k)."""
    jacobian = np.einsum("mi,ij->mij", p, np.eye(p.shape[-1])) - np.einsum("mi,mj->mij", p, p)
    return np.asarray(jacobian, dtype=np.float64)


@register
class Softmax(Activation):
    """g(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ) over a layer's units.

    Not element-wise: g'(z) is the Jacobian ∂aᵢ/∂zⱼ = aᵢ(1[i = j] − aⱼ), shape (m, k, k), and
    δ = Jᵀ·∂J/∂a for each observation (J is symmetric).
    """

    name = "softmax"
    elementwise = False
    formula = "softmax({z})"
    formula_tex = r"\frac{e^{{z}_i}}{\sum_j e^{{z}_j}}"
    derivative_formula = "diag({a}) − {a}·{a}ᵀ"
    symbol_tex = r"\mathrm{softmax}"

    def value(self, z: Array) -> Array:
        return softmax(z)

    def derivative(self, z: Array) -> Array:
        return _jacobian(softmax(z))

    def derivative_from_output(self, a: Array) -> Array | None:
        return _jacobian(a)  # written diag(a) − a·aᵀ

    def chain(self, g_prime: Array, dJ_da: Array) -> Array:
        return np.asarray(np.einsum("mji,mj->mi", g_prime, dJ_da), dtype=np.float64)

    def derivative_tex(self, z: str, a: str, number: Number) -> str:
        transposed = a[:-1] + "T}" if a.endswith(")}") else a + "^{T}"  # a^{(2)T}, not a^{(2)}^{T}
        return f"\\operatorname{{diag}}({a}) - {a} {transposed}"


@register
class Sin(Activation):
    """g(z) = sin z, g'(z) = cos z."""

    name = "sin"
    formula = "sin({z})"
    formula_tex = r"\sin({z})"
    derivative_formula = "cos({z})"
    derivative_formula_tex = r"\cos({z})"
    symbol_tex = r"\sin"

    def value(self, z: Array) -> Array:
        return np.sin(z)

    def derivative(self, z: Array) -> Array:
        return np.cos(z)


@register
class Cos(Activation):
    """g(z) = cos z, g'(z) = −sin z."""

    name = "cos"
    formula = "cos({z})"
    formula_tex = r"\cos({z})"
    derivative_formula = "−sin({z})"
    derivative_formula_tex = r"-\sin({z})"
    symbol_tex = r"\cos"

    def value(self, z: Array) -> Array:
        return np.cos(z)

    def derivative(self, z: Array) -> Array:
        return -np.sin(z)


@register
class Exp(Activation):
    """g(z) = e^z, g'(z) = e^z (overflows above z ≈ 709.78, which the network reports)."""

    name = "exp"
    formula = "exp({z})"
    formula_tex = r"\exp({z})"
    derivative_formula = "exp({z})"
    derivative_formula_tex = r"e^{{z}} = {a}"
    symbol_tex = r"\exp"

    def value(self, z: Array) -> Array:
        return np.exp(z)

    def derivative(self, z: Array) -> Array:
        return np.exp(z)

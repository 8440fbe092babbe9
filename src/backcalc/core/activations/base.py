"""The base of every activation: the `Activation` class (math, formulas, notation), the
registry and `register`, and the numerically stable building blocks (sigmoid, softmax,
log-softmax) that activations and losses share. The package docstring has the contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeAlias

import numpy as np

from backcalc.core.registry import (
    Number,
    Words,
    fill,
    options_tex,
    options_text,
    registrar,
    tex_name,
)

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
    """Base class. Subclasses set `name`, the formulas, and implement `value` and `derivative`."""

    name: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()  # other names a spec may use
    elementwise: ClassVar[bool] = True  # False: g'(z) is a Jacobian (softmax)
    identity: ClassVar[bool] = False  # g(z) = z: a hand solution skips g' and writes δ = ∂J/∂a
    formula: ClassVar[str] = ""  # g in plain text, e.g. "σ({z})"
    formula_tex: ClassVar[str] = ""  # g in LaTeX, shown where it says more than symbol_tex(z)
    derivative_formula: ClassVar[str] = ""  # g' in plain text, in {z} or in {a}
    derivative_formula_tex: ClassVar[str] = ""
    derivative_numbers_tex: ClassVar[str] = ""  # g' in {a}, to write with the numbers of a
    derivative_numbers: ClassVar[str] = ""  # the same in plain text, for one entry
    symbol_tex: ClassVar[str] = ""  # the function's symbol in LaTeX (default \mathrm{name})

    def value(self, z: Array) -> Array:
        raise NotImplementedError

    def derivative(self, z: Array) -> Array:
        """g'(z), shape (m, k); for softmax the Jacobian, (m, k, k)."""
        raise NotImplementedError

    def derivative_from_output(self, a: Array) -> Array | None:
        """g'(z) written with a = g(z) alone, as a hand solution writes it (σ: a ⊙ (1 − a);
        tanh: 1 − a ⊙ a; softmax: the Jacobian diag(a) − a·aᵀ), or None where the derivative
        is not written with a. Hand rounding
        takes g' from the rounded a with this, so the written line multiplies out to its result;
        the exact computation never calls it."""
        return None

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

    # -- notation (renderers call these; override where the options appear in the formula) --

    def symbol(self) -> str:
        return self.symbol_tex or rf"\mathrm{{{tex_name(self.name)}}}"

    def describe(self, z: str, words: Words, number: Number) -> str:
        """g written out for the argument `z`, in plain text, with its options."""
        text = fill(self.formula or f"{self.name}({{z}})", z=z)
        shown = options_text(self, number)
        return f"{text} {words('formula.with_options', options=shown)}" if shown else text

    def describe_derivative(self, z: str, a: str, words: Words, number: Number) -> str:
        """g' in plain text (`name'(z)` if the class gives no formula)."""
        return fill(self.derivative_formula or f"{self.name}'({{z}})", z=z, a=a)

    def tex(self, z: str, number: Number) -> str:
        """g in LaTeX for the argument `z` ('' when the symbol says it all), with its options."""
        text = fill(self.formula_tex, z=z, tex=True)
        return text + options_tex(self, number) if text else text

    def derivative_tex(self, z: str, a: str, number: Number) -> str:
        default = f"{self.symbol()}'({{z}})"
        return fill(self.derivative_formula_tex or default, z=z, a=a, tex=True)


ACTIVATIONS: dict[str, type[Activation]] = {}
ALIASES: dict[str, str] = {}
register = registrar(ACTIVATIONS, ALIASES)

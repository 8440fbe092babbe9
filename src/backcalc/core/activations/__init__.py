"""Activation functions: the value g(z) beside its derivative g'(z).

Shapes: z is (m, k), one row per observation and one column per unit, whatever the weight
convention. Element-wise activations return g'(z) with z's shape; softmax returns its Jacobian,
(m, k, k), and maps ∂J/∂a to δ = ∂J/∂z through it.

An activation is one class, registered with `@register`: its `name`, its options (dataclass
fields, such as leaky_relu's `slope`), its math (`value`, `derivative`) and its notation
(`formula`, `derivative_formula` in plain text, `*_tex` in LaTeX, with `{z}` for the argument and
`{a}` for the activation's output). Renderers, the spec reader and graph mode read them from
ACTIVATIONS; a class whose notation needs its options overrides the `describe*`/`tex*` methods.
`derivative_from_output(a)` gives g' from a = g(z) where a hand solution writes it so (sigmoid,
tanh, softmax's Jacobian), for hand rounding; None, the default, means g' is taken at z.

Every formula here is stable for finite z: sigmoid and softmax never overflow; only `exp`
(and `elu`/`softplus` not at all) can leave float64's range, which the network reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcalc.core.activations.base import (
    ACTIVATIONS,
    ALIASES,
    Activation,
    log_softmax,
    register,
    sigmoid,
    softmax,
)
from backcalc.core.activations.builtins import (
    Cos,
    Elu,
    Exp,
    Identity,
    LeakyRelu,
    Relu,
    Sigmoid,
    Sin,
    Softmax,
    Softplus,
    Tanh,
)

if TYPE_CHECKING:  # the array aliases every module annotates with
    from backcalc.core.activations.base import Array as Array
    from backcalc.core.activations.base import Mask as Mask

__all__ = [
    "ACTIVATIONS",
    "ALIASES",
    "Activation",
    "Cos",
    "Elu",
    "Exp",
    "Identity",
    "LeakyRelu",
    "Relu",
    "Sigmoid",
    "Sin",
    "Softmax",
    "Softplus",
    "Tanh",
    "log_softmax",
    "register",
    "sigmoid",
    "softmax",
]

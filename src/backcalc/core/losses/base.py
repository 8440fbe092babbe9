"""The base of every loss: the `Loss` class (math, formulas, notation), the registry and
`register`, and the safe logarithm helpers. The package docstring has the contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

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

if TYPE_CHECKING:
    from backcalc.core.activations import Array, Mask


def _xlogy(x: Array, y: Array) -> Array:
    """x·log y, taken as 0 where x = 0 (so 0·log 0 = 0)."""
    safe = np.where(x == 0, 1.0, y)
    return np.where(x == 0, 0.0, x * np.log(safe))


def _ratio(x: Array, y: Array) -> Array:
    """x / y, taken as 0 where x = 0 (so a zero target contributes nothing, even at ŷ = 0)."""
    safe = np.where(x == 0, 1.0, y)
    return np.where(x == 0, 0.0, x / safe)


def _softplus(z: Array) -> Array:
    return np.logaddexp(0.0, z)


@dataclass(frozen=True)
class Loss:
    """Base class. `classes`: targets are classes (index or one-hot); `logits`: ŷ are logits or
    scores, not probabilities; `fuses_with`: the activation whose logits this loss can take."""

    name: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()  # other names a spec may use
    classes: ClassVar[bool] = False
    logits: ClassVar[bool] = False
    binary: ClassVar[bool] = False
    fuses_with: ClassVar[str | None] = None
    formula: ClassVar[str] = ""  # ℓ in plain text, with {yhat} and {y}
    formula_tex: ClassVar[str] = ""
    gradient_formula: ClassVar[str] = ""  # ∂ℓ/∂ŷ in plain text
    gradient_formula_tex: ClassVar[str] = ""
    gradient_numbers_tex: ClassVar[str] = ""  # ∂ℓ/∂ŷ to write with the numbers of {yhat}, {y}
    gradient_of_probabilities: ClassVar[bool] = False  # those numbers are p, not ŷ
    fused_delta_formula: ClassVar[str] = ""  # δ of the fused form, in plain text
    from_logits: ClassVar[str] = ""  # the same loss on logits, stable where this one takes log 0

    def value(self, yhat: Array, y: Array) -> Array:
        raise NotImplementedError

    def gradient(self, yhat: Array, y: Array) -> Array:
        raise NotImplementedError

    def value_from_logits(self, z: Array, y: Array) -> Array:
        """ℓ from the logits of the fused activation (only when `fuses_with` is set)."""
        raise NotImplementedError

    def delta_from_logits(self, z: Array, y: Array) -> Array:
        """∂ℓ/∂z through the fused activation (only when `fuses_with` is set)."""
        raise NotImplementedError

    def delta_from_output(self, yhat: Array, y: Array) -> Array:
        """The same ∂ℓ/∂z written with the activation's output ŷ, as a hand solution does."""
        raise NotImplementedError

    def probabilities(self, yhat: Array) -> Array | None:
        """The class probabilities the output stands for, or None (regression, scores)."""
        return None

    def value_from_probabilities(self, p: Array, y: Array) -> Array | None:
        """ℓ written with the class probabilities p (−log p_c), as a hand solution of a loss on
        logits writes it; None where ℓ is written with ŷ. Only hand rounding calls it."""
        return None

    def gradient_from_probabilities(self, p: Array, y: Array) -> Array | None:
        """∂ℓ/∂ŷ written with the class probabilities p (p − y), for the losses whose gradient
        line substitutes p (`gradient_of_probabilities`); None where it is written with ŷ."""
        return None

    def kink_side(self, yhat: Array, y: Array) -> Mask | None:
        """Which side of a non-differentiable point ℓ is on (None: ℓ is smooth in ŷ)."""
        return None

    def target_problem(self, row: Array) -> str | None:
        """Why a written target row cannot be this loss's target (None: it can)."""
        return None

    def non_finite_message(self, losses: Array) -> str:
        """What to tell the user when ℓ is not finite: a loss on probabilities took the log of
        0 (and has a stable twin on logits, `from_logits`), or the numbers left float64."""
        if self.from_logits:
            return (
                f"the loss is infinite: {self.name} takes the log of an output that is exactly 0 "
                "(or 1) where the target needs it positive; compute the loss from logits instead "
                f"({self.from_logits})"
            )
        kind = "NaN" if np.any(np.isnan(losses)) else "infinite"
        return f"the loss is {kind}: {self.name} left float64's range; scale the data down"

    # -- notation (renderers call these) ------------------------------------------------------

    def describe(self, words: Words, number: Number, yhat: str = "ŷ", y: str = "y") -> str:
        """ℓ in plain text, with its options."""
        text = fill(self.formula or f"{self.name}({{yhat}}, {{y}})", yhat=yhat, y=y)
        shown = options_text(self, number)
        return f"{text} {words('formula.with_options', options=shown)}" if shown else text

    def tex(self, number: Number, yhat: str = r"\hat{y}", y: str = "y") -> str:
        """ℓ in LaTeX, with its options."""
        default = rf"\mathrm{{{tex_name(self.name)}}}({{yhat}}, {{y}})"
        text = fill(self.formula_tex or default, yhat=yhat, y=y, tex=True)
        return text + options_tex(self, number)

    def gradient_tex(self, yhat: str = r"\hat{y}", y: str = "y") -> str:
        default = r"\frac{\partial \ell}{\partial {yhat}}"
        return fill(self.gradient_formula_tex or default, yhat=yhat, y=y, tex=True)

    def gradient_numbers(self, yhat: str, y: str, k: int) -> str:
        """∂ℓ/∂ŷ with the matrices `yhat` and `y` (LaTeX) substituted ('' if not written out)."""
        return fill(self.gradient_numbers_tex, yhat=yhat, y=y)

    def value_numbers(
        self, yhat: Array, y: Array, p: Array | None, fixed: Number, given: Number
    ) -> str:
        """ℓ of one observation with its numbers in (LaTeX; '' where a hand solution would not
        write it out). `p` are the class probabilities, if any."""
        return ""


LOSSES: dict[str, type[Loss]] = {}
LOSS_ALIASES: dict[str, str] = {}
register = registrar(LOSSES, LOSS_ALIASES)
REDUCTIONS = ("mean", "sum")

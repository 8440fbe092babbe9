"""What varies in a template's variants, and how: a rule per group of numbers.

A network's groups are `input`, `target`, `weights` and `bias` (every layer's), with per-layer
overrides (`layers[n].weights`, `layers[n].bias`, n counted from 1); a computational graph's are
its value names. A rule is

- `Range(low, high, decimals)`: each entry drawn uniformly from the numbers with `decimals`
  decimals from low to high (both included);
- `Choice(values)`: each entry drawn uniformly from these numbers;
- `Fixed()`: the template's numbers kept.

Class targets (a loss with `classes`: cross-entropy, hinge) are drawn as classes: a `Choice` of
class indices (counted from 0), each observation's row one-hot; binary targets (a loss with
`binary`) from a `Choice` of 0 and 1, or a `Range` within [0, 1]. Structure (sizes, activations,
loss, convention, batch, a shared bias, frozen parameters, the learning rate and λ) never
changes.

`Vary.default(template)`: every group varies within the template's own range at its own
decimals. The range of a group is [min, max] of its entries; a degenerate one (one number, or
all equal) is widened to v ± max(|v|, 1)/2, snapped outwards to the group's decimals (5 at 0
decimals: [2, 8]; 0.7 at 1: [0.2, 1.2]). The decimals are the most any entry of the group is
written with (read from the YAML text by io; from the shortest repr of the numbers otherwise).
Class targets are drawn among all classes, 0/1 targets among 0 and 1. Groups listed as `fixed`
(arrays read from a file or drawn by an initializer) stay as they are.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.exercise import ExerciseKind

MAX_DECIMALS = 12  # a drawn number has at most this many decimals


@dataclass(frozen=True)
class Range:
    """Each entry from the grid low, low + 10⁻ᵈ, …, high (d = `decimals`)."""

    low: float
    high: float
    decimals: int = 1

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high)) or self.low > self.high:
            raise ValueError(f"expected low ≤ high, found [{self.low:g}, {self.high:g}]")
        if not 0 <= self.decimals <= MAX_DECIMALS:
            raise ValueError(f"expected decimals from 0 to {MAX_DECIMALS}, found {self.decimals}")
        if self.steps()[0] > self.steps()[1]:
            raise ValueError(
                f"no number with {self.decimals} decimals lies in [{self.low:g}, {self.high:g}]"
            )

    def steps(self) -> tuple[int, int]:
        """The grid as whole numbers of units 10⁻ᵈ: (first, last)."""
        scale = 10**self.decimals
        return math.ceil(self.low * scale - 1e-9), math.floor(self.high * scale + 1e-9)

    def draw(self, rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
        first, last = self.steps()
        units = rng.integers(first, last + 1, size=shape)
        return np.asarray(units / 10**self.decimals, dtype=np.float64)  # 3/10 is 0.3's float

    def size(self) -> int:
        first, last = self.steps()
        return last - first + 1


@dataclass(frozen=True)
class Choice:
    """Each entry drawn from `values`."""

    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError("expected at least one value to choose from")

    @property
    def decimals(self) -> int:
        return max(decimals_of(v) for v in self.values)

    def draw(self, rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
        picks = rng.integers(0, len(self.values), size=shape)
        return np.asarray(np.asarray(self.values, dtype=np.float64)[picks], dtype=np.float64)

    def size(self) -> int:
        return len(set(self.values))


@dataclass(frozen=True)
class Fixed:
    """The template's numbers kept."""


FIXED = Fixed()
Rule: TypeAlias = Range | Choice | Fixed


def rule_decimals(rule: Rule) -> int | None:
    """The decimals a rule's numbers are written with (None: the template's, kept)."""
    if isinstance(rule, Range):
        return rule.decimals
    if isinstance(rule, Choice):
        return rule.decimals
    return None


@dataclass(frozen=True)
class LayerVary:
    """A layer's own rules (None: the network-wide rule of the group)."""

    weights: Rule | None = None
    bias: Rule | None = None


@dataclass(frozen=True)
class Vary:
    """The rule of every group. For a network: `input`, `target`, `weights`, `bias` and the
    per-layer overrides `layers` (by layer number, from 1); for a graph: `values` by name (a
    value not named is fixed)."""

    input: Rule = FIXED
    target: Rule = FIXED
    weights: Rule = FIXED
    bias: Rule = FIXED
    layers: Mapping[int, LayerVary] = field(default_factory=dict)
    values: Mapping[str, Rule] = field(default_factory=dict)

    def weights_of(self, number: int) -> Rule:
        own = self.layers.get(number)
        return own.weights if own is not None and own.weights is not None else self.weights

    def bias_of(self, number: int) -> Rule:
        own = self.layers.get(number)
        return own.bias if own is not None and own.bias is not None else self.bias

    def value_of(self, name: str) -> Rule:
        return self.values.get(name, FIXED)

    def rule(self, group: str) -> Rule:
        """The rule of a group by its path: `input`, `target`, `layers[2].weights`, a value."""
        if group in ("input", "target"):
            rule: Rule = getattr(self, group)
            return rule
        if group.startswith("layers[") and "]." in group:
            number, _, which = group[len("layers[") :].partition("].")
            return self.weights_of(int(number)) if which == "weights" else self.bias_of(int(number))
        return self.value_of(group)

    @classmethod
    def default(
        cls,
        template: ExerciseKind,
        decimals: Mapping[str, int] | None = None,
        fixed: Collection[str] = (),
    ) -> Vary:
        """Every group within the template's own range at its own decimals (see the module).
        `decimals` gives the decimals written per group path (`input`, `target`,
        `layers[1].weights`, `layers[2].bias`, or a value's name), `fixed` the groups kept."""
        from backcalc.core.variants.defaults import default_vary

        return default_vary(template, decimals or {}, fixed)


def decimals_of(value: float) -> int:
    """The decimals of a number's shortest repr (0.25: 2; 3.0: 0; 1e-05: 5), at most
    MAX_DECIMALS."""
    if not math.isfinite(value):
        return 0
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return min(max(-exponent, 0), MAX_DECIMALS)

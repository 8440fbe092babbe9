"""The slips of graph mode, registered with the network's in slips.SLIPS (one list of codes):
the wrong procedures a hand solution of a computational graph goes through at a gradient,
∂out/∂name = Σᵤ ∂out/∂u · ∂u/∂name over the nodes u that use `name`. (`decimal_shift`, in
slips.py, happens in both modes.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from backcalc.core.grading.graphmodel import GRADIENT, name_of
from backcalc.core.grading.slips import Slip, register

if TYPE_CHECKING:
    from collections.abc import Sequence

    from backcalc.core.activations import Array
    from backcalc.core.grading.graphmodel import GraphSteps
    from backcalc.core.grading.model import Get, Key
    from backcalc.core.graph import Node


Paths: TypeAlias = "Sequence[tuple[Node, float, float]]"  # (user u, ∂out/∂u, ∂u/∂name) of each path


class GraphSlip(Slip):
    steps = (GRADIENT,)
    modes = ("graph",)

    def values(self, model: GraphSteps, key: Key, get: Get) -> list[Array]:
        name = name_of(key)
        if name == model.output:  # seeded with 1: no upstream, no path to forget
            return []
        found = self.slipped(model.contributions(name, get))
        return [np.asarray(value, dtype=np.float64) for value in found]

    def slipped(self, paths: Paths) -> list[float]:
        """The wrong values from each path's (user, upstream ∂out/∂u, local ∂u/∂name)."""
        raise NotImplementedError


@register
class ForgotUpstream(GraphSlip):
    """∂out/∂name = Σᵤ ∂u/∂name: the local derivative alone, the upstream gradient not
    multiplied in."""

    code = "forgot_upstream"

    def slipped(self, paths: Paths) -> list[float]:
        return [sum(local for _, _, local in paths)] if paths else []


@register
class ForkNotSummed(GraphSlip):
    """∂out/∂name from one of the nodes that use it only: one path of a fork."""

    code = "fork_not_summed"

    def slipped(self, paths: Paths) -> list[float]:
        if len(paths) < 2:
            return []
        return [upstream * local for _, upstream, local in paths]

"""A variant's gradients are 0 only where the template's structure makes them 0 (issue 14: "an
entry of a ∂J/∂W or ∂J/∂b rounds to 0 (unless it is 0 by the structure)"): an input drawn as 0
zeroes a column of ∂J/∂W⁽¹⁾, a graph's x + y drawn as 0 zeroes ∂f/∂z; neither is handed out."""

from __future__ import annotations

import dataclasses

import numpy as np

import backcalc
from backcalc.core.variants import Choice, Vary, draw_all
from backcalc.io import examples
from backcalc.io.variants import read_template


def _keys(count: int) -> list[tuple[str, str]]:
    return [(f"v{n:02d}", f"v{n:02d}") for n in range(1, count + 1)]


def test_no_input_is_drawn_as_zero_where_it_would_zero_a_gradient() -> None:
    path, name = examples.resolve("reference-2-3-1")
    template = read_template(path, name, None)
    vary = dataclasses.replace(Vary.default(template.exercise), input=Choice((0.0, 1.0, 2.0)))
    drawn = draw_all(template.exercise, vary, _keys(3), 7, 3)
    for variant in drawn:
        x = variant.exercise.x
        assert np.all(x != 0), x
        # and so, independently of the engine: ∂J/∂W⁽¹⁾ = δ⁽¹⁾ xᵀ has no zero column
        dw = backcalc.run(variant.exercise).quantity("dJ_dW", layer=1)
        assert np.all(np.any(dw != 0, axis=0))


def test_a_graph_is_not_drawn_where_a_sum_is_zero() -> None:
    path, name = examples.resolve("cs231n-circuit")
    template = read_template(path, name, None)
    drawn = draw_all(template.exercise, template.vary, _keys(40), 1, 3)
    for variant in drawn:
        values = variant.exercise.values
        assert values["x"] + values["y"] != 0 and values["z"] != 0, values

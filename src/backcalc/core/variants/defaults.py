"""`Vary.default`: every group of a template varies within its own range at its own decimals
(the rules are stated in backcalc.core.variants.rules)."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

import numpy as np

from backcalc.core.variants.rules import (
    FIXED,
    MAX_DECIMALS,
    Choice,
    LayerVary,
    Range,
    Rule,
    Vary,
    decimals_of,
)

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.exercise import ExerciseKind
    from backcalc.core.graph import Graph
    from backcalc.core.network import Exercise


def default_vary(
    template: ExerciseKind, decimals: Mapping[str, int], fixed: Collection[str]
) -> Vary:
    if template.kind == "graph":
        graph: Graph = template  # type: ignore[assignment]
        values = {
            name: FIXED
            if name in fixed
            else spread([value], decimals.get(name, decimals_of(value)))
            for name, value in graph.values.items()
        }
        return Vary(values=values)
    exercise: Exercise = template  # type: ignore[assignment]
    layers = exercise.network.layers
    own: dict[int, LayerVary] = {}
    groups: dict[str, list[tuple[str, Array]]] = {"weights": [], "bias": []}
    for number, layer in enumerate(layers, start=1):
        kept: dict[str, Rule] = {}
        for which, numbers in (("weights", layer.weights), ("bias", layer.bias)):
            if numbers is None:
                continue
            path = f"layers[{number}].{which}"
            if path in fixed:
                kept[which] = FIXED
            else:
                groups[which].append((path, numbers))
        if kept:
            own[number] = LayerVary(**kept)
    rules = {
        which: group_rule(entries, decimals) if entries else FIXED
        for which, entries in groups.items()
    }
    x = FIXED if "input" in fixed else group_rule([("input", exercise.x)], decimals)
    target = FIXED if "target" in fixed else target_rule(exercise, decimals)
    return Vary(x, target, rules["weights"], rules["bias"], own)


def group_rule(entries: list[tuple[str, Array]], decimals: Mapping[str, int]) -> Range:
    """[min, max] of the group's entries at the most decimals any is written with."""
    places = max(
        decimals[path] if path in decimals else _decimals(values) for path, values in entries
    )
    numbers = np.concatenate([np.ravel(values) for _, values in entries])
    return spread(numbers.tolist(), places)


def spread(numbers: list[float], places: int) -> Range:
    """[min, max] of `numbers`; one number (or all equal) widened to v ± max(|v|, 1)/2, snapped
    outwards to `places` decimals."""
    places = min(places, MAX_DECIMALS)
    low, high = min(numbers), max(numbers)
    if low == high:
        half = max(abs(low), 1.0) / 2
        scale = 10**places
        low = math.floor((low - half) * scale + 1e-9) / scale
        high = math.ceil((high + half) * scale - 1e-9) / scale
    return Range(low, high, places)


def target_rule(exercise: Exercise, decimals: Mapping[str, int]) -> Rule:
    """Classes among all classes (one-hot rows), 0/1 targets among 0 and 1, probabilities
    within [0, 1], anything else as a group."""
    loss, y = exercise.network.loss, exercise.target
    if loss.classes:
        one_hot = bool(np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1))
        return Choice(tuple(float(k) for k in range(y.shape[1]))) if one_hot else FIXED
    if loss.binary:
        if np.all((y == 0) | (y == 1)):
            return Choice((0.0, 1.0))
        rule = group_rule([("target", y)], decimals)
        return Range(max(rule.low, 0.0), min(rule.high, 1.0), rule.decimals)
    return group_rule([("target", y)], decimals)


def _decimals(values: Array) -> int:
    return max((decimals_of(float(v)) for v in np.ravel(values)), default=0)

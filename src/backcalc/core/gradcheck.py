"""Finite-difference verification of the analytic gradients, as torch's gradcheck and the
cs231n notes do it.

Every entry θᵢ of every weight, bias and of the input x: numeric = (J(θ+εeᵢ) − J(θ−εeᵢ)) / 2ε in
float64, against the analytic ∂J/∂θᵢ of the trace. An entry passes when
|analytic − numeric| ≤ atol + floor + rtol·|numeric|, where floor = ε_mach·max(1, |J|)/ε allows for
the rounding in J itself. The relative error reported is cs231n's |a − n| / max(|a|, |n|).

A kink (a ReLU-type input or a hinge margin at 0) between θ−ε and θ+ε makes the difference
quotient meaningless: the kink patterns of the two evaluations are compared and such entries are
marked `kink`, not failed. An entry whose finite difference cannot be trusted (J computed with
cancellation, so D moves with the step: core/finitediff.py) is `unreliable`, not failed, and is
counted apart. Large networks are checked on a seeded sample of entries per parameter
plus random directions v, comparing (J(θ+εv) − J(θ−εv)) / 2ε with ∇J·v as jax's check_grads does.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from backcalc.core.finitediff import Reason, Status, difference, relative_error, rounding_floor
from backcalc.core.network import evaluate
from backcalc.core.quantities import layer_quantity, per_unit, top_quantity

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.graph import Graph, GraphTrace
    from backcalc.core.network import Exercise, Trace

__all__ = ["CheckSettings", "Entry", "GradCheck", "Parameter", "Status", "check", "relative_error"]
SAMPLE_ABOVE = 5000  # entries in all; beyond this, sample unless every entry is asked for
SAMPLE_SIZE = 100  # entries per parameter when sampling
DIRECTIONS = 5  # random directions per parameter when sampling


@dataclass(frozen=True)
class CheckSettings:
    eps: float = 1e-6
    rtol: float = 1e-5
    atol: float = 1e-7
    every_entry: bool = False
    seed: int = 0


@dataclass(frozen=True)
class Entry:
    """One comparison. `index` is in the parameter's shape as written; for a random-direction
    check it is None and `direction` numbers it (from 1). `numeric_error` is the finite
    difference's own error, estimated for entries that do not match (None otherwise), and
    `reason` says why an `unreliable` one could not be judged."""

    parameter: str
    layer: int | None
    index: tuple[int, ...] | None
    claimed: float
    numeric: float
    abs_error: float
    rel_error: float
    status: Status
    direction: int | None = None
    numeric_error: float | None = None
    reason: Reason | None = None


@dataclass(frozen=True)
class Parameter:
    """What was checked of one parameter: its name (W1, b1, x), shape and how many entries."""

    name: str
    layer: int | None
    shape: tuple[int, ...]
    checked: int
    directions: int

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))


@dataclass(frozen=True)
class GradCheck:
    """The finite-difference check of a network's or a graph's gradients. `title` and
    `objective` (J, or the graph's output) are those of what was checked."""

    kind: ClassVar[str] = "check"
    settings: CheckSettings
    parameters: tuple[Parameter, ...]
    entries: tuple[Entry, ...]
    floor: float
    sampled: bool
    title: str | None = None
    objective: float = 0.0
    of_graph: bool = False

    @property
    def passed(self) -> bool:
        return all(entry.status != "fail" for entry in self.entries)

    def count(self, status: Status) -> int:
        return sum(entry.status == status for entry in self.entries)

    @property
    def worst(self) -> Entry | None:
        """The entry with the largest relative error among those judged (pass or fail)."""
        counted = [entry for entry in self.entries if entry.status in ("pass", "fail")]
        return max(counted, key=lambda entry: entry.rel_error, default=None)


class Probe:
    """A private copy of the exercise whose parameters are perturbed in place and restored."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = copy.deepcopy(exercise)

    def targets(self, trace: Trace) -> list[tuple[str, int | None, Array, Array]]:
        """(name, layer, view of the live values, analytic gradient), shapes as written."""
        found: list[tuple[str, int | None, Array, Array]] = []
        for number, layer in enumerate(self.exercise.network.layers, start=1):
            weights = layer.weights.reshape(layer.weights_shape)
            found.append((f"W{number}", number, weights, _grad(trace, number, "dJ_dW")))
            if layer.bias is not None:
                bias = layer.bias.reshape(layer.bias_shape or layer.bias.shape)
                found.append((f"b{number}", number, bias, _grad(trace, number, "dJ_db")))
        x = per_unit(self.exercise.x, self.exercise.batched)
        found.append(("x", None, x, top_quantity(trace, "dJ_dx")))
        live = [self.exercise.x] + [layer.weights for layer in self.exercise.network.layers]
        live += [layer.bias for layer in self.exercise.network.layers if layer.bias is not None]
        for name, _, view, _ in found:  # a reshape that copied would perturb nothing
            assert any(np.shares_memory(view, array) for array in live), name
        return found

    def at(self, view: Array, index: tuple[int, ...], step: float) -> tuple[float, bytes]:
        old = float(view[index])
        view[index] = old + step
        result = evaluate(self.exercise.network, self.exercise.x, self.exercise.target)
        view[index] = old
        return result

    def central_difference(self, view: Array, index: tuple[int, ...], eps: float) -> float:
        return (self.at(view, index, eps)[0] - self.at(view, index, -eps)[0]) / (2 * eps)

    def along(self, view: Array, direction: Array, step: float) -> tuple[float, bytes]:
        old = view.copy()
        view += step * direction
        result = evaluate(self.exercise.network, self.exercise.x, self.exercise.target)
        view[...] = old
        return result


def _grad(trace: Trace, number: int, name: str) -> Array:
    values = layer_quantity(trace, number, name)
    assert values is not None  # the layer has the parameter, so the trace has its gradient
    return values


def check(trace: Trace, settings: CheckSettings) -> GradCheck:
    """Compare every (or a sample of every) analytic gradient entry with central differences."""
    probe = Probe(trace.exercise)
    floor = rounding_floor(trace.loss, settings.eps)
    targets = probe.targets(trace)
    total = sum(view.size for _, _, view, _ in targets)
    sampled = total > SAMPLE_ABOVE and not settings.every_entry
    rng = np.random.default_rng(settings.seed)
    entries: list[Entry] = []
    parameters: list[Parameter] = []
    for name, layer, view, analytic in targets:
        indices = _indices(view.shape, rng if sampled else None)
        for index in indices:

            def at(
                step: float, index: tuple[int, ...] = index, view: Array = view
            ) -> tuple[float, bytes]:
                return probe.at(view, index, step)

            claimed = float(analytic[index])
            spacing = ULP * abs(float(view[index]))
            entries.append(_entry(name, layer, index, claimed, at, settings, floor, spacing))
        count = DIRECTIONS if sampled else 0
        for number in range(1, count + 1):
            v = rng.normal(size=view.shape)
            v /= np.linalg.norm(v)

            def along(step: float, v: Array = v, view: Array = view) -> tuple[float, bytes]:
                return probe.along(view, v, step)

            claimed = float(np.sum(analytic * v))
            spacing = ULP * float(np.max(np.abs(view)))
            entries.append(
                _entry(name, layer, None, claimed, along, settings, floor, spacing, number)
            )
        parameters.append(Parameter(name, layer, view.shape, len(indices), count))
    title, loss = trace.exercise.title, trace.loss
    return GradCheck(settings, tuple(parameters), tuple(entries), floor, sampled, title, loss)


ULP = float(np.finfo(np.float64).eps)  # the spacing of float64 numbers relative to their size


def _indices(shape: tuple[int, ...], rng: np.random.Generator | None) -> list[tuple[int, ...]]:
    everything = list(np.ndindex(shape))
    if rng is None or len(everything) <= SAMPLE_SIZE:
        return everything
    chosen = np.sort(rng.choice(len(everything), size=SAMPLE_SIZE, replace=False))
    return [everything[i] for i in chosen]


def _entry(
    name: str,
    layer: int | None,
    index: tuple[int, ...] | None,
    claimed: float,
    at: Callable[[float], tuple[float, object]],
    settings: CheckSettings,
    floor: float,
    spacing: float,
    direction: int | None = None,
) -> Entry:
    d = difference(at, claimed, settings.eps, floor, settings.atol, settings.rtol, spacing)
    return Entry(
        name,
        layer,
        index,
        claimed,
        d.numeric,
        d.abs_error,
        d.rel_error,
        d.status,
        direction,
        d.error,
        d.reason,
    )


def check_graph(trace: GraphTrace, settings: CheckSettings) -> GradCheck:
    """Central differences for every input value of a computational graph; a kink (relu or
    abs at 0, a max or min tie) between x − ε and x + ε is marked, not failed."""
    from backcalc.core.graph import output_value, with_value

    graph = trace.graph
    floor = rounding_floor(trace.value, settings.eps)
    entries, parameters = [], []
    for name, value in graph.values.items():

        def at(step: float, name: str = name, value: float = value) -> tuple[float, object]:
            return output_value(with_value(graph, name, value + step))

        spacing = ULP * abs(value)
        entries.append(_entry(name, None, (), trace.gradients[name], at, settings, floor, spacing))
        parameters.append(Parameter(name, None, (), 1, 0))
    return GradCheck(
        settings, tuple(parameters), tuple(entries), floor, False, graph.title, trace.value, True
    )


def graph_difference(graph: Graph, name: str, eps: float) -> float | None:
    """The central difference of a graph's output in its input `name` (None where x ± ε
    leaves a function's domain)."""
    from backcalc.core.graph import output_value, with_value
    from backcalc.errors import BackcalcError

    value = graph.values[name]
    try:
        up = output_value(with_value(graph, name, value + eps))[0]
        down = output_value(with_value(graph, name, value - eps))[0]
    except BackcalcError:
        return None
    return (up - down) / (2 * eps)

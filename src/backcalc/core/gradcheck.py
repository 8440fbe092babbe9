"""Finite-difference verification of the analytic gradients, as torch's gradcheck and the
cs231n notes do it.

Every entry θᵢ of every weight, bias and of the input x: numeric = (J(θ+εeᵢ) − J(θ−εeᵢ)) / 2ε in
float64, against the analytic ∂J/∂θᵢ of the trace. An entry passes when
|analytic − numeric| ≤ atol + floor + rtol·|numeric|, where floor = ε_mach·max(1, |J|)/ε allows for
the rounding in J itself. The relative error reported is cs231n's |a − n| / max(|a|, |n|).

A kink (a ReLU-type input or a hinge margin at 0) between θ−ε and θ+ε makes the difference
quotient meaningless: the kink patterns of the two evaluations are compared and such entries are
marked `kink`, not failed. Large networks are checked on a seeded sample of entries per parameter
plus random directions v, comparing (J(θ+εv) − J(θ−εv)) / 2ε with ∇J·v as jax's check_grads does.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from backcalc.core.network import evaluate
from backcalc.core.quantities import layer_quantity, per_unit, top_quantity

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.graph import GraphTrace
    from backcalc.core.network import Exercise, Trace

Status = Literal["pass", "fail", "kink"]
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
    check it is None and `direction` numbers it (from 1)."""

    parameter: str
    layer: int | None
    index: tuple[int, ...] | None
    claimed: float
    numeric: float
    abs_error: float
    rel_error: float
    status: Status
    direction: int | None = None


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

    @property
    def worst(self) -> Entry | None:
        """The entry with the largest relative error among those that are not kinks."""
        counted = [entry for entry in self.entries if entry.status != "kink"]
        return max(counted, key=lambda entry: entry.rel_error, default=None)


def relative_error(a: float, n: float) -> float:
    scale = max(abs(a), abs(n))
    return 0.0 if scale == 0 else abs(a - n) / scale


def judge(
    claimed: float, numeric: float, tolerance: float, rtol: float
) -> tuple[float, float, bool]:
    """Absolute error, relative error, and whether |a − n| ≤ tolerance + rtol·|n|."""
    error = abs(claimed - numeric)
    return error, relative_error(claimed, numeric), error <= tolerance + rtol * abs(numeric)


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
    eps = settings.eps
    floor = np.finfo(np.float64).eps * max(1.0, abs(trace.loss)) / eps
    tolerance = settings.atol + floor
    targets = probe.targets(trace)
    total = sum(view.size for _, _, view, _ in targets)
    sampled = total > SAMPLE_ABOVE and not settings.every_entry
    rng = np.random.default_rng(settings.seed)
    entries: list[Entry] = []
    parameters: list[Parameter] = []
    for name, layer, view, analytic in targets:
        indices = _indices(view.shape, rng if sampled else None)
        for index in indices:
            plus, side_plus = probe.at(view, index, eps)
            minus, side_minus = probe.at(view, index, -eps)
            numeric = (plus - minus) / (2 * eps)
            claimed = float(analytic[index])
            entries.append(
                _entry(
                    name,
                    layer,
                    index,
                    claimed,
                    numeric,
                    side_plus != side_minus,
                    tolerance,
                    settings.rtol,
                )
            )
        count = DIRECTIONS if sampled else 0
        for number in range(1, count + 1):
            v = rng.normal(size=view.shape)
            v /= np.linalg.norm(v)
            plus, side_plus = probe.along(view, v, eps)
            minus, side_minus = probe.along(view, v, -eps)
            numeric = (plus - minus) / (2 * eps)
            claimed = float(np.sum(analytic * v))
            entries.append(
                _entry(
                    name,
                    layer,
                    None,
                    claimed,
                    numeric,
                    side_plus != side_minus,
                    tolerance,
                    settings.rtol,
                    number,
                )
            )
        parameters.append(Parameter(name, layer, view.shape, len(indices), count))
    title, loss = trace.exercise.title, trace.loss
    return GradCheck(settings, tuple(parameters), tuple(entries), floor, sampled, title, loss)


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
    numeric: float,
    kink: bool,
    tolerance: float,
    rtol: float,
    direction: int | None = None,
) -> Entry:
    abs_error, rel_error, ok = judge(claimed, numeric, tolerance, rtol)
    status: Status = "kink" if kink else ("pass" if ok else "fail")
    return Entry(name, layer, index, claimed, numeric, abs_error, rel_error, status, direction)


def check_graph(trace: GraphTrace, settings: CheckSettings) -> GradCheck:
    """Central differences for every input value of a computational graph; a kink (relu or
    abs at 0, a max or min tie) between x − ε and x + ε is marked, not failed."""
    from backcalc.core.graph import output_value, with_value

    graph, eps = trace.graph, settings.eps
    floor = np.finfo(np.float64).eps * max(1.0, abs(trace.value)) / eps
    entries, parameters = [], []
    for name, value in graph.values.items():
        plus, side_plus = output_value(with_value(graph, name, value + eps))
        minus, side_minus = output_value(with_value(graph, name, value - eps))
        numeric = (plus - minus) / (2 * eps)
        kink = side_plus != side_minus
        entries.append(
            _entry(
                name,
                None,
                (),
                trace.gradients[name],
                numeric,
                kink,
                settings.atol + floor,
                settings.rtol,
            )
        )
        parameters.append(Parameter(name, None, (), 1, 0))
    return GradCheck(
        settings, tuple(parameters), tuple(entries), floor, False, graph.title, trace.value, True
    )

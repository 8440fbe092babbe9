"""A network's hand solution as steps with known inputs: what each quantity is computed from,
and the formula that computes it from any values of those inputs (the student's own).

A step is a quantity of a layer (or of the output): its key is (name, layer) with the names of
`run --format json`. Values here are in the trace's internal shapes (per-unit (m, k), weights in
their 2-D layout, see backcalc.core.network); `user` and `internal` convert a claim's shape.

The inputs, as a hand solution takes them:
z⁽ˡ⁾ ← a⁽ˡ⁻¹⁾ (x given); a⁽ˡ⁾ ← z⁽ˡ⁾; ŷ ← a⁽ᴸ⁾; p, ℓ, ∂J/∂ŷ ← ŷ (and y); predicted class ← p or ŷ;
J ← ℓ; ∂J/∂ŷ ← ŷ (a loss on logits: or p, as p − y); g'(z⁽ˡ⁾) ← z⁽ˡ⁾ or a⁽ˡ⁾ (σ: a(1 − a),
tanh: 1 − a², softmax's Jacobian diag(a) − a·aᵀ; either accepted);
δ⁽ˡ⁾ ← ∂J/∂a⁽ˡ⁾ and g'(z⁽ˡ⁾) (a fused output: ŷ); ∂J/∂W⁽ˡ⁾ ← δ⁽ˡ⁾ and a⁽ˡ⁻¹⁾; ∂J/∂b⁽ˡ⁾ ← δ⁽ˡ⁾;
∂J/∂a⁽ˡ⁻¹⁾ (and ∂J/∂x) ← δ⁽ˡ⁾ (W given); the updates ← their gradients (W, b, η given).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from backcalc.core.layer import (
    bias_gradient,
    input_gradient,
    linear,
    weight_gradient,
    weighted,
)
from backcalc.core.network import fused_output, predicted_classes
from backcalc.core.quantities import GRADIENTS, hand_order, quantity

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.grading.worked import Worked
    from backcalc.core.network import Layer, Trace

Key = tuple[str, int | None]  # (quantity, layer); a graph's steps are (value|gradient, node)


class Steps(Protocol):
    """What the grader needs of an exercise's hand solution (NetworkSteps here; a graph's
    steps in backcalc.core.grading.graphmodel): the steps in order, each one's inputs, its
    correct value, its formula, the slips that can happen at it, and one entry worked out."""

    trace: Any
    order: tuple[Key, ...]
    position: dict[Key, int]

    def internal(self, trace: Any, key: Key) -> Array | None: ...
    def correct(self, key: Key) -> Array: ...
    def user(self, key: Key, values: Array) -> Array: ...
    def inputs(self, key: Key) -> tuple[Key, ...]: ...
    def compute(self, key: Key, get: World) -> list[Array]: ...
    def changes(self, key: Key, source: Key) -> bool: ...
    def written_form(self, key: Key) -> int: ...
    def spread(self, key: Key, get: World) -> list[Array] | None: ...
    def slip_values(self, key: Key, get: World) -> list[tuple[str, Array]]: ...
    def parameter(self, key: Key) -> str | None: ...
    def worked(self, world: World, key: Key, index: tuple[int, ...]) -> Worked: ...


class World:
    """Every step's value in one world: the student's (their claims, and what their claims
    give where they claimed nothing) or the correct one. `dirty` steps differ from the correct
    values; `claimed` are the steps the answers claim. `spread` is how far each value may be
    from what the student had before writing it down: half a unit in its last written decimal
    for a claimed number, carried through the formulas for a value computed from such numbers
    (a student who keeps every digit and rounds only what they write is then followed too)."""

    def __init__(self, claimed: set[Key]) -> None:
        self.values: dict[Key, Array] = {}
        self.dirty: set[Key] = set()
        self.spread: dict[Key, Array] = {}
        self.claimed = claimed

    def __call__(self, key: Key) -> Array:
        return self.values[key]

    def touched(self, keys: tuple[Key, ...]) -> bool:
        return any(key in self.dirty for key in keys)

    def set(self, key: Key, value: Array, dirty: bool, spread: Array | None = None) -> None:
        self.values[key] = value
        if dirty:
            self.dirty.add(key)
        if spread is not None and np.any(spread):
            self.spread[key] = spread

    def moved(self, shifts: dict[Key, Array]) -> World:
        """This world with the values of `shifts`' steps moved by them (nothing copied)."""
        moved = World(self.claimed)
        moved.values = {**self.values, **{k: self.values[k] + d for k, d in shifts.items()}}
        moved.dirty = self.dirty
        return moved


class _With(World):
    """A world with one step's value replaced (to move ŷ alone)."""

    def __init__(self, world: World, key: Key, value: Array) -> None:
        super().__init__(world.claimed)
        self.values = {**world.values, key: value}
        self.dirty = world.dirty
        self.spread = world.spread


Get = World  # a step's value in some world

YHAT: Key = ("prediction", None)
P: Key = ("probabilities", None)


class NetworkSteps:
    """The steps of one network exercise, in hand-solution order."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.exercise = exercise = trace.exercise
        self.network = exercise.network
        self.conv = self.network.convention
        self.layers = self.network.layers
        self.depth = len(self.layers)
        self.m = len(exercise.x)
        self.scale = 1.0 / self.m if self.network.reduction == "mean" else 1.0
        self.fused = fused_output(self.network)
        self.eta = exercise.learning_rate
        self.order: tuple[Key, ...] = tuple(
            key for key in hand_order(self.depth) if self.internal(trace, key) is not None
        )
        self.position = {key: i for i, key in enumerate(self.order)}

    # -- values ------------------------------------------------------------------------------

    def internal(self, trace: Trace, key: Key) -> Array | None:
        """The step's value in `trace`, in the internal shape (None where there is none)."""
        name, number = key
        if number is None:
            return {
                "prediction": trace.prediction,
                "probabilities": trace.probabilities,
                "predicted_class": None
                if trace.predicted is None
                else np.asarray(trace.predicted, dtype=np.float64),
                "losses": trace.losses,
                "loss": np.asarray(trace.loss),
                "dJ_dx": trace.dJ_dx,
            }[name]
        lt = trace.layers[number - 1]
        attribute = {"dJ_dW": "dW", "dJ_db": "db"}.get(name, name)
        value: Array | None = getattr(lt, attribute)
        return value

    def correct(self, key: Key) -> Array:
        value = self.internal(self.trace, key)
        assert value is not None
        return value

    def user(self, key: Key, values: Array) -> Array:
        """Internal-shape values in the shape `run` shows the quantity."""
        shown = quantity(self.trace, *key)
        assert shown is not None
        return values.reshape(shown.shape)

    def layer(self, number: int) -> Layer:
        return self.layers[number - 1]

    def a_prev(self, number: int, get: Get) -> Array:
        return self.exercise.x if number == 1 else get(("a", number - 1))

    def upstream_layer(self, key: Key) -> int | None:
        """For ∂J/∂a⁽ˡ⁻¹⁾ (and ∂J/∂x): the layer l whose δ and W it comes from."""
        name, number = key
        if name == "dJ_dx":
            return 1
        if name == "dJ_da" and number is not None and number < self.depth:
            return number + 1
        return None

    # -- the steps ---------------------------------------------------------------------------

    def inputs(self, key: Key) -> tuple[Key, ...]:
        """The steps this one is computed from (given data left out)."""
        return tuple(source for source in self._inputs(key) if source in self.position)

    def _inputs(self, key: Key) -> tuple[Key, ...]:
        name, n = key
        last = n == self.depth
        upstream = self.upstream_layer(key)
        if upstream is not None:
            return (("delta", upstream),)
        if n is None:
            return {
                "prediction": (("a", self.depth),),
                "probabilities": (YHAT,),
                "losses": (YHAT, ("probabilities", None)),
                "predicted_class": (YHAT, ("probabilities", None)),
                "loss": (("losses", None),),
            }[name]
        match name:
            case "z":
                return () if n == 1 else (("a", n - 1),)
            case "a" | "g_prime":
                return (("z", n),) if name == "a" else (("z", n), ("a", n))
            case "dJ_da":
                return (YHAT, P) if self.network.loss.gradient_of_probabilities else (YHAT,)
            case "delta":
                return (YHAT,) if last and self.fused else (("dJ_da", n), ("g_prime", n))
            case "dJ_dW":
                return (("delta", n),) if n == 1 else (("delta", n), ("a", n - 1))
            case "dJ_db":
                return (("delta", n),)
            case "weights_updated":
                return (("dJ_dW", n),)
            case "bias_updated":
                return (("dJ_db", n),)
        raise AssertionError(key)

    def compute(self, key: Key, get: Get) -> list[Array]:
        """The step's value from the values `get` gives its inputs: the candidates a correct
        method may give (g' from z or from a), the first the one carried on with."""
        name, n = key
        y = self.exercise.target
        loss = self.network.loss
        upstream = self.upstream_layer(key)
        if upstream is not None:
            return [input_gradient(self.layer(upstream), self.conv, get(("delta", upstream)))]
        if name == "prediction":
            return [get(("a", self.depth))]
        if name == "probabilities":
            probabilities = loss.probabilities(get(YHAT))
            assert probabilities is not None
            return [probabilities]
        if name == "predicted_class":
            source: Key = ("probabilities", None)
            given = get(source) if source in self.position else None
            classes = predicted_classes(loss, get(YHAT), given)
            assert classes is not None
            return [np.asarray(classes, dtype=np.float64)]
        if name == "losses":
            found = [loss.value(get(YHAT), y)]
            if ("probabilities", None) in self.position:  # ℓ = −log p of the class, from p
                found.append(self.loss_from(get(("probabilities", None))))
            return found
        if name == "loss":
            losses = get(("losses", None))
            data = np.mean(losses) if self.network.reduction == "mean" else np.sum(losses)
            return [np.asarray(data + self.trace.l2_loss)]
        assert n is not None
        layer = self.layer(n)
        activation = layer.activation
        match name:
            case "z":
                return [linear(layer, self.conv, self.a_prev(n, get))]
            case "a":
                return [activation.value(get(("z", n)))]
            case "g_prime":
                found = [activation.derivative(get(("z", n)))]
                from_output = activation.derivative_from_output(get(("a", n)))
                return found if from_output is None else [*found, from_output]
            case "dJ_da":
                found = [self.scale * loss.gradient(get(YHAT), y)]
                if P in self.position:  # ∂J/∂ŷ = p − y, from p (a loss on logits)
                    from_p = self.gradient_from(get(P))
                    found += [] if from_p is None else [from_p]
                return found
            case "delta":
                if n == self.depth and self.fused:
                    return [self.scale * loss.delta_from_output(get(YHAT), y)]
                return [activation.chain(get(("g_prime", n)), get(("dJ_da", n)))]
            case "dJ_dW":
                gradient = weight_gradient(self.conv, self.a_prev(n, get), get(("delta", n)))
                return [gradient + 2.0 * self.network.l2 * layer.weights]
            case "dJ_db":
                db = bias_gradient(layer, get(("delta", n)))
                assert db is not None
                return [db]
            case "weights_updated":
                return [self.updated(n, "weights", get(("dJ_dW", n)))]
            case "bias_updated":
                return [self.updated(n, "bias", get(("dJ_db", n)))]
        raise AssertionError(key)

    def gradient_from(self, p: Array) -> Array | None:
        """∂J/∂ŷ from the class probabilities as a hand solution of a loss on logits writes it,
        (1/m)(p − y), or None where the loss writes its gradient with ŷ."""
        if not self.network.loss.gradient_of_probabilities:
            return None
        gradient = self.network.loss.gradient_from_probabilities(p, self.exercise.target)
        return None if gradient is None else self.scale * gradient

    def written_form(self, key: Key) -> int:
        """Which candidate of `compute` is the step as the solution writes it (a wrong entry is
        shown and worked out with it): g' from a where it is written with a (σ: a(1 − a),
        tanh: 1 − a², softmax: diag(a) − a·aᵀ), ∂J/∂ŷ from p for a loss on logits; else 0."""
        name, n = key
        if name == "dJ_da" and n == self.depth and P in self.position:
            return 1 if self.network.loss.gradient_of_probabilities else 0
        if name != "g_prime" or n is None:
            return 0
        activation = self.layer(n).activation
        if activation.elementwise and not activation.derivative_numbers:
            return 0  # no formula in a to write the numbers into
        from_a = activation.derivative_from_output(self.correct(("a", n)))
        return 0 if from_a is None else 1

    def loss_from(self, p: Array) -> Array:
        """ℓ per observation from the class probabilities as a hand solution writes it:
        −Σ y log p (one-hot y), or −Σ (y log p + (1 − y) log(1 − p)) for binary units."""
        y = self.exercise.target
        with np.errstate(all="ignore"):
            if self.network.loss.binary:
                return np.asarray(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p), axis=1))
            return np.asarray(-np.sum(np.where(y > 0, y * np.log(p), 0.0), axis=1))

    def updated(self, number: int, which: str, gradient: Array, rate: float | None = None) -> Array:
        """W − η·g (or b − η·g); a frozen parameter stays as it is."""
        layer = self.layer(number)
        old = layer.weights if which == "weights" else layer.bias
        assert old is not None and self.eta is not None
        if which in layer.frozen:
            return np.broadcast_to(old, gradient.shape).copy()
        return old - (self.eta if rate is None else rate) * gradient

    def spread(self, key: Key, get: World) -> list[Array] | None:
        """How far each candidate of `compute` may be from what the student had, to first
        order (plus the product of two spreads), from how far its inputs may be (get.spread):
        each formula is linear or bilinear in its inputs (z, δ, ∂J/∂W, ∂J/∂a⁽ˡ⁻¹⁾, ∂J/∂b, the
        updates: the same formula on the absolute values bounds it) or a function of one of
        them (a, g', and ℓ, p, ∂J/∂ŷ of ŷ: moved by each input's spread, one column at a time
        where the function mixes a row)."""
        name, n = key
        spread = get.spread

        def u(source: Key) -> Array:
            return spread.get(source, np.zeros_like(get(source)))

        upstream = self.upstream_layer(key)
        if upstream is not None:
            layer = self.layer(upstream)
            size = dataclasses.replace(layer, weights=np.abs(layer.weights))
            return [input_gradient(size, self.conv, u(("delta", upstream)))]
        if n is None:
            if name == "prediction":
                return [u(("a", self.depth))]
            if name == "loss":
                spread_losses = u(("losses", None))
                mean = self.network.reduction == "mean"
                return [np.asarray(np.mean(spread_losses) if mean else np.sum(spread_losses))]
            found = [
                self._by_columns(
                    lambda yhat: self.compute(key, _With(get, YHAT, yhat))[0], get(YHAT), u(YHAT)
                )
            ]
            if name == "losses" and ("probabilities", None) in self.position:
                p: Key = ("probabilities", None)
                found.append(self._by_columns(self.loss_from, get(p), u(p)))
            return found
        layer = self.layer(n)
        activation = layer.activation
        if name == "z":
            if n == 1:
                return [np.zeros_like(self.correct(key))]
            size = dataclasses.replace(layer, weights=np.abs(layer.weights), bias=None)
            return [weighted(size, self.conv, u(("a", n - 1)))]
        if name == "a":
            z = get(("z", n))
            return [np.abs(activation.chain(np.abs(activation.derivative(z)), u(("z", n))))]
        if name == "g_prime":
            z, a = get(("z", n)), get(("a", n))
            found = [self._by_columns(activation.derivative, z, u(("z", n)))]
            if activation.derivative_from_output(a) is not None:

                def from_a(values: Array) -> Array:
                    result = activation.derivative_from_output(values)
                    assert result is not None
                    return result

                found.append(self._by_columns(from_a, a, u(("a", n))))
            return found
        if name == "dJ_da" or (name == "delta" and n == self.depth and self.fused):
            found = [
                self._by_columns(
                    lambda yhat: self.compute(key, _With(get, YHAT, yhat))[0], get(YHAT), u(YHAT)
                )
            ]
            if name == "dJ_da" and P in self.position and self.gradient_from(get(P)) is not None:

                def from_p(values: Array) -> Array:
                    gradient = self.gradient_from(values)
                    assert gradient is not None
                    return gradient

                found.append(self._by_columns(from_p, get(P), u(P)))
            return found
        if name == "delta":
            g, dj = get(("g_prime", n)), get(("dJ_da", n))
            ug, udj = u(("g_prime", n)), u(("dJ_da", n))
            chain = activation.chain
            return [chain(np.abs(g), udj) + chain(ug, np.abs(dj)) + chain(ug, udj)]
        if name == "dJ_dW":
            a_prev = self.a_prev(n, get)
            ua = np.zeros_like(a_prev) if n == 1 else u(("a", n - 1))
            delta, ud = get(("delta", n)), u(("delta", n))
            wg = weight_gradient
            conv = self.conv
            return [wg(conv, np.abs(a_prev), ud) + wg(conv, ua, np.abs(delta)) + wg(conv, ua, ud)]
        if name == "dJ_db":
            db = bias_gradient(layer, u(("delta", n)))
            assert db is not None
            return [db]
        if name in ("weights_updated", "bias_updated"):
            which = "weights" if name == "weights_updated" else "bias"
            source: Key = ("dJ_dW" if which == "weights" else "dJ_db", n)
            rate = 0.0 if which in layer.frozen or self.eta is None else abs(self.eta)
            return [rate * u(source)]
        return None

    @staticmethod
    def _by_columns(function: Callable[[Array], Array], values: Array, spread: Array) -> Array:
        """How far `function` of (m, k) rows moves when each column of `values` moves by its
        spread, up or down, summed over the columns (a first-order bound for a function that
        mixes a row, such as softmax or a loss)."""
        base = np.asarray(function(values), dtype=np.float64)
        total = np.zeros_like(base)
        if values.ndim < 2:
            columns = [np.ones(values.shape, dtype=bool)]
        else:
            columns = [np.arange(values.shape[-1]) == j for j in range(values.shape[-1])]
        with np.errstate(all="ignore"):
            for column in columns:
                step = np.where(column, spread, 0.0)
                if not step.any():
                    continue
                up = np.abs(np.asarray(function(values + step)) - base)
                down = np.abs(np.asarray(function(values - step)) - base)
                total = total + np.nan_to_num(np.maximum(up, down))
        return total

    def slip_values(self, key: Key, get: World) -> list[tuple[str, Array]]:
        """What each slip that can happen at this step gives from the values `get` returns."""
        from backcalc.core.grading.slips import applicable

        return [(slip.code, v) for slip in applicable(key) for v in slip.values(self, key, get)]

    def parameter(self, key: Key) -> str | None:
        """The parameter a gradient step differentiates by (W1, b2, x), for the evidence."""
        name, layer = key
        symbol = GRADIENTS.get(name)
        if symbol is None:
            return None
        return symbol if layer is None else f"{symbol}{layer}"

    def worked(self, world: World, key: Key, index: tuple[int, ...]) -> Worked:
        from backcalc.core.grading.worked import work

        return work(self, world, key, index)

    def changes(self, key: Key, source: Key) -> bool:
        """Whether the step's formula changes the value of its input `source` (copying it
        unchanged is then no method at all): compared on the correct values."""
        own, given = self.correct(key), self.correct(source)
        if own.shape != given.shape:
            return True
        return not np.allclose(own, given, rtol=1e-9, atol=1e-12)

    def loss_side(self, key: Key, claimed: set[Key]) -> bool:
        """Whether a slip in the loss derivative (a sign, a factor) would reach this step
        unseen: it is ∂J/∂ŷ or δ⁽ᴸ⁾, or every backward step between them and it is unclaimed."""
        name, n = key
        if name in ("weights_updated", "bias_updated"):
            source: Key = ("dJ_dW" if name == "weights_updated" else "dJ_db", n)
            return source not in claimed and self.loss_side(source, claimed)
        if key == ("dJ_da", self.depth) or key == ("delta", self.depth):
            return True
        upstream = self.upstream_layer(key)
        if upstream is not None:
            source = ("delta", upstream)
        elif name in ("dJ_dW", "dJ_db"):
            source = ("delta", n)
        elif name == "delta":
            source = ("dJ_da", n)
        else:
            return False
        return source not in claimed and self.loss_side(source, claimed)

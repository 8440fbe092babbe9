"""One entry of a step worked out with the student's own numbers: the sum of products the
step's formula takes, or the function it applies, with the values of the student's world.

`run` is correct by construction; this is for the report's first wrong step ("δ⁽¹⁾₁ =
∂J/∂a⁽¹⁾₁ · g'(z⁽¹⁾₁) = 0,446 · 0,106 = 0,0473"). Indices are those of the internal shapes
(see backcalc.core.grading.model), one row per observation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from backcalc.core.grading.model import YHAT, P

if TYPE_CHECKING:
    from backcalc.core.grading.model import Key, NetworkSteps, World


Kind = Literal["sum", "activation", "derivative", "value", "node"]


@dataclass(frozen=True)
class Factor:
    """A number in the computation: a step's entry (`name`, `layer` as in answers) or a given
    one (`W`, `b`, `x`, `y`, `eta`, `2λ`); `index` into its value as `run` shows it. In a graph
    (`node` set): `value` of the node, `given` (an input's value), or `partial` ∂node/∂by."""

    name: str
    layer: int | None
    index: tuple[int, ...]
    value: float
    node: str | None = None
    by: str | None = None


@dataclass(frozen=True)
class Worked:
    """`kind` sum: Σ coefficient · Π factors over `terms`; `activation` / `derivative`: g or
    g' of the layer applied to the one factor; `value`: computed from `terms`' factors by the
    step's formula (written as the report states it); `node`: a graph node's formula at the
    values of its inputs, the one term's factors."""

    key: Key
    index: tuple[int, ...]
    kind: Kind
    terms: tuple[tuple[float, tuple[Factor, ...]], ...]
    result: float


Terms = list[tuple[float, tuple[Factor, ...]]]


def work(model: NetworkSteps, world: World, key: Key, index: tuple[int, ...]) -> Worked:
    """Entry `index` (in the shape `run` shows) of step `key`, from `world`'s values."""
    shown = model.user(key, model.correct(key)).shape
    inner = model.correct(key).shape
    at = tuple(int(i) for i in np.unravel_index(np.ravel_multi_index(index, shown), inner))
    kind, terms = _terms(model, world, key, at)
    candidates = model.compute(key, world)
    form = model.written_form(key)  # g' from a where the solution writes it so
    result = float(candidates[form if form < len(candidates) else 0][at])
    return Worked(key, index, kind, tuple(terms), result)


def _shown_index(
    model: NetworkSteps, key: Key | None, name: str, at: tuple[int, ...]
) -> tuple[int, ...]:
    """An internal index in the shape `run` shows (one observation: the row dropped)."""
    if key is None:
        return at
    shown = model.user(key, model.correct(key)).shape
    inner = model.correct(key).shape
    return tuple(int(i) for i in np.unravel_index(np.ravel_multi_index(at, inner), shown))


def _entry(model: NetworkSteps, world: World, key: Key, at: tuple[int, ...]) -> Factor:
    return Factor(key[0], key[1], _shown_index(model, key, key[0], at), float(world(key)[at]))


def _given(
    model: NetworkSteps, name: str, layer: int | None, at: tuple[int, ...], value: float
) -> Factor:
    if name in ("x", "y") and not model.exercise.batched:
        at = at[1:]
    return Factor(name, layer, at, value)


def _terms(model: NetworkSteps, world: World, key: Key, at: tuple[int, ...]) -> tuple[Kind, Terms]:
    name, n = key
    column = model.conv == "column"
    upstream = model.upstream_layer(key)
    if upstream is not None:  # ∂J/∂a⁽ˡ⁻¹⁾_oj = Σ_k W_kj δ_ok
        o, j = at
        layer = model.layer(upstream)
        delta: Key = ("delta", upstream)
        terms: Terms = []
        for k in range(layer.n_out(model.conv)):
            w_at = (k, j) if column else (j, k)
            w = _given(model, "W", upstream, w_at, float(layer.weights[w_at]))
            terms.append((1.0, (w, _entry(model, world, delta, (o, k)))))
        return "sum", terms
    if n is None:
        return "value", [(1.0, _related(model, world, key, at))]
    layer = model.layer(n)
    if name == "z":  # z_oi = Σ_j W_ij a_oj + b_i
        o, i = at
        terms = []
        for j in range(layer.n_in(model.conv)):
            w_at = (i, j) if column else (j, i)
            w = _given(model, "W", n, w_at, float(layer.weights[w_at]))
            source = (
                _given(model, "x", None, (o, j), float(model.exercise.x[o, j]))
                if n == 1
                else _entry(model, world, ("a", n - 1), (o, j))
            )
            terms.append((1.0, (w, source)))
        if layer.bias is not None:
            b_at = () if layer.shared_bias else (i,)
            terms.append((1.0, (_given(model, "b", n, b_at, float(layer.bias[b_at])),)))
        return "sum", terms
    if name == "a":
        return "activation", [(1.0, (_entry(model, world, ("z", n), at),))]
    from_a = name == "g_prime" and model.written_form(key) == 1
    if from_a and len(at) == 3 and layer.activation.name == "softmax":  # aᵢ(1[i = j] − aⱼ)
        o, i, j = at
        a_i, a_j = (_entry(model, world, ("a", n), (o, u)) for u in (i, j))
        return "sum", ([(1.0, (a_i,))] if i == j else []) + [(-1.0, (a_i, a_j))]
    if name == "g_prime":
        cell = at[:2]  # a Jacobian's entry [i, j]: g' of unit i
        return "derivative", [(1.0, (_entry(model, world, ("a" if from_a else "z", n), cell),))]
    from_p = name == "dJ_da" and n == model.depth and model.written_form(key) == 1
    if from_p and len(at) == 2 and np.isclose(np.sum(model.exercise.target[at[0]]), 1.0):
        return _difference(model, _entry(model, world, P, at), at)  # (p − y)/m
    if name == "delta" and n == model.depth and model.fused and len(at) == 2:  # (ŷ − y)/m
        return _difference(model, _entry(model, world, YHAT, at), at)
    chained = not (n == model.depth and model.fused)
    if name == "delta" and chained and not layer.activation.elementwise:  # Σⱼ J[j, i]·∂J/∂aⱼ
        o, i = at
        terms = []
        for j in range(world(("dJ_da", n)).shape[1]):
            jacobian = _entry(model, world, ("g_prime", n), (o, j, i))
            terms.append((1.0, (jacobian, _entry(model, world, ("dJ_da", n), (o, j)))))
        return "sum", terms
    if name == "delta" and chained and len(at) == 2:
        factors = (
            _entry(model, world, ("dJ_da", n), at),
            _entry(model, world, ("g_prime", n), at),
        )
        return "sum", [(1.0, factors)]
    if name == "dJ_dW":  # Σ_o δ_oi a_oj
        i, j = at if column else at[::-1]
        terms = []
        for o in range(model.m):
            source = (
                _given(model, "x", None, (o, j), float(model.exercise.x[o, j]))
                if n == 1
                else _entry(model, world, ("a", n - 1), (o, j))
            )
            terms.append((1.0, (_entry(model, world, ("delta", n), (o, i)), source)))
        if model.network.l2:  # + 2λ·W
            w_at = (i, j) if column else (j, i)
            w = _given(model, "W", n, w_at, float(layer.weights[w_at]))
            terms.append((1.0, (Factor("2λ", None, (), 2.0 * model.network.l2), w)))
        return "sum", terms
    if name == "dJ_db":
        units = range(layer.n_out(model.conv)) if layer.shared_bias or not at else [at[0]]
        cells = [(o, i) for o in range(model.m) for i in units]
        return "sum", [(1.0, (_entry(model, world, ("delta", n), cell),)) for cell in cells]
    if name in ("weights_updated", "bias_updated") and model.eta is not None:
        which, gradient = ("W", "dJ_dW") if name == "weights_updated" else ("b", "dJ_db")
        old = layer.weights if which == "W" else layer.bias
        assert old is not None
        shape = world((gradient, n)).shape
        given = _given(model, which, n, at, float(np.broadcast_to(old, shape)[at]))
        eta = Factor("eta", None, (), model.eta)
        return "sum", [(1.0, (given,)), (-1.0, (eta, _entry(model, world, (gradient, n), at)))]
    return "value", [(1.0, _related(model, world, key, at))]


def _difference(model: NetworkSteps, output: Factor, at: tuple[int, ...]) -> tuple[Kind, Terms]:
    """(ŷ − y)/m (or (p − y)/m): the output's entry minus the target's, times 1/m."""
    y = _given(model, "y", None, at, float(model.exercise.target[at]))
    if model.scale == 1:
        return "sum", [(1.0, (output,)), (-1.0, (y,))]
    share = Factor("1/m", None, (), model.scale)
    return "sum", [(1.0, (share, output)), (-1.0, (share, y))]


RELATED_SHOWN = 10  # input entries listed beside a value with no sum of products


def _related(
    model: NetworkSteps, world: World, key: Key, at: tuple[int, ...]
) -> tuple[Factor, ...]:
    """The entries of the step's inputs this entry comes from: the same place, the same
    observation's row (ℓ from ŷ), or all of them (J from ℓ), up to RELATED_SHOWN."""
    found: list[Factor] = []
    own = world(key).shape
    for source in model.inputs(key):
        shape = world(source).shape
        if shape == own:
            cells = [at]
        elif len(shape) == 2 and len(own) == 1:
            cells = [(at[0], k) for k in range(shape[1])]
        elif len(own) == 0:
            cells = [tuple(int(i) for i in cell) for cell in np.ndindex(shape)]
        else:
            continue
        found += [_entry(model, world, source, cell) for cell in cells[:RELATED_SHOWN]]
        if source == YHAT:  # what ŷ is compared with
            y = model.exercise.target
            found += [
                _given(model, "y", None, cell, float(y[cell])) for cell in cells[:RELATED_SHOWN]
            ]
    if YHAT in model.inputs(key) and model.scale != 1 and model.m > 1:
        found.append(Factor("m", None, (), float(model.m)))
    return tuple(found)

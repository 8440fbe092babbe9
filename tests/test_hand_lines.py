"""Hand rounding computes every step the way the solution's line for it is written (issue 13):
each substituted line multiplies out to its result at the document's rounding.

For every element-wise activation the test states here, independently of backcalc, how a hand
solution writes g' (σ: a ⊙ (1 − a) and tanh: 1 − a ⊙ a from the rounded a; exp: e^z = a; the
others at the rounded z), and checks on random networks, in both conventions, single
observations and batches, that each g' of `run(hand_rounding=N)` is that formula of the rounded
inputs, rounded to N decimals, and each δ the rounded product of the rounded factors. The same for
the softmax Jacobian (diag(a) − a·aᵀ from the rounded a), and for a loss on logits, whose lines
substitute the rounded class probabilities p: ℓ = −log p_c, ∂J/∂ŷ = (1/m)(p − y). Rounding in
this file is Decimal's ROUND_HALF_UP on the exact decimal value (products of rounded numbers are
computed in Decimal, exactly)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import backcalc
from backcalc.core.activations import ACTIVATIONS
from tests.helpers import invoke
from tests.test_worked_lines import SOFTMAX_MSE

ONE = Decimal(1)


def exact(value: float) -> Decimal:
    """A float as the decimal it prints as (the numbers of a trace are rounded decimals)."""
    return Decimal(repr(float(value)))


def rnd(value: Decimal | float, decimals: int) -> Decimal:
    value = value if isinstance(value, Decimal) else exact(value)
    return value.quantize(ONE.scaleb(-decimals), rounding=ROUND_HALF_UP)


def sigma(v: float) -> float:
    return 1 / (1 + math.exp(-v))


# g' as a hand solution writes it, from (z, a, options), both rounded: exact where the formula
# is a polynomial in the written numbers, through a float where it is transcendental.
Written = Callable[[Decimal, Decimal, dict[str, Any]], Decimal]
AS_WRITTEN: dict[str, Written] = {
    "identity": lambda z, a, o: ONE,
    "sigmoid": lambda z, a, o: a * (ONE - a),
    "tanh": lambda z, a, o: ONE - a * a,
    "relu": lambda z, a, o: (
        ONE if z > 0 else exact(o.get("derivative_at_zero", 0.0)) if z == 0 else Decimal(0)
    ),
    "leaky_relu": lambda z, a, o: ONE if z > 0 else exact(o.get("slope", 0.01)),
    "elu": lambda z, a, o: ONE if z > 0 else exact(o.get("alpha", 1.0) * math.exp(float(z))),
    "softplus": lambda z, a, o: exact(sigma(float(z))),
    "sin": lambda z, a, o: exact(math.cos(float(z))),
    "cos": lambda z, a, o: exact(-math.sin(float(z))),
    "exp": lambda z, a, o: a,  # written e^z = a
}
OPTIONS: dict[str, list[dict[str, Any]]] = {
    "relu": [{}, {"derivative_at_zero": 0.5}],
    "leaky_relu": [{}, {"slope": 0.1}],
    "elu": [{}, {"alpha": 0.5}],
}


def test_every_elementwise_activation_says_how_its_g_prime_line_is_written() -> None:
    """A new element-wise activation must be added to AS_WRITTEN (and so be tested below)."""
    elementwise = {name for name, cls in ACTIVATIONS.items() if cls.elementwise}
    assert elementwise == set(AS_WRITTEN)


def numbers(rng: np.random.Generator, *shape: int) -> list[Any]:
    return list(np.round(rng.uniform(-1.5, 1.5, size=shape), 2).tolist())


def activation(rng: np.random.Generator, names: list[str]) -> dict[str, Any]:
    name = str(rng.choice(names))
    options = OPTIONS.get(name, [{}])
    return {"name": name, **options[int(rng.integers(len(options)))]}


def network_spec(rng: np.random.Generator, head: tuple[str, str] | None = None) -> dict[str, Any]:
    """A random dense network: 1 to 3 layers of 1 to 3 units, any element-wise activation
    (or the `head`'s output activation and loss), column or row convention, one observation
    (not a batch) or a batch of 1 to 3."""
    sizes = [int(n) for n in rng.integers(1, 4, size=int(rng.integers(1, 4)) + 1)]
    if head is not None and head[0] == "softmax":
        sizes[-1] = max(sizes[-1], 2)
    column = bool(rng.integers(2))
    names = sorted(AS_WRITTEN)
    acts = [activation(rng, names) for _ in sizes[1:]]
    loss = str(rng.choice(["half_squared_error", "squared_error", "mean_squared_error"]))
    if head is not None:
        acts[-1], loss = {"name": head[0]}, head[1]
    batch = int(rng.integers(0, 4))  # 0: one observation, not a batch
    m = max(batch, 1)
    x = numbers(rng, m, sizes[0])
    k = sizes[-1]
    if loss in ("softmax_cross_entropy", "cross_entropy"):
        target: Any = [int(c) for c in rng.integers(0, k, size=m)]
    elif loss in ("sigmoid_binary_cross_entropy", "binary_cross_entropy"):
        target = rng.integers(0, 2, size=(m, k)).astype(float).tolist()
    else:
        target = numbers(rng, m, k)
    layers = [
        {
            "weights": numbers(rng, n_out, n_in) if column else numbers(rng, n_in, n_out),
            "bias": numbers(rng, n_out),
            "activation": act,
        }
        for n_in, n_out, act in zip(sizes[:-1], sizes[1:], acts, strict=True)
    ]
    return {
        "convention": "column" if column else "row",
        "input": x if batch else x[0],
        "target": target if batch else target[0],
        "layers": layers,
        "loss": {"name": loss, "reduction": str(rng.choice(["mean", "sum"]))},
    }


def canonical(weights: Any, column: bool) -> list[list[Decimal]]:
    """W as (out, in) rows of exact decimals."""
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    w = w if column else w.T
    return [[exact(v) for v in row] for row in w]


def dot(row: list[Decimal], values: list[Decimal]) -> Decimal:
    return sum((u * v for u, v in zip(row, values, strict=True)), Decimal(0))


def check_layers(spec: dict[str, Any], decimals: int) -> int:
    """Every layer's z, g' and δ of the hand-rounded trace against the formula as written of
    the trace's own rounded inputs; the number of g' entries checked."""
    trace = backcalc.run(backcalc.load(spec), hand_rounding=decimals).trace
    column = spec["convention"] == "column"
    x = np.atleast_2d(np.asarray(spec["input"], dtype=float))
    inputs = [x, *[lt.a for lt in trace.layers[:-1]]]
    checked = 0
    for number, (layer, lt) in enumerate(zip(spec["layers"], trace.layers, strict=True), 1):
        w = canonical(layer["weights"], column)
        b = [exact(v) for v in layer["bias"]]
        options = {k: v for k, v in layer["activation"].items() if k != "name"}
        for o in range(len(x)):
            a_prev = [exact(v) for v in inputs[number - 1][o]]
            for i in range(len(b)):
                z = exact(lt.z[o, i])
                assert z == rnd(dot(w[i], a_prev) + b[i], decimals), (number, "z")
                if layer["activation"]["name"] == "softmax":
                    continue
                a = exact(lt.a[o, i])
                written = AS_WRITTEN[layer["activation"]["name"]](z, a, options)
                g_prime = exact(lt.g_prime[o, i])
                where = (number, layer["activation"], o, i)
                assert g_prime == rnd(written, decimals), where
                assert exact(lt.delta[o, i]) == rnd(exact(lt.dJ_da[o, i]) * g_prime, decimals)
                checked += 1
    return checked


@pytest.mark.parametrize("seed", range(60))
def test_every_g_prime_is_its_line_as_written_multiplied_out(seed: int) -> None:
    rng = np.random.default_rng(1300 + seed)
    decimals = int(rng.choice([2, 3, 4]))
    assert check_layers(network_spec(rng), decimals) > 0


def test_the_random_networks_cover_every_activation_both_conventions_and_batches() -> None:
    """The 60 networks above reach every activation (with and without options), both
    conventions, single observations and batches."""
    seen: set[str] = set()
    conventions, batched = set(), set()
    for seed in range(60):
        rng = np.random.default_rng(1300 + seed)
        rng.choice([2, 3, 4])
        spec = network_spec(rng)
        seen |= {layer["activation"]["name"] for layer in spec["layers"]}
        seen |= {
            f"{layer['activation']['name']}+"
            for layer in spec["layers"]
            if len(layer["activation"]) > 1
        }
        conventions.add(spec["convention"])
        batched.add(isinstance(spec["input"][0], list))
    assert set(AS_WRITTEN) <= seen
    assert {"relu+", "leaky_relu+", "elu+"} <= seen
    assert conventions == {"column", "row"} and batched == {True, False}


# -- softmax: the Jacobian from the rounded a --------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_the_softmax_jacobian_is_diag_a_minus_a_a_transposed_of_the_rounded_a(seed: int) -> None:
    """∂a/∂z = diag(a) − a·aᵀ is written with a: each entry aᵢ(1[i = j] − aⱼ) of the rounded a,
    rounded; δ = Jᵀ·∂J/∂a of the rounded J and ∂J/∂a, rounded."""
    rng = np.random.default_rng(1400 + seed)
    decimals = int(rng.choice([2, 3]))
    loss = str(rng.choice(["half_squared_error", "squared_error"]))
    spec = network_spec(rng, ("softmax", loss))
    trace = backcalc.run(backcalc.load(spec), hand_rounding=decimals).trace
    last = trace.layers[-1]
    for o, (a_row, jacobian) in enumerate(zip(last.a, last.g_prime, strict=True)):
        a = [exact(v) for v in a_row]
        k = len(a)
        written = [[a[i] * ((ONE if i == j else 0) - a[j]) for j in range(k)] for i in range(k)]
        rounded = [[rnd(v, decimals) for v in row] for row in written]
        assert [[exact(v) for v in row] for row in jacobian] == rounded, (o, decimals)
        upstream = [exact(v) for v in last.dJ_da[o]]
        for i in range(k):
            total = sum((rounded[j][i] * upstream[j] for j in range(k)), Decimal(0))
            assert exact(last.delta[o, i]) == rnd(total, decimals)
    check_layers(spec, decimals)  # and every layer before it


def test_a_softmax_jacobian_entry_rounded_from_the_unrounded_p_is_not_the_line() -> None:
    """The case that failed: a = (0.722, 0.067, 0.211) at 3 decimals, where −0.722 · 0.067 =
    −0.048374 (−0.048) but −p₁p₂ of the unrounded p rounds to −0.049."""
    spec = SOFTMAX_MSE
    trace = backcalc.run(backcalc.load(spec), hand_rounding=3).trace
    assert trace.layers[0].a[0].tolist() == [0.722, 0.067, 0.211]
    assert trace.layers[0].g_prime[0, 0, 1] == -0.048 == trace.layers[0].g_prime[0, 1, 0]


# -- losses whose lines substitute the class probabilities ------------------------------------


LOGIT_HEADS = [
    ("identity", "softmax_cross_entropy"),
    ("identity", "sigmoid_binary_cross_entropy"),
    ("softmax", "cross_entropy"),
    ("sigmoid", "binary_cross_entropy"),
]


def log_of(p: Decimal) -> Decimal:
    return exact(math.log(float(p)))


@pytest.mark.parametrize("head", LOGIT_HEADS, ids=lambda head: head[1])
@pytest.mark.parametrize("seed", range(12))
def test_the_loss_lines_take_the_rounded_probabilities(seed: int, head: tuple[str, str]) -> None:
    """p = softmax(ŷ) (or σ(ŷ)) rounded; ℓ = −Σ y log p of the rounded p (−log p_c for a class),
    rounded; J their mean or sum, rounded; ∂J/∂ŷ = (1/m)(p − y) of the rounded p, rounded (a
    fused output: δ = (1/m)(ŷ − y) of the rounded ŷ = p)."""
    rng = np.random.default_rng(1500 + seed)
    decimals = int(rng.choice([2, 3]))
    spec = network_spec(rng, head)
    trace = backcalc.run(backcalc.load(spec), hand_rounding=decimals).trace
    yhat, y = trace.prediction, trace.exercise.target
    m = len(y)
    binary = "binary" in head[1]
    if head[0] == "identity":
        if binary:
            p_float = 1 / (1 + np.exp(-yhat))
        else:
            e = np.exp(yhat - yhat.max(axis=1, keepdims=True))
            p_float = e / e.sum(axis=1, keepdims=True)
        p = [[rnd(v, decimals) for v in row] for row in p_float]
    else:
        p = [[exact(v) for v in row] for row in yhat]
    assert trace.probabilities is not None
    assert [[exact(v) for v in row] for row in trace.probabilities] == p
    scale = ONE / m if spec["loss"]["reduction"] == "mean" else ONE
    losses = []
    for o in range(m):
        targets = [exact(v) for v in y[o]]
        if binary:
            terms = [
                t * log_of(q) + (ONE - t) * log_of(ONE - q)
                for q, t in zip(p[o], targets, strict=True)
                if 0 < q < 1
            ]
            if len(terms) < len(targets):
                continue  # p rounded to 0 or 1: see the test below
            loss = -sum(terms, Decimal(0))
        else:
            loss = -sum(
                (t * log_of(q) for q, t in zip(p[o], targets, strict=True) if t), Decimal(0)
            )
        losses.append(rnd(loss, decimals))
        assert exact(trace.losses[o]) == losses[-1], o
        last = trace.layers[-1]
        if trace.fused:
            got = [exact(v) for v in last.delta[o]]
        else:
            got = [exact(v) for v in last.dJ_da[o]]
        ones = sum(targets, Decimal(0)) if not binary else ONE
        expected = [
            rnd(scale * (q * ones - t), decimals) for q, t in zip(p[o], targets, strict=True)
        ]
        assert got == expected, o
    if len(losses) == m:
        total = sum(losses, Decimal(0)) * scale
        assert exact(trace.loss) == rnd(total, decimals)


def test_a_probability_rounded_to_zero_keeps_the_loss_finite() -> None:
    """At 2 decimals p_c = 0.0025 is written 0.00, whose log is −∞: that observation's ℓ is then
    the one of the logits (rounded), not an error."""
    spec = {
        "input": [1.0],
        "target": 1,
        "layers": [{"weights": [[3.0], [-3.0]], "bias": [0.0, 0.0], "activation": "identity"}],
        "loss": "softmax_cross_entropy",
    }
    trace = backcalc.run(backcalc.load(spec), hand_rounding=2).trace
    assert trace.probabilities is not None
    assert trace.probabilities[0].tolist() == [1.0, 0.0]
    logits_loss = math.log(1 + math.exp(-6.0)) + 6.0  # −log softmax(3, −3)₂
    assert float(trace.losses[0]) == float(rnd(logits_loss, 2)) == 6.0
    assert trace.layers[0].dJ_da[0].tolist() == [1.0, -1.0]  # p − y of the written p


# -- the grader agrees: a key of these networks passes -----------------------------------------


def key_answers(doc: dict[str, Any], decimals: int) -> dict[str, Any]:
    """Every quantity of `run --format json` as an answers file, with exactly `decimals`."""

    def written(value: Any) -> Any:
        if isinstance(value, list):
            return [written(v) for v in value]
        return value if isinstance(value, int) else f"{value:.{decimals}f}"

    tops = ("prediction", "probabilities", "losses", "loss", "dJ_dx")
    per_layer = ("z", "a", "g_prime", "dJ_da", "delta", "dJ_dW", "dJ_db")
    answers: dict[str, Any] = {n: written(doc[n]) for n in tops if doc.get(n) is not None}
    answers["layers"] = {
        str(layer["layer"]): {n: written(layer[n]) for n in per_layer if layer.get(n) is not None}
        for layer in doc["layers"]
    }
    return answers


@pytest.mark.parametrize("seed", range(16))
def test_a_hand_rounded_key_of_a_random_network_passes(seed: int, tmp_path: Path) -> None:
    rng = np.random.default_rng(1600 + seed)
    decimals = int(rng.choice([2, 3]))
    heads: list[tuple[str, str] | None] = [None, ("softmax", "half_squared_error"), *LOGIT_HEADS]
    spec = network_spec(rng, heads[seed % len(heads)])
    path = tmp_path / "net.yaml"
    path.write_text(json.dumps(spec))
    code, out, err = invoke("run", str(path), "--hand-rounding", str(decimals), "-f", "json")
    assert (code, err) == (0, "")
    answers = tmp_path / "key.yaml"
    answers.write_text(json.dumps(key_answers(json.loads(out), decimals)))
    code, out, err = invoke("check", str(path), "--answers", str(answers), "-f", "json")
    doc = json.loads(out)
    wrong = [
        (e["quantity"], e["layer"], e["index"]) for e in doc["entries"] if e["status"] != "correct"
    ]
    assert (code, wrong) == (0, [])


# -- the published figures of the reference exercise, by NumPy ---------------------------------


def test_the_reference_key_is_the_hand_computation_in_numpy() -> None:
    """The 2-3-1 key at 3 decimals computed here with NumPy, each line as the notes write it
    (σ' as a(1 − a) of the rounded a), is the issue's: g'(z⁽²⁾) = 0.250, δ⁽²⁾ = −1.120,
    ∂J/∂W⁽²⁾ = (−0.984, −1.067, −1.006), ∂J/∂a⁽¹⁾ = (0.448, −0.224, 0.560); and `run -f json
    --hand-rounding 3` gives every number of it."""

    def r(values: Any) -> Any:  # half away from zero, 3 decimals, on the printed decimal
        return np.vectorize(lambda v: float(rnd(float(v), 3)))(np.asarray(values, dtype=float))

    w1 = np.array([[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]])
    b1, w2, b2 = np.array([0.1, 0.5, 0.8]), np.array([[-0.4, 0.2, -0.5]]), np.array([0.7])
    x, y = np.array([1.8, -3.4]), np.array([5.0])
    z1 = r(w1 @ x + b1)
    a1 = r(1 / (1 + np.exp(-z1)))
    z2 = r(w2 @ a1 + b2)
    a2 = r(1 / (1 + np.exp(-z2)))
    loss = r(0.5 * np.sum((a2 - y) ** 2))
    dJ_dyhat = r(a2 - y)
    g2 = r(a2 * (1 - a2))
    d2 = r(dJ_dyhat * g2)
    dW2, dJ_da1 = r(np.outer(d2, a1)), r(w2.T @ d2)
    g1 = r(a1 * (1 - a1))
    d1 = r(dJ_da1 * g1)
    dW1, dJ_dx = r(np.outer(d1, x)), r(w1.T @ d1)
    # the figures
    assert g2.tolist() == [0.250] and d2.tolist() == [-1.120]
    assert dW2.tolist() == [[-0.984, -1.067, -1.006]]
    assert dJ_da1.tolist() == [0.448, -0.224, 0.560]
    assert g1[:2].tolist() == [0.106, 0.045]  # the notes' 0,106 and 0,045
    code, out, err = invoke("run", "reference-2-3-1", "--hand-rounding", "3", "-f", "json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    layer1, layer2 = doc["layers"]
    assert doc["loss"] == float(loss)
    expected1 = {"z": z1, "a": a1, "dJ_da": dJ_da1, "g_prime": g1, "delta": d1, "dJ_dW": dW1}
    expected2 = {"z": z2, "a": a2, "dJ_da": dJ_dyhat, "g_prime": g2, "delta": d2, "dJ_dW": dW2}
    for got, expected in ((layer1, expected1), (layer2, expected2)):
        for name, value in expected.items():
            assert np.ravel(got[name]).tolist() == np.ravel(value).tolist(), name
    assert doc["dJ_dx"] == dJ_dx.tolist()


# -- the grader follows ∂J/∂ŷ = (1/m)(p − y) from the student's own p --------------------------

LOGITS_SPEC: dict[str, Any] = {
    "convention": "row",
    "input": [[0.5, -1.2], [1.0, 0.3]],
    "target": [0, 2],
    "layers": [
        {
            "weights": [[0.4, -0.6, 0.1], [0.3, 0.2, -0.5]],
            "bias": [0.1, 0.0, -0.2],
            "activation": "identity",
        }
    ],
    "loss": {"name": "softmax_cross_entropy", "reduction": "mean"},
}


def logits_by_numpy() -> tuple[Any, Any]:
    x, w = np.array(LOGITS_SPEC["input"]), np.array(LOGITS_SPEC["layers"][0]["weights"])
    yhat = x @ w + np.array(LOGITS_SPEC["layers"][0]["bias"])
    e = np.exp(yhat - yhat.max(axis=1, keepdims=True))
    return yhat, e / e.sum(axis=1, keepdims=True)


def grade(answers: dict[str, Any]) -> dict[str, str]:
    report = backcalc.check(backcalc.load(LOGITS_SPEC), answers=answers).to_dict()
    return {f"{s['quantity']}{s['layer'] or ''}": s["status"] for s in report["steps"]}


def test_dJ_dyhat_from_p_written_with_fewer_decimals_is_correct() -> None:
    """p written with 2 decimals (each correct), then ∂J/∂ŷ = (1/2)(p − y) of those p written with
    3: the line as the student wrote it, correct (from ŷ alone, −0.158 for −0.1574… is not)."""
    _, p = logits_by_numpy()
    y = np.array([[1, 0, 0], [0, 0, 1]], dtype=float)
    p2 = np.vectorize(lambda v: float(rnd(float(v), 2)))(p)
    dJ = np.vectorize(lambda v: float(rnd(float(v), 3)))((p2 - y) / 2)
    assert np.any(np.abs(dJ - (p - y) / 2) > 0.00051)  # the case: not the exact value at 3 decimals
    answers = {
        "probabilities": [[f"{v:.2f}" for v in row] for row in p2],
        "layers": {1: {"dJ_da": [[f"{v:.3f}" for v in row] for row in dJ]}},
    }
    assert grade(answers) == {"probabilities": "correct", "dJ_da1": "correct"}


def test_dJ_dyhat_from_a_wrong_p_is_carried_forward() -> None:
    """p with a row's first two entries swapped (wrong), and ∂J/∂ŷ = (1/2)(p − y) from those p:
    method credit."""
    _, p = logits_by_numpy()
    y = np.array([[1, 0, 0], [0, 0, 1]], dtype=float)
    wrong = p.copy()
    wrong[0, [0, 1]] = wrong[0, [1, 0]]
    assert abs(wrong[0, 0] - p[0, 0]) > 0.01
    dJ = (wrong - y) / 2
    answers = {
        "probabilities": [[f"{v:.3f}" for v in row] for row in wrong],
        "layers": {1: {"dJ_da": [[f"{v:.4f}" for v in row] for row in dJ]}},
    }
    assert grade(answers) == {"probabilities": "wrong", "dJ_da1": "carried_forward"}

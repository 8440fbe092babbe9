"""Hand rounding computes each step the way a hand solution writes it (issues 12 and 13): every
quantity rounded half away from zero at d decimals and used rounded, and g'(z) taken from the
rounded a where the derivative is written with a (σ: a(1 − a), tanh: 1 − a²), so that every
substituted line of a document multiplies out to its result.

Checked three ways: the published figures of the issues on the reference exercise; an
independent re-implementation (numpy arrays of exact Decimals, so the rounding is done on the
decimal value itself) on random networks; and the documents' own g' lines, multiplied out."""

from __future__ import annotations

import json
import math
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from backcalc.core.network import run
from backcalc.io import examples
from backcalc.io.spec import read
from tests.helpers import invoke

# -- the published figures -----------------------------------------------------------------------


def test_the_reference_key_at_three_decimals_is_the_published_one() -> None:
    """Issues 12 and 13: the key follows the notes up to g'(z⁽²⁾) = 0.522 · 0.478 = 0.250 (the
    notes print 0,249, from an unrounded g'), then δ⁽²⁾ = −1.120, ∂J/∂W⁽²⁾ = (−0.984, −1.067,
    −1.006), ∂J/∂a⁽¹⁾ = (0.448, −0.224, 0.560), and layer 1's σ' is the notes' (0,106; 0,045)
    (0.879 · 0.121 and 0.953 · 0.047, where σ'(z) rounded gives 0.107 and 0.044)."""
    code, out, err = invoke("run", "reference-2-3-1", "--hand-rounding", "3", "-f", "json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    layer1, layer2 = doc["layers"]
    # up to g'(z⁽²⁾) the notes' own figures
    assert layer1["z"] == [1.98, 3.02, 2.172]
    assert layer1["a"] == [0.879, 0.953, 0.898]
    assert doc["prediction"] == [0.522]
    assert layer2["dJ_da"] == [-4.478]
    assert layer2["g_prime"] == [0.250]
    # from δ⁽²⁾ on, what the lines as written give
    assert layer2["delta"] == [-1.120]
    assert layer2["dJ_db"] == [-1.120]
    assert layer2["dJ_dW"] == [[-0.984, -1.067, -1.006]]
    assert layer1["dJ_da"] == [0.448, -0.224, 0.560]
    assert layer1["g_prime"][:2] == [0.106, 0.045]  # the notes' 0,106 and 0,045


def test_the_exact_computation_takes_g_prime_at_z() -> None:
    """Without --hand-rounding nothing is rounded and g' is σ'(z) itself, not a(1 − a) of any
    rounded a: the unrounded figures of note 004 (σ'(z⁽²⁾) = 0.2495…, δ⁽²⁾ = −1.1171…)."""
    example = examples.find("reference-2-3-1")
    assert example is not None
    trace = run(read(example.path))
    w1 = np.array([[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]])
    z1 = w1 @ np.array([1.8, -3.4]) + np.array([0.1, 0.5, 0.8])
    a1 = 1 / (1 + np.exp(-z1))
    z2 = np.array([-0.4, 0.2, -0.5]) @ a1 + 0.7
    a2 = 1 / (1 + math.exp(-z2))
    np.testing.assert_allclose(trace.layers[1].g_prime[0], [a2 * (1 - a2)], rtol=1e-14)
    np.testing.assert_allclose(trace.layers[1].delta[0], [(a2 - 5) * a2 * (1 - a2)], rtol=1e-14)
    np.testing.assert_allclose(trace.layers[0].g_prime[0], a1 * (1 - a1), rtol=1e-14)


# -- an independent re-implementation on random networks -----------------------------------------


class Hand:
    """The computation by hand at `decimals`, on exact decimals: numpy arrays of Decimal, every
    product and sum exact, every result rounded half away from zero on its decimal value."""

    def __init__(self, decimals: int) -> None:
        self.unit = Decimal(1).scaleb(-decimals)

    def r(self, values: Any) -> Any:
        rounded = np.vectorize(
            lambda v: v.quantize(self.unit, rounding=ROUND_HALF_UP), otypes=[object]
        )
        return rounded(np.asarray(values, dtype=object))

    @staticmethod
    def exact(values: Any) -> Any:
        return np.vectorize(lambda v: Decimal(repr(float(v))), otypes=[object])(values)

    def g(self, name: str, z: Any) -> Any:
        """g(z) in float (the one transcendental step), read as the decimal it prints as."""
        f = {"sigmoid": lambda v: 1 / (1 + math.exp(-v)), "tanh": math.tanh, "identity": float}
        return self.exact(np.vectorize(lambda v: f[name](float(v)))(z))

    @staticmethod
    def g_prime(name: str, a: Any) -> Any:
        """g' as the line writes it, from the rounded a."""
        one = Decimal(1)
        if name == "sigmoid":
            return a * (one - a)
        if name == "tanh":
            return one - a * a
        return np.full(a.shape, one, dtype=object)


def hand_solution(spec: dict[str, Any], decimals: int) -> dict[str, Any]:
    """Every quantity of `run -f json` for `spec`, computed by hand (batch rows, W in the
    spec's layout), as nested lists of floats."""
    h = Hand(decimals)
    column = spec["convention"] == "column"
    x = h.exact(np.array(spec["input"], dtype=float))
    y = h.exact(np.array(spec["target"], dtype=float))
    ws = [h.exact(np.array(layer["weights"], dtype=float)) for layer in spec["layers"]]
    bs = [h.exact(np.array(layer["bias"], dtype=float)) for layer in spec["layers"]]
    names = [layer["activation"] for layer in spec["layers"]]
    loss, reduction = spec["loss"]["name"], spec["loss"]["reduction"]
    l2, eta = h.exact(np.array(spec["l2"])), h.exact(np.array(spec["learning_rate"]))
    m = len(spec["input"])

    inputs, zs, acts = [x], [], []
    for w, b, name in zip(ws, bs, names, strict=True):
        z = h.r(inputs[-1].dot(w.T if column else w) + b)
        a = h.r(h.g(name, z))
        zs.append(z)
        acts.append(a)
        inputs.append(a)
    yhat = acts[-1]
    factor = Decimal(1) if loss == "squared_error" else Decimal(1) / 2  # Σ r² or ½ Σ r²
    losses = h.r((factor * (yhat - y) ** 2).sum(axis=1))
    total = losses.sum()
    data_loss = h.r(total / m if reduction == "mean" else total)
    l2_loss = h.r(l2 * sum((w * w).sum() for w in ws))
    scale = Decimal(1) / m if reduction == "mean" else Decimal(1)
    dJ_da = h.r(scale * (yhat - y) * (2 if loss == "squared_error" else 1))  # 2r or r
    layers: list[dict[str, Any]] = [{} for _ in ws]
    for index in reversed(range(len(ws))):
        w, b = ws[index], bs[index]
        g_prime = h.r(h.g_prime(names[index], acts[index]))
        delta = h.r(dJ_da * g_prime)
        dW = delta.T.dot(inputs[index]) if column else inputs[index].T.dot(delta)
        dW = h.r(dW + 2 * l2 * w)
        db = h.r(delta.sum(axis=0))
        layers[index] = {
            "z": zs[index],
            "a": acts[index],
            "g_prime": g_prime,
            "dJ_da": dJ_da,
            "delta": delta,
            "dJ_dW": dW,
            "dJ_db": db,
            "weights_updated": h.r(w - eta * dW),
            "bias_updated": h.r(b - eta * db),
        }
        dJ_da = h.r(delta.dot(w) if column else delta.dot(w.T))
    floats = np.vectorize(float)
    return {
        "losses": floats(losses).tolist(),
        "data_loss": float(data_loss),
        "l2_loss": float(l2_loss),
        "loss": float(h.r(data_loss + l2_loss)),
        "prediction": floats(yhat).tolist(),
        "dJ_dx": floats(dJ_da).tolist(),
        "layers": [{k: floats(v).tolist() for k, v in layer.items()} for layer in layers],
    }


def random_spec(rng: np.random.Generator) -> dict[str, Any]:
    sizes = [int(n) for n in rng.integers(1, 4, size=int(rng.integers(2, 4)) + 1)]
    m = int(rng.integers(1, 4))
    hidden = ["sigmoid", "tanh"]
    names = [str(rng.choice(hidden)) for _ in sizes[1:-1]] + [
        str(rng.choice([*hidden, "identity"]))
    ]
    column = bool(rng.integers(2))

    def numbers(*shape: int) -> list[Any]:
        return list(np.round(rng.uniform(-1.5, 1.5, size=shape), 2).tolist())

    layers = [
        {
            "weights": numbers(n_out, n_in) if column else numbers(n_in, n_out),
            "bias": numbers(n_out),
            "activation": name,
        }
        for n_in, n_out, name in zip(sizes[:-1], sizes[1:], names, strict=True)
    ]
    return {
        "convention": "column" if column else "row",
        "input": numbers(m, sizes[0]),
        "target": numbers(m, sizes[-1]),
        "layers": layers,
        "loss": {
            "name": str(rng.choice(["half_squared_error", "squared_error"])),
            "reduction": str(rng.choice(["mean", "sum"])),
        },
        "l2": float(rng.choice([0.0, 0.05])),
        "learning_rate": float(rng.choice([0.1, 0.5])),
    }


def flat(value: Any) -> list[float]:
    return [float(v) for v in np.ravel(np.asarray(value, dtype=float))]


@pytest.mark.parametrize("seed", range(30))
def test_hand_rounding_is_an_independent_hand_computation(seed: int, tmp_path: Path) -> None:
    rng = np.random.default_rng(1200 + seed)
    spec = random_spec(rng)
    decimals = int(rng.choice([2, 3, 4]))
    path = tmp_path / "net.yaml"
    path.write_text(json.dumps(spec))  # JSON is YAML
    code, out, err = invoke("run", str(path), "--hand-rounding", str(decimals), "-f", "json")
    assert (code, err) == (0, "")
    got, expected = json.loads(out), hand_solution(spec, decimals)
    for key in ("losses", "data_loss", "l2_loss", "loss", "prediction", "dJ_dx"):
        assert flat(got[key]) == flat(expected[key]), key
    assert len(got["layers"]) == len(expected["layers"])
    for number, (mine, theirs) in enumerate(zip(got["layers"], expected["layers"], strict=True)):
        for key, value in theirs.items():
            assert flat(mine[key]) == flat(value), f"layer {number + 1}: {key}"


# -- the documents' g' lines multiply out ------------------------------------------------------

# g'(z^{(l)}) &= ... \\ then the substituted line(s) &= ... \\ then the result &= ...
G_PRIME = re.compile(
    r"g'\(z\^\{\((\d+)\)\}\) &= [^\n]*?= "  # ⊙ between vectors, · between numbers
    r"(a\^\{\(\d+\)\} \\(?:odot|cdot) \(1 - a|1 - a\^\{\(\d+\)\} \\(?:odot|cdot) a)"
    r"[^\n]*\\\\\*?\n&= (.*?)\\\\\*?\n&= (.*?)\\end\{align(?:ed|\*)\}",
    re.S,
)
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def numbers(text: str) -> list[Decimal]:
    return [Decimal(n) for n in NUMBER.findall(text.replace("{,}", "."))]


def assert_g_prime_lines_multiply_out(document: str, lines: int, decimals: int) -> None:
    """Every g' line written with a (σ: a ⊙ (1 − a), tanh: 1 − a ⊙ a), its numbers read back
    and multiplied out at `decimals`, is the result printed under it."""
    found = G_PRIME.findall(document)
    assert len(found) == lines, "the g' lines written with a"
    unit = Decimal(1).scaleb(-decimals)
    for layer, form, substituted, result in found:
        values, printed = numbers(substituted), numbers(result)
        n = len(printed)
        if form.startswith("1 - "):  # tanh: 1 − a ⊙ a
            one, a, again = values[0], values[1 : 1 + n], values[1 + n :]
            multiplied = [1 - v * v for v in a]
        else:  # sigmoid: a ⊙ (1 − a)
            a, one, again = values[:n], values[n], values[n + 1 :]
            multiplied = [v * (1 - v) for v in a]
        assert one == 1 and a == again, f"layer {layer}: not the same a twice"
        with localcontext() as context:
            context.rounding = ROUND_HALF_UP
            assert [v.quantize(unit) for v in multiplied] == printed, f"layer {layer}: {form}"


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("decimals", [2, 3])
@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("reference-2-3-1", 2),
        ("tanh-batch-column", 1),
        ("softmax-cross-entropy", 1),
        ("mazur-shared-bias", 2),
    ],
)
def test_every_g_prime_line_of_the_examples_multiplies_out(
    name: str, lines: int, decimals: int, lang: str, fmt: str
) -> None:
    args = ("run", name, "--hand-rounding", str(decimals), "-f", fmt, "--lang", lang)
    code, out, err = invoke(*args)
    assert (code, err) == (0, "")
    assert_g_prime_lines_multiply_out(out, lines, decimals)


def test_the_reference_documents_sigma_prime_line_is_the_notes() -> None:
    """Issue 13: `0,879 ⊙ (1 − 0,879) = 0,107` was printed where 0,879 · 0,121 = 0,106."""
    args = ("run", "reference-2-3-1", "--hand-rounding", "3", "-f", "latex", "--lang", "es")
    out = invoke(*args)[1]
    (layer1,) = [found for found in G_PRIME.findall(out) if found[0] == "1"]
    assert numbers(layer1[3]) == [Decimal("0.106"), Decimal("0.045"), Decimal("0.092")]


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
@pytest.mark.parametrize("seed", range(8))
def test_every_g_prime_line_of_random_networks_multiplies_out(
    seed: int, fmt: str, tmp_path: Path
) -> None:
    rng = np.random.default_rng(1300 + seed)
    spec = random_spec(rng)
    decimals = int(rng.choice([2, 3]))
    path = tmp_path / "net.yaml"
    path.write_text(json.dumps(spec))
    args = ("run", str(path), "--hand-rounding", str(decimals), "-f", fmt, "--lang", "es")
    code, out, err = invoke(*args)
    assert (code, err) == (0, "")
    written_with_a = [layer for layer in spec["layers"] if layer["activation"] != "identity"]
    assert_g_prime_lines_multiply_out(out, len(written_with_a), decimals)


def test_probabilities_are_rounded_by_hand_too() -> None:
    """--hand-rounding rounds the class probabilities as it rounds ŷ (issue 12's keys claim
    them): every one has at most 3 decimals and is p(rounded ŷ) rounded."""
    import backcalc

    for name in ("softmax-cross-entropy", "binary-cross-entropy"):
        doc = backcalc.run(name, hand_rounding=3).to_dict()
        probabilities = np.asarray(doc["probabilities"], dtype=float)
        assert np.allclose(probabilities * 1000, np.round(probabilities * 1000), atol=1e-6), name

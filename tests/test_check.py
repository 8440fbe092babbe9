"""`backcalc check`: the engine's gradients against finite differences (every case passes, kinks
are flagged, a wrong gradient is caught), and hand-worked answers (the reference exercise's hand
solution is judged as the course notes' README says it must be)."""

from __future__ import annotations

import dataclasses
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest

from backcalc.core import gradcheck, network
from backcalc.core.gradcheck import CheckSettings, check
from backcalc.core.grading import AnswerSettings, grade
from backcalc.core.network import run
from backcalc.errors import NumericalError
from backcalc.io import answers, examples
from backcalc.io.spec import parse, read
from tests.helpers import invoke
from tests.test_gradients import CASES, make_exercise

# -- the engine's gradients ----------------------------------------------------------------


@pytest.mark.parametrize(("loss", "output", "convention", "batched", "bias", "reduction"), CASES)
def test_every_case_passes(
    loss: str, output: str, convention: str, batched: bool, bias: str, reduction: str
) -> None:
    rng = np.random.default_rng(
        len(CASES) + CASES.index((loss, output, convention, batched, bias, reduction))
    )
    for _ in range(20):  # skip the rare draw whose outputs saturate to exactly 0 or 1
        exercise = make_exercise(rng, loss, output, convention, batched, bias, reduction, 0.05)  # type: ignore[arg-type]
        try:
            trace = run(exercise)
            break
        except NumericalError:
            continue
    result = check(trace, CheckSettings())
    assert result.passed, [e for e in result.entries if e.status == "fail"]
    assert all(e.status in ("pass", "kink") for e in result.entries)
    layers = exercise.network.layers
    sizes = exercise.x.size + sum(layer.weights.size for layer in layers)
    sizes += sum(layer.bias.size for layer in layers if layer.bias is not None)
    assert len(result.entries) == sizes  # every entry of every parameter and of x


def test_relu_kink_is_flagged_not_failed() -> None:
    code, out, _ = invoke("check", "relu-kink")
    assert code == 0
    assert "kink: θ ± ε lies on both sides of a kink" in out
    doc = json.loads(invoke("check", "relu-kink", "-f", "json")[1])
    statuses = {tuple(e["index"]): e["status"] for e in doc["entries"] if e["parameter"] == "W1"}
    # unit 1's input is exactly 0: both of its weights straddle the kink; unit 2's do not
    assert statuses == {(0, 0): "kink", (0, 1): "kink", (1, 0): "pass", (1, 1): "pass"}
    assert doc["passed"] is True


def test_kink_is_found_by_side_not_by_distance() -> None:
    # z = 1e-9 is close to 0 but a step of 1e-12 does not reach it: no kink.
    text = (
        "input: [1]\ntarget: 0\nlayers: [{weights: [[1e-9]], activation: relu}]\n"
        "loss: squared_error\n"
    )
    assert all(
        e.status == "pass" for e in check(run(parse(text)), CheckSettings(eps=1e-12)).entries
    )
    # With ε = 1e-6 the step crosses 0: a kink, for both the weight and x.
    statuses = {e.parameter: e.status for e in check(run(parse(text)), CheckSettings()).entries}
    assert statuses == {"W1": "kink", "x": "pass"}  # ∂z/∂x = 1e-9: x ± 1e-6 stays positive


@pytest.mark.parametrize(("alpha", "expected"), [(1.0, "pass"), (2.0, "kink")])
def test_elu_is_a_kink_only_when_alpha_is_not_1(alpha: float, expected: str) -> None:
    text = f"""
input: [1, -1]
target: 1
layers: [{{weights: [[1, 1]], activation: {{name: elu, alpha: {alpha}}}}}]
loss: half_squared_error
"""
    result = check(run(parse(text)), CheckSettings())
    assert {e.status for e in result.entries if e.parameter == "W1"} == {expected}


def test_hinge_margin_at_zero_is_a_kink() -> None:
    # scores (1, 2, 0), class 1: the margin of class 0 is 1 − 2 + 1 = 0 exactly
    text = (
        "input: [1, 2, 0]\ntarget: 1\nlayers: [{weights: [[1,0,0],[0,1,0],[0,0,1]]}]\n"
        "loss: multiclass_hinge\n"
    )
    result = check(run(parse(text)), CheckSettings())
    kinks = {e.index for e in result.entries if e.status == "kink" and e.parameter == "W1"}
    assert (0, 0) in kinks and (1, 1) in kinks and result.passed


def test_a_wrong_gradient_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    right = network.weight_gradient

    def off_by_a_sign(convention, a_prev, delta):  # type: ignore[no-untyped-def]
        grad = right(convention, a_prev, delta).copy()
        grad.flat[0] *= -1
        return grad

    monkeypatch.setattr(network, "weight_gradient", off_by_a_sign)
    code, out, _ = invoke("check", "reference-2-3-1")
    assert code == 1
    assert "FAILED" in out
    doc = json.loads(invoke("check", "reference-2-3-1", "-f", "json")[1])
    failed = [(e["parameter"], e["index"]) for e in doc["entries"] if e["status"] == "fail"]
    assert failed == [("W1", [0, 0]), ("W2", [0, 0])]
    assert doc["passed"] is False


def test_a_small_error_in_a_small_gradient_is_caught() -> None:
    trace = run(
        parse(
            "input: [1e-3, 2e-3]\ntarget: 0\nlayers: [{weights: [[0.5, 0.1]], "
            "bias: 0.2}]\nloss: half_squared_error\n"
        )
    )
    layer = trace.layers[0]
    wrong_dW = layer.dW.copy()
    wrong_dW[0, 0] *= 1.001  # 0.1% off an entry of size 2e-4
    tampered = dataclasses.replace(trace, layers=(dataclasses.replace(layer, dW=wrong_dW),))
    assert check(trace, CheckSettings()).passed
    assert not check(tampered, CheckSettings()).passed


def test_large_networks_are_sampled_with_directions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gradcheck, "SAMPLE_ABOVE", 50)
    monkeypatch.setattr(gradcheck, "SAMPLE_SIZE", 7)
    rng = np.random.default_rng(5)
    w1, w2 = rng.normal(size=(6, 12)).round(3).tolist(), rng.normal(size=(3, 6)).round(3).tolist()
    text = (
        f"input: {rng.normal(size=12).round(3).tolist()}\ntarget: 1\nlayers:\n"
        f"  - {{weights: {w1}, bias: 0.1, activation: tanh}}\n  - {{weights: {w2}}}\n"
        "loss: softmax_cross_entropy\n"
    )
    trace = run(parse(text))
    result = check(trace, CheckSettings(seed=3))
    assert result.sampled and result.passed
    w1_entries = [e for e in result.entries if e.parameter == "W1"]
    assert len([e for e in w1_entries if e.index is not None]) == 7
    assert len([e for e in w1_entries if e.direction is not None]) == gradcheck.DIRECTIONS
    assert result == check(trace, CheckSettings(seed=3))  # seeded: the same sample again
    everything = check(trace, CheckSettings(every_entry=True))
    assert not everything.sampled and len(everything.entries) == 72 + 1 + 18 + 12


def test_directions_catch_a_wrong_gradient(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gradcheck, "SAMPLE_ABOVE", 1)
    monkeypatch.setattr(gradcheck, "SAMPLE_SIZE", 1)
    spec = "input: [1, 2, 3]\ntarget: [0, 1]\nlayers: [{weights: [[1, 2, 3], [4, 5, 6]], "
    trace = run(parse(spec + "activation: tanh}]\nloss: half_squared_error\n"))
    layer = trace.layers[0]
    wrong = layer.dW.copy()
    wrong[1, 2] += 0.5
    tampered = dataclasses.replace(trace, layers=(dataclasses.replace(layer, dW=wrong),))
    result = check(tampered, CheckSettings(seed=0))
    assert any(e.direction is not None and e.status == "fail" for e in result.entries)


def test_check_json_document() -> None:
    code, out, err = invoke("check", "mazur-shared-bias", "--format", "json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert set(doc) >= {"passed", "max_rel_error", "settings", "entries"}
    assert doc["settings"]["eps"] == 1e-6
    entry = doc["entries"][0]
    assert set(entry) >= {
        "parameter",
        "layer",
        "index",
        "claimed",
        "numeric",
        "abs_error",
        "rel_error",
        "status",
    }
    shared = [e for e in doc["entries"] if e["parameter"] == "b1"]
    assert len(shared) == 1 and shared[0]["index"] == []  # one shared bias, one entry
    assert doc["max_rel_error"] == max(e["rel_error"] for e in doc["entries"])


def test_check_options_and_bad_input(tmp_path: Path) -> None:
    code, out, _ = invoke(
        "check", "reference-2-3-1", "--eps", "1e-4", "--rtol", "1e-3", "--atol", "0"
    )
    assert code == 0 and "ε = 0.0001" in out and "rtol = 0.001, atol = 0" in out
    spec = tmp_path / "bad.yaml"
    spec.write_text("input: [1]\n")
    code, out, err = invoke("check", str(spec))
    assert (code, out) == (2, "") and err.startswith(f"{spec}:1:1: missing key")


# -- hand-worked answers -------------------------------------------------------------------


def test_reference_hand_solution_first_wrong_step_is_delta_1() -> None:
    code, out, _ = invoke("check", "reference-2-3-1", "--answers", "reference-2-3-1-hand")
    assert code == 1
    words = " ".join(out.split())  # the summary wraps at the terminal's width
    assert (
        "The first wrong step: δ⁽¹⁾ You have δ⁽¹⁾[1] = 0.21; the correct value is 0.048." in words
    )
    # worked with the student's own numbers, the slip named (issue 12's "done when")
    assert "δ⁽¹⁾[1] = ∂J/∂a⁽¹⁾[1] · g'(z⁽¹⁾)[1] = 0.446 · 0.106 = 0.047276" in words
    assert "δ = z ⊙ g'(z)" in words
    doc = json.loads(
        invoke("check", "reference-2-3-1", "-a", "reference-2-3-1-hand", "-f", "json")[1]
    )
    first = doc["first_wrong"]
    assert (first["quantity"], first["layer"], first["index"], first["claimed"]) == (
        "delta",
        1,
        [0],
        0.21,
    )
    assert first["correct"] == pytest.approx(0.0476, abs=5e-5)
    assert first["diagnosis"]["code"] == "z_instead_of_upstream"
    statuses = {(s["quantity"], s["layer"]): s["status"] for s in doc["steps"]}
    assert statuses.pop(("delta", 1)) == "wrong"
    assert statuses.pop(("dJ_dW", 1)) == statuses.pop(("dJ_db", 1)) == "carried_forward"
    assert set(statuses.values()) == {"correct"}  # every other step, rounding carried included
    assert doc["score"] == {"earned": 15, "possible": 16}


def test_issue_example_answers_file(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("""layers:
  1:
    dJ_dW: [[0.378, -0.714], [0.252, -0.476], [0.36, -0.68]]
    dJ_db: [0.21, 0.14, 0.20]
  2:
    dJ_dW: [[-0.980, -1.062, -1.001]]
    dJ_db: [-1.115]
""")
    doc = json.loads(invoke("check", "reference-2-3-1", "--answers", str(mine), "-f", "json")[1])
    # nothing these gradients are computed from is claimed, so each is judged against the
    # correct value (or the key rounded at every step): the notes' −0,980 (from their
    # δ⁽²⁾ = −1,115 with the unrounded g') is 1.5 units of its last decimal off −0.98155
    first = doc["first_wrong"]
    assert (first["quantity"], first["layer"], first["index"]) == ("dJ_dW", 2, [0, 0])
    assert first["correct"] == pytest.approx(-0.98155, abs=1e-5)
    # (the key rounded at every step gives −0,984 and δ⁽²⁾ = −1,120 from g'(z⁽²⁾) = 0,250): claim
    # δ⁽²⁾ and a⁽¹⁾ too, as the notes do, and they follow from those (the hand solution's test)
    assert {s["status"] for s in doc["steps"]} == {"wrong"} and len(doc["steps"]) == 4
    assert all(e["numeric"] is not None for e in doc["entries"])  # gradients carry the evidence


def hand_rounded_reference(decimals: int = 3) -> dict:  # type: ignore[type-arg]
    """The reference exercise by hand: every printed number rounded half away from zero to
    `decimals`, the next step computed from the printed value (as students do)."""

    def r(v: float) -> float:
        q = Decimal(1).scaleb(-decimals)
        return float(Decimal(repr(float(v))).quantize(q, rounding=ROUND_HALF_UP))

    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    W1 = np.array([[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]])
    b1, W2, b2, x, y = (
        np.array([0.1, 0.5, 0.8]),
        np.array([-0.4, 0.2, -0.5]),
        0.7,
        np.array([1.8, -3.4]),
        5,
    )
    z1 = [r(v) for v in W1 @ x + b1]
    a1 = [r(sig(v)) for v in z1]
    z2 = r(float(W2 @ a1 + b2))
    yhat = r(sig(z2))
    loss = r(0.5 * (yhat - y) ** 2)
    dyhat = r(yhat - y)
    g2 = r(sig(z2) * (1 - sig(z2)))
    d2 = r(dyhat * g2)
    dW2 = [r(d2 * a) for a in a1]
    da1 = [r(w * d2) for w in W2]
    g1 = [r(sig(z) * (1 - sig(z))) for z in z1]
    d1 = [r(a * g) for a, g in zip(da1, g1, strict=True)]
    dW1 = [[r(d * xi) for xi in x] for d in d1]
    return {
        "layers": {
            1: {
                "z": z1,
                "a": a1,
                "dJ_da": da1,
                "g_prime": g1,
                "delta": d1,
                "dJ_dW": dW1,
                "dJ_db": d1,
            },
            2: {
                "z": z2,
                "a": yhat,
                "dJ_da": dyhat,
                "g_prime": g2,
                "delta": d2,
                "dJ_dW": [dW2],
                "dJ_db": d2,
            },
        },
        "loss": loss,
    }


def test_a_solution_rounded_to_3_decimals_at_every_step_passes(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(json.dumps(hand_rounded_reference(3)))  # JSON is YAML
    code, out, _ = invoke("check", "reference-2-3-1", "--answers", str(mine))
    assert code == 0, out
    assert "All right: every step is correct" in out


def test_sign_flip_on_a_tiny_entry_is_caught() -> None:
    trace = run(
        parse(
            "input: [0]\ntarget: 1\nlayers: [{weights: [[0]], bias: [1.0001]}]\n"
            "loss: half_squared_error\n"
        )
    )
    assert trace.layers[0].db[0] == pytest.approx(1e-4)  # type: ignore[index]
    for written, status in (("0.0001", "correct"), ("-0.0001", "wrong"), ("0.00010", "correct")):
        claims = answers.parse(f"layers: {{1: {{dJ_db: {written}}}}}\n", trace)
        assert grade(trace, claims, AnswerSettings()).entries[0].status == status, written


def test_answers_accept_decimal_commas_and_vector_layouts() -> None:
    example = examples.find("reference-2-3-1")
    assert example is not None
    trace = run(read(example.path))
    text = 'layers:\n  1:\n    dJ_db: [["0,0476"], ["-0,0099"], ["0,0513"]]\nloss: "10,02"\n'
    grading = grade(trace, answers.parse(text, trace), AnswerSettings())
    assert grading.passed and len(grading.entries) == 4
    assert [e.quantity for e in grading.entries] == [
        "loss",
        "dJ_db",
        "dJ_db",
        "dJ_db",
    ]  # hand order


ANSWER_ERRORS = {
    "layers: {3: {z: 1}}": "a.yaml:1:10: layers.3: expected a layer number from 1 to 2, found '3'",
    "layers: {1: {dJ_dw: 1}}": "a.yaml:1:14: layers.1.dJ_dw: unknown key 'dJ_dw'; did you mean "
    "'dJ_dW'? (expected: z, a, dJ_da, g_prime, delta, dJ_dW, dJ_db, weights_updated, bias_updated)",
    "layers: {1: {dJ_da: [[1, 2, 3], [4, 5, 6]]}}": "a.yaml:1:14: layers.1.dJ_da: 2×3, but the "
    "network's is 3 values",
    "layers: {1: {dJ_dW: [[0,378, -0,714], [0,252, -0,476], [0,36, -0,68]]}}": "a.yaml:1:14: "
    "layers.1.dJ_dW: 3×4, but the network's is 3×2; a decimal comma is the likely cause: YAML "
    'reads [0,5, 1] as three numbers (write 0.5, or quote it: "0,5")',
    "layers: {1: {weights_updated: 1}}": "a.yaml:1:14: layers.1.weights_updated: the spec has no "
    "learning_rate, so there is no update step",
    "loss: abc": "a.yaml:1:1: loss: expected a number, found 'abc'",
    "{}": "a.yaml:1:1: no answers given: name quantities such as layers: {1: {dJ_dW: ...}}",
}


@pytest.mark.parametrize("text", list(ANSWER_ERRORS))
def test_bad_answers_file(text: str, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(text + "\n")
    code, out, err = invoke("check", "reference-2-3-1", "--answers", str(tmp_path / "a.yaml"))
    assert (code, out) == (2, "")
    assert err == f"{tmp_path}/{ANSWER_ERRORS[text]}\n"


NETWORK_EXAMPLES = [
    e.name
    for e in examples.all_examples()
    if isinstance(read(e.path), network.Exercise) and e.name != "digits-64-15-10"
]


@pytest.mark.parametrize("decimals", [2, 3])
@pytest.mark.parametrize("name", NETWORK_EXAMPLES)
def test_every_hand_rounded_key_passes(name: str, decimals: int, tmp_path: Path) -> None:
    """Issue 5: a key made with --hand-rounding passes check --answers at the default
    tolerance, here written from the JSON (so 0.60 comes out as 0.6) with every quantity."""
    doc = json.loads(invoke("run", name, "--hand-rounding", str(decimals), "-f", "json")[1])
    quantities = ("z", "a", "dJ_da", "g_prime", "delta", "dJ_dW", "dJ_db")
    last = len(doc["layers"])
    key = {
        "layers": {
            layer["layer"]: {
                q: layer[q]
                for q in quantities
                if layer[q] is not None
                and not (q == "dJ_da" and doc["fused_output_delta"] and layer["layer"] == last)
            }
            for layer in doc["layers"]
        },
        "loss": doc["loss"],
        "dJ_dx": doc["dJ_dx"],
    }
    (tmp_path / "key.yaml").write_text(json.dumps(key))
    code, out, _ = invoke("check", name, "--answers", str(tmp_path / "key.yaml"), "-f", "json")
    assert code == 0, json.loads(out)["first_wrong"]

"""`backcalc check` beyond the plain pass/fail (issue 11): finite differences that cannot be
trusted are `unreliable`, never a wrong gradient, while a planted bug is still caught on every
activation and loss; settings must be finite; the report's shape (one-sentence rules, 1-based
entries, one numeral style, --decimals, --full, large reports summarised); `freeze` in run's
update step and in check --answers."""

from __future__ import annotations

import json
import math
import re
import shutil
import zlib
from pathlib import Path

import numpy as np
import pytest

from backcalc.core import network
from backcalc.core.activations import ACTIVATIONS
from backcalc.core.gradcheck import CheckSettings, check
from backcalc.core.losses import LOSSES
from backcalc.core.network import Exercise, Layer, Network, run
from backcalc.io.spec import parse
from backcalc.locales import load
from backcalc.render.numbers import NumberFormat
from tests.helpers import invoke, numeric_gradients
from tests.test_gradients import HIDDEN, OUTPUTS, make_activation

RELIABILITY = Path(__file__).parent / "reliability"


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def cancelling(w: float, x: float = 1.0) -> str:
    """exp → softmax → binary cross-entropy with ŷ₁ = 1 − ~1e-10: log(1 − ŷ₁) keeps only a few
    digits of 1 − ŷ₁, so J is a staircase at the scale of ε."""
    return (
        f"input: [{x}]\ntarget: [0, 1]\nlayers:\n  - {{weights: [[1]], activation: exp}}\n"
        f"  - {{weights: [[{w}], [0]], activation: softmax}}\nloss: binary_cross_entropy\n"
    )


# -- unreliable finite differences ---------------------------------------------------------


@pytest.mark.parametrize("eps", ["1e-6", "1e-5", "1e-4", "1e-3"])
def test_the_issue_network_is_unreliable_not_failed(eps: str, tmp_path: Path) -> None:
    spec = tmp_path / "cancel.yaml"
    spec.write_text(cancelling(8.4711))  # ŷ₁ = 1 − 1.0e-10
    exercise = parse(spec.read_text())
    trace = run(exercise)
    assert abs(1 - trace.prediction[0, 0] - 1e-10) < 1e-12
    # Independently: 1 − ŷ₁ = ŷ₂ = σ(−z₁), so ℓ = −2 log σ(−z₁) = 2 softplus(z₁) with
    # z₁ = w·eˣ: ∂J/∂w = 2σ(z₁)·eˣ, and the engine's gradient is right.
    a1 = math.e
    assert trace.layers[1].dW[0, 0] == pytest.approx(2 * _sigmoid(8.4711 * a1) * a1, rel=1e-9)
    code, out, _ = invoke("check", str(spec), "--eps", eps, "-f", "json")
    doc = json.loads(out)
    statuses = {e["status"] for e in doc["entries"]}
    assert code == 0 and doc["passed"] is True and "fail" not in statuses, doc["entries"]
    unreliable = [e for e in doc["entries"] if e["status"] == "unreliable"]
    if eps == "1e-3":  # a step large enough to see through the staircase: all pass
        assert statuses == {"pass"}
        return
    assert unreliable and doc["counts"]["unreliable"] == len(unreliable)
    assert {e["reason"] for e in unreliable} == {"steps_disagree"}
    assert all(e["numeric_error"] > 0 for e in unreliable)
    for lang, word in (("en", "unreliable"), ("es", "no fiable")):
        code, out, _ = invoke("check", str(spec), "--eps", eps, "--lang", lang, columns=80)
        assert code == 0 and word in out
        assert f"0 kinks, {len(unreliable)} {word}" in " ".join(out.split()).replace(
            "0 quiebres", "0 kinks"
        )


def test_networks_built_to_cancel_never_fail() -> None:
    rng = np.random.default_rng(11)
    counts = {"pass": 0, "unreliable": 0, "kink": 0, "fail": 0}
    for _ in range(25):  # ŷ₁ from 1 − 1e-8 down to 1 − 1e-13
        trace = run(parse(cancelling(rng.uniform(6.8, 10.5), rng.uniform(0.9, 1.1))))
        for eps in (1e-6, 1e-5, 1e-4):
            for entry in check(trace, CheckSettings(eps=eps)).entries:
                counts[entry.status] += 1
    assert counts["fail"] == 0 and counts["unreliable"] > 100, counts


def test_a_perturbed_j_that_is_not_finite_is_unreliable(tmp_path: Path) -> None:
    # J = ½(W·x)² is finite at x = 1 but overflows at x + ε: no difference to judge by.
    text = "input: [1]\ntarget: 0\nlayers: [{weights: [[1.3407807929942596e154]]}]\n"
    result = check(run(parse(text + "loss: half_squared_error\n")), CheckSettings())
    by_parameter = {e.parameter: e for e in result.entries}
    assert by_parameter["x"].status == "unreliable" and by_parameter["x"].reason == "not_finite"
    spec = tmp_path / "big.yaml"
    spec.write_text(text + "loss: half_squared_error\n")
    code, out, _ = invoke("check", str(spec), "-f", "json")
    assert code == 0 and json.loads(out)["entries"][-1]["numeric"] is None  # strict JSON


def _random_network(rng: np.random.Generator, hidden: str, loss_name: str) -> Exercise:
    loss = LOSSES[loss_name]()
    output = OUTPUTS[loss_name][0]
    n_in, n_hidden, n_out = 3, 4, 3
    w1 = rng.normal(0, 0.8, size=(n_hidden, n_in))
    w2 = rng.normal(0, 0.8, size=(n_out, n_hidden))
    layers = (
        Layer(w1, rng.normal(0, 0.5, n_hidden), make_activation(hidden, rng), w1.shape),
        Layer(w2, rng.normal(0, 0.5, n_out), make_activation(output, rng), w2.shape),
    )
    x = rng.normal(0, 1, size=(2, n_in))
    if loss.classes:
        target = np.eye(n_out)[rng.integers(0, n_out, size=2)]
    elif loss.binary:
        target = rng.integers(0, 2, (2, n_out)).astype(np.float64)
    else:
        target = rng.normal(0, 1, size=(2, n_out))
    return Exercise(Network("column", layers, loss), x, target, True)


def _active(rng: np.random.Generator, hidden: str, loss_name: str) -> Exercise:
    """A random network whose loss is not 0 (a hinge with every margin met has no gradient)."""
    while True:
        exercise = _random_network(rng, hidden, loss_name)
        if run(exercise).loss > 0.01:
            return exercise


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
@pytest.mark.parametrize("hidden", HIDDEN)
def test_a_planted_bug_in_a_derivative_still_fails(
    hidden: str, loss_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cls = ACTIVATIONS[hidden]
    right = cls.derivative
    monkeypatch.setattr(cls, "derivative", lambda self, z: right(self, z) * 1.05 + 0.01)
    rng = np.random.default_rng(zlib.crc32(f"{hidden} {loss_name}".encode()))
    for _ in range(3):
        result = check(run(_active(rng, hidden, loss_name)), CheckSettings())
        assert not result.passed
        assert result.count("unreliable") == 0, [e for e in result.entries if e.reason]
        assert any(e.status == "fail" and e.parameter == "W1" for e in result.entries)


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
def test_a_planted_bug_in_a_loss_gradient_still_fails(
    loss_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    right = network._output_loss

    def off(*args, **kwargs):  # type: ignore[no-untyped-def]
        losses, dJ_dyhat, fused = right(*args, **kwargs)
        return losses, dJ_dyhat * 1.05, None if fused is None else fused * 1.05

    monkeypatch.setattr(network, "_output_loss", off)
    rng = np.random.default_rng(len(loss_name))
    for hidden in HIDDEN:
        result = check(run(_active(rng, hidden, loss_name)), CheckSettings())
        assert not result.passed and result.count("unreliable") == 0


# -- settings --------------------------------------------------------------------------------


def test_l2_overflow_and_zero_l2_in_check(tmp_path: Path) -> None:
    for name in ("08-l2-zero-times-inf-nan-loss", "08b-l2-overflow-inf-loss"):
        shutil.copy(RELIABILITY / f"{name}.yaml", tmp_path)
    code, out, _ = invoke("check", str(tmp_path / "08-l2-zero-times-inf-nan-loss.yaml"))
    assert code == 0 and "nan" not in out.lower()  # no penalty: no 0·∞
    spec = tmp_path / "08b-l2-overflow-inf-loss.yaml"
    code, out, err = invoke("check", str(spec))
    assert (code, out) == (2, "")
    assert (
        err.startswith(f"{spec}: layer 1: the L2 term λ·ΣW² is infinite") and err.count("\n") == 1
    )


# -- the report --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "es"])
def test_pass_rules_are_one_sentence_wrapped_at_80_columns(lang: str) -> None:
    locale = load(lang)
    _, out, _ = invoke(
        "check", "reference-2-3-1", "--answers", "reference-2-3-1-hand", "--lang", lang,
        columns=80,
    )  # fmt: skip
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(("Tolerance", "Tolerancia")))
    end = lines.index("", start)
    sentences = [locale.pick("grading.rule", "decimals"), locale.text("grading.carry_forward")]
    assert " ".join(" ".join(lines[start:end]).split()) == " ".join(sentences)  # between words
    assert all(len(line) <= 80 for line in lines[start:end])
    out = invoke("check", "reference-2-3-1", "--lang", lang, columns=80)[1]
    header = out.split("\n\n")[0].splitlines()
    assert header[2] == locale.text("check.rule")  # the rule, then its tolerances below it
    assert all(len(line) <= 80 for line in header)


def _table_rows(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(("z⁽", "a⁽", "ŷ", "J ", "∂", "δ"))]


def test_one_numeral_style_per_output() -> None:
    hand = ("--answers", "reference-2-3-1-hand", "--full")
    en = invoke("check", "reference-2-3-1", *hand, columns=80)[1]
    es = invoke("check", "reference-2-3-1", *hand, "--lang", "es", columns=80)[1]
    # the answers file writes 1,98 with a comma: echoed in each output's own style
    assert re.search(r"\[1\]\s+1\.98\s+1\.980\s", en) and re.search(r"\[1\]\s+1,98\s+1,980\s", es)
    for row in _table_rows(en):
        assert not re.search(r"\d,\d", row), row
    for row in _table_rows(es):
        assert not re.search(r"\d\.\d", row), row
    gradients_es = invoke("check", "reference-2-3-1", "--lang", "es", columns=80)[1]
    assert not re.search(r"\d\.\d", gradients_es.split("\n\n", 1)[1])


def test_entries_count_from_1_in_tables_and_from_0_in_json() -> None:
    out = invoke("check", "reference-2-3-1", columns=80)[1]
    rows = [line.split()[0:2] for line in out.splitlines() if line.startswith("[")]
    assert rows[0] == ["[1,", "1]"] and ["[3,", "2]"] in rows and ["[0,", "0]"] not in rows
    doc = json.loads(invoke("check", "reference-2-3-1", "-f", "json")[1])
    assert doc["entries"][0]["index"] == [0, 0] and doc["entries"][5]["index"] == [2, 1]
    answers = invoke("check", "reference-2-3-1", "--answers", "reference-2-3-1-hand")[1]
    assert "You have δ⁽¹⁾[1] = 0.21;" in " ".join(answers.split())


def test_number_format_switches_to_scientific_only_when_asked() -> None:
    assert NumberFormat(4).fixed(4.4e-6) == "0.0000"  # run and hand rounding: exactly N
    small = NumberFormat(4, small_in_scientific=True)
    assert small.fixed(4.4e-6) == "4.400e-06" and small.fixed(0.0) == "0.0000"
    # fewer than two significant digits shown: scientific (one rule for check and train)
    assert small.fixed(0.00012) == "1.200e-04" and small.fixed(0.0012) == "0.0012"
    assert small.fixed(-0.00004) == "-4.000e-05"
    assert NumberFormat(2, comma=True, small_in_scientific=True).fixed(1e-3) == "1,0e-03"


def test_check_decimals() -> None:
    # ∂J/∂W⁽¹⁾ of the reference exercise: 0.085738103, -0.16194975, -0.017841387, ...
    out = invoke("check", "reference-2-3-1", "--decimals", "3", columns=80)[1]
    rows = [line.split() for line in out.splitlines() if line.startswith("[")]
    assert rows[0][:4] == ["[1,", "1]", "0.086", "0.086"]
    assert rows[2][:4] == ["[2,", "1]", "-0.018", "-0.018"]
    out = invoke("check", "reference-2-3-1", "--decimals", "1", columns=80)[1]
    row = next(line for line in out.splitlines() if line.startswith("[2, 1]")).split()
    assert row[2:4] == ["-2e-02", "-2e-02"]  # too small for 1 decimal: not -0.0
    answers = invoke(
        "check", "reference-2-3-1", "--answers", "reference-2-3-1-hand", "--decimals", "2", "--full"
    )[1]
    assert re.search(r"a⁽¹⁾\s+\[1\]\s+0\.879\s+0\.88\s", answers)  # 0.878681 at 2 decimals


def _big_key(tmp_path: Path) -> Path:
    """The digits network's ∂J/∂W⁽¹⁾ and ∂J/∂W⁽²⁾ (1,110 entries) with one entry wrong."""
    doc = json.loads(invoke("run", "digits-64-15-10", "-f", "json")[1])
    key = {"layers": {1: {"dJ_dW": doc["layers"][0]["dJ_dW"]}, 2: {}}}
    key["layers"][2]["dJ_dW"] = doc["layers"][1]["dJ_dW"]
    key["layers"][1]["dJ_dW"][3][7] += 1.0  # W⁽¹⁾[4, 8] counted from 1
    (tmp_path / "key.yaml").write_text(json.dumps(key))
    return tmp_path / "key.yaml"


def test_a_large_answers_report_shows_the_wrong_entries_and_a_summary(tmp_path: Path) -> None:
    key = str(_big_key(tmp_path))
    code, out, _ = invoke("check", "digits-64-15-10", "--answers", key, columns=80)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) < 60, out
    words = " ".join(out.split())
    assert "∂J/∂W⁽²⁾ 150 correct 1/1 ∂J/∂W⁽¹⁾ 960 wrong ← first wrong 0/1" in words
    assert "The first wrong step: ∂J/∂W⁽¹⁾ You have ∂J/∂W⁽¹⁾[4, 8] =" in words
    assert words.count("∂J/∂W⁽¹⁾ [") == 1  # the one wrong entry, listed
    full = invoke("check", "digits-64-15-10", "--answers", key, "--full", columns=80)[1]
    assert len(full.splitlines()) > 1110


def test_a_gradient_check_shows_flagged_entries_up_to_a_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    right = network.weight_gradient
    monkeypatch.setattr(network, "weight_gradient", lambda *a: right(*a) * 1.1)
    rng = np.random.default_rng(2)
    w = rng.normal(size=(8, 8)).round(3).tolist()
    spec = tmp_path / "s.yaml"
    spec.write_text(
        f"input: {rng.normal(size=8).round(3).tolist()}\ntarget: {[0] * 8}\n"
        f"layers: [{{weights: {w}, activation: tanh}}]\nloss: half_squared_error\n"
    )
    code, out, _ = invoke("check", str(spec), columns=80)
    assert code == 1 and re.search(r"… and 44 more entries, \d+ of them flagged \(--full", out)
    assert len(out.splitlines()) < 60
    code, out, _ = invoke("check", str(spec), "--full", columns=80)
    assert code == 1 and sum(line.startswith("[") for line in out.splitlines()) == 64 + 8


# -- freeze in the update step ------------------------------------------------------------------

FROZEN = """
input: [1, 2]
target: 1
learning_rate: 0.5
layers:
  - {weights: [[0.1, 0.2], [0.3, -0.4]], bias: [0.5, -0.5], activation: sigmoid, freeze: [bias]}
  - {weights: [[0.7, -0.2]], bias: 0.3, activation: sigmoid, freeze: [weights]}
loss: half_squared_error
"""


def test_run_update_leaves_frozen_parameters_alone(tmp_path: Path) -> None:
    spec = tmp_path / "frozen.yaml"
    spec.write_text(FROZEN)
    numeric = numeric_gradients(parse(FROZEN))  # independent of the backward pass
    doc = json.loads(invoke("run", str(spec), "-f", "json")[1])
    first, second = doc["layers"]
    w1 = np.array([[0.1, 0.2], [0.3, -0.4]])
    np.testing.assert_allclose(first["weights_updated"], w1 - 0.5 * numeric["W1"], atol=1e-8)
    assert first["bias_updated"] == [0.5, -0.5]  # frozen: exactly as given
    assert second["weights_updated"] == [[0.7, -0.2]]
    assert second["bias_updated"] == pytest.approx(0.3 - 0.5 * float(numeric["b2"]), abs=1e-8)
    out = invoke("run", str(spec), columns=80)[1]
    assert "b⁽¹⁾ (frozen: unchanged)" in out and "W⁽²⁾ (frozen: unchanged)" in out
    md = invoke("run", str(spec), "-f", "markdown")[1]
    assert "is frozen" in md and r"b^{(1)} - \eta" not in md


def test_check_answers_judges_updates_with_freeze(tmp_path: Path) -> None:
    text = FROZEN.replace("learning_rate: 0.5", "learning_rate: 20")
    spec = tmp_path / "frozen.yaml"
    spec.write_text(text)
    numeric = numeric_gradients(parse(text))
    moved = (np.array([0.5, -0.5]) - 20 * numeric["b1"]).round(4).tolist()
    for bias, expected in (([0.5, -0.5], 0), (moved, 1)):
        key = tmp_path / "key.yaml"
        key.write_text(json.dumps({"layers": {1: {"bias_updated": bias}}}))
        code, _, _ = invoke("check", str(spec), "--answers", str(key))
        assert code == expected, bias

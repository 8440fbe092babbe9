"""Acceptance tests of issue 12, §1 (the tolerance from what the student wrote) and §5 (the
report), through the command line and the public Python API only.

Every expected number is computed here: the reference exercise (note 004) and Mazur's example
with NumPy written in this file, exercises built so that a quantity is a chosen number exactly
(z⁽¹⁾ = 0·1 + b), hand rounding redone step by step, central differences from tests/helpers.
Nothing is copied from backcalc's own output.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import backcalc
from tests.helpers import invoke, numeric_gradients

HAND = ("--answers", "reference-2-3-1-hand")
STATUS_RANK = ("correct", "carried_forward", "imprecise", "wrong")
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def sigmoid(z: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-z))


def half_away(values: Any, decimals: int) -> Any:
    """Rounded half away from zero, as a hand solution rounds (with a guard for float noise)."""
    scale = 10.0**decimals
    v = np.asarray(values, dtype=float)
    return np.sign(v) * np.floor(np.abs(v) * scale + 0.5 + 1e-9) / scale


# -- the two worked examples, computed here -------------------------------------------------------


@cache
def reference() -> dict[str, Any]:
    """The course's 2-3-1 exercise (column convention, σ on both layers, J = ½(ŷ − y)²)."""
    x = np.array([1.8, -3.4])
    w1 = np.array([[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]])
    b1 = np.array([0.1, 0.5, 0.8])
    w2 = np.array([[-0.4, 0.2, -0.5]])
    b2 = np.array([0.7])
    z1 = w1 @ x + b1
    a1 = sigmoid(z1)
    z2 = w2 @ a1 + b2
    a2 = sigmoid(z2)
    dJ_da2 = a2 - 5.0
    delta2 = dJ_da2 * a2 * (1 - a2)
    dJ_da1 = w2.T @ delta2
    g1 = a1 * (1 - a1)
    delta1 = dJ_da1 * g1
    return {
        "x": x, "w2": w2, "z1": z1, "a1": a1, "z2": z2, "a2": a2, "dJ_da2": dJ_da2,
        "delta2": delta2, "dW2": np.outer(delta2, a1), "dJ_da1": dJ_da1, "g1": g1,
        "delta1": delta1, "dW1": np.outer(delta1, x),
    }  # fmt: skip


@cache
def mazur() -> dict[str, Any]:
    """Mazur's 2-2-2 network: one shared bias per layer, E = Σ ½(target − out)², η = 0.5."""
    x, y = np.array([0.05, 0.10]), np.array([0.01, 0.99])
    w1, w2 = np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([[0.40, 0.45], [0.50, 0.55]])
    a1 = sigmoid(w1 @ x + 0.35)
    a2 = sigmoid(w2 @ a1 + 0.60)
    delta2 = (a2 - y) * a2 * (1 - a2)
    delta1 = (w2.T @ delta2) * a1 * (1 - a1)
    dW1 = np.outer(delta1, x)
    loss = float(np.sum(0.5 * (y - a2) ** 2))
    return {"x": x, "y": y, "w1": w1, "w2": w2, "a1": a1, "dW1": dW1, "w1_new": w1 - 0.5 * dW1,
            "loss": loss}  # fmt: skip


def mazur_by_hand(decimals: int) -> dict[str, Any]:
    """Mazur's example as a hand solution writes it: every quantity rounded to `decimals` and
    used rounded, g'(z) = a(1 − a) from the rounded a."""

    def r(v: Any) -> Any:
        return half_away(v, decimals)

    m = mazur()
    a1 = r(sigmoid(r(m["w1"] @ m["x"] + 0.35)))
    a2 = r(sigmoid(r(m["w2"] @ a1 + 0.60)))
    delta2 = r(r(a2 - m["y"]) * r(a2 * (1 - a2)))
    delta1 = r(r(m["w2"].T @ delta2) * r(a1 * (1 - a1)))
    return {"delta1": delta1, "dW1": r(np.outer(delta1, m["x"]))}


def single(value: float, extra: str = "") -> str:
    """An exercise whose z⁽¹⁾ = 0·1 + b is exactly `value`: a number to be judged, chosen."""
    return (
        "title: one number\ninput: [1.0]\ntarget: 0.0\nlayers:\n  - weights: [[0.0]]\n"
        f"    bias: [{value!r}]\n    activation: identity\nloss: half_squared_error\n{extra}"
    )


def two_classes(p: float) -> str:
    """A 2-class softmax whose probabilities are exactly (p, 1 − p): logits (ln(p/(1−p)), 0)."""
    logit = math.log(p / (1 - p))
    return (
        f"input: [1.0]\ntarget: 0\nlayers:\n  - weights: [[{logit!r}], [0.0]]\n"
        "    bias: [0.0, 0.0]\n    activation: softmax\nloss: cross_entropy\n"
    )


# -- helpers -------------------------------------------------------------------------------------


def graded(exercise: Any, answers: dict[str, Any]) -> Any:
    """The Grading of `answers` (Python API)."""
    return backcalc.check(exercise, answers=answers).result


def only(exercise: Any, answers: dict[str, Any]) -> Any:
    entries = graded(exercise, answers).entries
    assert len(entries) == 1, entries
    return entries[0]


def judged_z(value: float, written: Any, extra: str = "") -> Any:
    return only(single(value, extra), {"layers": {1: {"z": [written]}}})


def remark(entry: Any) -> str | None:
    return None if entry.remark is None else entry.remark.code


def check_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = invoke("check", *args, "-f", "json")
    assert err == "" and out, err
    return code, json.loads(out)


def files(tmp_path: Path, spec: str, answers: str) -> tuple[str, str]:
    spec_path, answers_path = tmp_path / "spec.yaml", tmp_path / "answers.yaml"
    spec_path.write_text(spec, encoding="utf-8")
    answers_path.write_text(answers, encoding="utf-8")
    return str(spec_path), str(answers_path)


def entries_of(doc: dict[str, Any], quantity: str, layer: int | None) -> list[dict[str, Any]]:
    return [e for e in doc["entries"] if (e["quantity"], e["layer"]) == (quantity, layer)]


def entry_at(doc: dict[str, Any], quantity: str, layer: int | None, index: tuple[int, ...]) -> Any:
    (found,) = [e for e in entries_of(doc, quantity, layer) if tuple(e["index"]) == index]
    return found


def units(a: float, b: float, decimals: int) -> float:
    """|a − b| in units of the last of `decimals` places."""
    return abs(a - b) * 10.0**decimals


def section(text: str, title: str) -> list[str]:
    """The lines of a report's section, from its title to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start + 1 : end]


def table_rows(text: str, title: str) -> list[list[str]]:
    """The cells of a table's rows (after its rule), split on runs of 2+ spaces."""
    lines = section(text, title)
    rule = next(i for i, line in enumerate(lines) if line.strip().startswith("──"))
    return [re.split(r"\s{2,}", line.strip()) for line in lines[rule + 1 :]]


def one_paragraph(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines())


# -- §1 "too lenient": each example of the issue -------------------------------------------------


def test_a_forgotten_update_written_to_many_decimals_is_wrong_and_named() -> None:
    """Mazur's w1 moves by η·∂E/∂w1 = 0.00022; the old value written to 9 decimals is wrong,
    diagnosed update_not_applied, on one entry and on the whole matrix."""
    m = mazur()
    assert 0.00021 < 0.15 - m["w1_new"][0, 0] < 0.00023
    exercise = backcalc.load("mazur-shared-bias")
    entry = only(
        exercise, {"layers": {1: {"weights_updated": [["0.150000000", None], [None, None]]}}}
    )
    assert entry.status == "wrong"
    assert entry.diagnosis is not None and entry.diagnosis.code == "update_not_applied"
    assert math.isclose(entry.correct, m["w1_new"][0, 0], rel_tol=1e-12)
    old = [[f"{v:.9f}" for v in row] for row in m["w1"]]
    grading = graded(exercise, {"layers": {1: {"weights_updated": old}}})
    (step,) = grading.steps
    assert step.status == "wrong" and step.diagnosis.code == "update_not_applied"
    assert {e.diagnosis.code for e in step.entries} == {"update_not_applied"}


def test_a_forgotten_update_at_two_decimals_is_correct_with_a_remark() -> None:
    """At 2 decimals 0.15 is both the updated w1 (0.14978) and the forgotten update: correct,
    with a remark `indistinct` naming update_not_applied, in the API, the JSON and the terminal."""
    m = mazur()
    assert units(0.15, m["w1_new"][0, 0], 2) <= 0.51
    exercise = backcalc.load("mazur-shared-bias")
    two = [[f"{v:.2f}" for v in row] for row in m["w1"]]  # the old weights, at 2 decimals
    for answers in (
        {"layers": {1: {"weights_updated": [["0.15", None], [None, None]]}}},
        {"layers": {1: {"weights_updated": two}}},
    ):
        grading = graded(exercise, answers)
        assert grading.passed
        assert all(entry.status == "correct" for entry in grading.entries)
        # one remark per step, on its first entry the slip changes: the whole step is what a
        # forgotten update gives at this precision
        remarked = [e for e in grading.entries if e.remark is not None]
        assert len(remarked) == 1 and remarked[0].remark is not None
        assert remarked[0].remark.code == "indistinct"
        assert "update_not_applied" in remarked[0].remark.slips
    doc = backcalc.check(exercise, answers={"layers": {1: {"weights_updated": two}}}).to_dict()
    assert doc["passed"] is True
    assert [e["remark"]["code"] for e in doc["entries"] if e["remark"]] == ["indistinct"]
    text = backcalc.check(exercise, answers={"layers": {1: {"weights_updated": two}}}).render()
    assert doc["entries"][0]["remark"]["message"] in one_paragraph(text)


def test_zero_for_a_whole_hidden_gradient_is_imprecise() -> None:
    """`0.0` for every entry of Mazur's ∂E/∂W⁽¹⁾ (all under 0.001): within ±0.05, but no
    significant figure of it: imprecise, no credit."""
    m = mazur()
    assert np.all(np.abs(m["dW1"]) < 0.001)
    doc = backcalc.check(
        "mazur-shared-bias", answers={"layers": {1: {"dJ_dW": [["0.0", "0.0"], ["0.0", "0.0"]]}}}
    ).to_dict()
    assert doc["passed"] is False and doc["score"]["earned"] == 0
    assert [s["status"] for s in doc["steps"]] == ["imprecise"]
    for e in doc["entries"]:
        assert e["status"] == "imprecise" and e["remark"]["code"] == "no_significant_figure"
        assert math.isclose(e["correct"], m["dW1"][tuple(e["index"])], rel_tol=1e-9)


def test_a_gradient_23_percent_wrong_at_9_decimals_is_wrong() -> None:
    """Mazur's ∂E/∂w1 is 0.000438568 (the article's figure); 0.000538568 is wrong."""
    m = mazur()
    assert f"{m['dW1'][0, 0]:.9f}" == "0.000438568"
    exercise = backcalc.load("mazur-shared-bias")
    wrong = only(exercise, {"layers": {1: {"dJ_dW": [["0.000538568", None], [None, None]]}}})
    right = only(exercise, {"layers": {1: {"dJ_dW": [["0.000438568", None], [None, None]]}}})
    assert (wrong.status, right.status) == ("wrong", "correct")


def test_one_decimal_buys_no_wrong_sign_and_no_far_value() -> None:
    """At one decimal, 0.1 for −0.0099 and 0.2 for 0.0513 (the reference's ∂J/∂b⁽¹⁾) are
    wrong; 0.1 for 0.0513 is its rounding and correct; −0.0 for −0.0099 says nothing of it."""
    delta1 = reference()["delta1"]
    assert math.isclose(delta1[1], -0.0099, abs_tol=5e-5) and math.isclose(
        delta1[2], 0.0513, abs_tol=5e-5
    )
    ex = backcalc.load("reference-2-3-1")
    entries = graded(ex, {"layers": {1: {"dJ_db": [None, "0.1", "0.2"]}}}).entries
    assert [e.status for e in entries] == ["wrong", "wrong"]
    entries = graded(ex, {"layers": {1: {"dJ_db": [None, "-0.0", "0.1"]}}}).entries
    assert [e.status for e in entries] == ["imprecise", "correct"]


@pytest.mark.parametrize(
    ("error", "verdict"),
    [(0.0061, ("wrong", None)), (0.0049, ("correct", None)), (-0.0049, ("correct", None)),
     (-0.0061, ("correct", "truncated"))],
)  # fmt: skip
def test_the_same_error_on_a_probability_and_on_its_complement_gets_the_same_verdict(
    error: float, verdict: tuple[str, str | None]
) -> None:
    """A 2-class softmax: written 0.84 for a large p = 0.84 − error, and 0.16 for a small
    1 − p = 0.16 − error. The verdict depends on the error and the written decimals only
    (an error towards zero under a unit is a truncation), never on the size of the value."""
    large = only(two_classes(0.84 - error), {"probabilities": ["0.84", None]})
    small = only(two_classes(1 - (0.16 - error)), {"probabilities": [None, "0.16"]})
    assert math.isclose(large.correct, 0.84 - error, abs_tol=1e-12)
    assert math.isclose(small.correct, 0.16 - error, abs_tol=1e-12)
    assert (large.status, remark(large)) == verdict
    assert (small.status, remark(small)) == verdict


def test_the_same_error_on_every_softmax_probability_of_the_example_gets_the_same_verdict() -> None:
    """softmax-cross-entropy: ±0.0061 on each probability (the largest three times the
    smallest), written to 4 decimals, is wrong on every one; the rounded values are correct."""
    exercise = backcalc.load("softmax-cross-entropy")
    p = np.asarray(backcalc.run(exercise).to_dict()["probabilities"], dtype=float)
    # the probabilities themselves, from the spec's numbers
    w1 = np.array([[1.0, -1.0], [0.5, 0.5], [-0.3, 0.8]])
    w2 = np.array([[0.6, -0.4, 0.2], [-0.1, 0.9, 0.3], [0.4, 0.1, -0.7]])
    z2 = w2 @ np.tanh(w1 @ np.array([0.5, -1.0]) + [0.0, 0.2, -0.1]) + [0.1, 0.0, -0.1]
    mine = np.exp(z2) / np.exp(z2).sum()
    assert np.allclose(p, mine, rtol=1e-12) and mine.max() > 3 * mine.min()
    for shift, status in ((0.0061, "wrong"), (-0.0061, "wrong"), (0.0, "correct")):
        written = [f"{v + shift:.4f}" for v in mine]
        entries = graded(exercise, {"probabilities": written}).entries
        assert [e.status for e in entries] == [status] * 3, shift


# -- §1 the decdig rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written", "verdict"),
    [
        (0.2049, "0.21", "correct"),  # 0.51 of a unit: the edge, inside
        (0.20491, "0.21", "correct"),  # 0.509
        (0.2048, "0.21", "wrong"),  # 0.52
        (-0.2049, "-0.21", "correct"),
        (-0.2048, "-0.21", "wrong"),
        (1.23449, "1.235", "correct"),  # 0.51 at 3 decimals
        (1.23448, "1.235", "wrong"),  # 0.52
        (0.2151, "0.21", "correct"),  # 0.51 towards 0: inside, no remark
        (0.2152, "0.21", "truncated"),  # 0.52 towards 0: outside, but 0.2152 cut
        (1.49, "2", "correct"),  # a whole number: ±0.51 of 1
        (2.509, "2", "correct"),
        (2.52, "2", "truncated"),
        (1.48, "2", "wrong"),
        (-1.48, "-2", "wrong"),
    ],
)
def test_a_written_number_is_judged_within_051_of_a_unit_in_its_last_place(
    value: float, written: str, verdict: str
) -> None:
    """Within 0.51 of a unit in the last written place: correct; 0.52 away: wrong, unless the
    number is the value cut (correct, with the remark)."""
    entry = judged_z(value, written)
    expected = ("correct", "truncated") if verdict == "truncated" else (verdict, None)
    assert (entry.status, remark(entry)) == expected, (value, written)


def test_a_whole_number_in_a_yaml_file_is_judged_at_051(tmp_path: Path) -> None:
    """`z: 2` (a YAML integer, not quoted) has 0 decimals: 1.49 passes, 1.48 fails."""
    for value, code in ((1.49, 0), (1.48, 1)):
        spec, answers = files(tmp_path, single(value), "layers:\n  1:\n    z: 2\n")
        found, doc = check_json(spec, "--answers", answers)
        assert found == code
        assert doc["entries"][0]["written"] == "2"


def test_numbers_with_no_written_decimals_are_judged_at_rel_1e6_and_abs_1e9() -> None:
    """Python floats (and numpy arrays): the reference's ∂J/∂W⁽¹⁾ rounded to float32 passes,
    off by 1e-4 relatively fails; 5e-10 for an exact 0 passes, 3e-9 fails."""
    ex = backcalc.load("reference-2-3-1")
    dW1 = reference()["dW1"]
    f32 = dW1.astype(np.float32).astype(np.float64)
    assert np.any(f32 != dW1) and np.all(np.abs(f32 / dW1 - 1) < 1e-7)
    assert graded(ex, {"layers": {1: {"dJ_dW": f32}}}).passed
    assert graded(ex, {"layers": {1: {"dJ_dW": [[float(v) for v in row] for row in f32]}}}).passed
    off = graded(ex, {"layers": {1: {"dJ_dW": dW1 * (1 + 1e-4)}}})
    assert {e.status for e in off.entries} == {"wrong"}
    assert judged_z(0.0, 5e-10).status == "correct"
    assert judged_z(0.0, 3e-9).status == "wrong"
    assert judged_z(0.3, 0.3 * (1 + 2e-6)).status == "wrong"
    assert judged_z(0.3, 0.3 * (1 + 0.5e-6)).status == "correct"


def test_npz_answers_are_judged_at_rel_1e6(tmp_path: Path) -> None:
    r = reference()
    good, bad = tmp_path / "good.npz", tmp_path / "bad.npz"
    np.savez(good, dJ_dW1=r["dW1"].astype(np.float32), delta2=r["delta2"].astype(np.float32))
    np.savez(bad, dJ_dW1=r["dW1"] * (1 + 1e-4), delta2=r["delta2"])
    code, doc = check_json("reference-2-3-1", "--answers", str(good))
    assert code == 0 and {e["status"] for e in doc["entries"]} == {"correct"}
    assert len(doc["entries"]) == 7
    code, doc = check_json("reference-2-3-1", "--answers", str(bad))
    assert code == 1
    assert {e["status"] for e in entries_of(doc, "dJ_dW", 1)} == {"wrong"}
    assert {e["status"] for e in entries_of(doc, "delta", 2)} == {"correct"}


# -- §1 rounding carried from correct steps, and truncation --------------------------------------


def test_rounding_carried_from_correct_earlier_steps_is_never_a_fault() -> None:
    """The notes' −4,478 (= 0,522 − 5), 0,446 (= −0,4 · −1,115) and 0,106 (= 0,879 · 0,121):
    each more than 0.51 of a unit from the exact value, each what the notes' own rounded
    inputs give: correct, with no remark."""
    r = reference()
    cases = [
        (("dJ_da", 2, (0,)), -4.478, r["dJ_da2"][0], 0.522 - 5),
        (("dJ_da", 1, (0,)), 0.446, r["dJ_da1"][0], -0.4 * -1.115),
        (("g_prime", 1, (0,)), 0.106, r["g1"][0], 0.879 * (1 - 0.879)),
    ]
    _, doc = check_json("reference-2-3-1", *HAND)
    for (quantity, layer, index), written, exact, from_notes in cases:
        assert units(written, exact, 3) > 0.51  # not the exact value at its precision
        assert units(written, from_notes, 3) <= 0.51  # but what its inputs give
        e = entry_at(doc, quantity, layer, index)
        assert math.isclose(e["claimed"], written)
        assert (e["status"], e["remark"]) == ("correct", None), e
        assert math.isclose(e["correct"], exact, rel_tol=1e-9)


def test_a_truncated_value_is_correct_with_a_remark_judged_against_the_students_inputs() -> None:
    """The notes' ∂J/∂W⁽²⁾[1, 2] = −1,062: their δ⁽²⁾ · a⁽¹⁾[2] = −1,115 · 0,953 = −1,062595
    cut (rounded it is −1,063); the exact −1,0651 cut is −1,065. Correct, remark truncated."""
    exact = reference()["dW2"][0, 1]
    yours = -1.115 * 0.953
    assert math.trunc(yours * 1000) / 1000 == -1.062 and round(yours, 3) == -1.063
    assert math.trunc(exact * 1000) / 1000 == -1.065
    _, doc = check_json("reference-2-3-1", *HAND)
    e = entry_at(doc, "dJ_dW", 2, (0, 1))
    assert e["status"] == "correct" and e["remark"]["code"] == "truncated"
    assert math.isclose(e["expected_from_yours"], yours, rel_tol=1e-9)
    assert "-1.0626" in e["remark"]["message"] and "-1.063" in e["remark"]["message"]
    # nothing else of the hand solution is a truncation
    assert [x for x in doc["entries"] if x["remark"] is not None] == [e]


def test_a_truncated_value_is_correct_against_the_correct_value() -> None:
    """With no inputs claimed: 0.21 for 0.2159 (cut, 0.59 of a unit away) is correct with the
    remark; 0.20 for it (cut one place too far) and −0.21 for −0.2211 are not."""
    entry = judged_z(0.2159, "0.21")
    assert (entry.status, remark(entry)) == ("correct", "truncated")
    assert math.isclose(entry.remark.value, 0.2159)
    negative = judged_z(-0.2159, "-0.21")
    assert (negative.status, remark(negative)) == ("correct", "truncated")
    assert judged_z(0.2159, "0.20").status == "wrong"
    assert judged_z(-0.2211, "-0.21").status == "wrong"


# -- §1 imprecise --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [(0.0008, "0.0"), (0.3, "0"), (-0.3, "0"), (-0.04, "-0.0"), (0.9, "0"), (0.09, "0.0")],
)
def test_a_written_value_with_no_significant_figure_is_imprecise(
    value: float, written: str
) -> None:
    """`0.0` for 0.0008, `0` for 0.3: close, but it says nothing of the value; a zero cut
    from 0.9 says nothing either (truncation does not make it correct)."""
    entry = judged_z(value, written)
    assert (entry.status, remark(entry)) == ("imprecise", "no_significant_figure")


def test_exact_zero_and_one_are_never_imprecise() -> None:
    for value, written in ((0.0, "0"), (1.0, "1"), (0.0, "0.0"), (-0.0, "0")):
        for extra in ("", "answer_decimals: 3\n"):
            entry = judged_z(value, written, extra)
            assert (entry.status, entry.remark) == ("correct", None), (value, written, extra)


def test_fewer_decimals_than_the_spec_asks_for_is_imprecise() -> None:
    """answer_decimals: 3 in the spec, through the Python API: 0.21 for 0.2049 is imprecise."""
    short = judged_z(0.2049, "0.21", "answer_decimals: 3\n")
    assert (short.status, remark(short)) == ("imprecise", "fewer_decimals")
    assert short.remark.decimals == 3
    assert judged_z(0.2049, "0.205", "answer_decimals: 3\n").status == "correct"
    assert judged_z(0.2049, "0.21").status == "correct"


def test_fewer_decimals_than_asked_on_the_command_line(tmp_path: Path) -> None:
    """--decimals-required N, or the spec's answer_decimals; the option wins over the spec."""
    spec, answers = files(tmp_path, single(0.2049), 'layers:\n  1:\n    z: "0.21"\n')
    code, doc = check_json(spec, "--answers", answers, "--decimals-required", "3")
    assert code == 1 and doc["entries"][0]["status"] == "imprecise"
    assert doc["entries"][0]["remark"]["code"] == "fewer_decimals"
    assert doc["settings"]["required_decimals"] == 3
    assert check_json(spec, "--answers", answers, "--decimals-required", "2")[0] == 0
    spec, answers = files(
        tmp_path, single(0.2049, "answer_decimals: 3\n"), 'layers:\n  1:\n    z: "0.21"\n'
    )
    assert check_json(spec, "--answers", answers)[0] == 1
    assert check_json(spec, "--answers", answers, "--decimals-required", "2")[0] == 0


def test_a_value_equal_to_the_hand_rounded_computation_is_not_imprecise() -> None:
    """Mazur at 3 decimals: δ⁽¹⁾ = (0.009, 0.010) by hand, so ∂E/∂W⁽¹⁾[1, 1] = 0.009 · 0.05 =
    0.00045 → 0.000 (correct, though 0.000439 has no figure at 3 decimals), but [2, 1] = 0.010 ·
    0.05 = 0.0005 → 0.001 by hand: a key's 0.000 there is imprecise."""
    hand = mazur_by_hand(3)
    assert list(hand["delta1"]) == [0.009, 0.010]
    assert hand["dW1"][0, 0] == 0.0 and hand["dW1"][1, 0] == 0.001
    exact = mazur()["dW1"]
    assert abs(exact[0, 0]) * 1000 < 0.5 and abs(exact[1, 0]) * 1000 < 0.5
    answers = {
        "layers": {1: {"delta": ["0.009", "0.010"], "dJ_dW": [["0.000", None], ["0.000", None]]}}
    }
    entries = graded(backcalc.load("mazur-shared-bias"), answers).entries
    found = {(e.quantity, e.index): (e.status, remark(e)) for e in entries}
    assert found[("dJ_dW", (0, 0))][0] == "correct"
    assert found[("dJ_dW", (1, 0))] == ("imprecise", "no_significant_figure")
    assert found[("delta", (0,))][0] == found[("delta", (1,))][0] == "correct"


# -- §1 the other tolerance rules ----------------------------------------------------------------


TOLERANCES = [
    # z = 1.2345: sigfig:3 allows 0.51 of 0.01; rel:0.01 allows 0.012345; abs:1e-3 allows 0.001
    ("sigfig:3", "sigfig:3", ("1.2395", "1.2296"), ("1.2397", "1.2293")),
    ("rel:0.01", "rel:0.01", ("1.2465", "1.2226"), ("1.2472", "1.2218")),
    ("abs:1e-3", "abs:0.001", ("1.2354", "1.2336"), ("1.2356", "1.2334")),
]


@pytest.mark.parametrize(("option", "text", "inside", "outside"), TOLERANCES)
def test_each_tolerance_rule_accepts_inside_and_refuses_outside(
    tmp_path: Path, option: str, text: str, inside: tuple[str, ...], outside: tuple[str, ...]
) -> None:
    value = 1.2345
    rule = text.partition(":")[0]
    allowed = {"sigfig": 0.51 * 0.01, "rel": 0.01 * value, "abs": 0.001}[rule]
    for written in inside:
        assert abs(float(written) - value) < allowed
    for written in outside:
        assert abs(float(written) - value) > allowed
    for written, code in [(w, 0) for w in inside] + [(w, 1) for w in outside]:
        spec, answers = files(tmp_path, single(value), f'layers:\n  1:\n    z: "{written}"\n')
        found, doc = check_json(spec, "--answers", answers, "--tolerance", option)
        assert found == code, written
        assert doc["settings"]["tolerance"] == text
        status = doc["entries"][0]["status"]
        assert status == ("correct" if code == 0 else "wrong"), written


@pytest.mark.parametrize("option", ["sigfig:3", "rel:0.01", "abs:1e-3"])
def test_the_other_rules_judge_the_value_and_nothing_else(option: str) -> None:
    """Truncation and the computation rounded at every step belong to the decimals rule (they
    read how a number is written): under sigfig:3, rel:0.01, abs:1e-3 the sentence says "within
    … of the value it should have", and 0.21 for 0.2159 (cut) and 0.001 for Mazur's
    ∂E/∂W⁽¹⁾[2, 1] = 0.000498 (0.010 · 0.05 by hand) are outside every one of them."""
    from backcalc.core.grading import AnswerSettings, Tolerance, grade
    from backcalc.io.answers import from_data

    def judged(exercise: Any, answers: dict[str, Any]) -> Any:
        trace = exercise.run()
        settings = AnswerSettings(tolerance=Tolerance.parse(option))
        (entry,) = grade(trace, from_data(answers, trace), settings).entries
        return entry

    value = 0.2159
    assert abs(0.21 - value) > max(0.51 * 0.001, 0.01 * value, 0.001)
    cut = judged(backcalc.load(single(value)), {"layers": {1: {"z": ["0.21"]}}})
    assert (cut.status, cut.remark) == ("wrong", None)
    exact = mazur()["dW1"][1, 0]
    assert mazur_by_hand(3)["dW1"][1, 0] == 0.001
    by_hand = {"layers": {1: {"dJ_dW": [[None, None], ["0.001", None]]}}}
    assert only(backcalc.load("mazur-shared-bias"), by_hand).status == "correct"  # decimals
    allowed = {"sigfig": 0.51e-6, "rel": 0.01 * exact, "abs": 0.001}[option.partition(":")[0]]
    inside = abs(0.001 - exact) <= allowed  # abs:1e-3 is wider than this whole value
    status = judged(backcalc.load("mazur-shared-bias"), by_hand).status
    assert status == ("correct" if inside else "wrong")


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize(("option", "text", "_inside", "_outside"), TOLERANCES)
def test_the_rule_in_force_is_one_sentence_in_the_report(
    option: str, text: str, _inside: object, _outside: object, lang: str
) -> None:
    """JSON settings.tolerance names the rule; its sentence (with its number, in the language's
    numerals) is in the JSON and in the terminal report."""
    _, doc = check_json("reference-2-3-1", *HAND, "--tolerance", option, "--lang", lang)
    assert doc["settings"]["tolerance"] == text
    sentence = doc["settings"]["rule"][0]
    assert sentence.endswith(".") and sentence.count(". ") == 0
    amount = text.partition(":")[2]
    assert (amount if lang == "en" else amount.replace(".", ",")) in sentence
    _, out, _ = invoke(
        "check", "reference-2-3-1", *HAND, "--tolerance", option, "--lang", lang, columns=80
    )
    assert sentence in one_paragraph(out)


def test_the_default_rule_is_one_sentence_in_the_report() -> None:
    _, doc = check_json("reference-2-3-1", *HAND)
    assert doc["settings"]["tolerance"] == "decimals"
    sentence = doc["settings"]["rule"][0]
    assert sentence.endswith(".") and sentence.count(". ") == 0 and "0.51" in sentence
    _, out, _ = invoke("check", "reference-2-3-1", *HAND, columns=80)
    assert sentence in one_paragraph(out)


@pytest.mark.parametrize(
    "rule",
    [
        "foo",
        "sigfig:0",
        "rel:-1",
        "rel:x",
        "sigfig:2.5",
        "sigfig:nan",
        "sigfig:inf",
        "abs:nan",
        "decimals:2",
        "rel:",
    ],
)
def test_a_bad_tolerance_rule_is_one_clear_line_and_exit_2(rule: str) -> None:
    code, out, err = invoke("check", "reference-2-3-1", *HAND, "--tolerance", rule)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--tolerance" in err and "Traceback" not in err, err


# -- §1 a key made with --hand-rounding passes ---------------------------------------------------


@cache
def network_examples() -> tuple[str, ...]:
    code, out, _ = invoke("examples")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines() if line.strip()]
    found = tuple(
        name
        for name in names
        if backcalc.load(name).kind == "network" and name != "digits-64-15-10"
    )  # digits-64-15-10: 381,438 entries, half a minute
    assert len(found) >= 10
    return found


def key_from_run(doc: dict[str, Any], decimals: int | None) -> dict[str, Any]:
    """Every quantity of `run --format json` as an answers file: numbers as strings with exactly
    `decimals` decimals, or (None) as the JSON's own floats."""

    def written(value: Any) -> Any:
        if isinstance(value, list):
            return [written(v) for v in value]
        if decimals is None or isinstance(value, int):  # predicted_class: a class number
            return value
        return f"{value:.{decimals}f}"

    tops = ("prediction", "probabilities", "predicted_class", "losses", "loss", "dJ_dx")
    per_layer = ("z", "a", "g_prime", "dJ_da", "delta", "dJ_dW", "dJ_db")
    per_layer += ("weights_updated", "bias_updated")
    answers: dict[str, Any] = {
        name: written(doc[name]) for name in tops if doc.get(name) is not None
    }
    answers["layers"] = {
        str(layer["layer"]): {n: written(layer[n]) for n in per_layer if layer.get(n) is not None}
        for layer in doc["layers"]
    }
    return answers


@pytest.mark.parametrize("form", ["text", "floats"])
@pytest.mark.parametrize("decimals", [3, 2])
def test_a_hand_rounded_key_of_every_network_example_passes(
    tmp_path: Path, decimals: int, form: str
) -> None:
    """`run --hand-rounding d --format json` made into a full answers file (every quantity of
    every layer, the updates, the output's), written with exactly d decimals or as the JSON's
    floats (0.250 is 0.25 there, 0.000 is 0.0): every step correct, exit 0. At 2 decimals too:
    a key's 0.00 is what rounding at every step gives, never imprecise."""
    faint = 0
    for name in network_examples():
        code, out, err = invoke("run", name, "--hand-rounding", str(decimals), "--format", "json")
        assert code == 0, err
        run = json.loads(out)
        key = key_from_run(run, decimals if form == "text" else None)
        assert "g_prime" in key["layers"]["1"] and "delta" in key["layers"]["1"]
        if run.get("learning_rate") is not None:
            assert "weights_updated" in key["layers"]["1"]
        path = tmp_path / f"{name}.yaml"
        path.write_text(json.dumps(key), encoding="utf-8")
        code, doc = check_json(name, "--answers", str(path))
        wrong = [
            (e["quantity"], e["layer"], e["index"], e["written"], e["status"])
            for e in doc["entries"]
            if e["status"] != "correct"
        ]
        assert (code, wrong) == (0, []), name
        assert {s["status"] for s in doc["steps"]} == {"correct"}
        claimed = {(s["quantity"], s["layer"]) for s in doc["steps"]}
        for n in range(1, len(run["layers"]) + 1):
            assert {q for q, at in claimed if at == n} == set(key["layers"][str(n)]), name
        faint += sum(
            1
            for e in doc["entries"]
            if e["claimed"] == 0
            and abs(e["correct"]) * 10**decimals >= 1e-9
            and e["quantity"] != "predicted_class"
        )
    assert faint > 0  # keys with zeros for values that are not 0 were among them


def test_a_float_key_stays_correct_beside_a_number_written_with_many_decimals(
    tmp_path: Path,
) -> None:
    """Mazur's key at 2 decimals as JSON floats has 0.0 for ∂E/∂W⁽¹⁾ (0.00 by hand; 0.0 has
    one decimal); the loss written exactly, to 12 decimals, beside it changes nothing."""
    code, out, _ = invoke("run", "mazur-shared-bias", "--hand-rounding", "2", "--format", "json")
    key = key_from_run(json.loads(out), None)
    assert key["layers"]["1"]["dJ_dW"] == [[0.0, 0.0], [0.0, 0.0]]
    assert np.all(mazur_by_hand(2)["dW1"] == 0)
    key["loss"] = f"{mazur()['loss']:.12f}"
    path = tmp_path / "key.yaml"
    path.write_text(json.dumps(key), encoding="utf-8")
    code, doc = check_json("mazur-shared-bias", "--answers", str(path))
    assert [e for e in doc["entries"] if e["status"] != "correct"] == [] and code == 0
    assert entries_of(doc, "loss", None)[0]["decimals"] == 12


# -- §5 the report -------------------------------------------------------------------------------


def mixed_answers() -> dict[str, Any]:
    """The reference with: z⁽¹⁾[3] at one decimal (imprecise with --decimals-required 2),
    a⁽¹⁾[3] wrong, z⁽²⁾ from that wrong a⁽¹⁾ (carried forward), δ⁽¹⁾[2] wrong and ∂J/∂W⁽¹⁾
    from it (row 2 carried forward, the others correct)."""
    r = reference()
    a1 = [f"{v:.3f}" for v in r["a1"][:2]] + ["0.500"]
    z2 = -0.4 * float(a1[0]) + 0.2 * float(a1[1]) - 0.5 * 0.5 + 0.7
    delta1 = [r["delta1"][0], 0.5, r["delta1"][2]]
    dW1 = [[f"{d * xi:.3f}" for xi in r["x"]] for d in delta1]
    return {
        "layers": {
            1: {
                "z": [f"{v:.3f}" for v in r["z1"][:2]] + [f"{r['z1'][2]:.1f}"],
                "a": a1,
                "delta": [f"{v:.3f}" for v in delta1],
                "dJ_dW": dW1,
            },
            2: {"z": f"{z2:.3f}"},
        }
    }


def test_one_row_per_step_with_the_worst_status_of_its_entries(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(json.dumps(mixed_answers()), encoding="utf-8")
    code, doc = check_json("reference-2-3-1", "--answers", str(path), "--decimals-required", "2")
    assert code == 1
    statuses = {(s["quantity"], s["layer"]): s["status"] for s in doc["steps"]}
    assert statuses == {
        ("z", 1): "imprecise",
        ("a", 1): "wrong",
        ("z", 2): "carried_forward",
        ("delta", 1): "wrong",
        ("dJ_dW", 1): "carried_forward",
    }
    for (quantity, layer), status in statuses.items():
        ranks = [STATUS_RANK.index(e["status"]) for e in entries_of(doc, quantity, layer)]
        assert STATUS_RANK[max(ranks)] == status
    assert [e["status"] for e in entries_of(doc, "dJ_dW", 1)] == ["correct"] * 2 + [
        "carried_forward"
    ] * 2 + ["correct"] * 2
    assert (doc["first_wrong"]["quantity"], doc["first_wrong"]["layer"]) == ("a", 1)
    assert doc["first_wrong"]["index"] == [2]
    assert doc["score"] == {"earned": 2.0, "possible": 5.0}  # carried forward: full credit


STEP_LABELS = ["z⁽¹⁾", "a⁽¹⁾", "z⁽²⁾", "a⁽²⁾", "ŷ", "J", "∂J/∂a⁽²⁾", "g'(z⁽²⁾)", "δ⁽²⁾",
               "∂J/∂W⁽²⁾", "∂J/∂b⁽²⁾", "∂J/∂a⁽¹⁾", "g'(z⁽¹⁾)", "δ⁽¹⁾", "∂J/∂W⁽¹⁾", "∂J/∂b⁽¹⁾"]  # fmt: skip


def test_the_terminal_report_has_one_row_per_step_and_expands_only_wrong_steps() -> None:
    code, out, err = invoke("check", "reference-2-3-1", *HAND, columns=80)
    assert code == 1 and err == ""
    rows = table_rows(out, "Your answers, step by step")
    assert [row[0] for row in rows] == STEP_LABELS
    assert [row[1] for row in rows][13:] == ["3", "6", "3"]  # entries per step
    wrong = table_rows(out, "The wrong steps, entry by entry")
    assert [(row[0], row[1]) for row in wrong] == [
        ("δ⁽¹⁾", "[1]"),
        ("δ⁽¹⁾", "[2]"),
        ("δ⁽¹⁾", "[3]"),
    ]


def test_the_correct_value_is_shown_to_one_decimal_more_than_written() -> None:
    """δ⁽¹⁾ written with 2 decimals: the correct value and the one from the student's own numbers
    with 3 (0.048; 0.446 · 0.106 = 0.047276 → 0.047); ∂J/∂W⁽¹⁾ written with 3 and 2 (wrong with
    --no-carry-forward): with 4 and 3, in Spanish with the decimal comma."""
    r = reference()
    notes = {"dJ_da1": [0.446, -0.223, 0.558], "g1": [0.106, 0.045, 0.092]}
    _, out, _ = invoke("check", "reference-2-3-1", *HAND, columns=80)
    for i, row in enumerate(table_rows(out, "The wrong steps, entry by entry")):
        assert row[3] == f"{r['delta1'][i]:.3f}"
        assert row[4] == f"{notes['dJ_da1'][i] * notes['g1'][i]:.3f}"
    assert f"the correct value is {r['delta1'][0]:.3f}" in one_paragraph(out)
    _, out, _ = invoke(
        "check", "reference-2-3-1", *HAND, "--no-carry-forward", "--lang", "es", columns=80
    )
    rows = table_rows(out, "Los pasos erróneos, componente por componente")
    dW1 = [row for row in rows if row[0] == "∂J/∂W⁽¹⁾"]
    assert len(dW1) == 6
    for row, value in zip(dW1, r["dW1"].flat, strict=True):
        written = len(row[2].partition(",")[2])  # 0,378 and 0,36 in the notes
        assert row[3] == f"{value:.{written + 1}f}".replace(".", ",")
    assert {len(row[3].partition(",")[2]) for row in dW1} == {3, 4}


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize(
    "options", [(), ("--full",), ("--no-carry-forward",), ("--tolerance", "rel:0.01")]
)
def test_the_report_reads_at_80_columns_and_in_one_numeral_style(
    lang: str, options: tuple[str, ...]
) -> None:
    code, out, err = invoke("check", "reference-2-3-1", *HAND, "--lang", lang, *options, columns=80)
    assert code == 1 and err == ""
    assert max(len(line) for line in out.splitlines()) <= 80
    points, commas = re.findall(r"\d\.\d", out), re.findall(r"\d,\d", out)
    if lang == "es":
        assert points == [] and "0,048" in out
    else:
        assert commas == [] and "0.048" in out


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_first_wrong_step_is_worked_through_with_the_students_numbers(lang: str) -> None:
    """δ⁽¹⁾[1] of the notes: from their own ∂J/∂a⁽¹⁾[1] = 0,446 and g'(z⁽¹⁾)[1] = 0,106 it is
    0,047276; the diagnosis and the steps that follow from it (∂J/∂W⁽¹⁾, ∂J/∂b⁽¹⁾) are named."""
    product = 0.446 * 0.106
    _, doc = check_json("reference-2-3-1", *HAND, "--lang", lang)
    first = doc["first_wrong"]
    assert math.isclose(first["expected_from_yours"], product, rel_tol=1e-12)
    numbers = f"0.446 · 0.106 = {product:.6g}"
    numbers = numbers if lang == "en" else numbers.replace(".", ",")
    assert first["worked"].endswith(numbers)
    assert first["consequences"] == [
        {"quantity": "dJ_dW", "layer": 1},
        {"quantity": "dJ_db", "layer": 1},
    ]
    _, out, _ = invoke("check", "reference-2-3-1", *HAND, "--lang", lang, columns=80)
    text = one_paragraph(out)
    assert first["worked"] in text and first["diagnosis"]["message"] in text
    assert "∂J/∂W⁽¹⁾, ∂J/∂b⁽¹⁾" in text


def test_a_marks_file_scores_the_steps(tmp_path: Path) -> None:
    """default 2, dJ_dW 4, δ⁽¹⁾ 3: of the hand solution's 16 steps, ∂J/∂W⁽¹⁾ and ⁽²⁾ are worth 4,
    δ⁽¹⁾ 3 and the 13 others 2 (37); δ⁽¹⁾ is wrong, the carried-forward ∂J/∂W⁽¹⁾ earns its 4."""
    marks = tmp_path / "marks.yaml"
    marks.write_text("default: 2\ndJ_dW: 4\nlayers:\n  1: {delta: 3}\n", encoding="utf-8")
    code, doc = check_json("reference-2-3-1", *HAND, "--marks", str(marks))
    assert code == 1
    assert doc["score"] == {"earned": 37.0 - 3.0, "possible": 2 * 13 + 4 + 4 + 3.0}
    steps = {(s["quantity"], s["layer"]): s for s in doc["steps"]}
    assert (steps[("dJ_dW", 1)]["status"], steps[("dJ_dW", 1)]["earned"]) == ("carried_forward", 4)
    assert (steps[("delta", 1)]["marks"], steps[("delta", 1)]["earned"]) == (3, 0)
    # `possible` counts the steps claimed only
    answers = tmp_path / "few.yaml"
    answers.write_text(
        'layers:\n  1:\n    z: ["1,98", "3,02", "2,172"]\n    delta: ["0,21", "0,14", "0,20"]\n',
        encoding="utf-8",
    )
    code, doc = check_json("reference-2-3-1", "--answers", str(answers), "--marks", str(marks))
    assert doc["score"] == {"earned": 2.0, "possible": 5.0}
    _, out, _ = invoke(
        "check", "reference-2-3-1", "--answers", str(answers), "--marks", str(marks), columns=80
    )
    assert "2 of 5" in one_paragraph(out)


def test_a_bad_marks_file_is_one_located_line(tmp_path: Path) -> None:
    marks = tmp_path / "marks.yaml"
    marks.write_text("default: 1\nlayers:\n  1: {delta: -3}\n", encoding="utf-8")
    code, out, err = invoke("check", "reference-2-3-1", *HAND, "--marks", str(marks))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"{marks}:3:") and "layers.1.delta" in err


def test_the_json_has_the_issues_layout() -> None:
    code, doc = check_json("reference-2-3-1", *HAND)
    assert code == 1 and doc["passed"] is False
    assert {"passed", "score", "settings", "first_wrong", "steps", "entries"} <= set(doc)
    assert {"earned", "possible"} <= set(doc["score"])
    assert {"tolerance", "carry_forward"} <= set(doc["settings"])
    first = doc["first_wrong"]
    keys = {"quantity", "layer", "index", "claimed", "correct", "expected_from_yours", "diagnosis"}
    assert keys <= set(first)
    assert {"code", "message", "alternatives"} <= set(first["diagnosis"])
    assert first["diagnosis"]["code"] == "z_instead_of_upstream"
    assert math.isclose(first["correct"], reference()["delta1"][0], rel_tol=1e-9)
    for step in doc["steps"]:
        assert {"quantity", "layer", "status"} <= set(step) and step["status"] in STATUS_RANK
    entry_keys = {"quantity", "layer", "index", "claimed", "written", "correct",
                  "expected_from_yours", "status", "diagnosis", "remark", "numeric"}  # fmt: skip
    for e in doc["entries"]:
        assert entry_keys <= set(e) and e["status"] in STATUS_RANK
        if e["diagnosis"] is not None:
            assert {"code", "message", "alternatives"} <= set(e["diagnosis"])
    # numeric: the central difference beside every gradient entry, null elsewhere
    numeric = numeric_gradients(backcalc.load("reference-2-3-1"))
    gradients = {"dJ_dW": "W", "dJ_db": "b"}
    for e in doc["entries"]:
        if e["quantity"] in gradients:
            expected = numeric[f"{gradients[e['quantity']]}{e['layer']}"]
            assert expected is not None
            assert math.isclose(e["numeric"], expected[tuple(e["index"])], abs_tol=1e-6)
        else:
            assert e["numeric"] is None, e


def test_passed_only_when_every_entry_is_correct_and_the_exit_code_follows(tmp_path: Path) -> None:
    """Correct with a remark (a truncation): passed, exit 0; imprecise or carried forward
    anywhere: not passed, exit 1."""
    cases = [
        (single(0.2159), 'layers:\n  1:\n    z: "0.21"\n', True),  # truncated: a remark
        (single(0.2049), 'layers:\n  1:\n    z: "0.21"\n', True),
        (single(0.0008), 'layers:\n  1:\n    z: "0.0"\n', False),  # imprecise
        (single(0.2048), 'layers:\n  1:\n    z: "0.21"\n', False),  # wrong
    ]
    for spec_text, answers_text, passed in cases:
        spec, answers = files(tmp_path, spec_text, answers_text)
        code, doc = check_json(spec, "--answers", answers)
        assert (code, doc["passed"]) == ((0, True) if passed else (1, False)), answers_text
        _, out, _ = invoke("check", spec, "--answers", answers)
        assert out.splitlines()[-1].startswith("All right") is passed
    # a carried-forward step and every other step right: not passed
    r = reference()
    answers = {
        "layers": {
            1: {
                "delta": ["0.21", f"{r['delta1'][1]:.3f}", f"{r['delta1'][2]:.3f}"],
                "dJ_db": ["0.21", None, None],
            }
        }
    }
    report = backcalc.check("reference-2-3-1", answers=answers)
    statuses = [s["status"] for s in report.to_dict()["steps"]]
    assert statuses == ["wrong", "carried_forward"] and report.passed is False


@pytest.mark.parametrize(
    "option", [("--rtol", "1e-3"), ("--atol", "1e-4"), ("--rtol", "0.1", "--atol", "0.1")]
)
def test_rtol_and_atol_with_answers_are_refused_pointing_to_tolerance(
    option: tuple[str, ...],
) -> None:
    code, out, err = invoke("check", "reference-2-3-1", *HAND, *option)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--tolerance" in err and "Traceback" not in err


def test_the_engines_own_check_still_takes_rtol_and_atol() -> None:
    code, doc = check_json("reference-2-3-1", "--rtol", "1e-3", "--atol", "1e-4")
    assert code == 0 and doc["passed"] is True
    assert (doc["settings"]["rtol"], doc["settings"]["atol"]) == (1e-3, 1e-4)
    code, doc = check_json("reference-2-3-1", "--rtol", "0", "--atol", "0")
    assert doc["settings"]["rtol"] == 0 and "entries" in doc and "steps" not in doc


# -- §2 as the report shows it: --no-carry-forward and the gaming guard ---------------------------


def test_no_carry_forward_makes_carried_entries_wrong_with_a_remark() -> None:
    code, doc = check_json("reference-2-3-1", *HAND, "--no-carry-forward")
    assert code == 1 and doc["settings"]["carry_forward"] is False
    for quantity in ("dJ_dW", "dJ_db"):
        for e in entries_of(doc, quantity, 1):
            assert e["status"] == "wrong" and e["remark"]["code"] == "not_carried", e
            assert e["remark"]["message"]
    assert {e["status"] for e in doc["entries"]} == {"correct", "wrong"}
    _, out, _ = invoke("check", "reference-2-3-1", *HAND, "--no-carry-forward", columns=80)
    assert entries_of(doc, "dJ_db", 1)[0]["remark"]["message"] in one_paragraph(out)


def test_inputs_all_zero_earn_no_carried_forward_credit() -> None:
    """g'(z⁽²⁾) = 0 (wrong) and then δ⁽²⁾ = 0 and ∂J/∂W⁽²⁾ = 0, which follow from it: no credit."""
    answers = {
        "layers": {
            2: {
                "dJ_da": "-4.477",
                "g_prime": "0.000",
                "delta": "0.000",
                "dJ_dW": [["0.000", "0.000", "0.000"]],
            }
        }
    }
    doc = backcalc.check("reference-2-3-1", answers=answers).to_dict()
    statuses = {(s["quantity"], s["layer"]): s["status"] for s in doc["steps"]}
    assert statuses == {
        ("dJ_da", 2): "correct",
        ("g_prime", 2): "wrong",
        ("delta", 2): "wrong",
        ("dJ_dW", 2): "wrong",
    }
    for quantity in ("delta", "dJ_dW"):
        for e in entries_of(doc, quantity, 2):
            assert e["remark"]["code"] == "zero_inputs" and e["remark"]["message"], e
            assert e["expected_from_yours"] == 0


def test_a_written_zero_is_no_decimal_shift() -> None:
    """g'(z⁽²⁾) = 0.000 for 0.2495: 10⁻³ of it (0.00025) rounds to 0.000 too, but a zero has no
    digits to have shifted: no slip names it (a slip whose value is exactly 0 still may)."""
    g2 = float(reference()["a2"][0] * (1 - reference()["a2"][0]))
    assert round(g2 * 1e-3, 3) == 0.0
    answers = {"layers": {2: {"g_prime": "0.000", "delta": "0.000"}}}
    entries = {e.quantity: e for e in graded(backcalc.load("reference-2-3-1"), answers).entries}
    assert (entries["g_prime"].status, entries["g_prime"].diagnosis) == ("wrong", None)
    # δ⁽²⁾ = z⁽²⁾ · g'(z⁽²⁾) from the student's own 0: exactly 0, a slip's value still
    delta = entries["delta"].diagnosis
    assert delta is not None and "z_instead_of_upstream" in delta.codes


def test_a_value_copied_into_a_step_that_changes_it_earns_no_credit() -> None:
    """δ⁽²⁾ claimed equal to your own ∂J/∂a⁽²⁾ on a sigmoid layer, with g'(z⁽²⁾) claimed as 1
    so that it does follow from your values: no credit, remark `copied`. With g' = 0.5 and
    δ⁽²⁾ = ∂J/∂a⁽²⁾ · 0.5, the same follow-through is carried forward."""
    dJ_da2 = reference()["dJ_da2"][0]
    mine = f"{dJ_da2:.3f}"
    copied = {"layers": {2: {"dJ_da": mine, "g_prime": "1", "delta": mine}}}
    entries = {e.quantity: e for e in graded(backcalc.load("reference-2-3-1"), copied).entries}
    assert entries["dJ_da"].status == "correct" and entries["g_prime"].status == "wrong"
    assert (entries["delta"].status, remark(entries["delta"])) == ("wrong", "copied")
    assert math.isclose(entries["delta"].expected, float(mine))
    halved = {
        "layers": {2: {"dJ_da": mine, "g_prime": "0.500", "delta": f"{float(mine) * 0.5:.3f}"}}
    }
    entries = {e.quantity: e for e in graded(backcalc.load("reference-2-3-1"), halved).entries}
    assert (entries["delta"].status, entries["delta"].remark) == ("carried_forward", None)


def test_counts_in_the_summary_are_singular_for_one() -> None:
    """One claimed step: '1 of 1 step', '1 decimal' (English plurals by the count)."""
    from tests.helpers import invoke as run_cli

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "one.yaml"
        path.write_text('layers: {1: {z: ["9.99", null, null]}}\n', encoding="utf-8")
        out = run_cli(
            "check", "reference-2-3-1", "--answers", str(path), "--decimals-required", "1",
            columns=80,
        )[1]  # fmt: skip
    words = " ".join(out.split())
    assert "Answers are asked with 1 decimal." in words
    assert "1 of 1 step wrong (the first: z⁽¹⁾)" in words

"""Single entries can be claimed: `null` marks an entry of a list that is not claimed (issue
12, §4). The published values are the course notes' z⁽¹⁾ = (1,98; 3,02; 2,172) of the reference
exercise."""

from __future__ import annotations

import json
from pathlib import Path

import backcalc
from tests.helpers import invoke


def answers(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_only_the_entries_given_are_graded(tmp_path: Path) -> None:
    mine = answers(tmp_path, "layers:\n  1:\n    z: [1.98, null, 2.172]\n")
    code, out, err = invoke("check", "reference-2-3-1", "--answers", str(mine), "-f", "json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert [e["index"] for e in doc["entries"]] == [[0], [2]]
    assert [e["claimed"] for e in doc["entries"]] == [1.98, 2.172]


def test_a_wrong_entry_among_nulls_is_found_at_its_place(tmp_path: Path) -> None:
    mine = answers(tmp_path, "layers:\n  1:\n    z: [null, 3.5, null]\n")  # z₂ is 3.02
    code, out, _ = invoke("check", "reference-2-3-1", "--answers", str(mine), "-f", "json")
    doc = json.loads(out)
    assert code == 1 and [(e["index"], e["status"]) for e in doc["entries"]] == [([1], "wrong")]
    assert abs(doc["entries"][0]["correct"] - 3.02) < 1e-12


def test_a_matrix_entry_alone(tmp_path: Path) -> None:
    mine = answers(tmp_path, "layers:\n  2:\n    dJ_dW: [[null, -1.065, null]]\n")
    code, out, _ = invoke("check", "reference-2-3-1", "--answers", str(mine), "-f", "json")
    doc = json.loads(out)
    assert code == 0 and [e["index"] for e in doc["entries"]] == [[0, 1]]


def test_nothing_claimed_is_refused(tmp_path: Path) -> None:
    mine = answers(tmp_path, "layers:\n  1:\n    z: [null, null, null]\n")
    code, out, err = invoke("check", "reference-2-3-1", "--answers", str(mine))
    assert (code, out) == (2, "")
    assert err == (
        f"{mine}:3:5: layers.1.z: every entry is null: claim at least one, or leave the key out\n"
    )
    mine.write_text("layers:\n  1:\n    z: null\n", encoding="utf-8")
    code, _, err = invoke("check", "reference-2-3-1", "--answers", str(mine))
    assert code == 2 and "expected a number, found nothing (null)" in err


def test_the_python_api_takes_none_for_an_entry_not_claimed() -> None:
    report = backcalc.check(
        backcalc.load("reference-2-3-1"), answers={"layers": {1: {"z": [1.98, None, 2.172]}}}
    )
    assert report.passed and len(report.to_dict()["entries"]) == 2


def _softmax_example() -> tuple[list[float], int, float]:
    """The softmax-cross-entropy example computed here with numpy: p, argmax p, ℓ = −log p_y."""
    import numpy as np

    x = np.array([0.5, -1.0])
    w1 = np.array([[1.0, -1.0], [0.5, 0.5], [-0.3, 0.8]])
    w2 = np.array([[0.6, -0.4, 0.2], [-0.1, 0.9, 0.3], [0.4, 0.1, -0.7]])
    a = np.tanh(w1 @ x + np.array([0.0, 0.2, -0.1]))
    z = w2 @ a + np.array([0.1, 0.0, -0.1])
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    return [float(v) for v in p], int(np.argmax(p)), float(-np.log(p[1]))


def test_probabilities_the_predicted_class_and_the_losses_can_be_claimed(tmp_path: Path) -> None:
    p, predicted, loss = _softmax_example()
    shown = ", ".join(f"{v:.3f}" for v in p)
    mine = answers(
        tmp_path, f"probabilities: [{shown}]\npredicted_class: {predicted}\nlosses: {loss:.3f}\n"
    )
    code, out, _ = invoke("check", "softmax-cross-entropy", "--answers", str(mine), "-f", "json")
    doc = json.loads(out)
    assert code == 0 and [e["quantity"] for e in doc["entries"]] == (
        ["probabilities"] * 3 + ["predicted_class", "losses"]
    )
    wrong = (predicted + 1) % 3
    mine.write_text(f"predicted_class: {wrong}\nlosses: {loss + 0.1:.3f}\n", encoding="utf-8")
    code, out, _ = invoke("check", "softmax-cross-entropy", "--answers", str(mine), "-f", "json")
    assert code == 1 and [e["status"] for e in json.loads(out)["entries"]] == ["wrong", "wrong"]


def test_probabilities_of_a_regression_are_refused(tmp_path: Path) -> None:
    mine = answers(tmp_path, "probabilities: [0.5]\n")
    code, _, err = invoke("check", "reference-2-3-1", "--answers", str(mine))
    assert code == 2
    assert (
        err == f"{mine}:1:1: probabilities: only a classification loss gives class probabilities\n"
    )

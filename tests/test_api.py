"""The Python API: what a notebook or someone checking their own NumPy code calls. Its
documents are the command line's, byte for byte (the CLI is run as a real process here)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import backcalc
from backcalc.io import examples
from tests.helpers import numeric_gradients, python

ROOT = Path(__file__).resolve().parent.parent
NETWORKS = ["reference-2-3-1", "batch-relu-softmax-row", "mazur-shared-bias", "leaky-relu-l2"]


def cli(*args: str, **env: str) -> str:
    return python("-m", "backcalc", *args, COLUMNS="100", **env).stdout


@pytest.mark.parametrize("name", [*NETWORKS, "cs231n-circuit"])
def test_to_dict_is_the_json_of_run(name: str) -> None:
    assert backcalc.run(backcalc.load(name)).to_dict() == json.loads(cli("run", name, "-f", "json"))


def test_hand_rounding_is_the_json_of_run() -> None:
    result = backcalc.run("reference-2-3-1", hand_rounding=3)
    assert result.to_dict() == json.loads(
        cli("run", "reference-2-3-1", "-f", "json", "--hand-rounding", "3")
    )


def test_markdown_repr_is_the_markdown_of_run_in_the_default_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = backcalc.run("reference-2-3-1")
    monkeypatch.delenv("BACKCALC_LANG", raising=False)
    assert result._repr_markdown_() == cli("run", "reference-2-3-1", "-f", "markdown")
    monkeypatch.setenv("BACKCALC_LANG", "es")
    spanish = cli("run", "reference-2-3-1", "-f", "markdown", BACKCALC_LANG="es")
    assert result._repr_markdown_() == spanish
    assert "Paso hacia adelante" in spanish


def test_check_to_dict_is_the_json_of_check() -> None:
    report = backcalc.check("reference-2-3-1")
    assert report.passed is True
    assert report.to_dict() == json.loads(cli("check", "reference-2-3-1", "-f", "json"))
    hand = examples.find_answers("reference-2-3-1-hand")
    assert hand is not None
    graded = backcalc.check("reference-2-3-1", answers=hand)
    assert graded.passed is False  # the notes' layer-1 slip
    expected = json.loads(cli("check", "reference-2-3-1", "-a", str(hand), "-f", "json"))
    assert graded.to_dict() == expected


def test_a_path_yaml_text_a_dict_and_an_example_name_are_the_same_exercise(tmp_path: Path) -> None:
    path = examples.find("reference-2-3-1").path  # type: ignore[union-attr]
    text = path.read_text(encoding="utf-8")
    import yaml

    data = yaml.safe_load(text)
    expected = backcalc.run(path).to_dict()
    for source in (str(path), text, data, "reference-2-3-1"):
        assert backcalc.run(source).to_dict() == expected


def test_a_dict_may_hold_numpy_arrays_and_files_are_read_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(3)
    W1, b1, W2 = rng.normal(size=(3, 2)), rng.normal(size=3), rng.normal(size=(1, 3))
    x = np.array([0.4, -1.2])
    np.save(tmp_path / "W2.npy", W2)
    monkeypatch.chdir(tmp_path)
    spec = {
        "input": x,
        "target": np.float64(0.5),
        "layers": [
            {"weights": W1, "bias": b1, "activation": "tanh"},
            {"weights": {"file": "W2.npy"}, "activation": "sigmoid"},
        ],
        "loss": "half_squared_error",
    }
    exercise = backcalc.load(spec)
    result = backcalc.run(exercise)
    a1 = np.tanh(W1 @ x + b1)  # an independent forward pass
    yhat = 1 / (1 + np.exp(-(W2 @ a1)))
    assert result.to_dict()["loss"] == pytest.approx(0.5 * float((yhat[0] - 0.5) ** 2), rel=1e-12)
    numeric = numeric_gradients(exercise)  # type: ignore[arg-type]
    np.testing.assert_allclose(result.quantity("dJ_dW", 1), numeric["W1"], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(result.quantity("dJ_dW", 2), numeric["W2"], rtol=1e-6, atol=1e-9)
    json.dumps(result.to_dict(), allow_nan=False)  # plain JSON values, no numpy


def test_my_own_numpy_gradients_are_checked_with_layer_keys_as_numbers_or_text() -> None:
    exercise = backcalc.load("reference-2-3-1")
    numeric = numeric_gradients(exercise)  # type: ignore[arg-type]
    mine = {"layers": {1: {"dJ_dW": numeric["W1"]}, "2": {"dJ_dW": numeric["W2"]}}}
    report = backcalc.check(exercise, answers=mine)
    assert report.passed, report.to_dict()["first_wrong"]
    wrong = numeric["W1"].copy()
    wrong[1, 0] *= 1.1  # a 10 % slip in one entry
    report = backcalc.check(exercise, answers={"layers": {"1": {"dJ_dW": wrong}}})
    assert not report.passed
    first = report.to_dict()["first_wrong"]
    assert (first["quantity"], first["layer"], first["index"]) == ("dJ_dW", 1, [1, 0])


def test_bad_input_is_a_spec_error_naming_the_key() -> None:
    with pytest.raises(backcalc.SpecError) as caught:
        backcalc.load(
            {"input": [1.0], "target": [0.0], "layers": [{"weights": [[1.0, 2.0]]}], "loss": "x"}
        )
    assert str(caught.value).startswith("<dict>: layers[1].weights: 2 columns, but the input")
    assert "decimal comma" not in str(caught.value)  # Python data has no YAML commas
    with pytest.raises(backcalc.SpecError, match=r"^<text>:1:1: missing key 'layers'"):
        backcalc.load("input: [1]\n")


def test_reprs_are_readable() -> None:
    assert repr(backcalc.run("cs231n-circuit")) == (
        "<backcalc run of graph 'cs231n circuit f = (x + y) z': f = -12>"
    )
    assert repr(backcalc.check("reference-2-3-1")).endswith(": passed, 15 entries>")


def test_import_backcalc_stays_light() -> None:
    code = "import sys, backcalc\nprint('numpy' in sys.modules, 'typer' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_a_hand_rounded_run_renders_with_its_decimals_as_the_cli_does() -> None:
    result = backcalc.run("reference-2-3-1", hand_rounding=2)
    cli_markdown = cli("run", "reference-2-3-1", "--hand-rounding", "2", "-f", "markdown")
    assert result.render("markdown") == cli_markdown
    assert result.render("latex", lang="es") == cli(
        "run", "reference-2-3-1", "--hand-rounding", "2", "-f", "latex", "--lang", "es"
    )


def test_a_name_is_a_file_or_an_example_and_a_missing_one_says_so() -> None:
    for name in ("missing.yaml", "reference-2-3-1x", "no/such/spec.yaml"):
        with pytest.raises(backcalc.SpecError, match="no such file, and no example of that name"):
            backcalc.load(name)
    graded = backcalc.check("reference-2-3-1", answers="reference-2-3-1-hand")
    assert graded.to_dict()["first_wrong"]["quantity"] == "delta"  # the notes' layer-1 slip


def test_an_unknown_quantity_is_a_key_error_naming_the_known_ones() -> None:
    result = backcalc.run("reference-2-3-1")
    with pytest.raises(KeyError, match="no quantity 'nope' of layer 1"):
        result.quantity("nope", layer=1)
    with pytest.raises(KeyError, match="no quantity 'dJ_dW' of layer 3"):
        result.quantity("dJ_dW", layer=3)
    with pytest.raises(KeyError, match="no value or step 'q2'"):
        backcalc.run("cs231n-circuit").quantity("q2")
    with pytest.raises(backcalc.BackcalcError, match="no format 'docx'"):
        result.render("docx")


def test_both_kinds_of_trace_name_their_quantities_in_hand_solution_order() -> None:
    network = backcalc.run("reference-2-3-1").trace  # no learning rate: no update step
    names = network.names()  # type: ignore[attr-defined]
    assert names[:4] == [("z", 1), ("a", 1), ("z", 2), ("a", 2)]
    assert names.index(("loss", None)) < names.index(("delta", 2)) < names.index(("delta", 1))
    assert names[-1] == ("dJ_dx", None)
    assert not [name for name, _ in names if name.endswith("_updated")]
    for name, layer in names:
        network.quantity(name, layer)  # every name it gives, it has
    graph = backcalc.run("cs231n-circuit").trace
    assert graph.names() == [("f", None), ("q", None), ("x", None), ("y", None), ("z", None)]  # type: ignore[attr-defined]
    # a graph is computed by hand too: ∂s/∂x = y + 3 + 2x + cos x with cos 2 written -0.42
    fork = backcalc.run("autodiff-fork", hand_rounding=2)
    assert fork.quantity("x") == pytest.approx(3 + 3 + 4 + round(math.cos(2), 2), abs=1e-12)
    assert fork.quantity("h") == 1.0

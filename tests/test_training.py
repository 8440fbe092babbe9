"""Real sizes and training: parameters and data from files, seeded initialisation with PyTorch's
formulas, large matrices in the terminal, and `backcalc train` against Mazur's published run and
an independent SGD written here with finite-difference gradients."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from backcalc.core.network import Exercise, objective, run
from backcalc.core.training import TrainSettings, train
from backcalc.io import examples
from backcalc.io.spec import parse, read
from tests.helpers import invoke


def exercise_of(text: str, base: Path | None = None) -> Exercise:
    exercise = parse(text, "net.yaml", base)
    assert isinstance(exercise, Exercise)
    return exercise


def example(name: str) -> Exercise:
    found = examples.find(name)
    assert found is not None
    exercise = read(found.path)
    assert isinstance(exercise, Exercise)
    return exercise


# -- files ---------------------------------------------------------------------------------------


def test_parameters_and_data_from_files(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    W1, W2 = rng.normal(size=(3, 4)), rng.normal(size=(2, 3))
    X = rng.normal(size=(5, 4))
    np.save(tmp_path / "W1.npy", W1)
    np.savez(tmp_path / "params.npz", W2=W2, b2=np.array([0.1, -0.1]))
    (tmp_path / "X.csv").write_text(
        "\n".join(",".join(repr(float(v)) for v in row) for row in X) + "\n"
    )
    (tmp_path / "y.csv").write_text("0\n1\n1\n0\n1\n")
    spec = """
input: {file: X.csv}
target: {file: y.csv}
layers:
  - {weights: {file: W1.npy}, activation: tanh}
  - {weights: {file: params.npz, key: W2}, bias: {file: params.npz, key: b2}}
loss: softmax_cross_entropy
"""
    exercise = exercise_of(spec, tmp_path)
    np.testing.assert_array_equal(exercise.x, X)
    np.testing.assert_array_equal(exercise.network.layers[1].weights, W2)
    np.testing.assert_array_equal(exercise.target, np.eye(2)[[0, 1, 1, 0, 1]])
    # the same network written out literally gives the same trace
    literal = exercise_of(f"""
input: {X.tolist()}
target: [0, 1, 1, 0, 1]
layers:
  - {{weights: {W1.tolist()}, activation: tanh}}
  - {{weights: {W2.tolist()}, bias: [0.1, -0.1]}}
loss: softmax_cross_entropy
""")
    assert run(exercise).loss == run(literal).loss


FILE_ERRORS = {
    "missing": (
        "{file: nope.npy}",
        "net.yaml:3:15: layers[1].weights.file: nope.npy: no such file (looked in {tmp})",
    ),
    "npz_key": (
        "{file: p.npz, key: W9}",
        "net.yaml:3:15: layers[1].weights.file: p.npz has no array 'W9' (it has W1, W2)",
    ),
    "npz_which": (
        "{file: p.npz}",
        "net.yaml:3:15: layers[1].weights.file: p.npz holds 2 arrays (W1, W2): say which with 'key'",
    ),
    "csv_cell": (
        "{file: bad.csv}",
        "net.yaml:3:15: layers[1].weights.file: bad.csv:2: column 2 is not a number",
    ),
    "shape": (
        "{file: wide.npy}",
        "net.yaml:3:5: layers[1].weights: 3 columns, but the input has 2 values (column convention: W is (out, in))",
    ),
    "suffix": (
        "{file: W.dat}",
        "net.yaml:3:15: layers[1].weights.file: W.dat: expected a .npy, .npz or .csv file",
    ),
}


@pytest.mark.parametrize("case", list(FILE_ERRORS))
def test_file_errors(case: str, tmp_path: Path) -> None:
    np.savez(tmp_path / "p.npz", W1=np.ones((1, 2)), W2=np.ones((1, 2)))
    np.save(tmp_path / "wide.npy", np.ones((1, 3)))
    (tmp_path / "bad.csv").write_text("1, 2\n3, x\n")
    (tmp_path / "W.dat").write_text("1 2\n")
    weights, expected = FILE_ERRORS[case]
    spec = tmp_path / "net.yaml"
    spec.write_text(
        f"input: [1, 2]\nlayers:\n  - weights: {weights}\ntarget: 1\nloss: squared_error\n"
    )
    code, out, err = invoke("run", str(spec))
    assert (code, out) == (2, "")
    assert err == f"{tmp_path}/{expected.replace('{tmp}', str(tmp_path))}\n"


# -- initialisation ------------------------------------------------------------------------------


def init_spec(
    init: str, extra: str = "", units: int = 30, n_in: int = 20, convention: str = "column"
) -> str:
    return f"""
convention: {convention}
input: {[0.1] * n_in}
target: 0
layers:
  - units: {units}
    weights: {{init: {init}, seed: 7{extra}}}
    bias: {{init: zeros}}
  - {{units: 1, weights: {{init: zeros}}}}
loss: squared_error
"""


@pytest.mark.parametrize(
    ("init", "draw"),
    [
        # PyTorch nn.init formulas, drawn here independently with default_rng(7)
        ("he_uniform", lambda r, s: r.uniform(-math.sqrt(6 / 20), math.sqrt(6 / 20), s)),
        ("he_normal", lambda r, s: r.normal(0, math.sqrt(2 / 20), s)),
        ("xavier_uniform", lambda r, s: r.uniform(-math.sqrt(6 / 50), math.sqrt(6 / 50), s)),
        ("xavier_normal", lambda r, s: r.normal(0, math.sqrt(2 / 50), s)),
        ("normal", lambda r, s: r.normal(0, 1, s)),
        ("uniform", lambda r, s: r.uniform(0, 1, s)),
    ],
)
@pytest.mark.parametrize("convention", ["column", "row"])
def test_initialisers_follow_pytorchs_formulas(init: str, draw: object, convention: str) -> None:
    layer = exercise_of(init_spec(init, convention=convention)).network.layers[0]
    shape = (30, 20) if convention == "column" else (20, 30)  # fan_in is the 20 inputs either way
    expected = draw(np.random.default_rng(7), shape)  # type: ignore[operator]
    np.testing.assert_allclose(
        layer.weights, expected, rtol=1e-14, atol=1e-15
    )  # √2·√(3/n) vs √(6/n)
    assert layer.bias is not None and not layer.bias.any()


def test_initialiser_options_and_same_seed_same_numbers() -> None:
    first = exercise_of(init_spec("constant", ", value: 0.25")).network.layers[0].weights
    assert (first == 0.25).all()
    a = exercise_of(init_spec("he_uniform")).network.layers[0].weights
    b = exercise_of(init_spec("he_uniform")).network.layers[0].weights
    np.testing.assert_array_equal(a, b)
    gain = exercise_of(init_spec("he_normal", ", gain: 1.0")).network.layers[0].weights
    np.testing.assert_allclose(
        gain, np.random.default_rng(7).normal(0, 1 / math.sqrt(20), (30, 20)), rtol=1e-14
    )


def test_json_shows_parameters_as_used() -> None:
    doc = json.loads(invoke("run", "digits-64-15-10", "-f", "json")[1])
    layer = doc["layers"][0]
    assert np.shape(layer["weights"]) == (64, 15) and layer["bias"] == [0.0] * 15
    bound = math.sqrt(6 / (64 + 15))
    assert np.max(np.abs(layer["weights"])) <= bound


def test_init_errors(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(
        "input: [1, 2]\ntarget: 0\nlayers:\n  - weights: {init: he_uniform}\nloss: squared_error\n"
    )
    assert (
        invoke("run", str(spec))[2]
        == f"{spec}:4:5: layers[1]: random weights need the layer's size: give 'units'\n"
    )
    spec.write_text(
        "input: [1, 2]\ntarget: 0\nlayers:\n  - {units: 1, weights: {init: kaiming}}\nloss: squared_error\n"
    )
    err = invoke("run", str(spec))[2]
    assert "unknown initialiser 'kaiming'" in err and err.startswith(f"{spec}:4:")


# -- large matrices in the terminal ----------------------------------------------------------------


def test_large_matrices_are_summarised_unless_full(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    W = rng.normal(size=(30, 784))
    np.save(tmp_path / "W1.npy", W)
    spec = tmp_path / "net.yaml"
    spec.write_text(
        "input: {file: x.npy}\ntarget: 0\nlayers:\n  - weights: {file: W1.npy}\n"
        "  - {units: 1, weights: {init: zeros}}\nloss: squared_error\n"
    )
    np.save(tmp_path / "x.npy", rng.uniform(size=784))
    code, out, _ = invoke("run", str(spec))
    assert code == 0
    assert "W⁽¹⁾ (30×784)" in out
    norm = f"{np.linalg.norm(W):.4f}"
    assert f"min {W.min():.4f}  max {W.max():.4f}" in out and f"norm {norm}" in out
    assert len(out.splitlines()) < 120
    code, full, _ = invoke("run", str(spec), "--full")
    assert code == 0 and len(full) > 10 * len(out)


# -- training --------------------------------------------------------------------------------------


def mazur_weights_only() -> Exercise:
    exercise = example("mazur-shared-bias")
    layers = tuple(
        dataclasses.replace(layer, frozen=("bias",)) for layer in exercise.network.layers
    )
    return dataclasses.replace(
        exercise, network=dataclasses.replace(exercise.network, layers=layers)
    )


def test_mazur_one_step_and_ten_thousand() -> None:
    """Mazur's example updates only the weights (η = 0.5): after one round the published
    weights and "the total error is now down to 0.291027924"; after 10,000 rounds "the error
    plummets to 0.0000351085", the outputs being 0.015912196 and 0.984065734."""
    one = train(mazur_weights_only(), TrainSettings(learning_rate=0.5, steps=1))
    layers = one.exercise.network.layers
    np.testing.assert_allclose(
        layers[0].weights, [[0.149780716, 0.19956143], [0.24975114, 0.29950229]], atol=1e-8
    )
    np.testing.assert_allclose(
        layers[1].weights, [[0.35891648, 0.408666186], [0.511301270, 0.561370121]], atol=1e-8
    )
    assert float(layers[0].bias) == 0.35  # type: ignore[arg-type]
    assert one.losses[1] == pytest.approx(0.291027924, abs=5e-7)
    many = train(mazur_weights_only(), TrainSettings(learning_rate=0.5, steps=10_000))
    assert many.losses[-1] == pytest.approx(0.0000351085, rel=1e-3)
    np.testing.assert_allclose(
        run(many.exercise).prediction[0], [0.015912196, 0.984065734], atol=5e-6
    )


def reference_sgd(exercise: Exercise, settings: TrainSettings) -> list[np.ndarray]:
    """SGD written independently: gradients by central differences, PyTorch's momentum buffer
    and StepLR, the same seeded shuffles."""
    ex = dataclasses.replace(exercise)
    params = [layer.weights for layer in ex.network.layers] + [
        layer.bias for layer in ex.network.layers if layer.bias is not None
    ]
    params = [p.copy() for p in params]
    layers = []
    for i, layer in enumerate(ex.network.layers):
        layers.append(dataclasses.replace(layer, weights=params[i]))
    k = len(layers)
    with_bias = [i for i, layer in enumerate(layers) if layer.bias is not None]
    for j, i in enumerate(with_bias):
        layers[i] = dataclasses.replace(layers[i], bias=params[k + j])
    net = dataclasses.replace(ex.network, layers=tuple(layers))
    buffers = [np.zeros_like(p) for p in params]
    rng = np.random.default_rng(settings.seed)
    m = len(ex.x)
    for epoch in range(settings.epochs or 0):
        eta = settings.learning_rate * settings.lr_gamma ** (epoch // (settings.lr_step or 10**9))
        order = rng.permutation(m)
        for start in range(0, m, settings.batch_size or m):
            rows = order[start : start + (settings.batch_size or m)]
            grads = []
            for p in params:
                g = np.zeros_like(p)
                for index in np.ndindex(p.shape):
                    old = p[index]
                    p[index] = old + 1e-6
                    plus = objective(net, ex.x[rows], ex.target[rows])
                    p[index] = old - 1e-6
                    minus = objective(net, ex.x[rows], ex.target[rows])
                    p[index] = old
                    g[index] = (plus - minus) / 2e-6
                grads.append(g)
            for p, buf, g in zip(params, buffers, grads, strict=True):
                buf *= settings.momentum
                buf += g
                p -= eta * buf
    return params


def test_sgd_with_momentum_schedule_and_partial_batches_matches_a_reference() -> None:
    exercise = exercise_of("""
input: [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.2, 0.1], [1.0, -0.5]]
target: [1, 0, 1, 0, 1]
layers:
  - {weights: [[0.3, -0.2], [0.5, 0.4], [-0.6, 0.1]], bias: [0.0, 0.1, -0.1], activation: tanh}
  - {weights: [[0.2, -0.5, 0.3], [-0.1, 0.4, 0.2]], bias: 0.05}
loss: softmax_cross_entropy
l2: 0.01
""")
    settings = TrainSettings(
        learning_rate=0.3, epochs=4, batch_size=2, momentum=0.9, lr_step=2, lr_gamma=0.5, seed=3
    )
    result = train(exercise, settings)
    assert result.updates == 4 * 3  # 5 observations in batches of 2: the last one of 1
    assert result.rates == (0.3, 0.3, 0.15, 0.15)
    expected = reference_sgd(exercise, settings)
    trained = [layer.weights for layer in result.exercise.network.layers]
    trained += [layer.bias for layer in result.exercise.network.layers if layer.bias is not None]
    for got, want in zip(trained, expected, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-7)
    assert result.losses[-1] == pytest.approx(
        objective(result.exercise.network, exercise.x, exercise.target)
    )


def test_frozen_parameters_stay() -> None:
    result = train(mazur_weights_only(), TrainSettings(learning_rate=0.5, steps=20))
    assert [float(layer.bias) for layer in result.exercise.network.layers] == [0.35, 0.6]  # type: ignore[arg-type]


def test_digits_example_learns() -> None:
    code, out, _ = invoke(
        "train", "digits-64-15-10", "--epochs", "5", "--batch-size", "10", "-f", "json"
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["accuracy"] > 0.9 and doc["accuracy_before"] < 0.3
    assert len(doc["losses"]) == 6 and doc["updates"] == 5 * 180
    assert np.shape(doc["layers"][0]["weights"]) == (64, 15)


def test_train_table_and_trained_spec_round_trip(tmp_path: Path) -> None:
    target = tmp_path / "trained.yaml"
    code, out, _ = invoke("train", "mazur-shared-bias", "--steps", "200", "-o", str(target))
    assert code == 0
    assert "200 full-batch gradient-descent steps, η = 0.5" in out and "●" in out
    shown = [
        m.group(1) for m in re.finditer(r"^\s*(\d+)\s+\d+\.\d{4}(\s+0\.5)?\s*$", out, flags=re.M)
    ]
    assert shown == [str(i) for i in range(0, 201, 10)]  # a regular selection, first and last
    doc = json.loads(invoke("train", "mazur-shared-bias", "--steps", "200", "-f", "json")[1])
    assert len(doc["losses"]) == 201  # complete in JSON
    again = read(target)
    assert isinstance(again, Exercise)
    assert run(again).loss == pytest.approx(doc["losses"][-1], rel=1e-12)
    code, _, err = invoke("train", "mazur-shared-bias", "--steps", "1", "-o", str(target))
    assert code == 2 and "already exists; use --force" in err


def test_large_arrays_go_to_npy_files(tmp_path: Path) -> None:
    target = tmp_path / "digits.yaml"
    code, _, _ = invoke(
        "train", "digits-64-15-10", "--epochs", "1", "--batch-size", "100", "-o", str(target)
    )
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "digits.W1.npy",
        "digits.W2.npy",
        "digits.input.npy",
        "digits.target.npy",
        "digits.yaml",
    ]
    trained = read(target)
    assert isinstance(trained, Exercise) and trained.x.shape == (1797, 64)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--steps", "2", "--epochs", "1"], "give either --steps N (full batch) or --epochs E"),
        ([], "give either --steps N (full batch) or --epochs E"),
        (["--steps", "2", "--batch-size", "3"], "--batch-size goes with --epochs"),
    ],
)
def test_train_usage_errors(args: list[str], message: str) -> None:
    code, out, err = invoke("train", "mazur-shared-bias", *args)
    assert (code, out) == (2, "") and message in err


def test_train_needs_a_learning_rate_and_a_network() -> None:
    code, _, err = invoke("train", "reference-2-3-1", "--steps", "1")
    assert code == 2 and "no learning rate" in err
    assert invoke("train", "reference-2-3-1", "--steps", "3", "--learning-rate", "0.5")[0] == 0
    code, _, err = invoke("train", "cs231n-circuit", "--steps", "1")
    assert code == 2 and "train works on networks" in err

"""Properties that tie the cases together, each checked against an independent computation:
the two weight conventions agree, a batch is the sum (or mean) of its observations, the
derivative conventions at kinks are as documented, and note 002's batch formulas hold."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from backcalc.core.activations import Elu, LeakyRelu, Relu
from backcalc.core.network import Exercise, Layer, run
from backcalc.io import examples
from backcalc.io.spec import parse, read
from tests.helpers import invoke
from tests.test_gradients import OUTPUTS, make_exercise


def transposed(exercise: Exercise) -> Exercise:
    """The same network written in the other convention (every W transposed)."""
    net = exercise.network
    other = "row" if net.convention == "column" else "column"
    layers = tuple(
        Layer(layer.weights.T.copy(), layer.bias, layer.activation, layer.weights.T.shape)
        for layer in net.layers
    )
    network = dataclasses.replace(net, convention=other, layers=layers)
    return dataclasses.replace(exercise, network=network)


@pytest.mark.parametrize("seed", range(40))
def test_column_and_row_conventions_agree(seed: int) -> None:
    rng = np.random.default_rng(seed)
    loss = str(rng.choice(list(OUTPUTS)))
    exercise = make_exercise(
        rng, loss, str(rng.choice(OUTPUTS[loss])), "column", bool(seed % 2), "mixed", "mean", 0.1
    )
    column, row = run(exercise), run(transposed(exercise))
    assert row.loss == pytest.approx(column.loss, rel=1e-12)
    for c, r in zip(column.layers, row.layers, strict=True):
        np.testing.assert_allclose(r.z, c.z, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(r.delta, c.delta, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(r.dW, c.dW.T, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(row.dJ_dx, column.dJ_dx, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize(("reduction", "scale"), [("sum", 1.0), ("mean", 0.25)])
@pytest.mark.parametrize("seed", range(10))
def test_a_batch_is_the_sum_of_its_observations(reduction: str, scale: float, seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    loss = str(rng.choice(list(OUTPUTS)))
    batch = make_exercise(
        rng, loss, str(rng.choice(OUTPUTS[loss])), "row", True, "mixed", reduction, 0.0
    )
    batch = dataclasses.replace(
        batch,
        x=rng.normal(size=(4, batch.x.shape[1])),
        target=np.repeat(batch.target[:1], 4, axis=0),
    )
    whole = run(batch)
    singles = [
        run(
            dataclasses.replace(
                batch, x=batch.x[i : i + 1], target=batch.target[i : i + 1], batched=False
            )
        )
        for i in range(4)
    ]
    assert whole.loss == pytest.approx(scale * sum(s.loss for s in singles), rel=1e-12)
    for number in range(len(batch.network.layers)):
        total_dW = scale * sum(s.layers[number].dW for s in singles)
        np.testing.assert_allclose(whole.layers[number].dW, total_dW, rtol=1e-10, atol=1e-14)
        if whole.layers[number].db is not None:
            total_db = scale * sum(s.layers[number].db for s in singles)  # type: ignore[misc]
            np.testing.assert_allclose(whole.layers[number].db, total_db, rtol=1e-10, atol=1e-14)


def test_derivatives_at_zero() -> None:
    z = np.array([[-1.0, 0.0, 2.0]])
    np.testing.assert_array_equal(Relu().derivative(z), [[0, 0, 1]])
    np.testing.assert_array_equal(Relu(derivative_at_zero=1).derivative(z), [[0, 1, 1]])
    np.testing.assert_array_equal(LeakyRelu(slope=0.2).derivative(z), [[0.2, 0.2, 1]])
    np.testing.assert_allclose(Elu(alpha=2).derivative(z), [[2 * np.exp(-1), 2, 1]])


def test_relu_derivative_at_zero_option_in_a_spec() -> None:
    text = """
input: [1, -1]
target: 0
layers:
  - {weights: [[1, 1]], activation: {name: relu, derivative_at_zero: %s}}
loss: squared_error
"""
    assert run(parse(text % 0)).layers[0].g_prime[0, 0] == 0
    assert run(parse(text % 1)).layers[0].g_prime[0, 0] == 1


def test_note_002_batch_formulas() -> None:
    """Note 002 (UNCuyo): H = relu(X·W1 + B1), Y = H·W2 + B2, L the mean softmax cross-entropy:
    ∂L/∂Y = (P − onehot)/m, ∂L/∂W2 = Hᵀ·∂L/∂Y, ∂L/∂B2 summed over m, ∂H/∂Z = 1(z > 0),
    and one step W ← W − ε·∇W. Computed here directly from the example's numbers."""
    example = examples.find("batch-relu-softmax-row")
    assert example is not None
    exercise = read(example.path)
    trace = run(exercise)
    (l1, l2), X = exercise.network.layers, exercise.x
    m = X.shape[0]
    H = np.maximum(X @ l1.weights + l1.bias, 0)
    Y = H @ l2.weights + l2.bias
    P = np.exp(Y) / np.exp(Y).sum(axis=1, keepdims=True)
    onehot = np.eye(3)[[0, 2, 1, 2]]
    dY = (P - onehot) / m
    assert trace.loss == pytest.approx(-np.mean(np.log(P[np.arange(m), [0, 2, 1, 2]])))
    np.testing.assert_allclose(trace.layers[1].delta, dY, atol=1e-15)
    np.testing.assert_allclose(trace.layers[1].dW, H.T @ dY, atol=1e-15)
    np.testing.assert_allclose(trace.layers[1].db, dY.sum(axis=0), atol=1e-15)
    dZ = (dY @ l2.weights.T) * (X @ l1.weights + l1.bias > 0)
    np.testing.assert_allclose(trace.layers[0].dW, X.T @ dZ, atol=1e-15)
    np.testing.assert_allclose(trace.layers[0].db, dZ.sum(axis=0), atol=1e-15)
    eta = exercise.learning_rate
    assert eta == 0.1
    np.testing.assert_allclose(trace.layers[0].weights_updated, l1.weights - eta * X.T @ dZ)
    np.testing.assert_allclose(trace.layers[1].bias_updated, l2.bias - eta * dY.sum(axis=0))
    predicted = trace.predicted
    assert predicted is not None
    np.testing.assert_array_equal(predicted, np.argmax(P, axis=1))


DESCRIBED = {
    "network": "input: 1\ntarget: 1\nlayers: [{weights: 1}]\nloss: squared_error\n",
    "graph": "expression: x * y\nvalues: {x: 1, y: 2}\n",
}


@pytest.mark.parametrize("kind", list(DESCRIBED))
@pytest.mark.parametrize("fmt", ["table", "markdown", "latex"])
def test_description_is_shown_in_the_table_and_the_documents(
    kind: str, fmt: str, tmp_path: Path
) -> None:
    description = "worked in class on Tuesday"
    spec = tmp_path / "net.yaml"
    spec.write_text(f"description: {description}\n{DESCRIBED[kind]}", encoding="utf-8")
    assert parse(spec.read_text(encoding="utf-8")).description == description
    code, out, err = invoke("run", str(spec), "--format", fmt)
    assert (code, err) == (0, "")
    assert description in [line.strip() for line in out.splitlines()]  # a line of its own
    spec.write_text(DESCRIBED[kind], encoding="utf-8")
    code, out, _ = invoke("run", str(spec), "--format", fmt)
    assert code == 0 and "Tuesday" not in out

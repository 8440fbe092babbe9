"""Numerical trouble: handled stably where the math allows, reported plainly where it does not.
pytest runs with warnings as errors, so an overflow warning anywhere fails these tests."""

from __future__ import annotations

import numpy as np
import pytest

from backcalc.core.activations import Sigmoid, Softmax, Softplus, sigmoid, softmax
from backcalc.core.losses import CrossEntropy
from backcalc.core.network import run
from backcalc.errors import NumericalError
from backcalc.io.spec import parse


def test_sigmoid_at_plus_minus_1000() -> None:
    z = np.array([[-1000.0, -40.0, 0.0, 40.0, 1000.0]])
    s = sigmoid(z)
    assert np.all(np.isfinite(s))
    assert s[0, 0] == 0.0 and s[0, -1] == 1.0 and s[0, 2] == 0.5
    assert np.all(np.isfinite(Sigmoid().derivative(z)))
    assert np.all(np.isfinite(Softplus().value(z)))


def test_softmax_at_1000() -> None:
    p = softmax(np.array([[1000.0, 0.0, -1000.0]]))
    np.testing.assert_allclose(p, [[1.0, 0.0, 0.0]])
    assert np.all(np.isfinite(Softmax().derivative(np.array([[1000.0, 999.0]]))))


def spec(layer_activation: str, loss: str, weights: str, target: str) -> str:
    return f"""
input: [1.0]
target: {target}
layers:
  - weights: {weights}
    activation: {layer_activation}
loss: {loss}
"""


@pytest.mark.parametrize(
    ("activation", "loss", "target"),
    [
        ("softmax", "cross_entropy", "1"),
        ("identity", "softmax_cross_entropy", "1"),
        ("sigmoid", "binary_cross_entropy", "[0, 1]"),
        ("identity", "sigmoid_binary_cross_entropy", "[0, 1]"),
    ],
)
def test_saturated_outputs_stay_finite(activation: str, loss: str, target: str) -> None:
    # Logits ±1000: the output probabilities round to exactly 0 and 1.
    trace = run(parse(spec(activation, loss, "[[1000], [-1000]]", target)))
    assert np.isfinite(trace.loss)
    # −log softmax = 1000 − (−1000); softplus(1000) + softplus(−1000) + 1000 for the binary case
    assert trace.loss == pytest.approx(2000.0, rel=1e-12)
    for layer in trace.layers:
        assert np.all(np.isfinite(layer.delta)) and np.all(np.isfinite(layer.dW))
    assert np.all(np.isfinite(trace.dJ_dx))


def test_fused_delta_is_p_minus_y() -> None:
    trace = run(parse(spec("softmax", "cross_entropy", "[[2], [-1], [0.5]]", "0")))
    assert trace.fused
    p = softmax(np.array([[2.0, -1.0, 0.5]]))
    np.testing.assert_allclose(trace.layers[0].delta, p - [[1, 0, 0]], atol=1e-15)


def test_fused_dJ_da_may_be_infinite_but_delta_is_not() -> None:
    trace = run(parse(spec("softmax", "cross_entropy", "[[-1000], [1000]]", "0")))
    assert np.isinf(trace.layers[0].dJ_da[0, 0])
    np.testing.assert_allclose(trace.layers[0].delta, [[-1.0, 1.0]])


def test_zero_probability_for_a_zero_target_is_fine() -> None:
    # 0·log 0 = 0: a class the target does not name may get probability exactly 0.
    loss = CrossEntropy()
    value = loss.value(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]]))
    assert value[0] == 0.0
    assert np.all(np.isfinite(loss.gradient(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]]))))


def test_log_of_zero_is_reported() -> None:
    text = """
input: [1.0, 0.0]
target: 1
layers: [{weights: [[1, 0], [0, 1]]}]
loss: cross_entropy
"""
    with pytest.raises(NumericalError, match="the loss is infinite: cross_entropy takes the log"):
        run(parse(text))


def test_exp_overflow_is_reported() -> None:
    text = "input: 1000\ntarget: 0\nlayers: [{weights: 1, activation: exp}]\nloss: squared_error\n"
    with pytest.raises(
        NumericalError, match=r"layer 1: a = g\(z\) is infinite: the numbers left float64's range"
    ):
        run(parse(text))


def test_vectorised_hand_rounding_agrees_with_decimal_rounding() -> None:
    from backcalc.core.rounding import hand_round, round_half_away

    rng = np.random.default_rng(0)
    values = np.concatenate(
        [rng.normal(0, 3, 20_000), [0.5575, 0.5 * 1.115, -0.0005, 2.675, -2.675, 1.0005]]
    )
    for decimals in (0, 1, 2, 3, 4):
        expected = [float(round_half_away(v, decimals)) for v in values]
        np.testing.assert_array_equal(hand_round(values, decimals), expected)
    assert hand_round(np.array([0.5 * 1.115]), 3)[0] == 0.558  # half away from zero, decimally

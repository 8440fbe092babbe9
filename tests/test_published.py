"""The engine against worked examples with published numbers.

Each expected value below comes from the source named beside it, never from backcalc's output.
"""

from __future__ import annotations

import numpy as np
import pytest

from backcalc.core.network import Trace, run
from backcalc.io import examples
from backcalc.io.spec import parse, read


def example_trace(name: str) -> Trace:
    example = examples.find(name)
    assert example is not None, name
    return run(read(example.path))


@pytest.fixture(scope="module")
def reference() -> Trace:
    return example_trace("reference-2-3-1")


@pytest.fixture(scope="module")
def mazur() -> Trace:
    return example_trace("mazur-shared-bias")


class TestReferenceExercise:
    """Note 004 (course notes): 2-3-1 sigmoid network, J = ½(ŷ − y)².

    Forward values and layer-2 answers are the hand solution's, printed at 3 decimals with
    rounding carried along, so they are compared at that precision. The layer-1 answers are the
    corrected ones of the notes' README (the hand solution multiplies z⁽¹⁾ by σ'(z⁽¹⁾) there)."""

    def test_forward(self, reference: Trace) -> None:
        layer1, layer2 = reference.layers
        np.testing.assert_allclose(layer1.z[0], [1.98, 3.02, 2.172], atol=1e-12)
        np.testing.assert_allclose(layer1.a[0], [0.879, 0.953, 0.898], atol=5e-4)
        assert layer2.z[0, 0] == pytest.approx(0.09, abs=5e-3)  # printed "0,09"
        assert reference.prediction[0, 0] == pytest.approx(0.522, abs=1e-3)
        assert reference.loss == pytest.approx(10.02, abs=0.01)

    def test_layer_2(self, reference: Trace) -> None:
        layer2 = reference.layers[1]
        assert layer2.dJ_da[0, 0] == pytest.approx(-4.478, abs=1e-3)
        assert layer2.g_prime[0, 0] == pytest.approx(0.249, abs=1e-3)
        np.testing.assert_allclose(layer2.dW[0], [-0.980, -1.062, -1.001], atol=4e-3)
        assert layer2.db[0] == pytest.approx(-1.115, abs=3e-3)

    def test_gradient_passed_to_layer_1(self, reference: Trace) -> None:
        np.testing.assert_allclose(reference.layers[0].dJ_da[0], [0.446, -0.223, 0.558], atol=2e-3)

    def test_layer_1_corrected(self, reference: Trace) -> None:
        layer1 = reference.layers[0]
        np.testing.assert_allclose(layer1.g_prime[0], [0.106, 0.045, 0.092], atol=1.5e-3)
        np.testing.assert_allclose(layer1.delta[0], [0.0476, -0.0099, 0.0513], atol=5e-5)
        np.testing.assert_allclose(layer1.db, [0.0476, -0.0099, 0.0513], atol=5e-5)
        np.testing.assert_allclose(
            layer1.dW, [[0.0857, -0.1619], [-0.0178, 0.0337], [0.0923, -0.1744]], atol=5e-5
        )

    def test_not_the_notes_mistake(self, reference: Trace) -> None:
        wrong = np.array([[0.378, -0.714], [0.252, -0.476], [0.36, -0.68]])
        assert np.max(np.abs(reference.layers[0].dW - wrong)) > 0.1


class TestMazur:
    """Matt Mazur, "A Step by Step Backpropagation Example" (2015): 2-2-2 sigmoid network with
    one shared bias per layer, E = Σ½(target − out)², η = 0.5."""

    def test_forward(self, mazur: Trace) -> None:
        assert mazur.layers[0].z[0, 0] == pytest.approx(0.3775, abs=1e-9)
        np.testing.assert_allclose(mazur.layers[0].a[0], [0.593269992, 0.596884378], atol=1e-9)
        np.testing.assert_allclose(mazur.prediction[0], [0.75136507, 0.772928465], atol=1e-8)
        assert mazur.loss == pytest.approx(0.298371109, abs=1e-9)

    def test_output_layer(self, mazur: Trace) -> None:
        layer2 = mazur.layers[1]
        assert layer2.dJ_da[0, 0] == pytest.approx(0.74136507, abs=1e-8)
        assert layer2.g_prime[0, 0] == pytest.approx(0.186815602, abs=1e-9)
        assert layer2.dW[0, 0] == pytest.approx(0.082167041, abs=1e-9)
        np.testing.assert_allclose(
            layer2.weights_updated,
            [[0.35891648, 0.408666186], [0.511301270, 0.561370121]],
            atol=1e-8,
        )

    def test_hidden_layer(self, mazur: Trace) -> None:
        layer1 = mazur.layers[0]
        assert layer1.dJ_da[0, 0] == pytest.approx(0.036350306, abs=1e-9)
        assert layer1.g_prime[0, 0] == pytest.approx(0.241300709, abs=1e-9)
        assert layer1.dW[0, 0] == pytest.approx(0.000438568, abs=1e-9)
        np.testing.assert_allclose(
            layer1.weights_updated, [[0.149780716, 0.19956143], [0.24975114, 0.29950229]], atol=1e-8
        )

    def test_shared_bias_gradient_sums_the_units(self, mazur: Trace) -> None:
        for layer in mazur.layers:
            assert layer.db is not None and layer.db.shape == ()
            assert float(layer.db) == pytest.approx(float(layer.delta.sum()))


class TestUnderstandingDeepLearningToy:
    """Prince, Understanding Deep Learning, notebook 7.1: ℓ printed as 0.139, and the notebook's
    closed-form derivatives ∂ℓ/∂β3 = 2(f − y) and ∂ℓ/∂ω0 (written out by hand there)."""

    b0, b1, b2, b3 = 1.0, 2.0, -3.0, 0.4
    w0, w1, w2, w3 = 0.1, -0.4, 2.0, 3.0
    x, y = 2.3, 2.0

    def test_loss_and_closed_forms(self) -> None:
        trace = example_trace("toy-sin-exp-cos")
        f0 = self.b0 + self.w0 * self.x
        f1 = self.b1 + self.w1 * np.sin(f0)
        f2 = self.b2 + self.w2 * np.exp(f1)
        f3 = self.b3 + self.w3 * np.cos(f2)
        assert trace.loss == pytest.approx(0.139, abs=5e-4)
        assert trace.loss == pytest.approx((f3 - self.y) ** 2, rel=1e-12)
        dl_dbeta3 = 2 * (f3 - self.y)
        dl_domega0 = (
            -2
            * (f3 - self.y)
            * self.w1
            * self.w2
            * self.w3
            * self.x
            * np.cos(f0)
            * np.exp(f1)
            * np.sin(f2)
        )
        assert trace.layers[3].db is not None
        assert trace.layers[3].db.item() == pytest.approx(dl_dbeta3, rel=1e-12)
        assert trace.layers[0].dW.item() == pytest.approx(dl_domega0, rel=1e-12)
        np.testing.assert_allclose([t.z[0, 0] for t in trace.layers], [f0, f1, f2, f3], rtol=1e-12)


class TestCs231n:
    """cs231n notes, "Linear classification" (cs231n.github.io/linear-classify)."""

    def test_linear_classifier_scores(self) -> None:
        # The worked image: 4 pixels, W·x + b printed as (−96.8, 437.9, 61.95) for (cat, dog,
        # ship). The ship score is a known slip of that figure: 0.25·231 + 0.2·24 − 0.3·2 − 1.2
        # is 60.75, so only the first two are asserted as published.
        trace = example_trace("cs231n-linear-hinge")
        np.testing.assert_allclose(trace.prediction[0, :2], [-96.8, 437.9], atol=1e-9)
        assert trace.prediction[0, 2] == pytest.approx(0.25 * 231 + 0.2 * 24 - 0.3 * 2 - 1.2)
        # Its hinge loss for the true class cat: (437.9 + 96.8 + 1) + (60.75 + 96.8 + 1).
        assert trace.loss == pytest.approx(535.7 + 158.55, abs=1e-9)

    def test_svm_loss_batch(self) -> None:
        # Scores of three images (cat, car, frog): losses 2.9, 0 and 12.9, mean 5.27.
        spec = """
input: [[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]
target: [0, 1, 2]
layers: [{weights: [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}]
loss: multiclass_hinge
"""
        trace = run(parse(spec))
        np.testing.assert_allclose(trace.losses, [2.9, 0.0, 12.9], atol=1e-9)
        assert trace.loss == pytest.approx(5.27, abs=5e-3)

    @pytest.mark.parametrize(
        ("loss", "expected"), [("multiclass_hinge", 1.58), ("softmax_cross_entropy", 1.04)]
    )
    def test_hinge_versus_softmax(self, loss: str, expected: float) -> None:
        # The notes' comparison figure: scores (−2.85, 0.86, 0.28), correct class the third.
        spec = f"""
input: [-2.85, 0.86, 0.28]
target: 2
layers: [{{weights: [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}}]
loss: {loss}
"""
        assert run(parse(spec)).loss == pytest.approx(expected, abs=5e-3)

    def test_softmax_probabilities(self) -> None:
        spec = """
input: [-2.85, 0.86, 0.28]
target: 2
layers: [{weights: [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}]
loss: softmax_cross_entropy
"""
        trace = run(parse(spec))
        assert trace.probabilities is not None
        # exp: 0.058, 2.36, 1.32 -> normalised 0.016, 0.631, 0.353 (the figure's numbers)
        np.testing.assert_allclose(trace.probabilities[0], [0.016, 0.631, 0.353], atol=1e-3)
        # ∂ℓ/∂scores = p − onehot (cs231n "Putting it together" case study)
        np.testing.assert_allclose(
            trace.layers[0].delta[0], trace.probabilities[0] - [0, 0, 1], atol=1e-15
        )

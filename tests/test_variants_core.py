"""The variants core (issue 14): what varies (`Vary` and its rules), per-student seeds, drawing
good and distinct variants, and why a draw is rejected.

Every drawn variant is re-checked independently (tests/variantref.py: a forward pass and J in
NumPy written here, gradients by central finite differences): no ReLU-like input or hinge
margin rounding to 0, no g'(z) rounding to 0, no gradient entry rounding to 0 unless it is 0.
The slips are the real guarantee: each applicable slip of tests/slipref.py planted in a variant
and graded with backcalc.core.grading.grade makes its step wrong, the slip named.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from functools import cache
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import backcalc
from backcalc.core.variants import (
    FIXED,
    Choice,
    Fixed,
    LayerVary,
    Range,
    Variant,
    VariantError,
    Vary,
    draw_all,
    problems,
    student_seed,
)
from backcalc.core.variants.rules import decimals_of
from backcalc.io import examples
from backcalc.io.variants import Template, read_template
from tests import slipref, variantref

EXAMPLES = {e.name: e.path for e in examples.all_examples()}
# the shipped examples drawn with their defaults at 3 decimals: all but the digits (its data are
# read from a file and its weights drawn by initializers: nothing varies by default), Mazur's
# (x = (0.05, 0.10) makes ∂J/∂W1 round to 0: it has a test of its own) and the fork, whose two
# whole numbers allow 15 draws at most (drawn 10 times here)
DRAWN = sorted(set(EXAMPLES) - {"digits-64-15-10", "mazur-shared-bias"})
COUNTS = {"autodiff-fork": 8}
SEED = 20240614


def keys(count: int) -> list[tuple[str, str]]:
    return [(f"v{i:02d}", f"v{i:02d}") for i in range(1, count + 1)]


@cache
def template(name: str) -> Template:
    return read_template(EXAMPLES[name])


@cache
def drawn(name: str, decimals: int = 3) -> tuple[Variant, ...]:
    found = template(name)
    return tuple(draw_all(found.exercise, found.vary, keys(COUNTS.get(name, 12)), SEED, decimals))


# -- seeds and hashes ----------------------------------------------------------------------------


def test_a_student_seed_is_the_hmac_of_the_key_under_the_seed() -> None:
    digest = hmac.new(b"2024", b"id:ana", hashlib.sha256).digest()
    assert student_seed(2024, "id:ana") == int.from_bytes(digest[:8], "big")
    assert student_seed(2024, "id:ana") != student_seed(2025, "id:ana")
    assert student_seed(2024, "id:ana") != student_seed(2024, "id:ana ")
    assert 0 <= student_seed(7, "") < 2**64


def test_a_variant_hash_is_16_hex_digits_of_its_numbers() -> None:
    variants = drawn("reference-2-3-1")
    for variant in variants:
        assert len(variant.hash) == 16 and int(variant.hash, 16) >= 0
    # the same numbers, read back from a spec written by hand, give the same hash
    first = variants[0].exercise
    again = backcalc.load(
        {
            "input": first.x[0].tolist(),
            "target": float(first.target[0, 0]),
            "layers": [
                {
                    "weights": layer.weights.tolist(),
                    "bias": layer.bias.tolist(),
                    "activation": "sigmoid",
                }
                for layer in first.network.layers
            ],
            "loss": "half_squared_error",
        }
    )
    from backcalc.core.variants import numbers_hash

    assert numbers_hash(again) == variants[0].hash
    moved = dataclasses.replace(again, x=again.x + 0.1)  # type: ignore[arg-type]
    assert numbers_hash(moved) != variants[0].hash


# -- the rules ---------------------------------------------------------------------------------


def test_a_range_draws_every_number_of_its_grid_and_nothing_else() -> None:
    rng = np.random.default_rng(1)
    values = Range(-0.3, 0.2, 1).draw(rng, (4000,))
    assert set(np.round(values, 10).tolist()) == {-0.3, -0.2, -0.1, 0.0, 0.1, 0.2}
    # the drawn floats are the decimals' own: 0.1 + 0.2 style noise never appears
    assert {repr(v) for v in values.tolist()} <= {"-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2"}
    whole = Range(2, 8, 0).draw(rng, (2000,))
    assert set(whole.tolist()) == {2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0}
    with pytest.raises(ValueError, match="low ≤ high"):
        Range(1, -1, 1)
    with pytest.raises(ValueError, match="no number with 0 decimals"):
        Range(0.2, 0.4, 0)


def test_a_choice_draws_only_its_values_and_knows_their_decimals() -> None:
    rule = Choice((-2.0, -1.0, 1.0, 2.5))
    values = rule.draw(np.random.default_rng(3), (3000,))
    assert set(values.tolist()) == {-2.0, -1.0, 1.0, 2.5}
    assert rule.decimals == 1
    assert [decimals_of(v) for v in (0.25, 3.0, 1e-5, -0.125)] == [2, 0, 5, 3]


def test_the_default_varies_every_group_within_the_templates_range_at_its_decimals() -> None:
    """reference-2-3-1: x = (1.8, −3.4), y = 5, W from −0.9 to 0.8 written with up to 2
    decimals (0.02), b from 0.1 to 0.8."""
    vary = template("reference-2-3-1").vary
    assert vary.input == Range(-3.4, 1.8, 1)
    assert vary.target == Range(2, 8, 0)  # 5 ± 2.5, snapped outwards to whole numbers
    assert vary.weights == Range(-0.9, 0.8, 2)
    assert vary.bias == Range(0.1, 0.8, 1)
    assert vary.layers == {}


def test_the_default_draws_classes_among_all_classes_and_binary_targets_among_0_and_1() -> None:
    assert template("softmax-cross-entropy").vary.target == Choice((0.0, 1.0, 2.0))
    assert template("batch-relu-softmax-row").vary.target == Choice((0.0, 1.0, 2.0))
    assert template("binary-cross-entropy").vary.target == Choice((0.0, 1.0))
    # a graph: each value its own group, widened around it (x = −2: [−3, −1])
    circuit = template("cs231n-circuit").vary
    assert circuit.values == {"x": Range(-3, -1, 0), "y": Range(2, 8, 0), "z": Range(-6, -2, 0)}


def test_the_default_leaves_arrays_from_files_and_initializers_alone() -> None:
    vary = template("digits-64-15-10").vary
    assert vary.input == vary.target == FIXED
    assert vary.weights_of(1) == vary.weights_of(2) == FIXED
    assert vary.bias_of(1) == vary.bias_of(2) == FIXED


def test_a_layers_own_rule_wins_over_the_networks() -> None:
    vary = Vary(weights=Range(-1, 1, 1), layers={2: LayerVary(weights=Choice((0.5,)))})
    assert vary.weights_of(1) == Range(-1, 1, 1)
    assert vary.weights_of(2) == Choice((0.5,))
    assert vary.bias_of(2) == FIXED
    assert vary.rule("layers[2].weights") == Choice((0.5,))


# -- the shipped examples ----------------------------------------------------------------------


def graph_steps(data: dict[str, Any]) -> list[str]:
    if "steps" in data:
        return list(data["steps"])
    return [f"{data.get('output', 'f')} = {data['expression']}"]


def assert_same_structure(template_exercise: Any, variant: Any) -> None:
    if template_exercise.kind == "graph":
        assert variant.nodes == template_exercise.nodes
        assert variant.output == template_exercise.output
        assert set(variant.values) == set(template_exercise.values)
        return
    old, new = template_exercise.network, variant.network
    assert (new.convention, new.reduction, new.l2) == (old.convention, old.reduction, old.l2)
    assert type(new.loss) is type(old.loss) and new.loss == old.loss
    assert variant.batched == template_exercise.batched
    assert variant.learning_rate == template_exercise.learning_rate
    assert variant.x.shape == template_exercise.x.shape
    assert variant.target.shape == template_exercise.target.shape
    for a, b in zip(old.layers, new.layers, strict=True):
        assert b.activation == a.activation and type(b.activation) is type(a.activation)
        assert (b.weights.shape, b.weights_shape, b.frozen) == (
            a.weights.shape,
            a.weights_shape,
            a.frozen,
        )
        assert (b.bias is None) == (a.bias is None) and b.bias_shape == a.bias_shape
        if a.bias is not None:
            assert b.bias is not None and b.bias.shape == a.bias.shape


def on_rule(rule: Any, values: np.ndarray, kept: np.ndarray) -> bool:
    """The numbers drawn by `rule` (kept: the template's)."""
    if isinstance(rule, Fixed):
        return bool(np.array_equal(values, kept))
    if isinstance(rule, Choice):
        return bool(np.all(np.isin(values, rule.values)))
    scaled = values * 10**rule.decimals
    return bool(
        np.all((values >= rule.low - 1e-12) & (values <= rule.high + 1e-12))
        and np.allclose(scaled, np.round(scaled), atol=1e-6)
    )


def numbers_of(exercise: Any) -> tuple[float, ...]:
    if exercise.kind == "graph":
        return tuple(exercise.values[name] for name in sorted(exercise.values))
    arrays = [exercise.x, exercise.target]
    for layer in exercise.network.layers:
        arrays += [layer.weights] + ([] if layer.bias is None else [layer.bias])
    return tuple(float(v) for a in arrays for v in np.ravel(a))


@pytest.mark.parametrize("name", DRAWN)
def test_every_variant_of_a_shipped_example_is_a_good_exercise(name: str) -> None:
    """Same structure, numbers by the rules, and the independent re-checks pass; no two
    variants alike; answer_decimals set."""
    found, variants = template(name), drawn(name)
    assert len({numbers_of(v.exercise) for v in variants}) == len(variants)
    assert len({v.hash for v in variants}) == len(variants)
    for variant in variants:
        exercise = variant.exercise
        assert exercise.answer_decimals == 3 and variant.attempts >= 1
        assert_same_structure(found.exercise, exercise)
        if exercise.kind == "graph":
            for value in exercise.values:
                rule = found.vary.value_of(value)
                kept = np.asarray(found.exercise.values[value])
                assert on_rule(rule, np.asarray(exercise.values[value]), kept), (name, value)
            faults = variantref.graph_faults(graph_steps(found.data), exercise.values, 3)
            assert not faults, (name, exercise.values, faults)
            continue
        assert on_rule(found.vary.input, exercise.x, found.exercise.x)
        if exercise.network.loss.classes:
            assert np.all(exercise.target.sum(axis=1) == 1) and np.all(
                np.isin(exercise.target, (0.0, 1.0))
            ), "one-hot rows"
        else:
            assert on_rule(found.vary.target, exercise.target, found.exercise.target)
        for number, (old, new) in enumerate(
            zip(found.exercise.network.layers, exercise.network.layers, strict=True), start=1
        ):
            assert on_rule(found.vary.weights_of(number), new.weights, old.weights)
            if old.bias is not None:
                assert on_rule(found.vary.bias_of(number), new.bias, old.bias)
        faults = variantref.network_faults(variantref.from_exercise(exercise), 3)
        assert not faults, (name, variant.id, faults)


def test_the_max_gate_never_draws_a_tie() -> None:
    for variant in drawn("cs231n-max-gate"):
        values = variant.exercise.values
        assert abs(values["z"] - values["w"]) >= 0.0005, values


@pytest.mark.parametrize("name", ["reference-2-3-1", "cs231n-circuit", "softmax-cross-entropy"])
def test_the_same_seed_and_key_give_the_same_variant_whatever_the_order(name: str) -> None:
    found, variants = template(name), drawn(name)
    by_id = {v.id: v for v in variants}
    reordered = list(reversed(keys(12)))
    reordered.insert(3, reordered.pop(7))
    again = draw_all(found.exercise, found.vary, reordered, SEED, 3)
    assert [v.id for v in again] == [k for k, _ in reordered]
    for variant in again:
        first = by_id[variant.id]
        assert (variant.seed, variant.hash, variant.attempts) == (
            first.seed,
            first.hash,
            first.attempts,
        )
        assert numbers_of(variant.exercise) == numbers_of(first.exercise)
        assert variant.seed == student_seed(SEED, variant.key)
    alone = draw_all(found.exercise, found.vary, [("x", "v01")], SEED, 3)[0]
    assert numbers_of(alone.exercise) == numbers_of(by_id["v01"].exercise)
    other = draw_all(found.exercise, found.vary, [("v01", "v01")], SEED + 1, 3)[0]
    assert numbers_of(other.exercise) != numbers_of(by_id["v01"].exercise)


def test_two_keys_whose_draws_coincide_get_different_variants_the_later_drawn_again() -> None:
    """Two identical keys make the same first good draw: the one sorted second draws again."""
    found = template("cs231n-circuit")
    pair = draw_all(found.exercise, found.vary, [("b", "same"), ("a", "same")], SEED, 3)
    assert pair[0].hash != pair[1].hash
    a, b = sorted(pair, key=lambda v: v.id)
    alone = draw_all(found.exercise, found.vary, [("a", "same")], SEED, 3)[0]
    assert a.hash == alone.hash and b.attempts > a.attempts


# -- when the constraints cannot be met --------------------------------------------------------

DEAD_RELU = {
    "input": [1.0, -1.0],
    "target": [0.5],
    "layers": [
        {"weights": [[0.5, 0.2], [0.1, -0.4]], "activation": "relu"},
        {"weights": [[1.0, -1.0]], "bias": [0.1]},
    ],
    "loss": "half_squared_error",
}


def test_a_rule_that_always_puts_a_relu_on_its_kink_fails_with_the_reason_counted() -> None:
    exercise = backcalc.load(DEAD_RELU)
    vary = dataclasses.replace(
        Vary.default(exercise), layers={1: LayerVary(weights=Choice((0.0,)))}
    )
    with pytest.raises(VariantError) as raised:
        draw_all(exercise, vary, keys(3), SEED, 3, attempts=40)
    assert raised.value.message == (
        "no good variant in 40 draws for 'v01': 40 had a relu input z that rounds to 0 at "
        "3 decimals (layer 1)"
    )


def test_rules_that_allow_too_few_draws_say_so() -> None:
    found = template("autodiff-fork")  # x in {1, 2, 3}, y in {1, ..., 5}: 15 draws at most
    with pytest.raises(VariantError) as raised:
        draw_all(found.exercise, found.vary, keys(16), SEED, 3)
    message = raised.value.message
    assert message.startswith("no good variant in 500 draws for 'v")
    assert "had the same numbers as another variant" in message
    assert message.endswith(
        "(the rules allow 15 different draws at most: widen a range or allow more decimals "
        "under vary:)"
    )


def test_nothing_to_vary_is_one_draw_and_a_clear_error_for_a_second_variant() -> None:
    exercise = template("reference-2-3-1").exercise
    nothing = Vary()
    (only,) = draw_all(exercise, nothing, keys(1), SEED, 3)
    assert numbers_of(only.exercise) == numbers_of(exercise) and only.attempts == 1
    with pytest.raises(VariantError, match="in 1 draw for 'v02': 1 had the same numbers"):
        draw_all(exercise, nothing, keys(2), SEED, 3)


def test_mazurs_example_cannot_give_good_variants_at_3_decimals() -> None:
    found = template("mazur-shared-bias")
    with pytest.raises(
        VariantError, match=r"had an entry of ∂J/∂W1 that rounds to 0 at 3 decimals"
    ):
        draw_all(found.exercise, found.vary, keys(1), SEED, 3)


# -- problems, one by one ----------------------------------------------------------------------


def codes(exercise: Any, decimals: int = 3) -> set[tuple[str, str | None, int | None]]:
    return {(p.code, p.step, p.layer) for p in problems(exercise, decimals)}


def test_a_relu_input_at_0_is_a_kink_and_one_that_rounds_to_0_too() -> None:
    assert ("kink", "z", 1) in codes(backcalc.load("relu-kink"))
    spec = {**DEAD_RELU, "input": [1.0, 1.9996]}  # z₁ = 0.5 + 0.2·1.9996 ≈ 0.9, z₂ = 0.1 − 0.79984
    assert ("kink", "z", 1) not in codes(backcalc.load(spec))
    near = {**DEAD_RELU, "input": [1.0, 0.2501]}  # z₂ = 0.1 − 0.10004 = −0.00004
    assert ("kink", "z", 1) in codes(backcalc.load(near))
    assert ("kink", "z", 1) not in codes(backcalc.load(near), decimals=5)


def test_a_saturated_sigmoid_and_a_hinge_margin_at_0_are_rejected() -> None:
    spec = {
        "input": [10.0],
        "target": [0.5],
        "layers": [{"weights": [[1.0]], "bias": [0.0], "activation": "sigmoid"}],
        "loss": "half_squared_error",
    }
    # σ'(10) = 4.5e-5 rounds to 0 at 3 decimals, not at 5
    assert ("saturated", "g_prime", 1) in codes(backcalc.load(spec))
    assert ("saturated", "g_prime", 1) not in codes(backcalc.load(spec), decimals=5)
    hinge = {
        "input": [1.0, 2.0],
        "target": 0,
        "layers": [{"weights": [[1.0, 0.0], [0.0, 1.0]], "bias": [0.0, -2.0]}],
        "loss": "multiclass_hinge",
    }  # scores (1, 0): the margin 0 − 1 + 1 = 0
    assert ("kink", "losses", None) in codes(backcalc.load(hinge))


def test_a_gradient_that_rounds_to_0_is_rejected_an_exact_0_is_not() -> None:
    spec = {
        "input": [0.0004, 1.0],
        "target": [2.0],
        "layers": [{"weights": [[1.0, 1.0]], "bias": [0.5]}],
        "loss": "half_squared_error",
    }  # ŷ − y ≈ −0.4996: ∂J/∂W = (−0.0002, −0.4996)
    assert ("zero_gradient", "dJ_dW", 1) in codes(backcalc.load(spec))
    exact = {**spec, "input": [0.0, 1.0]}  # ∂J/∂W₁₁ = 0 exactly
    assert ("zero_gradient", "dJ_dW", 1) not in codes(backcalc.load(exact))


def test_a_nearly_symmetric_weight_matrix_hides_the_missing_transpose() -> None:
    """W·δ and Wᵀ·δ differ by (W − Wᵀ)·δ: 0.0002·δ is unseen at 3 decimals. An exactly
    symmetric W makes them equal: the slip cannot happen there, and is not counted."""
    layer = {"weights": [[0.6, -0.3], [-0.3002, 1.1]], "bias": [0.2, 0.1], "activation": "tanh"}
    spec = {
        "input": [0.7, -1.3],
        "target": [0.4, -0.9],
        "layers": [layer],
        "loss": "half_squared_error",
    }

    def found(weights: list[list[float]]) -> set[tuple[str, str | None, str | None]]:
        exercise = backcalc.load({**spec, "layers": [{**layer, "weights": weights}]})
        return {(p.code, p.slip, p.step) for p in problems(exercise, 3)}

    assert ("slip_unnoticed", "missing_transpose", "dJ_dx") in found(layer["weights"])
    assert not any(slip == "missing_transpose" for _, slip, _ in found([[0.6, -0.3], [-0.3, 1.1]]))
    assert not any(slip == "missing_transpose" for _, slip, _ in found([[0.6, -0.3], [0.5, 1.1]]))


def test_an_update_too_small_to_see_is_rejected() -> None:
    spec = {
        "input": [0.5, -0.5],
        "target": [0.3],
        "layers": [{"weights": [[0.4, 0.2]], "bias": [0.1]}],
        "loss": "half_squared_error",
        "learning_rate": 0.001,
    }  # η·∂J/∂W ≈ 0.001 · 0.1: W − η·g rounds to W at 3 decimals
    found = {(p.code, p.slip, p.step) for p in problems(backcalc.load(spec), 3)}
    assert ("slip_unnoticed", "update_not_applied", "weights_updated") in found
    spec["learning_rate"] = 0.5
    found = {(p.code, p.slip, p.step) for p in problems(backcalc.load(spec), 3)}
    assert not any(code == "update_not_applied" for _, code, _ in found)


def test_a_probability_that_rounds_to_0_under_a_log_is_numerical_trouble() -> None:
    spec = {
        "input": [1.0],
        "target": 0,
        "layers": [{"weights": [[-5.0], [5.0]], "bias": [0.0, 0.0], "activation": "softmax"}],
        "loss": "cross_entropy",
    }  # p₀ = e⁻¹⁰/(e⁻¹⁰ + 1) ≈ 4.5e-5 is 0.000 by hand: −log 0
    found = problems(backcalc.load(spec), 3)
    assert [p.code for p in found] == ["numerical"], found
    assert "by hand at 3 decimals" in found[0].detail


def test_a_graph_tie_and_a_graph_gradient_rounding_to_0_are_rejected() -> None:
    tie = backcalc.load("expression: max(x, y) * z\nvalues: {x: 1.0002, y: 1.0, z: 2.0}")
    assert ("kink", "t1", None) in codes(tie)  # the max gate, t1 of the expression
    assert ("kink", "t1", None) not in codes(tie, decimals=4)
    flat = backcalc.load("steps: [f = x * y]\nvalues: {x: 0.0003, y: 2.0}")
    assert ("zero_gradient", "y", None) in codes(flat)
    assert ("zero_gradient", "x", None) not in codes(flat)


def test_a_good_draw_has_no_problem() -> None:
    for variant in drawn("reference-2-3-1"):
        assert problems(variant.exercise, 3) == []


# -- random networks ---------------------------------------------------------------------------

HIDDEN = (
    "identity",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "softplus",
    "sin",
    "cos",
    "exp",
)
HEADS = (
    ("identity", "half_squared_error"),
    ("identity", "squared_error"),
    ("identity", "mean_squared_error"),
    ("tanh", "squared_error"),
    ("relu", "half_squared_error"),
    ("sigmoid", "half_squared_error"),
    ("sigmoid", "binary_cross_entropy"),
    ("identity", "sigmoid_binary_cross_entropy"),
    ("softmax", "cross_entropy"),
    ("softmax", "half_squared_error"),
    ("identity", "softmax_cross_entropy"),
    ("identity", "multiclass_hinge"),
)
CLASSES = ("cross_entropy", "softmax_cross_entropy", "multiclass_hinge")


@st.composite
def networks(draw: st.DrawFn) -> dict[str, Any]:
    """A random template: 1 to 3 layers of 1 to 3 units (2 to 3 for classes), any hidden
    activation and head, either convention, one observation or a batch, numbers with one
    decimal."""
    depth = draw(st.integers(1, 3))
    act, loss = draw(st.sampled_from(HEADS))
    widths = [draw(st.integers(1, 3)) for _ in range(depth + 1)]
    if loss in CLASSES or act == "softmax":
        widths[-1] = draw(st.integers(2, 3))
    convention = draw(st.sampled_from(("column", "row")))
    batch = draw(st.sampled_from((None, 1, 2, 3)))
    m = batch or 1
    tenths = st.integers(-10, 10).map(lambda v: v / 10)

    def matrix(rows: int, cols: int) -> list[list[float]]:
        return [[draw(tenths) for _ in range(cols)] for _ in range(rows)]

    layers = []
    for index in range(depth):
        n_in, n_out = widths[index], widths[index + 1]
        w = matrix(n_out, n_in)
        layer: dict[str, Any] = {
            "weights": w if convention == "column" else np.array(w).T.tolist(),
            "bias": [draw(tenths) for _ in range(n_out)],
            "activation": act if index == depth - 1 else draw(st.sampled_from(HIDDEN)),
        }
        layers.append(layer)
    k = widths[-1]
    x = matrix(m, widths[0])
    if loss in CLASSES:
        y: Any = [draw(st.integers(0, k - 1)) for _ in range(m)]
    elif "binary" in loss:
        y = [[float(draw(st.integers(0, 1))) for _ in range(k)] for _ in range(m)]
    else:
        y = matrix(m, k)
    spec: dict[str, Any] = {
        "convention": convention,
        "input": x if batch else x[0],
        "target": y if batch else y[0],
        "layers": layers,
        "loss": {"name": loss, "reduction": draw(st.sampled_from(("mean", "sum")))},
    }
    if draw(st.booleans()):
        spec["learning_rate"] = 0.5
    return spec


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(spec=networks(), decimals=st.sampled_from((2, 3)))
def test_every_variant_of_a_random_network_passes_the_independent_checks(
    spec: dict[str, Any], decimals: int
) -> None:
    exercise = backcalc.load(spec)
    vary = Vary.default(exercise)
    try:
        variants = draw_all(exercise, vary, keys(3), SEED, decimals, attempts=200)
    except VariantError:
        assume(False)
        return
    assert len({v.hash for v in variants}) == 3
    for variant in variants:
        assert_same_structure(exercise, variant.exercise)
        faults = variantref.network_faults(variantref.from_exercise(variant.exercise), decimals)
        assert not faults, (spec, variant.id, faults)


# -- the real guarantee: every applicable slip, planted, is seen and named ---------------------

_DEFAULT = object()


def slip_net(exercise: Any) -> slipref.Net | None:
    """A variant as tests/slipref.py's network (None outside its vocabulary)."""
    network = exercise.network
    names = tuple(layer.activation.name for layer in network.layers)
    losses = ("half_squared_error", "squared_error", "cross_entropy", "binary_cross_entropy")
    if (
        network.loss.name not in losses
        or network.l2
        or any(n not in (*slipref.HIDDEN, "softmax") for n in names)
    ):
        return None
    if any(layer.bias is None or layer.bias.ndim != 1 or layer.frozen for layer in network.layers):
        return None
    weights = tuple(
        np.array(layer.weights if network.convention == "column" else layer.weights.T)
        for layer in network.layers
    )
    return slipref.Net(
        network.convention,
        weights,
        tuple(np.array(layer.bias) for layer in network.layers),
        names,
        np.array(exercise.x),
        np.array(exercise.target),
        exercise.batched,
        network.loss.name,
        network.reduction,
        exercise.learning_rate,
    )


def plantings(
    net: slipref.Net, monkeypatch: pytest.MonkeyPatch, tries: int = 40
) -> list[slipref.Slip]:
    """Every slip slipref's planters plant in `net`: each planter run with `draw` giving `net`
    wherever it fits what the planter asks for (sizes, heads, hidden activations, batch, a
    learning rate, a reduction), on `tries` seeds, so every step and choice it makes comes up."""
    widths = [net.x.shape[1], *(w.shape[0] for w in net.weights)]
    head = (net.activations[-1], net.loss)

    def fits(
        rng: np.random.Generator,
        *,
        n_layers: int | None = None,
        sizes: dict[int, int] | None = None,
        heads: Any = _DEFAULT,
        hidden: Any = _DEFAULT,
        batches: Any = _DEFAULT,
        rates: Any = _DEFAULT,
        reduction: Any = _DEFAULT,
    ) -> slipref.Net | None:
        checks = [
            n_layers is None or n_layers == net.n_layers,
            all(i < len(widths) and widths[i] == v for i, v in (sizes or {}).items()),
            heads is _DEFAULT or head in heads,
            hidden is _DEFAULT or all(a in hidden for a in net.activations[:-1]),
            batches is _DEFAULT or (net.m if net.batched else None) in batches,
            rates is _DEFAULT or None in rates or net.learning_rate is not None,
            reduction is _DEFAULT or reduction == net.reduction,
        ]
        return net if all(checks) else None

    monkeypatch.setattr(slipref, "draw", fits)
    found: dict[tuple[str, Any, str], slipref.Slip] = {}
    for planter in slipref.PLANTERS.values():
        for seed in range(tries):
            planted = planter(np.random.default_rng(seed))
            if planted is not None and planted[1].step in slipref.claimed(net):
                slip = planted[1]
                found.setdefault((slip.code, slip.step, slip.note), slip)
    monkeypatch.undo()
    return list(found.values())


def student(net: slipref.Net, slip: slipref.Slip, decimals: int, rounded: bool) -> slipref.Values:
    """The slipped solution: every step from the student's own earlier values, each rounded to
    `decimals` as it is written (and, if `rounded`, carried on rounded)."""
    values: slipref.Values = {}
    exact: slipref.Values = {}
    for step in slipref.hand_order(net):
        source = values if rounded else exact
        value = slip.value(net, source) if step == slip.step else slipref.formula(net, source, step)
        exact[step] = np.asarray(value, dtype=np.float64)
        values[step] = np.round(exact[step], decimals)
    return values


def assert_seen_and_named(variant: Variant, monkeypatch: pytest.MonkeyPatch) -> int:
    """Each slip planted in the variant, by a student who rounds every step as they write it
    (and one who keeps every digit): its step is wrong, and every wrong entry where the slip's
    value shows a digit at the decimals asked is diagnosed with it (the step too when all its
    wrong entries show one). The number of slips planted."""
    from backcalc.core.grading import Claim, grade
    from backcalc.core.grading.tolerance import no_significant_figure

    net = slip_net(variant.exercise)
    assert net is not None
    decimals = variant.exercise.answer_decimals
    assert decimals is not None
    result = backcalc.run(variant.exercise)
    trace = variant.exercise.run()
    shapes = {step: np.shape(result.quantity(*step)) for step in slipref.hand_order(net)}
    correct = slipref.solve(net)
    planted = 0
    for slip in plantings(net, monkeypatch):
        if np.allclose(slip.value(net, correct), correct[slip.step], rtol=1e-6, atol=1e-12):
            continue  # the slip cannot differ here
        for rounded in (True, False):
            values = student(net, slip, decimals, rounded)
            claims = []
            for step in slipref.claimed(net):
                user = slipref.user_layout(net, step, values[step], shapes[step])
                places = np.full(user.shape, decimals, dtype=np.int64)
                written = tuple(f"{v:.{decimals}f}" for v in user.ravel().tolist())
                claims.append(Claim(step[0], step[1], user.astype(np.float64), places, written))
            grading = grade(trace, tuple(claims))
            step = next(s for s in grading.steps if (s.quantity, s.layer) == slip.step)
            assert step.status == "wrong", (variant.id, slip, rounded, step)
            exact = slipref.user_layout(net, slip.step, slip.value(net, correct), shapes[slip.step])
            shown = ~no_significant_figure(exact, np.full(exact.shape, decimals)) | (exact == 0)
            wrong = [e for e in step.entries if e.status == "wrong"]
            if not rounded:
                # kept every digit: seen. Named only within the grader's spread of the slip's
                # value, which follows the step's own inputs only (derivative_at_activation's
                # z(1 − z) at δ takes z, not an input of δ: its rounding is not followed)
                continue
            for entry in wrong:
                if shown[entry.index]:
                    assert entry.diagnosis is not None, (variant.id, slip, rounded, entry)
                    assert slip.code in entry.diagnosis.codes, (variant.id, slip, rounded, entry)
            if all(shown[e.index] for e in wrong):
                assert step.diagnosis is not None and slip.code in step.diagnosis.codes, (
                    variant.id,
                    slip,
                    step.diagnosis,
                )
        planted += 1
    return planted


def test_every_slip_planted_in_a_variant_of_the_2_3_1_is_seen_and_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At 3 decimals, and at 2, where more draws hide a slip and are drawn again."""
    variants = drawn("reference-2-3-1")[:3] + drawn("reference-2-3-1", 2)[:4]
    planted = [assert_seen_and_named(v, monkeypatch) for v in variants]
    assert min(planted) >= 10, planted  # every step's slips of a 2-3-1, not a handful


def random_templates(count: int) -> list[Any]:
    """Templates of slipref's random networks (with and without an update, every head)."""
    rng = np.random.default_rng(SEED)
    found: list[Any] = []
    while len(found) < count:
        net = slipref.draw(rng, rates=(None, 0.5))
        if net is None:
            continue
        spec = net.spec()
        for layer in spec["layers"]:  # numbers with 1 decimal, as a template writes them
            layer["weights"] = np.round(np.array(layer["weights"]), 1).tolist()
            layer["bias"] = np.round(np.array(layer["bias"]), 1).tolist()
        spec["input"] = np.round(np.array(spec["input"]), 1).tolist()
        found.append(backcalc.load(spec))
    return found


@pytest.mark.parametrize("index", range(6))
def test_every_slip_planted_in_a_variant_of_a_random_network_is_seen_and_named(
    index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    exercise = random_templates(6)[index]
    try:
        variants = draw_all(exercise, Vary.default(exercise), keys(2), SEED, 3)
    except VariantError:
        pytest.skip("no good variant of this random network")
    for variant in variants:
        assert assert_seen_and_named(variant, monkeypatch) >= 3


def written_as(exercise: Any, key: Any, candidate: str, rounded: bool) -> list[str]:
    """The statuses of step `key` when a student writes each value of slip `candidate` there
    and everything else correct: one who rounds every step as they go (the computation by
    hand at the decimals asked, and the slip's values from it), or one who keeps every digit
    and rounds what they write (the slip's values from the exact ones)."""
    from backcalc.core.grading import Claim, grade, steps_for
    from backcalc.core.grading.model import World
    from backcalc.core.rounding import hand_round

    decimals = exercise.answer_decimals
    trace = exercise.run()
    model = steps_for(trace)
    source = exercise.run(hand_rounding=decimals) if rounded else trace
    world = World(set(model.order))
    for step in model.order:
        world.set(step, np.asarray(model.internal(source, step)), False)
    statuses = []
    for code, value in model.slip_values(key, world):
        if code != candidate:
            continue
        claims = []
        for step in model.order:
            shown = hand_round(np.asarray(value if step == key else world(step)), decimals)
            user = np.asarray(model.user(step, shown), dtype=np.float64)
            places = np.full(user.shape, decimals, dtype=np.int64)
            written = tuple(f"{v:.{decimals}f}" for v in user.ravel().tolist())
            claims.append(Claim(step[0], step[1], user, places, written))
        grading = grade(trace, tuple(claims))
        statuses += [s.status for s in grading.steps if s.key == key]
    return statuses


def test_a_draw_rejected_for_an_unseen_slip_really_hides_it() -> None:
    """The converse: draws of the 2-3-1 that problems() rejects for a slip unseen at a step:
    one of that rule's values there, written by a student who rounds every step or by one who
    keeps every digit, is not marked wrong by the grader."""
    from backcalc.core.variants import draw

    found = template("reference-2-3-1")
    rng = np.random.default_rng(SEED)
    checked: list[tuple[str | None, str | None]] = []
    for _ in range(150):
        exercise = draw(found.exercise, found.vary, rng, 2)
        for problem in problems(exercise, 2):
            if problem.code != "slip_unnoticed":
                continue
            key = (problem.step, problem.layer)
            statuses = written_as(exercise, key, str(problem.slip), True)
            statuses += written_as(exercise, key, str(problem.slip), False)
            assert statuses and any(status != "wrong" for status in statuses), (problem, statuses)
            checked.append((problem.slip, problem.step))
    assert len(checked) >= 20 and len(set(checked)) >= 3, checked


def test_drawing_needs_one_draw_at_least_and_decimals_a_spec_can_ask_for() -> None:
    exercise = template("reference-2-3-1").exercise
    with pytest.raises(ValueError, match="attempts ≥ 1"):
        draw_all(exercise, Vary(), keys(1), SEED, 3, attempts=0)
    with pytest.raises(ValueError, match="decimals from 0 to 15"):
        draw_all(exercise, Vary(), keys(1), SEED, -1)
    assert draw_all(exercise, Vary(), [], SEED, 3) == []

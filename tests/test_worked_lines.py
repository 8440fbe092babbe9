"""The first wrong step of a check report, worked out with the student's numbers (issue 13):
every line multiplies out to its result; a negative factor of a product is in parentheses
(`(-0.4) · (-1.115)`); g' is worked the way the solution writes it (σ: a · (1 − a) of the
student's a; tanh: 1 − a²; softmax: aᵢ(1[i = j] − aⱼ)); an L2 penalty's 2λ·W is in the line; a
part equal to the one before it is not repeated."""

from __future__ import annotations

import json
import math
import re
from functools import cache
from typing import Any

import numpy as np
import pytest

import backcalc
from tests.helpers import invoke

NOTES = "reference-2-3-1-hand"
PER_LAYER = ("z", "a", "g_prime", "dJ_da", "delta", "dJ_dW", "dJ_db")
PER_LAYER += ("weights_updated", "bias_updated")
TOPS = ("probabilities", "losses", "loss", "dJ_dx")


@cache
def network_examples() -> tuple[str, ...]:
    code, out, _ = invoke("examples")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines() if line.strip()]
    return tuple(
        name
        for name in names
        if backcalc.load(name).kind == "network" and name != "digits-64-15-10"
    )


def first_wrong(exercise: Any, answers: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = backcalc.check(exercise, answers=answers).to_dict()["first_wrong"]
    return found


def notes(**changes: Any) -> dict[str, Any]:
    """The notes' hand solution (note 004, as the shipped answers file has it), with changes
    {"name1": value} (layer 1's `name`)."""
    answers: dict[str, Any] = {
        "layers": {
            1: {
                "z": [1.98, 3.02, 2.172],
                "a": [0.879, 0.953, 0.898],
                "dJ_da": [0.446, -0.223, 0.558],
                "g_prime": [0.106, 0.045, 0.092],
            },
            2: {
                "z": 0.09,
                "a": 0.522,
                "dJ_da": -4.478,
                "g_prime": 0.249,
                "delta": -1.115,
                "dJ_dW": [[-0.980, -1.062, -1.001]],
            },
        }
    }
    for key, value in changes.items():
        answers["layers"][int(key[-1])][key[:-1]] = value
    return written(answers)


def written(value: Any) -> Any:
    """Numbers as the text a student writes (so that their decimals are read)."""
    if isinstance(value, dict):
        return {k: written(v) for k, v in value.items()}
    if isinstance(value, list):
        return [written(v) for v in value]
    return repr(float(value))


NUMBER = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?")
NUMBERS = re.compile(r"[\d.e\s()·−²+-]+")  # numbers and the operators of a worked line


def as_python(numeric: str) -> str:
    """The numbers of a worked line as a Python expression."""
    return numeric.replace("·", "*").replace("−", "-").replace("²", "**2").replace(",", ".")


# -- every line multiplies out ------------------------------------------------------------------


def planted_lines(name: Any) -> list[tuple[str, str]]:
    """(step, worked line) for every step of the example, each claimed alone with its first
    entry moved by 0.37 (the other steps take the correct values)."""
    key = backcalc.run(name).to_dict()
    found = []
    claims: list[tuple[str, dict[str, Any]]] = []
    for layer in key["layers"]:
        for quantity in PER_LAYER:
            if layer.get(quantity) is not None:
                claims.append(
                    (
                        f"{quantity}{layer['layer']}",
                        {"layers": {layer["layer"]: {quantity: layer[quantity]}}},
                    )
                )
    for quantity in TOPS:
        if key.get(quantity) is not None:
            claims.append((quantity, {quantity: key[quantity]}))
    for step, answers in claims:

        def moved(value: Any) -> Any:
            array = np.array(value, dtype=float)
            array.flat[0] += 0.37
            return array.tolist()

        for layer in answers.get("layers", {}).values():
            for quantity in layer:
                layer[quantity] = moved(layer[quantity])
        for quantity in TOPS:
            if quantity in answers:
                answers[quantity] = moved(answers[quantity])
        wrong = first_wrong(name, answers)
        if wrong is not None and wrong["worked"] is not None:
            found.append((step, wrong["worked"]))
    return found


SOFTMAX_MSE: dict[str, Any] = {  # a softmax output not fused with its loss: δ = Jᵀ·∂J/∂a
    "input": [0.5, -1.2],
    "target": [0.2, 0.3, 0.5],
    "layers": [
        {
            "weights": [[0.4, -0.7], [0.1, 0.9], [-0.3, 0.2]],
            "bias": [0.1, -0.2, 0.3],
            "activation": "softmax",
        }
    ],
    "loss": "half_squared_error",
}
LOGITS: dict[str, Any] = {  # a loss on logits: ∂J/∂ŷ = (p − y)/m
    "convention": "row",
    "input": [[0.5, -1.2], [1.0, 0.3]],
    "target": [0, 2],
    "layers": [{"weights": [[0.4, -0.6, 0.1], [0.3, 0.2, -0.5]], "bias": [0.1, 0.0, -0.2]}],
    "loss": {"name": "softmax_cross_entropy", "reduction": "mean"},
}
SPECS = {"softmax-mse": SOFTMAX_MSE, "logits": LOGITS}


@pytest.mark.parametrize("name", [*network_examples(), *SPECS])
def test_every_worked_line_multiplies_out(name: str) -> None:
    """Each line `head = symbols = numbers = result`: the numbers, evaluated, are the result
    (to the 6 significant digits they are shown with); a line with a function of z (σ(1.98),
    max(0, z), 1 if z > 0) is not evaluated here, nor a value listed with its inputs."""
    evaluated = 0
    lines = planted_lines(SPECS.get(name, name))
    steps = dict(lines)
    if name == "softmax-mse":
        assert steps["delta1"].startswith("δ⁽¹⁾[1] = g'(z⁽¹⁾)[1, 1] · ∂J/∂a⁽¹⁾[1] + ")
    if name == "logits":
        assert steps["dJ_da1"].startswith("∂J/∂a⁽¹⁾[1, 1] = 1/m · p[1, 1] − 1/m · y[1, 1] = ")
    for step, line in lines:
        parts = line.split(" = ")
        assert all(parts[k] != parts[k + 1] for k in range(len(parts) - 1)), line
        numeric, result = parts[-2], parts[-1]
        if (
            " with " in line
            or not (NUMBERS.fullmatch(numeric) and NUMBER.fullmatch(result))
            or len(parts) < 3
        ):
            continue  # a function of z, a value listed with its inputs, a long sum cut short
        assert "--" not in as_python(numeric) and "- -" not in as_python(numeric), line
        value = eval(
            as_python(numeric), {"__builtins__": {}}
        )  # numbers and operators only (NUMBERS)
        assert math.isclose(value, float(result), rel_tol=2e-5, abs_tol=1e-6), (step, line)
        evaluated += 1
    assert evaluated >= 3, name


def test_the_l2_penalty_is_in_the_weight_gradient_line() -> None:
    """leaky-relu-l2: ∂J/∂W = δ·xᵀ + 2λW; the line says so, and it multiplies out (above)."""
    lines = dict(planted_lines("leaky-relu-l2"))
    assert "+ 2λ · W⁽¹⁾[1, 1] = " in lines["dJ_dW1"]
    assert " + 0.1 · 0.2 = " in lines["dJ_dW1"]  # 2 · 0.05 and W⁽¹⁾[1, 1] = 0.2


# -- how the numbers are written ----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_negative_factor_is_in_parentheses_even_first(lang: str) -> None:
    """∂J/∂a⁽¹⁾[1] = W⁽²⁾[1, 1] · δ⁽²⁾[1] from the notes' δ⁽²⁾ = −1,115: (−0,4) · (−1,115)."""
    wrong = first_wrong("reference-2-3-1", notes(dJ_da1=[0.6, -0.223, 0.558]))
    product = -0.4 * -1.115
    expected = f"∂J/∂a⁽¹⁾[1] = W⁽²⁾[1, 1] · δ⁽²⁾[1] = (-0.4) · (-1.115) = {product:.6g}"
    assert wrong["worked"] == expected
    code, out, _ = invoke(
        "check", "reference-2-3-1", "--answers", NOTES, "--lang", lang, columns=80
    )
    assert code == 1
    assert "(-0,4)" not in out  # the notes' first wrong step is δ⁽¹⁾: positive factors there


@pytest.mark.parametrize("lang", ["en", "es"])
def test_sigma_prime_is_worked_from_the_students_a(lang: str, tmp_path: Any) -> None:
    """The notes' a⁽¹⁾[1] = 0,879 with g'(z⁽¹⁾)[1] written 0,2: the rule as the notes write
    it, a · (1 − a) = 0,879 · (1 − 0,879) = 0,106359 (not σ(1,98)(1 − σ(1,98)))."""
    answers = notes(g_prime1=[0.2, 0.045, 0.092])
    wrong = first_wrong("reference-2-3-1", answers)
    assert wrong["quantity"] == "g_prime" and wrong["layer"] == 1
    value = 0.879 * (1 - 0.879)
    assert wrong["worked"] == (
        f"g'(z⁽¹⁾)[1] = a⁽¹⁾[1] · (1 − a⁽¹⁾[1]) = 0.879 · (1 − 0.879) = {value:.6g}"
    )
    assert math.isclose(wrong["expected_from_yours"], value, rel_tol=1e-12)
    path = tmp_path / "answers.yaml"
    path.write_text(json.dumps(answers))
    _, out, _ = invoke("check", "reference-2-3-1", "--answers", str(path), "--lang", lang)
    numbers = f"0.879 · (1 − 0.879) = {value:.6g}"
    assert (numbers if lang == "en" else numbers.replace(".", ",")) in out


def test_tanh_prime_of_a_negative_a_is_one_minus_its_square_in_parentheses() -> None:
    spec = {
        "input": [1.0],
        "target": [0.5],
        "layers": [
            {"weights": [[-0.8]], "bias": [0.0], "activation": "tanh"},
            {"weights": [[1.0]], "bias": [0.0]},
        ],
        "loss": "half_squared_error",
    }
    a = math.tanh(-0.8)
    wrong = first_wrong(spec, written({"layers": {1: {"a": round(a, 3), "g_prime": 0.9}}}))
    value = 1 - round(a, 3) ** 2
    assert wrong["worked"] == f"g'(z⁽¹⁾)[1] = 1 − a⁽¹⁾[1]² = 1 − (-0.664)² = {value:.6g}"


def test_a_softmax_jacobian_entry_is_worked_from_a() -> None:
    """∂a/∂z = diag(a) − a·aᵀ: entry [1, 2] is −a₁a₂, entry [1, 1] is a₁ − a₁a₁."""
    spec = SOFTMAX_MSE
    a = [0.722, 0.067, 0.211]
    jacobian = [[a[i] * ((i == j) - a[j]) for j in range(3)] for i in range(3)]
    jacobian[0][1] += 0.3
    wrong = first_wrong(spec, written({"layers": {1: {"a": a, "g_prime": jacobian}}}))
    value = -0.722 * 0.067
    expected = f"g'(z⁽¹⁾)[1, 2] = −a⁽¹⁾[1] · a⁽¹⁾[2] = −0.722 · 0.067 = {value:.6g}"
    assert wrong["worked"] == expected
    jacobian[0][1] -= 0.3
    jacobian[0][0] += 0.3
    wrong = first_wrong(spec, written({"layers": {1: {"a": a, "g_prime": jacobian}}}))
    value = 0.722 - 0.722 * 0.722
    expected = f"g'(z⁽¹⁾)[1, 1] = a⁽¹⁾[1] − a⁽¹⁾[1] · a⁽¹⁾[1] = 0.722 − 0.722 · 0.722 = {value:.6g}"
    assert wrong["worked"] == expected


def test_a_single_term_is_not_written_twice() -> None:
    """∂J/∂b⁽²⁾ = δ⁽²⁾: `∂J/∂b⁽²⁾[1] = δ⁽²⁾[1] = -1.115`, not `… = -1.115 = -1.115`."""
    answers = notes(dJ_db2="-1.5")
    assert first_wrong("reference-2-3-1", answers)["worked"] == "∂J/∂b⁽²⁾[1] = δ⁽²⁾[1] = -1.115"


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "max(z, w) = max(2, (-1))"), ("es", "max(z; w) = max(2; (-1))")]
)
def test_a_graph_function_of_several_arguments_beside_a_decimal_comma_takes_semicolons(
    lang: str, expected: str, tmp_path: Any
) -> None:
    """With the decimal comma, `max(0,5, 1)` would read as three numbers: `max(0,5; 1)`."""
    path = tmp_path / "mine.yaml"
    path.write_text("values: {t2: 5}\n")
    code, out, _ = invoke("check", "cs231n-max-gate", "--answers", str(path), "--lang", lang)
    assert code == 1
    assert f"t2 = {expected} = 2" in out

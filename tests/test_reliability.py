"""The reliability audit's reproducers (tests/reliability/, from the audit of issue 11): each one
printed a traceback or a message of several lines. Now each is one located line and exit 2, or
a correct result with strict JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import invoke

CASES = Path(__file__).parent / "reliability"

# reproducer -> the start of its one-line message (after "<file>:")
REFUSED = {
    "01-yaml-tag-float-valueerror": "1:8: input: unreadable value 'x' for its tag float",
    "01b-yaml-tag-int-bad-hex": "1:8: input: unreadable value '0xZZ' for its tag int",
    "02-yaml-tag-timestamp-attributeerror": "1:8: input: unreadable value 'x' for its tag timestamp",
    "03-huge-int-overflow": "1:1: input: expected a number within float64's range",
    "03b-yaml-int-5000-digits": "1:8: input: unreadable value '99999999999999999999…' (5000 characters)",
    "04-expr-huge-int-literal": "1:1: expression: 10000000000000000000… is too large a number",
    "05-expr-recursion-neg": "1:1: expression: the expression is nested too deeply",
    "05b-expr-recursion-add": "1:1: expression: the expression is nested too deeply",
    "06-expr-sin-inf-math-domain": "1:1: expression: a number in the expression is beyond float64's range",
    "05c-steps-recursion-add": "1:9: steps[1]: the expression is nested too deeply",
    "08b-l2-overflow-inf-loss": " layer 1: the L2 term λ·ΣW² is infinite",
    "12-control-char-multiline": "1:9: invalid YAML: unacceptable character #x0000",
    "13-merge-key-multiline": "4:11: layers[1]: unreadable value: could not determine a constructor",
    "14-unknown-tag-multiline": "1:8: input: unreadable value: could not determine a constructor",
    "15-runtimewarning-stderr": " layer 1: z is infinite",
    "27-init-negative-std": "5:29: layers[1].weights.std: expected std ≥ 0, found -1",
    "27b-init-uniform-reversed": "5:30: layers[1].weights.low: expected low ≤ high, found 1 > 0",
    "27c-init-gain-overflow": "5:5: layers[1].weights: these options give numbers beyond",
    # wrong gradients with exit 0 before: an output named like a value
    "26-expr-input-named-f-wrong-gradients": "1:1: expression: the output 'f' is also the name",
    "26b-expr-output-equals-input": "3:1: output: the output 'x' is also the name of a value",
}


@pytest.mark.parametrize("fmt", ["table", "json"])
@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_in_one_located_line(case: str, fmt: str, tmp_path: Path) -> None:
    spec = tmp_path / f"{case}.yaml"
    shutil.copy(CASES / spec.name, spec)
    code, out, err = invoke("run", str(spec), "--format", fmt)
    assert (code, out) == (2, ""), err
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert err.startswith(f"{spec}:{REFUSED[case]}"), err


def test_zero_l2_with_huge_weights_is_a_correct_result_in_strict_json(tmp_path: Path) -> None:
    spec = tmp_path / "case.yaml"
    shutil.copy(CASES / "08-l2-zero-times-inf-nan-loss.yaml", spec)  # |W| = 1e155, no l2
    code, out, err = invoke("run", str(spec), "--format", "json")
    assert (code, err) == (0, "")

    def refuse(constant: str) -> None:
        raise AssertionError(f"not strict JSON: {constant}")

    doc = json.loads(out, parse_constant=refuse)
    assert doc["l2_loss"] == 0.0
    assert doc["prediction"] == [1.0]  # σ(1e155) = 1, so J = ½(1 − 0)²
    assert doc["loss"] == 0.5


def test_a_negative_seed_is_refused_by_the_option() -> None:
    code, out, err = invoke("check", "reference-2-3-1", "--seed", "-5")
    # typer up to 0.28 words it "-5 is not in the range x>=0", 0.29 "Input should be greater
    # than or equal to 0"; either way one line naming the option.
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("backcalc check: Invalid value for '--seed': ")
    assert "x>=0" in err or "greater than or equal to 0" in err


@pytest.mark.parametrize("fmt", ["table", "markdown", "latex", "json"])
@pytest.mark.parametrize(
    "case", ["07-big-number-rounding-invalidoperation", "07b-graph-big-number-rounding"]
)
def test_numbers_up_to_float64s_range_are_shown(case: str, fmt: str, tmp_path: Path) -> None:
    spec = tmp_path / f"{case}.yaml"
    shutil.copy(CASES / spec.name, spec)
    code, out, err = invoke("run", str(spec), "--format", fmt)
    assert (code, err) == (0, ""), err
    assert "1" + "0" * 70 in out.replace(",", "").replace(".", "") or "1e+70" in out


def test_a_huge_number_rounds_exactly_as_by_hand() -> None:
    from backcalc.core.rounding import round_half_away

    assert str(round_half_away(1e70, 4)) == "1" + "0" * 70 + ".0000"
    assert str(round_half_away(-1.7976931348623157e308, 2)).startswith("-17976931348623157")


def test_a_renamed_output_gives_the_right_gradients(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text("expression: f * x + 1\nvalues: {f: 2, x: 3}\noutput: out\n")
    code, out, err = invoke("run", str(spec), "--format", "json")
    assert (code, err) == (0, "")
    gradients = json.loads(out)["gradients"]
    assert (gradients["f"], gradients["x"]) == (3.0, 2.0)  # ∂(f·x + 1)/∂f = x, ∂/∂x = f


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("09-answers-tag-float", "1:7: loss: unreadable value 'x' for its tag float"),
        ("10-answers-huge-int", "1:1: loss: expected a number within float64's range"),
    ],
)
def test_bad_answers_are_refused_in_one_located_line(
    case: str, expected: str, tmp_path: Path
) -> None:
    for name in (f"{case}.yaml", "ref.yaml"):
        shutil.copy(CASES / name, tmp_path / name)
    answers = tmp_path / f"{case}.yaml"
    code, out, err = invoke("check", str(tmp_path / "ref.yaml"), "--answers", str(answers))
    assert (code, out) == (2, "")
    assert err.startswith(f"{answers}:{expected}") and err.count("\n") == 1, err


def test_a_control_character_is_located_on_its_line(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(
        "input: [1]\ntarget: [1]\nlayers: [{weights: [[1]]}]\nloss: squared\x07_error\n"
    )
    code, _, err = invoke("run", str(spec))
    assert code == 2
    assert (
        err
        == f"{spec}:4:14: invalid YAML: unacceptable character #x0007: control characters are not allowed\n"
    )


def test_a_newline_inside_a_users_value_keeps_the_message_on_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(
        'input: [1]\ntarget: [1]\nlayers: [{weights: [[1]], activation: "sig\\nmoid"}]\n'
        'loss: squared_error\n"ti\\ttle\\r": x\n'
    )
    code, _, err = invoke("run", str(spec))
    assert code == 2 and err.count("\n") == 1 and "unknown key 'ti\\ttle\\r'" in err
    spec.write_text(spec.read_text().replace('"ti\\ttle\\r": x\n', ""))
    code, _, err = invoke("run", str(spec))
    assert code == 2 and err.count("\n") == 1
    assert "activation: unknown activation 'sig\\nmoid'; did you mean 'sigmoid'?" in err


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("input: [1]\ntarget: 1\nlayers: &l\n  - *l\nloss: half_squared_error\n", "3:9: layers[1]"),
        (
            "input: &x [1, *x]\ntarget: 1\nlayers: [{weights: 1}]\nloss: squared_error\n",
            "1:8: input[2]",
        ),
    ],
)
def test_an_alias_inside_itself_is_refused(tmp_path: Path, text: str, where: str) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(text)
    for command in (["run"], ["check", "-f", "json"]):
        code, out, err = invoke(*command[:1], str(spec), *command[1:])
        assert (code, out) == (2, "")
        assert err == f"{spec}:{where}: a YAML alias refers to the list or mapping it is in\n"


def test_an_alias_inside_itself_in_an_answers_file_is_refused(tmp_path: Path) -> None:
    answers = tmp_path / "mine.yaml"
    answers.write_text("loss: &l [*l]\n")
    code, _, err = invoke("check", "reference-2-3-1", "--answers", str(answers))
    assert (
        code == 2
        and err == f"{answers}:1:7: loss[1]: a YAML alias refers to the list or mapping it is in\n"
    )


def test_numbers_beyond_float64s_digits_are_shown_in_scientific_notation() -> None:
    from backcalc.render.numbers import NumberFormat

    assert NumberFormat(4).fixed(1e70) == "1.0000e+70"
    assert NumberFormat(2, comma=True).fixed(-2.5e20) == "-2,50e+20"
    assert NumberFormat(4, math=True).fixed(1e70) == "1.0000 \\cdot 10^{70}"
    assert NumberFormat(4).fixed(123456789012345.67) == "123456789012345.6700"  # below 1e15
    code, out, _ = invoke("run", str(CASES / "07-big-number-rounding-invalidoperation.yaml"))
    assert code == 0 and "1.0000e+70" in out and "0" * 30 not in out


def test_an_update_step_that_overflows_is_reported(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(
        "input: [[1, 2], [3, 4]]\ntarget: [1, 2]\nlayers: [{weights: [[1, 2]]}]\n"
        "loss: half_squared_error\nlearning_rate: 1.0e+308\n"
    )
    for args in (["run"], ["run", "-f", "json"], ["check"]):
        code, out, err = invoke(args[0], str(spec), *args[1:])
        assert (code, out) == (2, "")
        assert err == (
            f"{spec}: layer 1: the update W − η·∂J/∂W left float64's range (η = 1e+308); "
            "lower the learning rate\n"
        )

"""Every mistake a user can make in a spec: one message naming file, line, column and key, exit
code 2, nothing on stdout, no traceback. The messages are pinned exactly: they are the interface."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backcalc.core.activations import ACTIVATIONS, ALIASES
from backcalc.core.losses import LOSSES
from backcalc.io.spec import parse
from tests.helpers import invoke

GOOD_LAYERS = """layers:
  - weights: [[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]]
    bias: [0.1, 0.5, 0.8]
    activation: sigmoid
  - weights: [[-0.4, 0.2, -0.5]]
    bias: [0.7]
    activation: sigmoid
"""

CASES = {
    "chain": (
        "input: [1.8, -3.4]\ntarget: 5\nlayers:\n"
        "  - weights: [[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]]\n"
        "  - weights: [[-0.4, 0.2]]\nloss: half_squared_error\n",
        "net.yaml:5:5: layers[2].weights: 2 columns, but layer 1 outputs 3 values "
        "(column convention: W is (out, in))",
    ),
    "chain_row": (
        "convention: row\ninput: [1, 2]\ntarget: 1\nlayers:\n  - weights: [[1], [2], [3]]\n"
        "loss: squared_error\n",
        "net.yaml:5:5: layers[1].weights: 3 rows, but the input has 2 values "
        "(row convention: W is (in, out))",
    ),
    "invalid_yaml": (
        "input: [1, 2\ntarget: 1\n",
        "net.yaml:2:7: invalid YAML: did not find expected ',' or ']'",
    ),
    "tab_indent": (
        "input: [1, 2]\n\ttarget: 1\n",
        "net.yaml:2:1: invalid YAML: found character that cannot start any token",
    ),
    "unknown_key": (
        "input: [1, 2]\ntarget: 1\nlayers:\n  - weights: [[1, 2]]\n    activaton: relu\n"
        "loss: squared_error\n",
        "net.yaml:5:5: layers[1].activaton: unknown key 'activaton'; did you mean 'activation'? "
        "(expected: units, weights, bias, activation, freeze)",
    ),
    "unknown_top_key": (
        "inputs: [1, 2]\n",
        "net.yaml:1:1: inputs: unknown key 'inputs'; did you mean 'input'? (expected: title, "
        "description, task, course, author, date, student, convention, input, target, layers, loss, learning_rate, l2, validation, "
        "answer_decimals, notation, vary)",
    ),
    "missing_key": (
        "input: [1, 2]\nlayers:\n  - weights: [[1, 2]]\nloss: squared_error\n",
        "net.yaml:1:1: missing key 'target': the expected output (a number, a vector or a class "
        "index)",
    ),
    "missing_weights": (
        "input: [1, 2]\ntarget: 1\nlayers:\n  - bias: 1\nloss: squared_error\n",
        "net.yaml:4:5: layers[1]: layer 1 has no 'weights'",
    ),
    "unknown_activation": (
        "input: [1, 2]\ntarget: 1\nlayers:\n  - weights: [[1, 2]]\n    activation: sigmoidd\n"
        "loss: squared_error\n",
        "net.yaml:5:5: layers[1].activation: unknown activation 'sigmoidd'; did you mean "
        f"'sigmoid'? ({', '.join([*ACTIVATIONS, *ALIASES])})",
    ),
    "unknown_option": (
        "input: [1, 2]\ntarget: 1\nlayers:\n  - weights: [[1, 2]]\n"
        "    activation: {name: leaky_relu, slop: 2}\nloss: squared_error\n",
        "net.yaml:5:36: layers[1].activation.slop: unknown option 'slop' for leaky_relu; did you "
        "mean 'slope'? (options: slope)",
    ),
    "unknown_loss": (
        "input: [1, 2]\ntarget: 1\nlayers:\n  - weights: [[1, 2]]\nloss: squared_eror\n",
        "net.yaml:5:1: loss: unknown loss 'squared_eror'; did you mean 'squared_error'? "
        f"({', '.join(LOSSES)})",
    ),
    "unknown_reduction": (
        "input: [1, 2]\ntarget: 1\nlayers:\n  - weights: [[1, 2]]\n"
        "loss: {name: squared_error, reduction: average}\n",
        "net.yaml:5:29: loss.reduction: unknown reduction 'average' (mean, sum)",
    ),
    "boolean": (
        "input: [1, no]\ntarget: 1\nlayers:\n  - weights: [[1, 2]]\nloss: squared_error\n",
        "net.yaml:1:12: input[2]: expected a number, found false (YAML reads "
        "yes/no/on/off/true/false as booleans)",
    ),
    "string": (
        "input: [1, abc]\ntarget: 1\nlayers:\n  - weights: [[1, 2]]\nloss: squared_error\n",
        "net.yaml:1:12: input[2]: expected a number, found 'abc'",
    ),
    "null": (
        "input: [1, 2]\ntarget:\nlayers:\n  - weights: [[1, 2]]\nloss: squared_error\n",
        "net.yaml:2:1: target: expected a number, found nothing (null)",
    ),
    "ragged": (
        "input: [1, 2]\ntarget: 1\nlayers:\n  - weights: [[1, 2], [1]]\nloss: squared_error\n",
        "net.yaml:4:23: layers[1].weights[2]: row 2 has 1 number, but row 1 has 2: a matrix "
        "needs rows of equal length",
    ),
    "decimal_comma": (
        "input: [1, 2]\ntarget: 1\nlayers:\n  - weights: [[0,5, 2]]\nloss: squared_error\n",
        "net.yaml:4:5: layers[1].weights: 3 columns, but the input has 2 values (column "
        "convention: W is (out, in)); a decimal comma is the likely cause: YAML reads [0,5, 1] as "
        'three numbers (write 0.5, or quote it: "0,5")',
    ),
    "duplicate_key": (
        "input: [1, 2]\ntarget: 1\nlayers:\n  - weights: [[1, 2]]\nloss: squared_error\ninput: 3\n",
        "net.yaml:6:1: input: duplicate key 'input' (first given on line 1)",
    ),
    "target_length": (
        "input: [1, 2]\ntarget: [1, 2]\nlayers:\n  - weights: [[1, 2]]\nloss: squared_error\n",
        "net.yaml:2:1: target: 2 values, but the network outputs 1 value",
    ),
    "class_index": (
        "input: [1, 2]\ntarget: 5\nlayers:\n  - weights: [[1, 2], [3, 4]]\n"
        "loss: softmax_cross_entropy\n",
        "net.yaml:2:1: target: a class index must be a whole number from 0 to 1, found 5",
    ),
    "batch_targets": (
        "input: [[1, 2], [3, 4]]\ntarget: [1, 2, 3]\nlayers:\n  - weights: [[1, 2]]\n"
        "loss: squared_error\n",
        "net.yaml:2:1: target: expected one target per observation (2), found 3",
    ),
    "binary_range": (
        "input: [1, 2]\ntarget: 2\nlayers:\n  - weights: [[1, 2]]\n    activation: sigmoid\n"
        "loss: binary_cross_entropy\n",
        "net.yaml:2:1: target: binary_cross_entropy needs targets between 0 and 1",
    ),
    "hinge_one_hot": (
        "input: [1, 2]\ntarget: [0.5, 0.5]\nlayers:\n  - weights: [[1, 2], [3, 4]]\n"
        "loss: multiclass_hinge\n",
        "net.yaml:2:1: target: multiclass_hinge needs a class index or a one-hot vector",
    ),
    "bias_length": (
        "input: [1, 2]\ntarget: 1\nlayers:\n  - weights: [[1, 2]]\n    bias: [1, 2]\n"
        "loss: squared_error\n",
        "net.yaml:5:5: layers[1].bias: 2 values, but the layer has 1 unit (or give one number "
        "for a single shared bias)",
    ),
    "batch_of_columns": (
        "input: [[1.8], [-3.4]]\ntarget: [5, 5]\n" + GOOD_LAYERS + "loss: half_squared_error\n",
        "net.yaml:4:5: layers[1].weights: 2 columns, but the input has 1 value (column "
        "convention: W is (out, in)) (a list of lists is a batch, one observation per inner list)",
    ),
    "empty_layers": (
        "input: [1, 2]\ntarget: 1\nlayers: []\nloss: squared_error\n",
        "net.yaml:3:1: layers: expected a list of layers, found an empty list",
    ),
    "not_a_mapping": (
        "- 1\n- 2\n",
        "net.yaml:1:1: expected a spec (a mapping of keys), found a list",
    ),
    "empty_file": ("", "net.yaml: the file is empty: expected a mapping with `layers`"),
    "negative_l2": (
        "input: [1, 2]\ntarget: 1\nl2: -1\nlayers:\n  - weights: [[1, 2]]\nloss: squared_error\n",
        "net.yaml:3:1: l2: expected λ ≥ 0, found -1",
    ),
    "convention": (
        "convention: columns\ninput: [1, 2]\ntarget: 1\nlayers:\n  - weights: [[1, 2]]\n"
        "loss: squared_error\n",
        "net.yaml:1:1: convention: unknown convention 'columns'; did you mean 'column'? "
        "(column, row)",
    ),
    "not_finite": (
        "input: [1, .nan]\ntarget: 1\nlayers:\n  - weights: [[1, 2]]\nloss: squared_error\n",
        "net.yaml:1:12: input[2]: expected a finite number, found nan",
    ),
    "batch_of_scalars": (
        "input: [1, 2, 3]\ntarget: 1\nlayers: [{weights: 2}]\nloss: squared_error\n",
        "net.yaml:3:11: layers[1].weights: one weight (one input), but the input has 3 values "
        "(a batch of one-value observations is written [[1], [2], ...])",
    ),
    "deep_list": (
        "input: [[[1, 2]]]\ntarget: 1\nlayers:\n  - weights: [[1, 2]]\nloss: squared_error\n",
        "net.yaml:1:9: input[1]: expected one observation (a list of numbers) or a batch: a list "
        "nested deeper than a matrix",
    ),
}


# indices count from 1 in every key path, as the layers do: the second row of a batch's targets
CASES["target_row"] = (
    "input: [[1, 2], [3, 4]]\ntarget: [[1], [2, 3]]\nlayers:\n  - weights: [[1, 2]]\n"
    "loss: half_squared_error\n",
    "net.yaml:2:15: target[2]: 2 values, but the network outputs 1 value",
)
CASES["entry"] = (
    "input: [1, 2]\ntarget: 1\nlayers:\n  - weights: [[1, x]]\nloss: half_squared_error\n",
    "net.yaml:4:19: layers[1].weights[1][2]: expected a number, found 'x'",
)


@pytest.mark.parametrize("case", list(CASES))
def test_bad_spec_gives_one_clear_line(case: str, tmp_path: Path) -> None:
    text, expected = CASES[case]
    spec = tmp_path / "net.yaml"
    spec.write_text(text, encoding="utf-8")
    code, out, err = invoke("run", str(spec))
    assert (code, out) == (2, "")
    assert err == f"{tmp_path}/{expected}\n"


def test_missing_file(tmp_path: Path) -> None:
    code, _, err = invoke("run", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert err == (
        f"{tmp_path}/nope.yaml: no such file, and no example of that name "
        "(`backcalc examples` lists them)\n"
    )


def test_directory(tmp_path: Path) -> None:
    code, _, err = invoke("run", str(tmp_path))
    assert code == 2
    assert err == f"{tmp_path}: not a file (a directory?)\n"


def test_not_utf8(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_bytes(b"\xff\xfe\x00")
    code, _, err = invoke("run", str(spec))
    assert code == 2
    assert err == f"{spec}: not UTF-8 text\n"


def test_yaml_11_traps_are_read_as_numbers() -> None:
    """`1e-3` is a string to PyYAML (YAML 1.1 floats need a dot); a quoted decimal comma is a
    Spanish decimal. Both are accepted as the numbers they mean."""
    exercise = parse(
        "input: [1e-3, '0,5']\ntarget: 1\nlearning_rate: 1e-2\nl2: 2E-1\n"
        "layers:\n  - weights: [[1, 2]]\nloss: squared_error\n"
    )
    np.testing.assert_array_equal(exercise.x, [[0.001, 0.5]])
    assert exercise.learning_rate == 0.01
    assert exercise.network.l2 == 0.2


def test_an_answers_entry_is_named_counting_from_1(tmp_path: Path) -> None:
    answers = tmp_path / "mine.yaml"
    answers.write_text("layers:\n  2:\n    dJ_dW: [[0.1, 0.2, nope]]\n")
    code, out, err = invoke("check", "reference-2-3-1", "--answers", str(answers))
    assert (code, out) == (2, "")
    assert err == f"{answers}:3:24: layers.2.dJ_dW[1][3]: expected a number, found 'nope'\n"

"""The input side of grading (issue 12, §1 and §4): the decimals each answer was written with,
`answer_decimals` in a spec, `student:` and `variant:` in an answers file, and answers from a
NumPy `.npz` file. The reference exercise's values are computed here with numpy, independently
of the engine (course note 004: z⁽¹⁾ = (1,98; 3,02; 2,172), J = 10,02)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from backcalc.core.grading import Claim
from backcalc.core.graph import Graph
from backcalc.core.network import Exercise, Trace
from backcalc.core.quantities import quantity
from backcalc.io import answers, examples, spec
from tests.helpers import invoke

REFERENCE = """\
title: reference
convention: column
input: [1.8, -3.4]
target: 5
layers:
  - weights: [[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]]
    bias: [0.1, 0.5, 0.8]
    activation: sigmoid
  - weights: [[-0.4, 0.2, -0.5]]
    bias: [0.7]
    activation: sigmoid
loss: half_squared_error
learning_rate: 0.5
"""


def reference_by_hand() -> dict[str, Any]:
    """Every quantity of REFERENCE, by numpy written out here (column convention)."""
    x = np.array([1.8, -3.4])
    w1 = np.array([[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]])
    b1 = np.array([0.1, 0.5, 0.8])
    w2 = np.array([[-0.4, 0.2, -0.5]])
    b2 = np.array([0.7])
    z1 = w1 @ x + b1
    a1 = 1 / (1 + np.exp(-z1))
    z2 = w2 @ a1 + b2
    a2 = 1 / (1 + np.exp(-z2))
    loss = 0.5 * float(np.sum((a2 - 5.0) ** 2))
    delta2 = (a2 - 5.0) * a2 * (1 - a2)
    g_prime1 = a1 * (1 - a1)
    delta1 = (w2.T @ delta2) * g_prime1
    dw1 = np.outer(delta1, x)
    return {
        "z1": z1,
        "z2": z2,
        "prediction": a2,
        "loss": loss,
        "g_prime1": g_prime1,
        "delta1": delta1,
        "delta2": delta2,
        "dJ_dW1": dw1,
        "dJ_dW2": np.outer(delta2, a1),
        "dJ_db2": delta2,
        "dJ_dx": w1.T @ delta1,
        "weights_updated1": w1 - 0.5 * dw1,
    }


@pytest.fixture
def reference(tmp_path: Path) -> tuple[Path, Trace]:
    path = tmp_path / "net.yaml"
    path.write_text(REFERENCE, encoding="utf-8")
    exercise = spec.read(path)
    assert isinstance(exercise, Exercise)
    return path, exercise.run()


def by_key(claims: tuple[Claim, ...]) -> dict[tuple[str, int | None], Claim]:
    return {(claim.name, claim.layer): claim for claim in claims}


# -- §1: the decimals a number was written with -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("2", 0),
        ("-12", 0),
        ("0", 0),
        ("1e-3", 3),
        ("2.5e-1", 2),
        ("1.50e2", 0),  # 150: no decimals
        ("1E+2", 0),
        ("0.045", 3),
        ("0,5", 1),
        ("-1,062", 3),
        ("0.60", 2),  # trailing zeros are written decimals
        ("0x1F", 0),  # YAML 1.1's hexadecimal whole number
    ],
)
def test_a_number_written_as_text_has_its_written_decimals(text: str, places: int) -> None:
    assert answers.decimals(text) == places


def test_only_a_number_not_written_as_text_has_no_decimals() -> None:
    assert answers.decimals(None) == -1


def test_a_whole_number_in_an_answers_file_has_zero_decimals(reference: tuple[Path, Trace]) -> None:
    _, trace = reference
    text = 'layers:\n  1:\n    z: [2, "3,0", 2.172]\n    dJ_dW: [[0, 1e-3], [1, 2], [1.50e2, -12]]\nloss: 10\n'
    claims = by_key(answers.parse(text, trace))
    assert claims["z", 1].decimals.tolist() == [0, 1, 3]
    assert claims["dJ_dW", 1].decimals.tolist() == [[0, 3], [0, 0], [0, 0]]
    assert claims["loss", None].decimals.tolist() == 0
    assert claims["z", 1].decimals.dtype == np.int64


def test_python_and_numpy_numbers_have_no_written_decimals(reference: tuple[Path, Trace]) -> None:
    _, trace = reference
    data = {"layers": {1: {"z": np.array([2.0, 3.0, 2.172]), "a": [1, 0.5, "0,898"]}}, "loss": 10}
    claims = by_key(answers.from_data(data, trace))
    assert claims["z", 1].decimals.tolist() == [-1, -1, -1]
    # text given from Python was written: "0,898" has three decimals
    assert claims["a", 1].decimals.tolist() == [-1, -1, 3]
    assert claims["loss", None].decimals.tolist() == -1


def test_an_entry_not_claimed_has_no_decimals(reference: tuple[Path, Trace]) -> None:
    _, trace = reference
    claims = by_key(answers.parse("layers: {1: {z: [2, null, ~]}}", trace))
    assert claims["z", 1].decimals.tolist() == [0, -1, -1]


# -- §1: answer_decimals in a spec ----------------------------------------------------------------

GRAPH = "title: circuit\nsteps:\n  - q = x + y\n  - f = q * z\nvalues: {x: -2, y: 5, z: -4}\n"


def test_answer_decimals_is_read_from_a_network_spec_and_a_graph_spec() -> None:
    exercise = spec.parse(REFERENCE + "answer_decimals: 3\n")
    assert isinstance(exercise, Exercise) and exercise.answer_decimals == 3
    unset = spec.parse(REFERENCE)
    assert isinstance(unset, Exercise) and unset.answer_decimals is None
    graph = spec.parse(GRAPH + "answer_decimals: 0\n")
    assert isinstance(graph, Graph) and graph.answer_decimals == 0
    unset_graph = spec.parse(GRAPH)
    assert isinstance(unset_graph, Graph) and unset_graph.answer_decimals is None


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("2.5", "2.5"),
        ("16", "16"),
        ("-1", "-1"),
        ("true", "true (YAML reads yes/no/on/off/true/false as booleans)"),
        ("abc", "'abc'"),
        ("[3]", "a list"),
        ("", "nothing (null)"),
    ],
)
@pytest.mark.parametrize("kind", ["network", "graph"])
def test_a_wrong_answer_decimals_is_a_located_error(
    tmp_path: Path, value: str, found: str, kind: str
) -> None:
    path = tmp_path / "net.yaml"
    body = REFERENCE if kind == "network" else GRAPH
    path.write_text(body.replace("title:", f"answer_decimals: {value}\ntitle:", 1), "utf-8")
    code, out, err = invoke("run", str(path))
    assert (code, out) == (2, "")
    assert err == (
        f"{path}:1:1: answer_decimals: expected a whole number from 0 to 15, found {found}\n"
    )


def test_answer_decimals_error_in_spanish(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(REFERENCE + "answer_decimals: 2.5\n", encoding="utf-8")
    code, _, err = invoke("run", str(path), "--lang", "es")
    assert code == 2
    assert err == (
        f"{path}:14:1: answer_decimals: se esperaba un número entero de 0 a 15; se encontró 2.5\n"
    )


def test_train_writes_answer_decimals_back(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(REFERENCE + "answer_decimals: 4\n", encoding="utf-8")
    target = tmp_path / "trained.yaml"
    code, _, err = invoke("train", str(path), "--steps", "1", "-o", str(target))
    assert (code, err) == (0, "")
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["answer_decimals"] == 4
    trained = spec.read(target)
    assert isinstance(trained, Exercise) and trained.answer_decimals == 4
    path.write_text(REFERENCE, encoding="utf-8")  # not set: not written
    code, _, _ = invoke("train", str(path), "--steps", "1", "-o", str(target), "--force")
    assert code == 0 and "answer_decimals" not in yaml.safe_load(target.read_text("utf-8"))


# -- §4: student and variant ------------------------------------------------------------------


def test_student_and_variant_are_kept_and_not_claims(reference: tuple[Path, Trace]) -> None:
    _, trace = reference
    plain = "layers: {1: {z: [1.98, 3.02, 2.172]}}\n"
    labelled = "student: Ana Pérez\nvariant: 07\n" + plain  # 07 as written, not octal 7
    read = answers.parse_answers(labelled, trace)
    assert isinstance(read, answers.Answers)
    assert (read.student, read.variant) == ("Ana Pérez", "07")
    alone = answers.parse_answers(plain, trace)
    assert (alone.student, alone.variant) == (None, None)
    claims = answers.parse(labelled, trace)  # the old API: the claims alone, as a tuple
    assert isinstance(claims, tuple) and [(c.name, c.layer) for c in claims] == [("z", 1)]
    np.testing.assert_array_equal(claims[0].values, alone.claims[0].values)
    number = answers.parse_answers("variant: 2.50\n" + plain, trace)
    assert number.variant == "2.50"


def test_read_answers_reads_a_file(reference: tuple[Path, Trace], tmp_path: Path) -> None:
    _, trace = reference
    path = tmp_path / "mine.yaml"
    path.write_text("student: 12345\nloss: 10.02\n", encoding="utf-8")
    read = answers.read_answers(path, trace)
    assert read.student == "12345" and read.variant is None
    assert [(c.name, c.layer) for c in read.claims] == [("loss", None)]
    assert answers.read(path, trace) == read.claims


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("student: [Ana]", "a list"),
        ("student: {name: Ana}", "a mapping"),
        ("variant: true", "true (YAML reads yes/no/on/off/true/false as booleans)"),
        ("variant:", "nothing (null)"),
    ],
)
def test_a_wrong_student_or_variant_is_a_located_error(
    tmp_path: Path, line: str, found: str
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(f"loss: 10.02\n{line}\n", encoding="utf-8")
    code, out, err = invoke("check", "reference-2-3-1", "--answers", str(path))
    key = line.split(":")[0]
    assert (code, out) == (2, "")
    assert err == f"{path}:2:1: {key}: expected a name or a number, found {found}\n"


def test_the_shipped_hand_solution_still_reads() -> None:
    """The claims of the shipped example, with the decimals as the notes print them."""
    path = examples.find_answers("reference-2-3-1-hand")
    assert path is not None
    exercise = spec.read(examples.resolve("reference-2-3-1")[0])
    assert isinstance(exercise, Exercise)
    claims = by_key(answers.read(path, exercise.run()))
    assert claims["delta", 1].decimals.tolist() == [2, 2, 2]  # "0,21", "0,14", "0,20"
    assert claims["z", 1].decimals.tolist() == [2, 2, 3]  # "1,98", "3,02", "2,172"


# -- §4: answers from a .npz file ---------------------------------------------------------------


def test_npz_answers_read_back_in_the_trace_shapes(
    reference: tuple[Path, Trace], tmp_path: Path
) -> None:
    _, trace = reference
    mine = reference_by_hand()
    z1 = mine["z1"].copy()
    z1[1] = np.nan  # not claimed
    path = tmp_path / "grads.npz"
    np.savez(
        path,
        z1=z1,
        z2=mine["z2"],
        prediction=mine["prediction"],
        loss=mine["loss"],
        g_prime1=mine["g_prime1"],
        delta1=mine["delta1"],
        delta2=mine["delta2"],
        dJ_dW1=mine["dJ_dW1"].astype(np.float32),  # float32 work, as a NumPy network's
        dJ_dW2=mine["dJ_dW2"],
        dJ_db2=mine["dJ_db2"].reshape(1, 1),
        dJ_dx=mine["dJ_dx"].reshape(2, 1),  # a column for a vector is fine
        weights_updated1=mine["weights_updated1"],
    )
    claims = by_key(answers.read(path, trace, "grads.npz"))
    assert len(claims) == 12
    names = {"z1": ("z", 1), "z2": ("z", 2), "g_prime1": ("g_prime", 1), "delta1": ("delta", 1)}
    names |= {"delta2": ("delta", 2), "dJ_dW1": ("dJ_dW", 1), "dJ_dW2": ("dJ_dW", 2)}
    names |= {"dJ_db2": ("dJ_db", 2), "weights_updated1": ("weights_updated", 1)}
    names |= {"prediction": ("prediction", None), "loss": ("loss", None)}
    names |= {"dJ_dx": ("dJ_dx", None)}
    for key, (name, layer) in names.items():
        claim = claims[name, layer]
        expected = np.asarray(mine[key])
        engine = quantity(trace, name, layer)
        assert engine is not None and claim.values.shape == engine.shape, key
        assert claim.decimals.shape == claim.values.shape
        assert np.all(claim.decimals == -1), key
        rtol = 1e-6 if key == "dJ_dW1" else 1e-12
        if key == "z1":
            assert np.isnan(claim.values[1]) and claim.written[1] == ""
            np.testing.assert_allclose(claim.values[[0, 2]], [1.98, 2.172], rtol=1e-12)
        else:
            np.testing.assert_allclose(claim.values.reshape(-1), expected.reshape(-1), rtol=rtol)
    assert claims["dJ_dW", 1].values.shape == (3, 2)
    assert claims["dJ_dx", None].values.shape == (2,)
    assert abs(float(claims["loss", None].values) - 10.02366) < 1e-5  # the notes' J = 10,02
    assert claims["delta", 2].written == (repr(float(mine["delta2"][0])),)


def test_npz_answers_go_through_check(reference: tuple[Path, Trace], tmp_path: Path) -> None:
    net, _ = reference
    path = tmp_path / "grads.npz"
    mine = reference_by_hand()
    np.savez(path, dJ_dW1=mine["dJ_dW1"], loss=mine["loss"])
    code, _, err = invoke("check", str(net), "--answers", str(path), "-f", "json")
    assert code in (0, 1) and err == ""


def npz(tmp_path: Path, **arrays: Any) -> Path:
    path = tmp_path / "grads.npz"
    np.savez(path, **arrays)
    return path


def check_error(path: Path, *options: str, spec_file: str = "reference-2-3-1") -> str:
    code, out, err = invoke("check", spec_file, "--answers", str(path), *options)
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1, err
    return err.removesuffix("\n")


def test_npz_key_of_a_layer_the_network_lacks(tmp_path: Path) -> None:
    path = npz(tmp_path, dJ_dW7=np.ones((1, 3)))
    assert check_error(path) == f"{path}: dJ_dW7: the network has 2 layers"
    spanish = check_error(path, "--lang", "es")
    assert spanish == f"{path}: dJ_dW7: la red tiene 2 capas"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("dJdW1", "unknown quantity; expected names such as dJ_dW1, delta2, loss"),
        ("student", "expected a name or a number, as np.savez(..., student='s001')"),
        ("loss1", "unknown quantity; expected names such as dJ_dW1, delta2, loss"),
        ("delta", "expected the layer's number after the name, counted from 1: delta1"),
        ("delta0", "layers are counted from 1, without leading zeros: delta1"),
        ("delta01", "layers are counted from 1, without leading zeros: delta1"),
        ("weights_updated1", "the spec has no learning_rate, so there is no update step"),
        ("probabilities", "only a classification loss gives class probabilities"),
    ],
)
def test_npz_key_that_names_no_quantity(tmp_path: Path, key: str, message: str) -> None:
    path = npz(tmp_path, **{key: np.ones(3)})
    assert check_error(path) == f"{path}: {key}: {message}"


def test_npz_wrong_shape_reads_as_in_yaml(tmp_path: Path) -> None:
    wrong = np.ones((2, 4))  # dJ_dW1 is 3×2
    path = npz(tmp_path, dJ_dW1=wrong)
    yaml_file = tmp_path / "mine.yaml"
    yaml_file.write_text(f"layers: {{1: {{dJ_dW: {wrong.tolist()}}}}}\n", encoding="utf-8")
    in_yaml = check_error(yaml_file).split(": ", 2)[2]
    assert in_yaml.startswith("2×4, but the network's is 3×2")
    assert check_error(path) == f"{path}: dJ_dW1: {in_yaml}"
    path = npz(tmp_path, z1=np.ones(4))
    assert check_error(path) == f"{path}: z1: 4 values, but the network's is 3 values"


def test_a_transposed_gradient_is_graded_and_named_in_yaml_and_npz(tmp_path: Path) -> None:
    """∂J/∂W⁽¹⁾ (3×2) written 2×3 is not refused: every entry is wrong, named
    transposed_gradient (issue 12, §3), from a YAML file and from an .npz file alike."""
    import backcalc

    exact = np.asarray(backcalc.run("reference-2-3-1").quantity("dJ_dW", 1))
    written = [[f"{v:.4f}" for v in row] for row in exact.T]
    yaml_file = tmp_path / "mine.yaml"
    yaml_file.write_text(f"layers: {{1: {{dJ_dW: {written}}}}}\n", encoding="utf-8")
    for source in (yaml_file, npz(tmp_path, dJ_dW1=exact.T.copy())):
        doc = backcalc.check("reference-2-3-1", answers=source).to_dict()
        assert doc["passed"] is False and len(doc["entries"]) == 6
        for entry in doc["entries"]:
            assert entry["status"] == "wrong"
            assert entry["diagnosis"]["code"] == "transposed_gradient"
            i, j = entry["index"]
            assert entry["claimed"] == pytest.approx(exact[i, j], abs=6e-5)


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.array([1, "x", None], dtype=object), "expected numbers, found object"),
        (np.array([True, False, True]), "expected numbers, found bool"),
        (np.array([1 + 2j, 1, 1]), "expected numbers, found complex128"),
        (np.array([1.0, np.inf, 1.0]), "holds infinite values"),
        (
            np.full(3, np.nan),
            "every entry is NaN: claim at least one, or leave the array out",
        ),
    ],
)
def test_npz_array_that_holds_no_claim(tmp_path: Path, array: Any, message: str) -> None:
    path = npz(tmp_path, z1=array)
    assert check_error(path) == f"{path}: z1: {message}"


def test_npz_that_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / "grads.npz"
    path.write_text("layers: {1: {z: 1}}\n", encoding="utf-8")  # YAML, misnamed
    assert check_error(path) == f"{path}: not a valid .npz file (numpy.savez writes one)"
    path.write_bytes(b"")
    assert check_error(path) == f"{path}: not a valid .npz file (numpy.savez writes one)"
    np.savez(path, loss=10.0)
    path.write_bytes(path.read_bytes()[:40])  # cut short
    assert check_error(path) == f"{path}: not a valid .npz file (numpy.savez writes one)"
    with path.open("wb") as stream:
        np.save(stream, np.ones(3))  # one .npy array, under a .npz name
    assert check_error(path) == (
        f"{path}: a .npy array, not a .npz file: save the arrays by name, "
        "np.savez('grads.npz', dJ_dW1=dW1)"
    )
    np.savez(path)
    assert check_error(path) == (
        f"{path}: no arrays: save them by name, np.savez('grads.npz', dJ_dW1=dW1)"
    )
    assert check_error(tmp_path / "none.npz") == f"{tmp_path / 'none.npz'}: no such file"


def test_npz_arrays_count_against_the_element_limit(tmp_path: Path) -> None:
    path = npz(tmp_path, dJ_dx=np.ones(2), dJ_dW1=np.ones((3, 2)))
    code, _, err = invoke("check", "reference-2-3-1", "--answers", str(path), "-f", "json")
    assert code in (0, 1) and err == ""  # 8 numbers, under the default limit
    message = check_error(path, "--max-elements", "7")
    assert message.startswith(f"{path}: dJ_dW1: dJ_dW1 declares 6 numbers (shape 3×2); with ")
    assert message.endswith("more than the limit of 7 (--max-elements raises it)")

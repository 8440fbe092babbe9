"""What `backcalc train` shows: a regular selection of loss rows, a chart labelled with the true
extremes (and on a log scale), losses too small for the decimals in scientific notation, a
progress bar only on a terminal, validation data checked against numpy written here, and
non-finite settings refused."""

from __future__ import annotations

import json
import math
import re
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from backcalc.core.exercise import ExerciseKind
from backcalc.core.network import Exercise
from backcalc.io.spec import read
from backcalc.render.numbers import NumberFormat
from backcalc.render.terminal.chart import loss_chart
from backcalc.render.terminal.train import SHOWN, compact, selection
from tests.helpers import invoke

ROW = re.compile(r"^\s*(\d+)\s+\S+(\s+0[.,]5)?\s*$", flags=re.M)


def shown_rows(out: str) -> list[int]:
    return [int(m.group(1)) for m in ROW.finditer(out.split("\n\n")[1])]


# -- the table's rows ------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 20, 21, 22, 31, 38, 101, 201, 10_001, 12_346])
def test_selection_is_regular_with_the_first_and_the_last(count: int) -> None:
    rows, k = selection(count)
    assert rows[0] == 0 and rows[-1] == count - 1 and len(rows) <= SHOWN
    assert rows[:-1] == list(range(0, count - 1, k))[: len(rows) - 1]
    assert all(b - a == k for a, b in pairwise(rows[:-1]))
    assert rows[-1] - rows[-2] <= k if len(rows) > 1 else True
    steps = [b * 10**e for e in range(6) for b in (1, 2, 5)]
    assert k in steps
    if k > 1:  # the step before k would give too many rows
        smaller = steps[steps.index(k) - 1]
        too_many = len(set(range(0, count, smaller)) | {count - 1})
        assert too_many > SHOWN


def test_twenty_epochs_show_every_row() -> None:
    code, out, _ = invoke("train", "mazur-shared-bias", "--steps", "20", columns=80)
    assert code == 0
    assert shown_rows(out) == list(range(21)) and "left out" not in out


@pytest.mark.parametrize(
    ("lang", "steps", "note"),
    [
        ("en", "30", "15 of 31 rows left out (one every 2 steps; all in -f json)"),
        ("es", "30", "se omiten 15 de 31 filas (una cada 2 pasos; todas en -f json)"),
        ("en", "37", "18 of 38 rows left out (one every 2 steps and the last; all in -f json)"),
    ],
)
def test_a_long_run_says_rows_were_left_out(lang: str, steps: str, note: str) -> None:
    code, out, _ = invoke("train", "mazur-shared-bias", "--steps", steps, "--lang", lang)
    assert code == 0
    last = int(steps)
    assert shown_rows(out) == sorted(set(range(0, last + 1, 2)) | {last})
    assert note in out.splitlines()


# -- the chart -----------------------------------------------------------------------------------


def chart_grid(text: str) -> tuple[list[str], list[str]]:
    """The labels and the plotted rows (top first) of a chart."""
    rows = [line for line in text.splitlines() if "┤" in line]
    return [r.split("┤")[0].strip() for r in rows], [r.split("┤")[1] for r in rows]


def expected_cell(value: float, low: float, high: float, height: int = 8) -> int:
    """The row (0 at the top) where `value` falls on a linear scale from low to high."""
    return height - 1 - round((value - low) / (high - low) * (height - 1))


def test_chart_labels_the_true_extremes_and_draws_every_loss() -> None:
    rng = np.random.default_rng(4)
    values = list(0.3 * np.exp(-np.arange(200) / 30) + 0.01 * rng.random(200))
    text = loss_chart([values], lambda v: f"{v:.6f}", "steps", width=40)
    labels, grid = chart_grid(text)
    assert labels[0] == f"{max(values):.6f}" and labels[-1] == f"{min(values):.6f}"
    assert set(labels[1:-1]) == {""}
    edges = [round(i * 200 / 40) for i in range(41)]
    for index, value in enumerate(values):  # no loss lies off the curve
        column = next(c for c in range(40) if edges[c] <= index < edges[c + 1])
        assert grid[expected_cell(value, min(values), max(values))][column] == "●"
    axis = text.splitlines()[-1]
    assert axis.split() == ["0", "199", "steps"]
    assert axis.index("0") == text.splitlines()[-2].index("└") + 1  # under the first column
    assert axis.index("199") + 3 == text.splitlines()[-2].index("└") + 41  # ends under the last


def test_log_scale_spreads_decades() -> None:
    values = [10.0**-j for j in range(7)]  # 1 … 1e-6
    _, linear = chart_grid(loss_chart([values], str, "steps"))
    assert [row.count("●") for row in linear] == [1, 0, 0, 0, 0, 0, 1, 5]  # 0.1 is 0.7 of a row up
    labels, grid = chart_grid(loss_chart([values], str, "steps, log scale", log=True))
    assert labels[0] == "1.0" and labels[-1] == "1e-06"
    marked = [c for c in range(len(grid[0])) if any(row[c] != " " for row in grid)]
    assert len(marked) == len(values)  # 7 points spread over the width, one column each
    for j, column in enumerate(marked):  # log10 v from 0 to -6 over 7 rows
        assert grid[7 - round((6 - j) / 6 * 7)][column] == "●"


def test_log_flag_in_the_terminal_and_its_fallback(tmp_path: Path) -> None:
    code, out, _ = invoke("train", "mazur-shared-bias", "--steps", "10000", "--log", columns=80)
    assert code == 0
    assert re.search(r"^\s+0\s+10000 steps, log scale$", out, flags=re.M)
    assert all(len(line) <= 80 for line in out.splitlines())
    exact = tmp_path / "exact.yaml"  # J = 0 from the start: no log scale
    exact.write_text(
        "input: [1]\ntarget: [2]\nlayers: [{weights: [[2]]}]\nloss: squared_error\n"
        "learning_rate: 0.1\n"
    )
    code, out, _ = invoke("train", str(exact), "--steps", "3", "--log")
    assert code == 0 and "no log scale: a loss is 0 or negative (linear scale shown)" in out


# -- decimals and the scientific switch ----------------------------------------------------------


@pytest.mark.parametrize(
    ("decimals", "comma", "value", "text"),
    [
        (4, False, 4.3551e-6, "4.355e-06"),
        (4, True, 4.3551e-6, "4,355e-06"),
        (4, False, 0.0012, "0.0012"),
        (4, False, 0.00094, "9.400e-04"),  # one significant digit only as 0.0009
        (4, False, 0.0, "0.0000"),
        (4, False, 0.2984, "0.2984"),
        (2, False, 3.5e-5, "3.5e-05"),
        (0, False, 0.3, "3e-01"),  # 0 at no decimals
        (0, False, 2.6, "3"),
        (1, False, 0.06, "0.1"),
    ],
)
def test_compact(decimals: int, comma: bool, value: float, text: str) -> None:
    assert compact(NumberFormat(decimals, comma), value) == text


def test_tiny_losses_switch_to_scientific_notation() -> None:
    code, out, _ = invoke("train", "mazur-shared-bias", "--steps", "10000", "--decimals", "3")
    assert code == 0
    doc = json.loads(invoke("train", "mazur-shared-bias", "--steps", "10000", "-f", "json")[1])
    last = re.search(r"^10000\s+(\S+)\s+0\.5$", out, flags=re.M)
    assert last is not None and "e-06" in last.group(1)
    assert float(last.group(1)) == pytest.approx(doc["losses"][-1], rel=5e-3)  # 3 significant
    assert "0.000 " not in out and re.search(r"^\s+0\s+0\.298\s*$", out, flags=re.M)


# -- the progress bar ----------------------------------------------------------------------------


@pytest.fixture
def immediate_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules["backcalc.cli.train"], "PROGRESS_AFTER", 0.0)


TERMINAL = {"TTY_COMPATIBLE": "1"}  # Rich treats stderr as a terminal


def test_progress_bar_on_a_terminal_shows_the_loss(immediate_bar: None) -> None:
    code, out, err = invoke("train", "mazur-shared-bias", "--steps", "30", env=TERMINAL)
    assert code == 0
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", err)
    last = re.search(r"^\s*30\s+(\d\.\d{4})\s+0\.5", re.sub(r"\x1b\[[0-9;]*m", "", out), re.M)
    assert last is not None
    assert "training" in plain and "step" in plain and "30/30" in plain
    assert f"J = {last.group(1)}" in plain  # the loss the table ends with


@pytest.mark.parametrize(
    "how",
    [
        ["--quiet"],  # asked for silence
        ["-q"],
    ],
)
def test_no_progress_bar_when_quiet(immediate_bar: None, how: list[str]) -> None:
    code, _, err = invoke("train", "mazur-shared-bias", "--steps", "30", *how, env=TERMINAL)
    assert (code, err) == (0, "")


def test_no_progress_bar_when_piped(immediate_bar: None) -> None:
    code, _, err = invoke("train", "mazur-shared-bias", "--steps", "30")  # conftest: not a tty
    assert (code, err) == (0, "")


def test_no_progress_bar_for_a_short_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules["backcalc.cli.train"], "PROGRESS_AFTER", math.inf)
    code, _, err = invoke("train", "mazur-shared-bias", "--steps", "30", env=TERMINAL)
    assert (code, err) == (0, "")


# -- validation ----------------------------------------------------------------------------------

W1 = [[0.3, -0.2], [0.5, 0.4], [-0.6, 0.1]]
B1 = [0.0, 0.1, -0.1]
W2 = [[0.2, -0.5, 0.3], [-0.1, 0.4, 0.2]]
X = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.2, 0.1], [1.0, -0.5]]
Y = [1, 0, 1, 0, 1]
XV = [[0.9, 0.2], [-0.3, -0.6], [0.4, 1.1]]
YV = [0, 1, 1]


def spec_text(validation: str = "") -> str:
    return f"""
input: {X}
target: {Y}
layers:
  - {{weights: {W1}, bias: {B1}, activation: tanh}}
  - {{weights: {W2}, bias: 0.05}}
loss: softmax_cross_entropy
l2: 0.5
learning_rate: 0.3
{validation}"""


def numpy_loss_and_accuracy(layers: list[dict[str, object]], x: object, y: object) -> tuple:
    """Mean softmax cross-entropy (no L2) and accuracy of a tanh → softmax network, in numpy."""
    a = np.tanh(np.asarray(x) @ np.asarray(layers[0]["weights"]).T + layers[0]["bias"])
    z = a @ np.asarray(layers[1]["weights"]).T + layers[1]["bias"]
    log_p = z - z.max(axis=1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    labels = np.asarray(y)
    loss = -np.mean(log_p[np.arange(len(labels)), labels])
    return float(loss), float(np.mean(np.argmax(z, axis=1) == labels))


INITIAL = [{"weights": W1, "bias": B1}, {"weights": W2, "bias": 0.05}]


def train_json(spec: Path, *args: str) -> dict[str, object]:
    code, out, err = invoke("train", str(spec), *args, "-f", "json")
    assert code == 0, err
    result: dict[str, object] = json.loads(out)
    return result


@pytest.mark.parametrize("written", ["inline", "files"])
def test_validation_from_the_spec_matches_numpy(tmp_path: Path, written: str) -> None:
    if written == "inline":
        validation = f"validation: {{input: {XV}, target: {YV}}}"
    else:
        np.save(tmp_path / "xv.npy", np.array(XV))
        (tmp_path / "yv.csv").write_text("\n".join(map(str, YV)) + "\n")
        validation = "validation: {input: {file: xv.npy}, target: {file: yv.csv}}"
    spec = tmp_path / "net.yaml"
    spec.write_text(spec_text(validation))
    plain = tmp_path / "plain.yaml"
    plain.write_text(spec_text())
    args = ("--epochs", "3", "--batch-size", "2", "--seed", "3")
    doc = train_json(spec, *args)
    assert doc["losses"] == train_json(plain, *args)["losses"]  # never trained on
    assert doc["validation_size"] == 3 and doc["validation_split"] is None
    losses, accuracies = doc["validation_losses"], doc["validation_accuracies"]
    assert isinstance(losses, list) and isinstance(accuracies, list) and len(losses) == 4
    for epochs in range(4):  # the parameters after each epoch: the same seeded run, shorter
        layers = INITIAL if not epochs else train_json(plain, *args[:1], str(epochs), *args[2:])
        if epochs:
            layers = layers["layers"]  # type: ignore[index,assignment]
        loss, accuracy = numpy_loss_and_accuracy(layers, XV, YV)  # type: ignore[arg-type]
        assert losses[epochs] == pytest.approx(loss, rel=1e-12)
        assert accuracies[epochs] == pytest.approx(accuracy)
    assert doc["validation_accuracy"] == accuracies[-1]


def test_validation_split_holds_out_rows_reproducibly(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(spec_text())
    doc = train_json(spec, "--steps", "2", "--validation-split", "0.4", "--seed", "5")
    held = np.sort(np.random.default_rng(5).permutation(5)[:2])  # round(0.4·5) = 2 rows
    kept = [i for i in range(5) if i not in held]
    x, y = np.array(X), np.array(Y)
    loss, accuracy = numpy_loss_and_accuracy(INITIAL, x[held], y[held])
    assert doc["validation_losses"][0] == pytest.approx(loss, rel=1e-12)  # type: ignore[index]
    assert doc["validation_accuracies"][0] == pytest.approx(accuracy)  # type: ignore[index]
    assert doc["validation_size"] == 2 and doc["observations"] == 3
    train_loss, _ = numpy_loss_and_accuracy(INITIAL, x[kept], y[kept])
    l2 = 0.5 * sum(np.sum(np.square(layer["weights"])) for layer in INITIAL)
    assert doc["losses"][0] == pytest.approx(train_loss + l2, rel=1e-12)  # type: ignore[index]
    assert doc == train_json(spec, "--steps", "2", "--validation-split", "0.4", "--seed", "5")
    other = train_json(spec, "--steps", "2", "--validation-split", "0.4", "--seed", "6")
    assert other["validation_losses"] != doc["validation_losses"]
    trained = tmp_path / "trained.yaml"  # the trained spec keeps all the data it was given
    code, _, _ = invoke(
        "train", str(spec), "--steps", "2", "--validation-split", "0.4", "-o", str(trained)
    )
    again: ExerciseKind = read(trained)
    assert code == 0 and isinstance(again, Exercise) and again.x.shape == (5, 2)


def test_validation_in_the_terminal_at_80_columns(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(spec_text(f"validation: {{input: {XV}, target: {YV}}}"))
    for lang in ("en", "es"):
        code, out, _ = invoke("train", str(spec), "--steps", "40", "--lang", lang, columns=80)
        assert code == 0 and all(len(line) <= 80 for line in out.splitlines())
    code, out, _ = invoke("train", str(spec), "--steps", "3", columns=80)
    header = next(line for line in out.splitlines() if line.startswith("step"))
    assert header.split() == ["step", "J", "η", "val.", "loss", "val.", "accuracy"]
    assert "validation: the spec's 3 validation observations" in out
    assert "○ validation loss" in out
    assert re.search(r"^accuracy on the training data: .* before, .* after training$", out, re.M)
    assert re.search(r"^accuracy on the validation data: .* before, .* after training$", out, re.M)
    doc = json.loads(invoke("train", str(spec), "--steps", "3", "-f", "json")[1])
    last = next(line for line in out.splitlines() if line.startswith("   3"))
    assert last.split()[3] == f"{doc['validation_losses'][-1]:.4f}"


def test_json_without_validation_says_null() -> None:
    doc = json.loads(invoke("train", "mazur-shared-bias", "--steps", "2", "-f", "json")[1])
    assert doc["observations"] == 1
    keys = ("validation_split", "validation_size", "validation_losses", "validation_accuracies")
    assert [doc[k] for k in (*keys, "validation_accuracy")] == [None] * 5


VALIDATION_ERRORS = {
    "not a mapping": ("validation: [1, 2]", "9:1: validation: expected validation data"),
    "unknown key": (
        "validation: {input: [[1, 2]], targets: [0]}",
        "9:31: validation.targets: unknown key 'targets'",
    ),
    "no target": ("validation: {input: [[1, 2]]}", "9:1: validation: missing key 'target'"),
    "width": (
        "validation: {input: [[1, 2, 3]], target: [0]}",
        "9:14: validation.input: 3 values per observation, but the input has 2",
    ),
    "count": (
        "validation: {input: [[1, 2], [3, 4]], target: [0]}",
        "9:39: validation.target: expected one target per observation (2), found 1",
    ),
    "class": (
        "validation: {input: [[1, 2]], target: [7]}",
        "9:40: validation.target[1]: a class index must be a whole number from 0 to 1",
    ),
    "file": (
        "validation: {input: {file: nope.npy}, target: [0]}",
        "9:22: validation.input.file: nope.npy: no such file",
    ),
}


@pytest.mark.parametrize("case", list(VALIDATION_ERRORS))
def test_validation_errors_are_located(tmp_path: Path, case: str) -> None:
    written, expected = VALIDATION_ERRORS[case]
    spec = tmp_path / "net.yaml"
    spec.write_text(spec_text(written).lstrip("\n"))
    code, out, err = invoke("train", str(spec), "--steps", "1")
    assert (code, out) == (2, "")
    assert err.startswith(f"{spec}:{expected}") and err.count("\n") == 1


def test_validation_split_errors(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(spec_text(f"validation: {{input: {XV}, target: {YV}}}"))
    code, _, err = invoke("train", str(spec), "--steps", "1", "--validation-split", "0.2")
    assert code == 2 and "--validation-split: the spec has validation data already" in err
    code, _, err = invoke("train", "mazur-shared-bias", "--steps", "1", "--validation-split", "0.2")
    assert code == 2 and "0.2 of 1 observations holds out 0" in err


# -- non-finite settings -------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["inline", "files"])
def test_the_trained_spec_keeps_its_validation_data(tmp_path: Path, form: str) -> None:
    if form == "files":
        np.save(tmp_path / "xv.npy", np.asarray(XV))
        (tmp_path / "yv.csv").write_text("\n".join(map(str, YV)) + "\n", encoding="utf-8")
        given = "validation: {input: {file: xv.npy}, target: {file: yv.csv}}"
    else:
        given = f"validation: {{input: {XV}, target: {YV}}}"
    spec = tmp_path / "net.yaml"
    spec.write_text(spec_text(given), encoding="utf-8")
    trained = tmp_path / "trained.yaml"
    assert invoke("train", str(spec), "--steps", "2", "-o", str(trained))[0] == 0
    written = trained.read_text(encoding="utf-8")
    if form == "files":  # referred to where they lie, not copied
        assert "file: xv.npy" in written and "file: yv.csv" in written
    exercise = read(trained)
    assert isinstance(exercise, Exercise) and exercise.validation is not None
    vx, vy = exercise.validation
    np.testing.assert_array_equal(vx, np.asarray(XV))
    np.testing.assert_array_equal(vy, np.eye(2)[YV])  # class indices as one-hot rows
    # and the trained spec trains on with the same validation
    code, out, _ = invoke("train", str(trained), "--steps", "1", "-f", "json")
    assert code == 0 and json.loads(out)["validation_size"] == len(XV)


@pytest.mark.parametrize(
    ("args", "lang", "line"),
    [
        (["--steps", "1"], "en", "1 full-batch gradient-descent step, η = 0.5"),
        (["--steps", "2"], "en", "2 full-batch gradient-descent steps, η = 0.5"),
        (["--steps", "1"], "es", "1 paso de descenso por el gradiente con todo el lote, η = 0,5"),
        (["--epochs", "1"], "en", "1 epoch of mini-batch SGD, batches of 1 (1 update), η = 0.5"),
        (["--epochs", "3"], "es", "3 épocas de SGD por mini-lotes, lotes de 1 (3 actualizaciones)"),
    ],
)
def test_the_settings_line_counts_in_the_singular_too(
    args: list[str], lang: str, line: str
) -> None:
    code, out, _ = invoke("train", "mazur-shared-bias", *args, "--lang", lang, "-q")
    assert code == 0 and out.splitlines()[1].startswith(line)


def test_the_split_is_echoed_as_it_is_typed_in_every_language() -> None:
    args = ("train", "digits-64-15-10", "--epochs", "1", "--validation-split", "0.2", "-q")
    _, out, _ = invoke(*args, "--lang", "es")
    assert "(--validation-split 0.2, semilla 0)" in out  # not 0,2, which the option refuses


def test_two_curves_in_one_cell_are_drawn_as_both() -> None:
    from backcalc.render.terminal.chart import BOTH

    _, grid = chart_grid(loss_chart([[1.0, 0.5, 0.0], [1.0, 0.8, 0.6]], str, "epochs"))
    assert sum(row.count(BOTH) for row in grid) == 1  # the first point: both at 1.0
    assert sum(row.count("●") for row in grid) == 2 and sum(row.count("○") for row in grid) == 2

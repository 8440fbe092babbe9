"""The command line through typer's CliRunner (and a few real subprocesses), at 100 columns
without colour (see conftest.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from backcalc import __version__
from backcalc.core.graph import Graph
from backcalc.core.graph import run as run_graph
from backcalc.core.losses import LOSSES
from backcalc.core.network import Exercise, run
from backcalc.io import examples
from backcalc.io.spec import read
from tests.helpers import invoke, python

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [e.name for e in examples.all_examples()]


def loss_family(name: str) -> str:
    """What kind of loss a registered class is, by what it declares."""
    loss = LOSSES[name]()
    if loss.binary:
        return "binary cross-entropy"
    if loss.classes:
        gives_probabilities = loss.probabilities(np.zeros((1, 2))) is not None
        return "cross-entropy" if gives_probabilities else "margin (hinge)"
    return "regression"


BUILT_IN_LOSSES = [n for n, c in LOSSES.items() if c.__module__.startswith("backcalc.core.")]
LOSS_FAMILIES = {loss_family(name) for name in BUILT_IN_LOSSES}


def readme_losses() -> set[str]:
    """The loss names of the README's **Losses** bullet."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    bullet = readme.split("- **Losses**", 1)[1].split("\n- ", 1)[0]
    return set(re.findall(r"`([a-z_]+)`", bullet)) - {"reduction", "mean", "sum"}


def test_there_are_examples_for_every_promised_case() -> None:
    assert set(BUILT_IN_LOSSES) == readme_losses(), "the README lists the built-in losses"
    specs = {name: read(examples.find(name).path) for name in EXAMPLES}  # type: ignore[union-attr]
    networks = {n: s for n, s in specs.items() if isinstance(s, Exercise)}
    graphs = {n: s for n, s in specs.items() if isinstance(s, Graph)}
    assert len(networks) + len(graphs) == len(specs)
    losses = {spec.network.loss.name for spec in networks.values()}
    missing = sorted(LOSS_FAMILIES - {loss_family(name) for name in losses})
    assert missing == [], f"no example with a {missing} loss"
    assert any(not s.batched for s in networks.values()), "one observation"
    batches = [s for s in networks.values() if s.batched]
    for convention in ("column", "row"):
        assert any(s.network.convention == convention for s in batches), f"a {convention} batch"
    assert any(s.learning_rate is not None for s in networks.values())
    assert any(s.network.l2 for s in networks.values())
    assert any(not g.gates for g in graphs.values()), "a graph written as steps"
    assert any(g.gates for g in graphs.values()), "a graph written as one expression"
    assert "reference-2-3-1" in networks
    assert examples.find_answers("reference-2-3-1-hand") is not None


def test_examples_lists_the_packaged_examples_and_says_so_when_there_are_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shipped = sorted(p.stem for p in (ROOT / "src" / "backcalc" / "examples").glob("*.yaml"))
    code, out, err = invoke("examples")
    assert (code, err) == (0, "")
    assert [line.split()[0] for line in out.splitlines()] == shipped
    monkeypatch.setattr(examples, "_folder", lambda: tmp_path)  # an install without its data
    code, out, err = invoke("examples")
    assert (code, out) == (2, "")
    assert err.startswith("no examples are installed with backcalc") and "reinstall" in err


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_runs_in_every_format(name: str) -> None:
    spec = read(examples.find(name).path)  # type: ignore[union-attr]
    code, out, err = invoke("run", name)
    assert (code, err) == (0, "")
    assert "Forward pass" in out and "Backward pass" in out
    assert "-0.0000" not in out
    code, json_out, err = invoke("run", name, "--format", "json")
    assert (code, err) == (0, "")
    doc = json.loads(json_out)
    if isinstance(spec, Graph):
        assert doc["value"] == run_graph(spec).value
    else:
        assert "∂J/∂x" in out
        assert doc["loss"] == run(spec).loss
    for fmt in ("markdown", "latex"):
        assert invoke("run", name, "--format", fmt)[0] == 0


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_are_readable_at_80_columns(name: str) -> None:
    code, out, _ = invoke("run", name, columns=80)
    assert code == 0
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80


def test_wide_matrices_are_split_into_column_pieces(tmp_path: Path) -> None:
    spec = tmp_path / "wide.yaml"
    inputs = [[i, i + 1] for i in range(12)]
    spec.write_text(
        f"input: {inputs}\ntarget: {list(range(12))}\nlayers: [{{weights: [[1, 0]]}}]\n"
        "loss: half_squared_error\n"
    )
    code, out, _ = invoke("run", str(spec), columns=80)
    assert code == 0
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80
    assert "z⁽¹⁾ = W⁽¹⁾·x (columns 1–8)" in out and "z⁽¹⁾ = W⁽¹⁾·x (columns 9–12)" in out
    for value in range(12):  # z = x₁ for every observation, none cropped away
        assert f"{value}.0000" in out


def test_every_example_has_a_summary_line() -> None:
    code, out, _ = invoke("examples")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(EXAMPLES)
    for line, name in zip(lines, EXAMPLES, strict=True):
        assert line.startswith(name)
        assert len(line.split(None, 1)[1]) > 20


def test_run_accepts_a_file_path() -> None:
    code, out, _ = invoke(
        "run", str(ROOT / "src" / "backcalc" / "examples" / "reference-2-3-1.yaml")
    )
    assert code == 0
    assert "2-3-1 sigmoid network" in out


def test_reference_table_shows_the_corrected_layer_1() -> None:
    _, out, _ = invoke("run", "reference-2-3-1")
    for value in ("0.0476", "-0.0099", "0.0513", "0.0857", "-0.1619", "-0.1744"):
        assert value in out
    assert "δ⁽¹⁾" in out and "∂J/∂W⁽²⁾" in out and "a⁽¹⁾ = σ(z⁽¹⁾)" in out


def test_decimals_option() -> None:
    _, out, _ = invoke("run", "reference-2-3-1", "--decimals", "3")
    assert "0.048" in out and "-0.010" in out and "0.0476" not in out
    code, _, err = invoke("run", "reference-2-3-1", "--decimals", "-1")
    assert code == 2 and "decimals" in err


def test_column_batch_has_one_column_per_observation() -> None:
    _, out, _ = invoke("run", "tanh-batch-column")
    # z⁽²⁾ of the 3 observations side by side in one row of the table
    row = next(line for line in out.splitlines() if line.count("│") == 2 and line.count(".") == 3)
    assert len(re.findall(r"-?\d+\.\d{4}", row)) == 3


def test_version() -> None:
    assert invoke("--version") == (0, f"backcalc {__version__}\n", "")


@pytest.mark.parametrize("command", [[], ["run"], ["check"], ["train"], ["examples"]])
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    code, out, _ = invoke(*command, "--help")
    assert code == 0
    assert "Usage: backcalc" in out
    assert "Example: backcalc" in out


def test_no_arguments_shows_help() -> None:
    code, _, err = invoke()
    assert code == 2
    assert "Usage: backcalc" in err


# -- JSON ------------------------------------------------------------------------------------


def json_of(name: str) -> dict:  # type: ignore[type-arg]
    code, out, err = invoke("run", name, "--format", "json")
    assert (code, err) == (0, "")
    return json.loads(out)  # type: ignore[no-any-return]


def test_json_single_observation_is_flat() -> None:
    doc = json_of("reference-2-3-1")
    assert set(doc) >= {"loss", "prediction", "dJ_dx", "layers"}
    layer1 = doc["layers"][0]
    assert set(layer1) >= {"z", "a", "g_prime", "dJ_da", "delta", "dJ_dW", "dJ_db"}
    assert np.shape(layer1["z"]) == (3,) and np.shape(layer1["dJ_dW"]) == (3, 2)
    assert np.shape(doc["dJ_dx"]) == (2,) and np.shape(doc["prediction"]) == (1,)
    assert "weights_updated" not in layer1
    np.testing.assert_allclose(layer1["delta"], [0.0476, -0.0099, 0.0513], atol=5e-5)


def test_json_batch_is_one_list_per_observation_in_both_conventions() -> None:
    row = json_of("batch-relu-softmax-row")
    assert np.shape(row["layers"][0]["z"]) == (4, 3)
    assert np.shape(row["layers"][0]["dJ_dW"]) == (2, 3)  # (in, out) as written
    assert np.shape(row["layers"][0]["weights_updated"]) == (2, 3)
    assert np.shape(row["dJ_dx"]) == (4, 2)
    column = json_of("tanh-batch-column")
    assert np.shape(column["layers"][0]["z"]) == (3, 2)
    assert np.shape(column["layers"][1]["dJ_dW"]) == (1, 2)


def test_json_shapes_follow_what_was_written() -> None:
    toy = json_of("toy-sin-exp-cos")
    assert all(isinstance(layer["dJ_dW"], float) for layer in toy["layers"])
    assert all(isinstance(layer["dJ_db"], float) for layer in toy["layers"])
    mazur = json_of("mazur-shared-bias")
    assert isinstance(mazur["layers"][0]["dJ_db"], float)
    assert isinstance(mazur["layers"][0]["bias_updated"], float)
    hinge = json_of("cs231n-linear-hinge")
    assert hinge["predicted_class"] == 1


def test_json_softmax_g_prime_is_the_jacobian() -> None:
    doc = json_of("softmax-cross-entropy")
    jacobian = np.array(doc["layers"][1]["g_prime"])
    a = np.array(doc["layers"][1]["a"])
    np.testing.assert_allclose(jacobian, np.diag(a) - np.outer(a, a), atol=1e-15)
    assert doc["fused_output_delta"] is True


def test_json_flat_weights_and_missing_bias(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(
        "input: [1, 2]\ntarget: 1\nlayers:\n  - weights: [0.5, -0.5]\nloss: squared_error\n"
    )
    code, out, _ = invoke("run", str(spec), "-f", "json")
    doc = json.loads(out)
    assert code == 0
    # J = (0.5·1 − 0.5·2 − 1)², ∂J/∂w = 2(ŷ − y)·x = 2·(−1.5)·(1, 2)
    assert doc["loss"] == pytest.approx(2.25)
    assert doc["layers"][0]["dJ_dW"] == pytest.approx([-3.0, -6.0])
    assert doc["layers"][0]["dJ_db"] is None


def test_json_bias_written_as_a_column_keeps_its_shape(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(
        "input: [1, 2]\ntarget: [0, 0]\nlayers:\n  - weights: [[1, 0], [0, 1]]\n"
        "    bias: [[0.5], [-0.5]]\nloss: half_squared_error\nlearning_rate: 1\n"
    )
    doc = json.loads(invoke("run", str(spec), "-f", "json")[1])
    # ŷ = x + b = (1.5, 1.5), ∂J/∂b = ŷ − y, as a 2×1 column like the bias
    assert doc["layers"][0]["dJ_db"] == [[1.5], [1.5]]
    assert doc["layers"][0]["bias_updated"] == [[-1.0], [-2.0]]


def test_json_non_finite_becomes_null(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(
        "input: [1]\ntarget: 0\nlayers:\n  - weights: [[-1000], [1000]]\n    activation: softmax\n"
        "loss: cross_entropy\n"
    )
    code, out, _ = invoke("run", str(spec), "-f", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["layers"][0]["dJ_da"][0] is None
    assert doc["layers"][0]["delta"] == [-1.0, 1.0]
    code, out, _ = invoke("run", str(spec))
    assert "∞" in out and "fused form" in out


def test_numerical_trouble_is_a_plain_message(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(
        "input: 1000\ntarget: 0\nlayers: [{weights: 1, activation: exp}]\nloss: squared_error\n"
    )
    code, out, err = invoke("run", str(spec))
    assert (code, out) == (2, "")
    assert err.startswith(f"{spec}: layer 1: a = g(z) is infinite") and "Traceback" not in err


# -- processes -------------------------------------------------------------------------------


def test_python_dash_m() -> None:
    result = python("-m", "backcalc", "--version")
    assert result.returncode == 0 and result.stdout == f"backcalc {__version__}\n"


def test_no_colour_when_piped_or_under_no_color() -> None:
    for env in ({}, {"NO_COLOR": "1", "TTY_COMPATIBLE": "1"}):
        result = python("-m", "backcalc", "run", "reference-2-3-1", **env)
        assert result.returncode == 0
        assert "\x1b[3" not in result.stdout  # no colour codes


def test_help_does_not_import_numpy() -> None:
    code = (
        "import sys\nfrom backcalc.cli import app\n"
        "try:\n    app(['--help'], prog_name='backcalc')\nexcept SystemExit:\n    pass\n"
        "print('numpy' in sys.modules)"
    )
    result = python("-c", code)
    assert result.stdout.strip().endswith("False")


def test_l2_term_is_shown_and_is_lambda_times_sum_of_squares() -> None:
    weights = [0.2, 0.5, -0.3, -0.4, 0.1, 0.6, 1.0, -0.5, 0.3, 0.8]  # leaky-relu-l2.yaml
    l2 = 0.05 * sum(w * w for w in weights)
    doc = json_of("leaky-relu-l2")
    assert doc["l2_loss"] == pytest.approx(l2, rel=1e-12)
    assert doc["loss"] == pytest.approx(doc["data_loss"] + l2, rel=1e-12)
    _, out, _ = invoke("run", "leaky-relu-l2")
    assert f"+ λ·ΣW² = {doc['data_loss']:.4f} + {l2:.4f} = {doc['loss']:.4f}" in out


def test_readme_example_output_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ backcalc run reference-2-3-1\n...\n", 1)[1].split("```", 1)[0]
    _, out, _ = invoke("run", "reference-2-3-1", columns=80)
    shown = [line.rstrip() for line in out.splitlines()]
    expected = [line.rstrip() for line in block.splitlines()]
    start = shown.index(expected[0])
    assert shown[start : start + len(expected)] == expected


def test_readme_quick_start_names_a_real_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/backcalc run reference-2-3-1" in readme
    assert ".venv/bin/python -m pytest" in readme
    assert examples.find("reference-2-3-1") is not None


def test_ci_tests_the_lowest_versions_the_ranges_allow() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lowest = {}
    for line in (ROOT / ".ci" / "lowest.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            lowest[name.lower()] = version
    for requirement in project["dependencies"]:
        name, _, bounds = requirement.partition(">=")
        floor = bounds.split(",")[0]
        pinned = lowest[name.lower()]
        assert pinned.split(".")[: len(floor.split("."))] == floor.split("."), (name, floor, pinned)

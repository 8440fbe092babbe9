"""The public extension API from the outside: tests/extension/register_and_run.py registers an
activation (swish) and a loss with an option (huber, delta) and runs the command line, here in
subprocesses (registering in this process would change the function lists other tests pin).

Every number is checked against a computation written here with numpy alone: the forward pass,
the Huber loss in closed form, central differences of J for every weight, bias and input, and
gradient descent with those differences. Nothing is copied from backcalc's output.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from tests.helpers import compile_latex, python

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "extension" / "register_and_run.py"
NEXT = "--next"  # the script's separator of command lines
MARKER = re.compile(r"\x1eEXIT (-?\d+)\x1e\n")  # what it writes after each one
TITLE = "a user-registered activation and loss"  # names neither: the names come from elsewhere
DELTA = 0.5
RATE = 0.1
EPS = 1e-6
FORMATS = ("table", "json", "markdown", "latex")
LANGS = ("en", "es")

# -- the subprocesses -------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def script(cwd: Path, *args: str) -> Result:
    """`python register_and_run.py ARGS...` in `cwd`."""
    done = python(str(SCRIPT), *args, cwd=cwd)
    return Result(done.returncode, done.stdout, done.stderr)


def script_each(cwd: Path, commands: Sequence[Sequence[str]]) -> list[Result]:
    """Several command lines in one run of the script (separated by --next), one Result each."""
    argv: list[str] = []
    for index, command in enumerate(commands):
        argv += [NEXT, *command] if index else [*command]
    done = script(cwd, *argv)
    assert done.code == 0, done.err
    outs, errs = MARKER.split(done.out), MARKER.split(done.err)
    expected = 2 * len(commands) + 1
    assert len(outs) == expected and outs[-1] == "", done.out[-2000:]
    assert len(errs) == expected and errs[-1] == "", done.err[-2000:]
    assert outs[1::2] == errs[1::2]
    return [
        Result(int(code), out, err)
        for out, code, err in zip(outs[0::2], outs[1::2], errs[0::2], strict=False)
    ]


def ok(result: Result, what: str) -> str:
    assert (result.code, result.err) == (0, ""), f"{what}: exit {result.code}\n{result.err}"
    return result.out


def assert_compiles(folder: Path, name: str) -> None:
    code, errors = compile_latex(folder, name)
    assert code == 0, errors
    assert (folder / name).with_suffix(".pdf").stat().st_size > 0


# -- the independent computation --------------------------------------------------------------

Params = dict[str, np.ndarray]


def sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def swish(z: np.ndarray) -> np.ndarray:
    return z * sigmoid(z)


def huber(r: np.ndarray, delta: float = DELTA) -> np.ndarray:
    """½r² for |r| ≤ δ, δ(|r| − ½δ) beyond, element by element."""
    size = np.abs(r)
    return np.where(size <= delta, 0.5 * r**2, delta * (size - 0.5 * delta))


def predict(p: Params) -> np.ndarray:
    """ŷ, (m, k): column convention, W is (out, in); x is (m, n), one row per observation."""
    a1 = swish(p["x"] @ p["W1"].T + p["b1"])
    return a1 @ p["W2"].T + p["b2"]


def losses(p: Params, y: np.ndarray) -> np.ndarray:
    """ℓ per observation: Huber summed over the outputs."""
    return np.sum(huber(predict(p) - y), axis=1)


def cost(p: Params, y: np.ndarray) -> float:
    """J: the mean of ℓ over the batch."""
    return float(np.mean(losses(p, y)))


def central_differences(f: Callable[[Params], float], p: Params) -> Params:
    """∂f/∂(every entry of every array in p), by (f(θ + ε) − f(θ − ε)) / 2ε."""
    grads: Params = {}
    for name, array in p.items():
        grad = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            plus = {k: v.copy() for k, v in p.items()}
            minus = {k: v.copy() for k, v in p.items()}
            plus[name][index] += EPS
            minus[name][index] -= EPS
            grad[index] = (f(plus) - f(minus)) / (2 * EPS)
        grads[name] = grad
    return grads


def close(actual: Any, expected: np.ndarray, what: str, tol: float = 1e-6) -> None:
    """Equal to `tol`, relative or absolute, with the same shape."""
    found = np.asarray(actual, dtype=np.float64)
    assert found.shape == expected.shape, f"{what}: shape {found.shape}, expected {expected.shape}"
    assert np.allclose(found, expected, rtol=tol, atol=tol), f"{what}: {found} != {expected}"


PARAMS: Params = {
    "W1": np.array([[0.4, -0.3], [0.7, 0.2], [-0.5, 0.6]]),
    "b1": np.array([0.1, -0.2, 0.05]),
    "W2": np.array([[0.3, -0.8, 0.5], [0.9, 0.1, -0.4]]),
    "b2": np.array([0.0, 0.2]),
}
BATCH_X = np.array([[1.0, -2.0], [0.5, 1.5]])
BATCH_Y = np.array([[0.2, 1.0], [-1.0, 0.3]])
ONE_X = np.array([[0.6, -1.1]])
ONE_Y = np.array([[0.2, -0.4]])


def network_spec(x: np.ndarray, y: np.ndarray, p: Params = PARAMS, **loss: Any) -> dict[str, Any]:
    batched = x.shape[0] > 1
    return {
        "title": TITLE,
        "convention": "column",
        "input": x.tolist() if batched else x[0].tolist(),
        "target": y.tolist() if batched else y[0].tolist(),
        "layers": [
            {"weights": p["W1"].tolist(), "bias": p["b1"].tolist(), "activation": "swish"},
            {"weights": p["W2"].tolist(), "bias": p["b2"].tolist()},
        ],
        "loss": loss or {"name": "huber", "delta": DELTA},
        "learning_rate": RATE,
    }


def write(path: Path, spec: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def assert_both_huber_branches(x: np.ndarray, y: np.ndarray) -> None:
    """The data exercise ½r² and δ(|r| − ½δ), away from the kink at |r| = δ."""
    size = np.abs(predict({**PARAMS, "x": x}) - y)
    assert np.any(size < DELTA - 0.05) and np.any(size > DELTA + 0.05), size


def assert_network_numbers(doc: dict[str, Any], x: np.ndarray, y: np.ndarray) -> None:
    """A `run --format json` document against the computation above (one observation: flat
    lists; a batch: one list per observation)."""
    p = {**PARAMS, "x": x}
    batched = x.shape[0] > 1
    per_obs = (lambda a: a) if batched else (lambda a: a[0])
    grads = central_differences(lambda q: cost(q, y), p)
    assert doc["loss_function"] == "huber"
    close(doc["loss"], np.array(cost(p, y)), "J")
    close(doc["losses"], losses(p, y), "ℓ per observation")
    close(doc["prediction"], per_obs(predict(p)), "ŷ")
    close(doc["dJ_dx"], per_obs(grads["x"]), "∂J/∂x")
    assert [layer["activation"] for layer in doc["layers"]] == ["swish", "identity"]
    for number, layer in enumerate(doc["layers"], start=1):
        W, b = f"W{number}", f"b{number}"
        close(layer["dJ_dW"], grads[W], f"∂J/∂{W}")
        close(layer["dJ_db"], grads[b], f"∂J/∂{b}")
        close(layer["weights_updated"], p[W] - RATE * grads[W], f"{W} − η·∂J/∂{W}")
        close(layer["bias_updated"], p[b] - RATE * grads[b], f"{b} − η·∂J/∂{b}")


def test_the_independent_computation_is_right() -> None:
    """Huber's two branches and its continuity at δ, and the differences on a known function."""
    close(huber(np.array([0.3, -0.3, 2.0, -2.0])), np.array([0.045, 0.045, 0.875, 0.875]), "h")
    close(huber(np.array([DELTA - 1e-9])), huber(np.array([DELTA + 1e-9])), "continuous at δ")
    close(swish(np.array([0.0, 1.0])), np.array([0.0, 1 / (1 + np.exp(-1))]), "swish")
    grad = central_differences(lambda q: float(np.sum(q["v"] ** 3)), {"v": np.array([1.0, -2.0])})
    close(grad["v"], np.array([3.0, 12.0]), "d(v³)/dv")


# -- registering ------------------------------------------------------------------------------

IN_PROCESS = """
import dataclasses
from backcalc.activations import ACTIVATIONS
from backcalc.core.expressions import functions
from backcalc.losses import LOSSES
assert "swish" not in ACTIVATIONS and "huber" not in LOSSES
from tests.extension.register_and_run import Huber, Swish
assert ACTIVATIONS["swish"] is Swish and LOSSES["huber"] is Huber
assert "swish" in functions()
assert [f.name for f in dataclasses.fields(Huber)] == ["delta"]
assert Huber().delta == 1.0 and Huber(delta=0.5).delta == 0.5
loss = Huber(delta=0.5)
try:
    loss.delta = 2.0
except dataclasses.FrozenInstanceError:
    pass
else:
    raise AssertionError("Huber is not frozen")
try:
    Huber(delta=0)
except ValueError:
    pass
else:
    raise AssertionError("delta = 0 accepted")
print("registered")
"""


def test_importing_the_script_registers_the_classes() -> None:
    """In a subprocess: importing the script's classes registers them (in the activation and
    loss tables and graph mode's functions); Huber is a frozen dataclass whose option is delta."""
    done = python("-c", IN_PROCESS)
    assert (done.returncode, done.stdout, done.stderr) == (0, "registered\n", "")


def test_this_test_session_registers_nothing() -> None:
    from backcalc.activations import ACTIVATIONS
    from backcalc.losses import LOSSES

    assert "swish" not in ACTIVATIONS and "huber" not in LOSSES


# -- a batch of 2: every format, check, train -------------------------------------------------


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run of the script with every command on the batch spec."""
    folder = tmp_path_factory.mktemp("batch")
    write(folder / "net.yaml", network_spec(BATCH_X, BATCH_Y))
    runs = {
        (fmt, lang): ["run", "net.yaml", "--format", fmt, "--lang", lang]
        for fmt in FORMATS
        for lang in LANGS
    }
    runs["latex file"] = ["run", "net.yaml", "--format", "latex", "-o", "doc.tex"]
    runs["check"] = ["check", "net.yaml"]
    runs["check json"] = ["check", "net.yaml", "--format", "json"]
    runs["train"] = ["train", "net.yaml", "--steps", "3", "--format", "json"]
    runs["train -o"] = ["train", "net.yaml", "--steps", "3", "-o", "trained.yaml"]
    results = dict(zip(runs, script_each(folder, list(runs.values())), strict=True))
    return {"folder": folder, **results}


def test_both_huber_branches_are_exercised() -> None:
    assert_both_huber_branches(BATCH_X, BATCH_Y)
    assert_both_huber_branches(ONE_X, ONE_Y)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_run_in_every_format_and_language(batch: dict[str, Any], fmt: str, lang: str) -> None:
    out = ok(batch[fmt, lang], f"run --format {fmt} --lang {lang}")
    assert "swish" in out and "huber" in out
    if fmt == "table":
        assert "a⁽¹⁾ = z⁽¹⁾·σ(z⁽¹⁾)" in out  # formula, {z} filled with the layer's z
        assert "g'(z⁽¹⁾) = σ(z) + z·σ(z)(1 − σ(z))" in out  # derivative_formula
        assert "huber, ℓ = Σ huber_δ(ŷ − y)" in out  # the loss's formula
        assert ("0,5" in out) == (lang == "es")  # the decimal comma: the language took effect
    elif fmt in ("markdown", "latex"):
        assert r"&= z^{(1)}\,\sigma(z^{(1)})" in out  # formula_tex
        derivative = r"\sigma(z^{(1)}) + z^{(1)}\,\sigma(z^{(1)})\,(1 - \sigma(z^{(1)}))"
        assert derivative in out  # derivative_formula_tex
        # formula_tex, as the loss of observation i of the batch
        assert r"\ell_i = \sum_k \mathrm{huber}_\delta(\hat{y}_{ik} - y_{ik})" in out
        assert r"\operatorname{clip}(\hat{y} - y, -\delta, \delta)" in out  # gradient_formula_tex
    if fmt == "latex":
        assert out.lstrip().startswith(r"\documentclass") and r"\end{document}" in out
    if fmt == "json":
        doc = json.loads(out)
        assert doc["reduction"] == "mean" and doc["learning_rate"] == RATE


def test_batch_numbers_match_an_independent_computation(batch: dict[str, Any]) -> None:
    for lang in LANGS:  # the language changes no number
        doc = json.loads(ok(batch["json", lang], f"run --format json --lang {lang}"))
        assert_network_numbers(doc, BATCH_X, BATCH_Y)


def test_check_passes(batch: dict[str, Any]) -> None:
    assert "PASSED" in ok(batch["check"], "check")
    doc = json.loads(ok(batch["check json"], "check --format json"))
    assert doc["passed"] is True


def _descend(steps: int) -> tuple[list[float], Params]:
    """Full-batch gradient descent with central differences: J before each step and after the
    last, and the parameters reached."""
    p = {k: v.copy() for k, v in PARAMS.items()}
    curve = [cost({**p, "x": BATCH_X}, BATCH_Y)]
    for _ in range(steps):
        grads = central_differences(lambda q: cost({**q, "x": BATCH_X}, BATCH_Y), p)
        p = {k: v - RATE * grads[k] for k, v in p.items()}
        curve.append(cost({**p, "x": BATCH_X}, BATCH_Y))
    return curve, p


def test_train_decreases_the_loss_as_gradient_descent_does(batch: dict[str, Any]) -> None:
    doc = json.loads(ok(batch["train"], "train --steps 3 --format json"))
    curve = doc["losses"]
    assert len(curve) == 4 and all(b < a for a, b in itertools.pairwise(curve))
    expected, _ = _descend(3)
    close(curve, np.array(expected), "the loss curve")


def test_the_trained_spec_keeps_the_option_and_runs_again(batch: dict[str, Any]) -> None:
    ok(batch["train -o"], "train -o trained.yaml")
    folder: Path = batch["folder"]
    trained = yaml.safe_load((folder / "trained.yaml").read_text(encoding="utf-8"))
    assert trained["loss"]["name"] == "huber" and trained["loss"]["delta"] == DELTA
    assert trained["layers"][0]["activation"] in ("swish", {"name": "swish"})
    _, reached = _descend(3)
    for number, layer in enumerate(trained["layers"], start=1):
        close(layer["weights"], reached[f"W{number}"], f"trained W{number}")
        close(layer["bias"], reached[f"b{number}"], f"trained b{number}")
    again = script(folder, "run", "trained.yaml", "--format", "json")  # a fresh process
    doc = json.loads(ok(again, "run trained.yaml"))
    p = {k: np.asarray(v) for k, v in reached.items()}
    close(doc["loss"], np.array(cost({**p, "x": BATCH_X}, BATCH_Y)), "J of the trained spec")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_the_latex_document_compiles(batch: dict[str, Any]) -> None:
    ok(batch["latex file"], "run --format latex -o doc.tex")
    folder: Path = batch["folder"]
    assert (folder / "doc.tex").read_text(encoding="utf-8") == batch["latex", "en"].out
    assert_compiles(folder, "doc.tex")


# -- one observation --------------------------------------------------------------------------


def test_one_observation(tmp_path: Path) -> None:
    write(tmp_path / "one.yaml", network_spec(ONE_X, ONE_Y))
    run_json, table, check = script_each(
        tmp_path,
        [
            ["run", "one.yaml", "--format", "json"],
            ["run", "one.yaml"],
            ["check", "one.yaml", "--format", "json"],
        ],
    )
    doc = json.loads(ok(run_json, "run --format json"))
    assert len(doc["losses"]) == 1
    assert_network_numbers(doc, ONE_X, ONE_Y)
    out = ok(table, "run")
    assert "a⁽¹⁾ = z⁽¹⁾·σ(z⁽¹⁾)" in out and "σ(z) + z·σ(z)(1 − σ(z))" in out
    assert "Σ huber_δ(ŷ − y)" in out
    assert json.loads(ok(check, "check --format json"))["passed"] is True


# -- options that are wrong -------------------------------------------------------------------


def _located(err: str, spec: Path, key: str) -> str:
    """The message after `file:line:column: key: `, with line and column those of `key:`."""
    line, column = next(
        (number, text.index(f"{key}:") + 1)
        for number, text in enumerate(spec.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(rf"\b{key}:", text)
    )
    prefix = f"{spec.name}:{line}:{column}: loss.{key}: "
    assert err.startswith(prefix) and err.endswith("\n") and err.count("\n") == 1, err
    return err[len(prefix) : -1]


def test_an_unknown_option_is_a_located_error(tmp_path: Path) -> None:
    spec = write(tmp_path / "typo.yaml", network_spec(BATCH_X, BATCH_Y, name="huber", deltaa=0.5))
    done = script(tmp_path, "run", "typo.yaml")  # alone: the process's own exit code
    assert (done.code, done.out) == (2, "")
    message = _located(done.err, spec, "deltaa")
    assert "'deltaa'" in message and "'delta'" in message, message


def test_a_non_number_option_is_a_located_error(tmp_path: Path) -> None:
    """Each value as the option's type says (float: a number), and the class's own validation
    (delta > 0, in __post_init__) located at the loss."""
    cases = {"half": "'half'", "list": "a list", "bool": "true"}
    values: dict[str, Any] = {"half": "half", "list": [0.5], "bool": True}
    specs = {
        case: write(
            tmp_path / f"{case}.yaml", network_spec(BATCH_X, BATCH_Y, name="huber", delta=v)
        )
        for case, v in {**values, "zero": 0}.items()
    }
    results = script_each(tmp_path, [["run", spec.name] for spec in specs.values()])
    by_case = dict(zip(specs, results, strict=True))
    for case, found in cases.items():
        result = by_case[case]
        assert (result.code, result.out) == (2, ""), (case, result)
        message = _located(result.err, specs[case], "delta")
        assert message.startswith(f"expected a number, found {found}"), message
    zero = by_case["zero"]
    assert (zero.code, zero.out) == (2, "")
    line = specs["zero"].read_text(encoding="utf-8").splitlines().index("loss:") + 1
    assert zero.err == f"zero.yaml:{line}:1: loss: huber needs delta > 0, found 0\n"


# -- graph mode -------------------------------------------------------------------------------

GRAPH_VALUES = {"x": 0.8, "w": -1.5}
GATE_RULE = {  # gate_rule: the locale's graph.gate_function with derivative_formula, {z} = "x"
    "en": "swish: the derivative is σ(x) + x·σ(x)(1 − σ(x))",
    "es": "swish: su derivada es σ(x) + x·σ(x)(1 − σ(x))",
}


def graph_function(v: Params) -> float:
    return float(swish(v["x"]) * v["w"])


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run of the script with every command on `f = swish(x) * w`."""
    folder = tmp_path_factory.mktemp("graph")
    write(folder / "g.yaml", {"expression": "swish(x) * w", "values": GRAPH_VALUES})
    runs = {
        "table en": ["run", "g.yaml"],
        "table es": ["run", "g.yaml", "--lang", "es"],
        "json": ["run", "g.yaml", "--format", "json"],
        "latex file": ["run", "g.yaml", "--format", "latex", "-o", "g.tex"],
        "check": ["check", "g.yaml"],
        "check json": ["check", "g.yaml", "--format", "json"],
    }
    results = dict(zip(runs, script_each(folder, list(runs.values())), strict=True))
    return {"folder": folder, **results}


def test_graph_numbers_match_an_independent_computation(graph: dict[str, Any]) -> None:
    doc = json.loads(ok(graph["json"], "run --format json"))
    v = {name: np.array(value) for name, value in GRAPH_VALUES.items()}
    close(doc["value"], np.array(graph_function(v)), "f")
    grads = central_differences(graph_function, v)
    for name in GRAPH_VALUES:
        close(doc["gradients"][name], grads[name], f"∂f/∂{name}")


@pytest.mark.parametrize("lang", LANGS)
def test_graph_table_writes_the_gate_rule(graph: dict[str, Any], lang: str) -> None:
    out = ok(graph[f"table {lang}"], f"run --lang {lang}")
    assert "swish(x)" in out
    # the rule is a note: it runs on over the columns after its own
    assert any(line.strip().endswith(GATE_RULE[lang]) for line in out.splitlines()), out


def test_graph_check_passes(graph: dict[str, Any]) -> None:
    assert "PASSED" in ok(graph["check"], "check")
    assert json.loads(ok(graph["check json"], "check --format json"))["passed"] is True


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_the_graph_latex_document_compiles(graph: dict[str, Any]) -> None:
    ok(graph["latex file"], "run --format latex -o g.tex")
    assert r"\mathrm{swish}(x)" in (graph["folder"] / "g.tex").read_text(encoding="utf-8")
    assert_compiles(graph["folder"], "g.tex")

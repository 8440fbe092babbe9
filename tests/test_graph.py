"""Computational-graph mode: published worked examples, random expressions against finite
differences, kinks, forks, every output format, and the safety refusals."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from backcalc.core.expressions import DomainError
from backcalc.core.gradcheck import CheckSettings, check_graph
from backcalc.core.graph import Graph, run
from backcalc.errors import NumericalError
from backcalc.io import examples
from backcalc.io.spec import parse, read
from tests.helpers import invoke


def graph_of(text: str) -> Graph:
    graph = parse(text)
    assert isinstance(graph, Graph)
    return graph


def example(name: str) -> Graph:
    found = examples.find(name)
    assert found is not None
    graph = read(found.path)
    assert isinstance(graph, Graph)
    return graph


# -- published worked examples ---------------------------------------------------------------


def test_cs231n_circuit() -> None:
    # cs231n "Backpropagation, Intuitions": f = (x + y)z at x = −2, y = 5, z = −4
    trace = run(example("cs231n-circuit"))
    assert trace.value == -12
    assert {k: trace.gradients[k] for k in "xyz"} == {"x": -4, "y": -4, "z": 3}
    assert trace.gradients["q"] == -4


def test_cs231n_gates() -> None:
    # cs231n "Patterns in backward flow": 2(xy + max(z, w)) at 3, −4, 2, −1
    trace = run(example("cs231n-max-gate"))
    assert trace.value == -20
    assert {k: trace.gradients[k] for k in "xyzw"} == {"x": -8, "y": 6, "z": 2, "w": 0}
    assert [node.node.name for node in trace.nodes] == ["t1", "t2", "t3", "f"]  # one per gate


def test_cs231n_sigmoid_neuron() -> None:
    # cs231n: w = [2, −3, −3], x = [−1, −2]: f = 0.73, dx = [0.39, −0.59], dw = [−0.2, −0.39, 0.2]
    trace = run(example("sigmoid-neuron"))
    assert trace.value == pytest.approx(0.73, abs=5e-3)
    grads = trace.gradients
    np.testing.assert_allclose([grads["x0"], grads["x1"]], [0.39, -0.59], atol=5e-3)
    np.testing.assert_allclose(
        [grads["w0"], grads["w1"], grads["w2"]], [-0.2, -0.39, 0.2], atol=5e-3
    )


def test_andrew_ng_computation_graph() -> None:
    # deeplearning.ai: J = 3(a + bc) at a = 5, b = 3, c = 2: J = 33, dJ/da = 3, dJ/db = 6, dJ/dc = 9
    trace = run(example("ng-computation-graph"))
    assert trace.value == 33
    assert {k: trace.gradients[k] for k in "abc"} == {"a": 3, "b": 6, "c": 9}
    assert (trace.gradients["v"], trace.gradients["u"]) == (3, 3)


def test_understanding_deep_learning_toy_steps() -> None:
    """Notebook 7.1: ℓ = 0.139 and its closed forms ∂ℓ/∂β3 = 2(f − y) and ∂ℓ/∂ω0; the
    intermediate steps agree with the network form of the same function."""
    trace = run(example("toy-function-steps"))
    v = trace.graph.values
    f0 = v["beta0"] + v["omega0"] * v["x"]
    f1 = v["beta1"] + v["omega1"] * math.sin(f0)
    f2 = v["beta2"] + v["omega2"] * math.exp(f1)
    f3 = v["beta3"] + v["omega3"] * math.cos(f2)
    assert trace.value == pytest.approx(0.139, abs=5e-4)
    assert trace.gradients["beta3"] == pytest.approx(2 * (f3 - v["y"]), rel=1e-12)
    domega0 = (
        -2
        * (f3 - v["y"])
        * v["omega1"]
        * v["omega2"]
        * v["omega3"]
        * v["x"]
        * math.cos(f0)
        * math.exp(f1)
        * math.sin(f2)
    )
    assert trace.gradients["omega0"] == pytest.approx(domega0, rel=1e-12)
    network = examples.find("toy-sin-exp-cos")
    assert network is not None
    doc = json.loads(invoke("run", "toy-sin-exp-cos", "-f", "json")[1])
    assert doc["layers"][0]["dJ_dW"] == pytest.approx(trace.gradients["omega0"], rel=1e-12)


def test_a_fork_adds_the_gradients() -> None:
    trace = run(example("autodiff-fork"))
    x, y = 2.0, 3.0
    # s = xy + 3x + x² + sin x: ∂s/∂x = y + 3 + 2x + cos x, sent back by four nodes
    assert trace.gradients["x"] == pytest.approx(y + 3 + 2 * x + math.cos(x), rel=1e-15)
    assert [user for user, _ in trace.received["x"]] == ["e", "f", "g", "h"]
    code, out, _ = invoke("run", "autodiff-fork")
    assert code == 0 and "x is used 4 times (a fork)" in " ".join(out.split())


# -- random expressions against finite differences ---------------------------------------------

UNARY = ["sin", "cos", "tanh", "sigmoid", "exp", "log", "sqrt", "abs", "relu", "tan"]


def random_expression(rng: np.random.Generator, depth: int) -> str:
    if depth == 0 or rng.random() < 0.25:
        return str(rng.choice(["a", "b", "c", "d", "2.5", "0.5"]))
    kind = rng.integers(0, 5)
    left, right = random_expression(rng, depth - 1), random_expression(rng, depth - 1)
    if kind == 0:
        return f"({left} {rng.choice(['+', '-', '*', '/'])} {right})"
    if kind == 1:
        function = str(rng.choice(UNARY))
        inner = f"(1.5 + ({left})**2)" if function in ("log", "sqrt") else left
        return f"{function}({inner})"
    if kind == 2:
        return f"{rng.choice(['max', 'min'])}({left}, {right})"
    if kind == 3:
        return f"-({left})"
    return f"({left})**{rng.choice(['2', '3'])}"


@pytest.mark.parametrize("seed", range(150))
def test_random_expressions_against_finite_differences(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = {name: float(rng.uniform(0.3, 2.0)) for name in "abcd"}
    text = random_expression(rng, 4)
    mode = "expression" if seed % 2 else "steps"
    body = (
        f"expression: '{text}'"
        if mode == "expression"
        else f"steps: ['q = {text}', 'r = q * a + q']"
    )
    spec = f"{body}\nvalues: {json.dumps(values)}\n"
    try:
        trace = run(graph_of(spec))
    except (DomainError, NumericalError):  # a draw may divide by 0 or overflow: reported plainly
        return
    result = check_graph(trace, CheckSettings(rtol=1e-5, atol=1e-6 * max(1.0, abs(trace.value))))
    assert result.passed, (text, [e for e in result.entries if e.status == "fail"])


def test_check_flags_kinks_and_catches_a_wrong_gradient() -> None:
    graph = graph_of("steps: ['q = relu(x)', 'f = abs(q - 1) + max(x, y)']\nvalues: {x: 1, y: 1}\n")
    result = check_graph(run(graph), CheckSettings())
    assert [e.status for e in result.entries] == ["kink", "kink"] and result.passed
    smooth = graph_of("expression: x * y\nvalues: {x: 3, y: 2}\n")
    trace = run(smooth)
    trace.gradients["x"] = 3.0  # wrong on purpose: ∂(xy)/∂x = y = 2
    result = check_graph(trace, CheckSettings())
    assert not result.passed and [e.status for e in result.entries] == ["fail", "pass"]


def test_max_routes_to_the_first_input_on_a_tie() -> None:
    trace = run(graph_of("expression: max(x, y)\nvalues: {x: 1, y: 1}\n"))
    assert (trace.gradients["x"], trace.gradients["y"]) == (1.0, 0.0)


def test_precedence_is_pythons() -> None:
    trace = run(graph_of("expression: -x**2 + 2**3**2\nvalues: {x: 3}\n"))
    assert trace.value == -9 + 512
    assert trace.gradients["x"] == -6


def test_constants_unless_defined() -> None:
    assert run(graph_of("expression: pi * x + e\nvalues: {x: 1}\n")).value == pytest.approx(
        math.pi + math.e
    )
    assert run(graph_of("expression: pi * x\nvalues: {x: 1, pi: 3}\n")).value == 3


# -- formats -----------------------------------------------------------------------------------


GRAPH_EXAMPLES = [e.name for e in examples.all_examples() if isinstance(read(e.path), Graph)]


@pytest.mark.parametrize("name", GRAPH_EXAMPLES)
def test_json_document(name: str) -> None:
    code, out, _ = invoke("run", name, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    trace = run(example(name))
    assert doc["output"] == trace.graph.output and doc["value"] == trace.value
    assert [node["name"] for node in doc["nodes"]] == [n.node.name for n in trace.nodes]
    assert set(doc["nodes"][0]) >= {"name", "expression", "value", "gradient"}
    assert set(doc["gradients"]) == set(trace.graph.values) | {n.node.name for n in trace.nodes}


@pytest.mark.parametrize("name", GRAPH_EXAMPLES)
def test_check_passes_on_every_graph_example(name: str) -> None:
    code, out, _ = invoke("check", name, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["passed"] and {e["parameter"] for e in doc["entries"]} == set(example(name).values)


@pytest.mark.parametrize("name", GRAPH_EXAMPLES)
def test_dot_output(name: str, tmp_path: Path) -> None:
    code, out, _ = invoke("run", name, "--format", "dot")
    assert code == 0 and out.startswith("digraph backcalc {") and out.rstrip().endswith("}")
    if shutil.which("dot"):
        (tmp_path / "g.dot").write_text(out)
        result = subprocess.run(
            ["dot", "-Tsvg", str(tmp_path / "g.dot")], capture_output=True, check=False
        )
        assert result.returncode == 0, result.stderr


def test_terminal_shows_the_gate_rules() -> None:
    _, out, _ = invoke("run", "cs231n-circuit")
    locals_ = [re.split(r"\s{2,}", line.strip())[-2] for line in out.splitlines() if " · " in line]
    # multiply swaps the inputs (an integral value written as an integer)
    assert "∂f/∂q = z = -4" in locals_ and "∂f/∂z = q = 3" in locals_
    assert "∂q/∂x = 1" in locals_  # add passes the gradient through


# -- errors and safety ---------------------------------------------------------------------------

REFUSED = {
    "attribute": (
        "expression: x.real\nvalues: {x: 1}\n",
        "net.yaml:1:1: expression: 'x.real' is not allowed: no attribute access",
    ),
    "import": (
        "expression: __import__('os').system('echo hi')\nvalues: {x: 1}\n",
        "net.yaml:1:1: expression: '__import__('os').system('echo hi')' is not allowed: only plain calls of tan, log, sqrt, abs, sigmoid, tanh, relu, leaky_relu, elu, softplus, sin, cos, exp, max, min",
    ),
    "call": (
        "expression: eval('1')\nvalues: {x: 1}\n",
        "net.yaml:1:1: expression: unknown function 'eval' (known: tan, log, sqrt, abs, sigmoid, tanh, relu, leaky_relu, elu, softplus, sin, cos, exp, max, min)",
    ),
    "lambda": (
        "expression: '(lambda: 1)()'\nvalues: {}\n",
        "net.yaml:1:1: expression: '(lambda: 1)()' is not allowed: only plain calls of tan, log, sqrt, abs, sigmoid, tanh, relu, leaky_relu, elu, softplus, sin, cos, exp, max, min",
    ),
    "comprehension": (
        "expression: '[x for x in y]'\nvalues: {y: 1}\n",
        "net.yaml:1:1: expression: '[x for x in y]' is not allowed: no comprehensions",
    ),
    "huge": (
        "expression: 9**9**9\nvalues: {}\n",
        "net.yaml:1:1: expression: the exponent is too large (at most 1000 is accepted)",
    ),
    "undefined": (
        "steps: ['q = x + w']\nvalues: {x: 1}\n",
        "net.yaml:1:9: steps[1]: 'w' is not defined: give it in values or compute it in an earlier step",
    ),
    "order": (
        "steps: ['q = r + 1', 'r = x * 2']\nvalues: {x: 1}\n",
        "net.yaml:1:9: steps[1]: 'q' uses 'r' before step 2 computes it: put the steps in order",
    ),
    "cycle": (
        "steps: ['q = r + 1', 'r = q * 2']\nvalues: {x: 1}\n",
        "net.yaml:1:9: steps[1]: a cycle: 'q' uses 'r', which depends on 'q'",
    ),
    "reassign": (
        "steps: ['q = x + 1', 'q = q * 2']\nvalues: {x: 1}\n",
        "net.yaml:1:22: steps[2]: a step may not reassign 'q' (already defined by step 1)",
    ),
    "reassign_value": (
        "steps: ['x = x + 1']\nvalues: {x: 1}\n",
        "net.yaml:1:9: steps[1]: a step may not reassign 'x' (already defined in values)",
    ),
    "typo": (
        "steps: ['q = x + y', 'f = qq * z']\nvalues: {x: 1, y: 2, z: 3}\n",
        "net.yaml:1:22: steps[2]: 'qq' is not defined (did you mean 'q'?): give it in values or compute it in an earlier step",
    ),
    "missing_value": (
        "expression: x * y\nvalues: {x: 1}\n",
        "net.yaml:1:1: expression: 'y' is not defined: give it in values",
    ),
    "not_a_step": (
        "steps: ['x + 1']\nvalues: {x: 1}\n",
        "net.yaml:1:9: steps[1]: expected a step like 'q = x + y', found 'x + 1'",
    ),
    "both": (
        "steps: ['q = x']\nexpression: x\nvalues: {x: 1}\n",
        "net.yaml:2:1: expression: give either steps or an expression, not both",
    ),
    "bad_value": (
        "expression: x\nvalues: {x: abc}\n",
        "net.yaml:2:10: values.x: expected a number, found 'abc'",
    ),
    "output": (
        "steps: ['q = x']\nvalues: {x: 1}\noutput: z\n",
        "net.yaml:3:1: output: the output 'z' is not one of the steps (q)",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_with_a_clear_message(case: str, tmp_path: Path) -> None:
    text, expected = REFUSED[case]
    spec = tmp_path / "net.yaml"
    spec.write_text(text)
    code, out, err = invoke("run", str(spec))
    assert (code, out) == (2, "")
    assert err == f"{tmp_path}/{expected}\n"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("log(x - 2)", "node 'f = log(t1)': log of -1: the logarithm needs a positive number"),
        ("1 / (x - 1)", "node 'f = 1 / t1': division by 0 (1 / 0)"),
        ("sqrt(-x)", "node 'f = sqrt(t1)': sqrt of -1: the square root needs a number ≥ 0"),
        ("exp(x * 1000)", "node 'f = exp(t1)': exp overflows float64"),
    ],
)
def test_domain_errors(expression: str, message: str, tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(f"expression: {expression}\nvalues: {{x: 1}}\n")
    code, out, err = invoke("run", str(spec))
    assert (code, out) == (2, "")
    assert err.startswith(f"{spec}: ") and "Traceback" not in err
    assert message in err


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_dot_title_with_a_backslash_is_valid_dot(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text('title: "ends with \\\\"\nsteps: [f = x * y]\nvalues: {x: 1, y: 2}\n')
    code, out, err = invoke("run", str(spec), "--format", "dot")
    assert (code, err) == (0, "")
    assert 'label="ends with \\\\"; labelloc=t;' in out
    result = subprocess.run(["dot", "-Tsvg"], input=out, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

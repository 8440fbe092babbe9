"""Where a finite difference cannot judge a gradient at all, check says so (`unreliable`) rather
than failing a correct gradient; where the backward pass itself leaves float64, run and check
say that plainly instead of writing invalid JSON."""

from __future__ import annotations

import json
import math
from pathlib import Path

from tests.helpers import invoke


def check_json(tmp_path: Path, text: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    code, out, err = invoke("check", str(spec), "-f", "json")
    assert code in (0, 1), err
    return code, json.loads(out)


def test_a_step_below_the_precision_of_a_huge_weight_is_not_judged(tmp_path: Path) -> None:
    # W = 1e19: W ± 1e-6 is W again in float64, so the difference is 0 whatever the gradient.
    _, doc = check_json(
        tmp_path,
        "input: [0.5]\ntarget: [0.2]\nlayers:\n  - weights: [[1.0e+19]]\n    bias: [0.0]\n"
        "    activation: sin\nloss: half_squared_error\n",
    )
    (weight,) = [e for e in doc["entries"] if e["parameter"] == "W1"]
    z = 1e19 * 0.5
    expected = (math.sin(z) - 0.2) * math.cos(z) * 0.5  # ∂J/∂W = (a − y)·cos(z)·x
    assert weight["claimed"] == expected or abs(weight["claimed"] - expected) < 1e-9 * abs(expected)
    assert weight["status"] == "unreliable" and weight["reason"] == "step_below_precision"
    # (b's own step is representable, but z = 5e18 + b absorbs it: a limit of this check, which
    # looks at θ's precision, not at every quantity downstream)


def test_a_function_that_turns_within_one_step_is_not_judged(tmp_path: Path) -> None:
    # sin(w·x) with w = 1e19 turns thousands of times between x − ε and x + ε: the numeric
    # derivative is noise at every step float64 can take, and the analytic one is w·cos(w·x).
    code, doc = check_json(tmp_path, "expression: sin(w * x)\nvalues: {w: 1.0e+19, x: 2.3}\n")
    (x,) = [e for e in doc["entries"] if e["parameter"] == "x"]
    assert x["claimed"] == 1e19 * math.cos(1e19 * 2.3)
    assert x["status"] == "unreliable" and code == 0


def test_a_wrong_gradient_of_a_smooth_function_still_fails(tmp_path: Path) -> None:
    # The same rules never excuse a gradient a finite difference can judge: every gradient of
    # a smooth graph, shifted by 1 %, fails.
    import dataclasses

    import backcalc
    from backcalc.core.gradcheck import CheckSettings, check_graph

    trace = backcalc.load("sigmoid-neuron").run()
    for name in trace.graph.values:
        wrong = dict(trace.gradients)
        wrong[name] += 0.01 * (1 + abs(wrong[name]))
        result = check_graph(dataclasses.replace(trace, gradients=wrong), CheckSettings())
        assert any(e.parameter == name and e.status == "fail" for e in result.entries), name


def test_an_infinite_gradient_of_a_graph_is_reported_not_written(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    # the forward pass stays finite (|sin| ≤ 1), but ∂f/∂w = 10·cos(w·x)·x overflows
    spec.write_text(
        "expression: 10 * sin(w * x)\nvalues: {w: 0.1, x: -1.0e+308}\n", encoding="utf-8"
    )
    for command in (["run", "-f", "json"], ["run"], ["check", "-f", "json"]):
        code, out, err = invoke(command[0], str(spec), *command[1:])
        assert (code, out) == (2, ""), (command, err)
        assert "is infinite" in err and "float64" in err and err.count("\n") == 1

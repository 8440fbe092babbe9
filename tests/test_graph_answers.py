"""Answers to computational graphs (issue 12, §2-§4): node values and gradients claimed by name
(`values: {q: 3}`, `gradients: {x: -4}`), judged with error carried forward, the graph slips
(`forgot_upstream`, `fork_not_summed`, `decimal_shift`) named, and `--hand-rounding` for graphs.

Every number asserted comes from an independent reference written here: each graph's nodes as
Python functions (by hand, from the spec), local derivatives by central differences, the
backward pass summed over the nodes that use a name. The published values of the examples
(cs231n, Andrew Ng's course) check the reference itself.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import backcalc
from backcalc.core.grading.slips import SLIPS, applicable
from backcalc.core.graph import Graph
from tests.helpers import invoke

Env = dict[str, float]
Fn = Callable[[Env], float]


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


@dataclass(frozen=True)
class Reference:
    """A graph written by hand: its values, and its nodes in order (name, names used, formula)."""

    values: dict[str, float]
    nodes: tuple[tuple[str, tuple[str, ...], Fn], ...]
    spec: str | None = None  # YAML of a hand-made graph (None: the example of that name)

    @property
    def output(self) -> str:
        return self.nodes[-1][0]

    def users(self, name: str) -> list[tuple[str, Fn]]:
        return [(node, fn) for node, uses, fn in self.nodes if name in uses]


def by_hand(value: float, decimals: int) -> float:
    """Half away from zero on the decimal value, as a person rounds."""
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


def local(fn: Fn, env: Env, name: str, h: float = 1e-3) -> float:
    """∂fn/∂name by central differences at h and h/2, Richardson-extrapolated (error ~1e-11)."""

    def central(step: float) -> float:
        up, down = dict(env), dict(env)
        up[name] += step
        down[name] -= step
        return (fn(up) - fn(down)) / (2 * step)

    return (4 * central(h / 2) - central(h)) / 3


@dataclass
class Solution:
    values: Env
    gradients: Env
    env: Env = field(default_factory=dict)

    def step(self, kind: str, name: str) -> float:
        return (self.values if kind == "value" else self.gradients)[name]


def solve(
    ref: Reference,
    decimals: int | None = None,
    hand: bool = False,
    override: dict[tuple[str, str], float] | None = None,
) -> Solution:
    """Forward and backward by the chain rule; each step rounded to `decimals` where given
    (and, `hand`, every local derivative and product too, as `--hand-rounding` writes them);
    `override` puts a (slipped) value in place of a step's, the later steps computed from it."""
    override = override or {}

    def rounded(value: float) -> float:
        return value if decimals is None else by_hand(value, decimals)

    def inner(value: float) -> float:
        return rounded(value) if hand else value

    env = dict(ref.values)
    values = {}
    for name, _, fn in ref.nodes:
        env[name] = values[name] = override.get(("value", name), rounded(fn(env)))
    sums = dict.fromkeys(env, 0.0)
    sums[ref.output] = 1.0
    gradients = {}
    for name, uses, fn in reversed(ref.nodes):
        upstream = gradients[name] = override.get(("gradient", name), rounded(sums[name]))
        for used in uses:
            sums[used] += inner(upstream * inner(local(fn, env, used)))
    for name in ref.values:
        gradients[name] = override.get(("gradient", name), rounded(sums[name]))
    return Solution(values, gradients, env)


def forgot_upstream(ref: Reference, name: str) -> float:
    """∂out/∂name with the upstream gradients left out: the local derivatives alone."""
    env = solve(ref).env
    return sum(local(fn, env, name) for _, fn in ref.users(name))


def one_path(ref: Reference, name: str) -> list[float]:
    """∂out/∂name through each node that uses it alone."""
    solution = solve(ref)
    return [
        solution.gradients[node] * local(fn, solution.env, name) for node, fn in ref.users(name)
    ]


EXAMPLES = {
    "cs231n-circuit": Reference(
        {"x": -2, "y": 5, "z": -4},
        (
            ("q", ("x", "y"), lambda e: e["x"] + e["y"]),
            ("f", ("q", "z"), lambda e: e["q"] * e["z"]),
        ),
    ),
    "autodiff-fork": Reference(
        {"x": 2, "y": 3},
        (
            ("e", ("x", "y"), lambda e: e["x"] * e["y"]),
            ("f", ("x",), lambda e: 3 * e["x"]),
            ("g", ("x",), lambda e: e["x"] ** 2),
            ("h", ("x",), lambda e: math.sin(e["x"])),
            ("s", ("e", "f", "g", "h"), lambda e: e["e"] + e["f"] + e["g"] + e["h"]),
        ),
    ),
    "ng-computation-graph": Reference(
        {"a": 5, "b": 3, "c": 2},
        (
            ("u", ("b", "c"), lambda e: e["b"] * e["c"]),
            ("v", ("a", "u"), lambda e: e["a"] + e["u"]),
            ("J", ("v",), lambda e: 3 * e["v"]),
        ),
    ),
    "cs231n-max-gate": Reference(  # one expression: a gate per operation, t1, t2, t3 and f
        {"x": 3, "y": -4, "z": 2, "w": -1},
        (
            ("t1", ("x", "y"), lambda e: e["x"] * e["y"]),
            ("t2", ("z", "w"), lambda e: max(e["z"], e["w"])),
            ("t3", ("t1", "t2"), lambda e: e["t1"] + e["t2"]),
            ("f", ("t3",), lambda e: 2 * e["t3"]),
        ),
    ),
    "toy-function-steps": Reference(
        {
            "beta0": 1.0,
            "omega0": 0.1,
            "beta1": 2.0,
            "omega1": -0.4,
            "beta2": -3.0,
            "omega2": 2.0,
            "beta3": 0.4,
            "omega3": 3.0,
            "x": 2.3,
            "y": 2.0,
        },
        (
            ("f0", ("beta0", "omega0", "x"), lambda e: e["beta0"] + e["omega0"] * e["x"]),
            ("h1", ("f0",), lambda e: math.sin(e["f0"])),
            ("f1", ("beta1", "omega1", "h1"), lambda e: e["beta1"] + e["omega1"] * e["h1"]),
            ("h2", ("f1",), lambda e: math.exp(e["f1"])),
            ("f2", ("beta2", "omega2", "h2"), lambda e: e["beta2"] + e["omega2"] * e["h2"]),
            ("h3", ("f2",), lambda e: math.cos(e["f2"])),
            ("f3", ("beta3", "omega3", "h3"), lambda e: e["beta3"] + e["omega3"] * e["h3"]),
            ("l", ("f3", "y"), lambda e: (e["f3"] - e["y"]) ** 2),
        ),
    ),
}

HAND_MADE = {
    "fork-products": Reference(  # x feeds a product and a sum, both multiplied on
        {"x": 1.5, "y": -2, "z": 0.5},
        (
            ("a", ("x", "y"), lambda e: e["x"] * e["y"]),
            ("b", ("x", "z"), lambda e: e["x"] + e["z"]),
            ("c", ("a", "b"), lambda e: e["a"] * e["b"]),
            ("out", ("c",), lambda e: 2 * e["c"]),
        ),
        "steps:\n  - a = x * y\n  - b = x + z\n  - c = a * b\n  - out = 2 * c\n"
        "values: {x: 1.5, y: -2, z: 0.5}\n",
    ),
    "diamond": Reference(
        {"x": 0.7, "w": 2.5},
        (
            ("p", ("x",), lambda e: math.sin(e["x"])),
            ("r", ("x",), lambda e: e["x"] * e["x"]),
            ("q", ("p", "r"), lambda e: math.exp(e["p"]) * e["r"]),
            ("out", ("q", "w"), lambda e: e["q"] / e["w"]),
        ),
        "steps:\n  - p = sin(x)\n  - r = x * x\n  - q = exp(p) * r\n  - out = q / w\n"
        "values: {x: 0.7, w: 2.5}\n",
    ),
    "gates-two-forks": Reference(  # (x·y + x) / (y − 3): x and y each feed two gates
        {"x": 2, "y": 5},
        (
            ("t1", ("x", "y"), lambda e: e["x"] * e["y"]),
            ("t2", ("t1", "x"), lambda e: e["t1"] + e["x"]),
            ("t3", ("y",), lambda e: e["y"] - 3),
            ("f", ("t2", "t3"), lambda e: e["t2"] / e["t3"]),
        ),
        "expression: (x * y + x) / (y - 3)\nvalues: {x: 2, y: 5}\n",
    ),
    "sigmoid-neuron": Reference(
        {"w": 0.8, "x": 1.5, "b": -0.3, "t": 1},
        (
            ("z", ("w", "x", "b"), lambda e: e["w"] * e["x"] + e["b"]),
            ("a", ("z",), lambda e: sigmoid(e["z"])),
            ("l", ("a", "t"), lambda e: (e["a"] - e["t"]) ** 2),
        ),
        "steps:\n  - z = w * x + b\n  - a = sigmoid(z)\n  - l = (a - t) ** 2\n"
        "values: {w: 0.8, x: 1.5, b: -0.3, t: 1}\n",
    ),
}

GRAPHS = {**EXAMPLES, **HAND_MADE}


@pytest.fixture
def spec_of(tmp_path: Path) -> Callable[[str], str]:
    """The spec to run for a graph: an example's name, or a hand-made graph's file."""

    def spec(name: str) -> str:
        ref = GRAPHS[name]
        if ref.spec is None:
            return name
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"title: {name}\n{ref.spec}", encoding="utf-8")
        return str(path)

    return spec


def written(value: float, decimals: int) -> str:
    return f"{by_hand(value, decimals):.{decimals}f}"


def answers_file(
    tmp_path: Path,
    claims: dict[tuple[str, str], float],
    decimals: int = 6,
    name: str = "mine.yaml",
) -> Path:
    lines: dict[str, list[str]] = {"values": [], "gradients": []}
    for (kind, node), value in claims.items():
        lines["values" if kind == "value" else "gradients"].append(
            f"  {node}: {written(value, decimals)}"
        )
    text = "".join(f"{k}:\n" + "\n".join(v) + "\n" for k, v in lines.items() if v)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def every_step(ref: Reference, solution: Solution) -> dict[tuple[str, str], float]:
    claims = {("value", name): solution.values[name] for name, _, _ in ref.nodes}
    names = [name for name, _, _ in reversed(ref.nodes)] + list(ref.values)
    return claims | {("gradient", name): solution.gradients[name] for name in names}


def graded(spec: str, path: Path, *options: str) -> tuple[int, dict[str, Any]]:
    code, out, err = invoke("check", spec, "--answers", str(path), "-f", "json", *options)
    assert err == "", err
    return code, json.loads(out)


def statuses(doc: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(s["quantity"], s["node"]): s["status"] for s in doc["steps"]}


# -- the reference itself ----------------------------------------------------------------------


def test_the_reference_gives_the_published_values_and_the_specs_values() -> None:
    circuit = solve(EXAMPLES["cs231n-circuit"])
    assert circuit.values == {"q": 3, "f": -12}
    assert [circuit.gradients[n] for n in "xyz"] == pytest.approx([-4, -4, 3], abs=1e-9)
    gates = solve(EXAMPLES["cs231n-max-gate"])
    assert gates.values["f"] == -20
    assert [gates.gradients[n] for n in "xyzw"] == pytest.approx([-8, 6, 2, 0], abs=1e-9)
    ng = solve(EXAMPLES["ng-computation-graph"])
    assert ng.values["J"] == 33
    assert [ng.gradients[n] for n in "abc"] == pytest.approx([3, 6, 9], abs=1e-9)
    assert solve(EXAMPLES["toy-function-steps"]).values["l"] == pytest.approx(0.139, abs=5e-4)
    for name, ref in EXAMPLES.items():  # the values and the nodes of the shipped specs
        graph = backcalc.load(name)
        assert isinstance(graph, Graph)
        assert graph.values == ref.values
        assert [node.name for node in graph.nodes] == [name for name, _, _ in ref.nodes]


# -- correct answers, and a slipped value carried forward --------------------------------------


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_correct_answers_pass_with_the_finite_difference_beside_each_input(
    tmp_path: Path, name: str, spec_of: Callable[[str], str]
) -> None:
    ref = GRAPHS[name]
    claims = every_step(ref, solve(ref, decimals=6))
    code, doc = graded(spec_of(name), answers_file(tmp_path, claims))
    assert code == 0 and doc["passed"], [e for e in doc["entries"] if e["status"] != "correct"]
    assert {(e["quantity"], e["node"]) for e in doc["entries"]} == set(claims)
    exact = solve(ref)
    for entry in doc["entries"]:
        assert entry["correct"] == pytest.approx(exact.step(entry["quantity"], entry["node"]))
        if entry["quantity"] == "gradient" and entry["node"] in ref.values:
            assert entry["parameter"] == entry["node"]
            assert entry["numeric"] == pytest.approx(exact.gradients[entry["node"]], abs=1e-6)
        else:
            assert entry["parameter"] is None and entry["numeric"] is None


def test_a_wrong_value_is_the_first_wrong_step_and_what_follows_is_carried_forward(
    tmp_path: Path,
) -> None:
    # q = x + y written 4 (it is 3): f = q·z = −16 and ∂f/∂z = q = 4 follow from it
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "values: {q: 4, f: -16}\ngradients: {q: -4, x: -4, z: 4}\nstudent: Ana\nvariant: B\n",
        encoding="utf-8",
    )
    code, doc = graded("cs231n-circuit", mine)
    assert code == 1 and not doc["passed"]
    assert statuses(doc) == {
        ("value", "q"): "wrong",
        ("value", "f"): "carried_forward",
        ("gradient", "q"): "correct",
        ("gradient", "x"): "correct",
        ("gradient", "z"): "carried_forward",
    }
    first = doc["first_wrong"]
    assert (first["quantity"], first["node"], first["correct"]) == ("value", "q", 3.0)
    assert first["worked"] == "q = x + y = (-2) + 5 = 3"
    assert [(c["quantity"], c["node"]) for c in first["consequences"]] == [
        ("value", "f"),
        ("gradient", "z"),
    ]
    assert doc["score"] == {"earned": 4.0, "possible": 5.0}
    code, strict = graded("cs231n-circuit", mine, "--no-carry-forward")
    assert statuses(strict)[("value", "f")] == "wrong"


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_a_slipped_node_value_carries_forward_through_every_later_step(
    tmp_path: Path, name: str, spec_of: Callable[[str], str]
) -> None:
    ref = GRAPHS[name]
    planted = ("value", ref.nodes[0][0])  # the first node, 0.75 off
    correct = solve(ref, decimals=6)
    slipped = solve(ref, decimals=6, override={planted: correct.values[planted[1]] + 0.75})
    code, doc = graded(spec_of(name), answers_file(tmp_path, every_step(ref, slipped)))
    found = statuses(doc)
    assert code == 1 and found.pop(planted) == "wrong"
    assert (doc["first_wrong"]["quantity"], doc["first_wrong"]["node"]) == planted
    for step, status in found.items():
        moved = abs(slipped.step(*step) - correct.step(*step))
        expected = "carried_forward" if moved > 2e-6 else "correct"
        assert status == expected, (step, moved)
    assert any(status == "carried_forward" for status in found.values())


# -- the slips of a graph ----------------------------------------------------------------------


def planted_slips() -> list[tuple[str, str, str, float]]:
    """(graph, name, code, the value the slip gives) wherever the slip changes the value."""
    found = []
    for graph, ref in GRAPHS.items():
        exact = solve(ref)
        for name in [*(n for n, _, _ in ref.nodes[:-1]), *ref.values]:
            right = exact.gradients[name]
            values = [("forgot_upstream", forgot_upstream(ref, name))]
            if len(ref.users(name)) > 1:
                values += [("fork_not_summed", v) for v in one_path(ref, name)]
            for code, value in values:
                if abs(value - right) > 1e-3:
                    found.append((graph, name, code, value))
    return found


PLANTED = planted_slips()


def test_the_slips_are_planted_on_the_examples_and_on_the_hand_made_graphs() -> None:
    codes = {(graph in EXAMPLES, code) for graph, _, code, _ in PLANTED}
    assert codes == {(shipped, code) for shipped in (True, False) for code in SLIP_CODES}
    assert len(PLANTED) >= 40


SLIP_CODES = ("forgot_upstream", "fork_not_summed")


@pytest.mark.parametrize(("name", "node", "code", "value"), PLANTED)
def test_a_planted_graph_slip_is_named(
    tmp_path: Path, name: str, node: str, code: str, value: float, spec_of: Callable[[str], str]
) -> None:
    _, doc = graded(spec_of(name), answers_file(tmp_path, {("gradient", node): value}))
    (entry,) = doc["entries"]
    assert entry["status"] == "wrong"
    diagnosis = entry["diagnosis"]
    assert diagnosis is not None
    assert code == diagnosis["code"] or code in diagnosis["alternatives"], diagnosis


@pytest.mark.parametrize("name", ["ng-computation-graph", "toy-function-steps", "fork-products"])
def test_a_slip_in_a_full_key_is_diagnosed_and_the_later_gradients_carried_forward(
    tmp_path: Path, name: str, spec_of: Callable[[str], str]
) -> None:
    ref = GRAPHS[name]
    _, node, code, value = next(p for p in PLANTED if p[0] == name)
    planted = ("gradient", node)
    correct = solve(ref, decimals=6)
    slipped = solve(ref, decimals=6, override={planted: value})
    code_, doc = graded(spec_of(name), answers_file(tmp_path, every_step(ref, slipped)))
    assert code_ == 1
    first = doc["first_wrong"]
    assert (first["quantity"], first["node"]) == planted
    assert code in (first["diagnosis"]["code"], *first["diagnosis"]["alternatives"])
    found = statuses(doc)
    assert found.pop(planted) == "wrong"
    carried = {step for step in found if abs(slipped.step(*step) - correct.step(*step)) > 2e-6}
    assert carried, "the slip reaches a later step"
    assert {step for step, status in found.items() if status == "carried_forward"} == carried
    assert all(found[step] == "correct" for step in found if step not in carried)


def test_the_first_wrong_gradient_is_worked_out_upstream_times_local(tmp_path: Path) -> None:
    mine = answers_file(tmp_path, {("gradient", "x"): 1.0}, decimals=0)  # forgot the −4
    code, out, _ = invoke("check", "cs231n-circuit", "--answers", str(mine), columns=80)
    assert code == 1
    assert "∂f/∂x = ∂f/∂q · ∂q/∂x = (-4) · 1 = -4" in out  # a negative factor in parentheses
    assert "The local derivative alone: the upstream gradient is not" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    code, out, _ = invoke("check", "cs231n-circuit", "--answers", str(mine), "--lang", "es")
    assert "Solo la derivada local" in out and "(-4) · 1 = -4" in out


def test_a_decimal_shift_is_named_on_a_value_and_on_a_gradient(tmp_path: Path) -> None:
    circuit = solve(EXAMPLES["cs231n-circuit"])
    claims = {("value", "q"): 10 * circuit.values["q"], ("gradient", "q"): 10 * -4.0}
    _, doc = graded("cs231n-circuit", answers_file(tmp_path, claims, decimals=1))
    by_step = {(e["quantity"], e["node"]): e for e in doc["entries"]}
    assert by_step[("value", "q")]["diagnosis"]["code"] == "decimal_shift"
    # ∂f/∂q = z takes no node's value: 10·(−4) is the correct −4 shifted
    assert by_step[("gradient", "q")]["diagnosis"]["code"] == "decimal_shift"


def test_graph_slips_are_registered_with_the_networks_and_only_apply_to_graphs() -> None:
    assert {"forgot_upstream", "fork_not_summed", "decimal_shift"} <= set(SLIPS)
    for step in [("delta", 1), ("dJ_da", 1), ("dJ_dW", 2), ("z", 1)]:
        codes = {slip.code for slip in applicable(step)}
        assert not codes & set(SLIP_CODES), step
    graph_codes = {slip.code for slip in applicable(("gradient", "x"), "graph")}  # type: ignore[arg-type]
    assert graph_codes == {"forgot_upstream", "fork_not_summed", "decimal_shift"}
    values = {slip.code for slip in applicable(("value", "q"), "graph")}  # type: ignore[arg-type]
    assert values == {"decimal_shift"}


# -- hand rounding -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_a_key_made_with_hand_rounding_3_passes_and_is_the_rounded_hand_computation(
    tmp_path: Path, name: str, spec_of: Callable[[str], str]
) -> None:
    spec = spec_of(name)
    code, out, err = invoke("run", spec, "--hand-rounding", "3", "-f", "json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    ref = GRAPHS[name]
    hand = solve(ref, decimals=3, hand=True)
    for node in doc["nodes"]:
        assert node["value"] == pytest.approx(hand.values[node["name"]], abs=1e-9)
        assert node["gradient"] == pytest.approx(hand.gradients[node["name"]], abs=1e-9)
    for input_name in ref.values:
        assert doc["gradients"][input_name] == pytest.approx(hand.gradients[input_name], abs=1e-9)
    key = every_step(ref, Solution({n["name"]: n["value"] for n in doc["nodes"]}, doc["gradients"]))
    code, graded_doc = graded(spec, answers_file(tmp_path, key, decimals=3, name="key.yaml"))
    assert code == 0 and graded_doc["passed"]
    assert {e["status"] for e in graded_doc["entries"]} == {"correct"}


@pytest.mark.parametrize(
    ("fmt", "shown"),
    [("table", "9.5800"), ("markdown", "9.5800"), ("latex", "9.5800"), ("json", None)],
)
def test_every_format_shows_the_graph_computed_by_hand(fmt: str, shown: str | None) -> None:
    # ∂s/∂x = y + 3 + 2x + cos x = 3 + 3 + 4 − 0.42 by hand at 2 decimals (9.5839 exactly)
    by_hand_x = 3 + 3 + 4 + by_hand(math.cos(2), 2)
    args = ("run", "autodiff-fork", "--hand-rounding", "2", "--decimals", "4", "-f", fmt)
    code, out, err = invoke(*args, columns=80)
    assert (code, err) == (0, "")
    if shown is None:
        doc = json.loads(out)
        assert doc["gradients"]["x"] == pytest.approx(by_hand_x, abs=1e-12)
        assert doc["nodes"][3]["value"] == by_hand(math.sin(2), 2)
        return
    assert f"{by_hand_x:.4f}" == shown and shown in out and "9.5839" not in out
    assert ("computed by hand" in out) if fmt == "table" else ("Computed by hand" in out)
    if fmt == "table":
        assert max(len(line) for line in out.splitlines()) <= 80


def test_a_log_that_only_the_rounding_takes_to_zero_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text("steps:\n  - p = 2 * x\n  - q = log(p)\nvalues: {x: 0.0002}\n", "utf-8")
    code, out, err = invoke("run", str(path), "--hand-rounding", "3")
    assert (code, out) == (2, "")
    assert err.startswith(f"{path}: computed by hand at 3 decimals, node 'q = log(p)': log of 0")
    assert err.count("\n") == 1
    code, _, err = invoke("run", str(path), "--hand-rounding", "3", "--lang", "es")
    assert code == 2 and "calculado a mano con 3 decimales" in err
    # grading at 3 decimals still works: there is just no hand computation to compare with
    mine = answers_file(tmp_path, {("value", "p"): 0.0004}, decimals=4)
    code, doc = graded(str(path), mine)
    assert code == 0 and doc["passed"]


# -- what can be claimed, and the errors -------------------------------------------------------


def test_the_python_api_grades_a_graph_from_a_dict_and_numpy() -> None:
    report = backcalc.check(
        "cs231n-circuit", answers={"values": {"q": np.float64(3)}, "gradients": {"x": "-4,0"}}
    )
    assert report.passed
    entries = report.to_dict()["entries"]
    assert [(e["quantity"], e["node"], e["decimals"]) for e in entries] == [
        ("value", "q", None),
        ("gradient", "x", 1),
    ]


def test_answers_from_npz_name_values_and_gradients(tmp_path: Path) -> None:
    path = tmp_path / "grads.npz"
    np.savez(path, value_q=3.0, gradient_x=np.float32(-4), gradient_z=np.array([[3.5]]))
    code, doc = graded("cs231n-circuit", path)
    assert code == 1
    assert statuses(doc) == {
        ("value", "q"): "correct",
        ("gradient", "x"): "correct",
        ("gradient", "z"): "wrong",
    }


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"value_w": 1.0}, "value_w: no value 'w' in this graph (expected: value_q, value_f)"),
        ({"value_x": 1.0}, "value_x: no value 'x' in this graph (expected: value_q, value_f)"),
        ({"grad_x": 1.0}, "grad_x: unknown quantity; expected names such as value_q, gradient_x"),
        ({"gradient_x": [1.0, 2.0]}, "gradient_x: expected one number, found shape 2"),
        ({"gradient_x": np.nan}, "gradient_x: expected a finite number"),
    ],
)
def test_a_wrong_npz_key_is_named(tmp_path: Path, arrays: dict[str, Any], message: str) -> None:
    path = tmp_path / "grads.npz"
    np.savez(path, **{k: np.asarray(v) for k, v in arrays.items()})
    code, out, err = invoke("check", "cs231n-circuit", "--answers", str(path))
    assert (code, out, err) == (2, "", f"{path}: {message}\n")


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "values: {q: 3, w: 2}\n",
            "1:16: values.w",
            "no node 'w' in this graph (expected: q, f)",
        ),
        (
            "gradients:\n  xx: 1\n",
            "2:3: gradients.xx",
            "no node or value 'xx' in this graph; did you mean 'x'? (expected: q, f, x, y, z)",
        ),
        (
            "values: {x: 3}\n",
            "1:10: values.x",
            "'x' is given in the spec, not computed: claim the values of the nodes (q, f)",
        ),
        (
            "layers:\n  1: {z: 3}\n",
            "1:1: layers",
            "a computational graph has no layers: claim its nodes' values by name with "
            "values: {q: 3} and gradients with gradients: {x: -4}",
        ),
        (
            "loss: 3\n",
            "1:1: loss",
            "unknown key 'loss' (expected: values, gradients, student, variant)",
        ),
        (
            "values: [3]\n",
            "1:1: values",
            "expected names and numbers (values: {q: 3}), found a list",
        ),
        ("values: {q: [3]}\n", "1:10: values.q", "expected a number, found a list"),
        (
            "values: {}\nstudent: Ana\n",
            "1:1",
            "no answers given: name node values and gradients such as values: {q: 3}",
        ),
    ],
)
def test_a_wrong_graph_answer_is_a_located_error(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = invoke("check", "cs231n-circuit", "--answers", str(path))
    assert (code, out) == (2, "")
    assert err == f"{path}:{where}: {message}\n"


def test_graph_answer_errors_in_spanish(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("values: {q: 3, w: 2}\n", encoding="utf-8")
    code, _, err = invoke("check", "cs231n-circuit", "--answers", str(path), "--lang", "es")
    assert code == 2
    assert (
        err
        == f"{path}:1:16: values.w: este grafo no tiene un nodo 'w' (se esperaba uno de: q, f)\n"
    )
    path.write_text("layers: {}\n", encoding="utf-8")
    _, _, err = invoke("check", "cs231n-circuit", "--answers", str(path), "--lang", "es")
    assert "un grafo computacional no tiene capas" in err


def test_the_readme_example_of_graph_answers_passes(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = next(
        b for b in readme.split("```yaml\n")[1:] if b.startswith("# backcalc check cs231n-circuit")
    )
    path = tmp_path / "mine.yaml"
    path.write_text(block.split("```")[0], encoding="utf-8")
    code, doc = graded("cs231n-circuit", path)
    assert code == 0 and len(doc["entries"]) == 6


def test_an_exact_whole_number_is_precise_at_any_asked_decimals() -> None:
    """cs231n's circuit has whole values: q = x + y = 3, f = q·z = −12 (x, y, z = −2, 5, −4, as
    the notes give them); written as whole numbers they are right, not imprecise, under
    answer_decimals: 3, and a number that is not the value exactly still is."""
    import backcalc

    graph = backcalc.load(
        {"expression": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}, "answer_decimals": 3}
    )
    whole = backcalc.check(graph, answers={"values": {}, "gradients": {"x": "-4", "z": "3"}})
    assert whole.passed, whole.to_dict()
    close = backcalc.check(graph, answers={"gradients": {"x": "-4.0001"}})
    assert not close.passed

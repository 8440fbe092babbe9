"""Property-based: the shipped examples, mutated (keys deleted, renamed, retyped; values NaN,
±1e308, huge integers, strings, nested lists; the YAML text garbled), never make backcalc print a
traceback. Every run ends in one of three ways: exit 0 with strict JSON (no NaN or Infinity),
exit 1 from a check that failed, or exit 2 with one message naming the file."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from backcalc.cli import app
from backcalc.io import examples

SMALL = [
    e
    for e in examples.all_examples()
    if "data" not in e.path.read_text(encoding="utf-8") and "file:" not in e.path.read_text()
]
SPECS = {e.name: e.path.read_text(encoding="utf-8") for e in SMALL}
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,  # the same cases on every run: a failure in CI is a failure here too
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values a spec can be given where a number, list or name belongs.
ODD_VALUES = st.one_of(
    st.sampled_from(
        [
            math.nan,
            math.inf,
            -math.inf,
            1e308,
            -1e308,
            5e-324,
            0,
            -1,
            10**400,
            -(10**30),
            True,
            None,
            "",
            "x",
            "nan",
            "1e999",
            "sigmoid",
            "softmax",
            [],
            [[]],
            [[[1.0]]],
            {},
            {"file": "missing.npy"},
            {"name": "nope"},
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(max_size=8),
    st.lists(st.floats(-1e6, 1e6), max_size=4),
    st.lists(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=3), max_size=3),
)
# Numbers that stay in float64's range but push the computation out of it (exp, squares, logs).
EXTREMES = st.sampled_from(
    [1e308, -1e308, 1.4e154, -1e200, 1e70, 710.0, -746.0, 1e-320, 0.0, -0.0, 1e16, 2**63, -(2**64)]
)
KEYS = st.sampled_from(
    ["weights", "bias", "activation", "loss", "input", "target", "layers", "l2", "nme", "x", ""]
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the parsed spec (dict keys and list positions), outermost first."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def at(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


@st.composite
def mutated_specs(draw: st.DrawFn) -> tuple[str, str]:
    """(example name, YAML text) of one example with one to three mutations."""
    name = draw(st.sampled_from(sorted(SPECS)))
    data = yaml.safe_load(SPECS[name])
    for _ in range(draw(st.integers(1, 3))):
        places = [p for p in paths(data) if p]
        if not places:
            break
        numbers = [p for p in places if type(at(data, p)) in (int, float)]
        if numbers and draw(st.booleans()):  # half the time a number made extreme: numerics
            path = draw(st.sampled_from(numbers))
            at(data, path[:-1])[path[-1]] = draw(EXTREMES)
            continue
        path = draw(st.sampled_from(places))
        parent, last = at(data, path[:-1]), path[-1]
        operation = draw(st.sampled_from(["delete", "rename", "replace", "wrap", "retype"]))
        if operation == "delete":
            del parent[last]
        elif operation == "rename" and isinstance(parent, dict):
            parent[draw(KEYS)] = parent.pop(last)
        elif operation == "wrap":
            parent[last] = [parent[last]]
        elif operation == "retype":
            parent[last] = str(parent[last]) if not isinstance(parent[last], str) else 1.5
        else:
            parent[last] = draw(ODD_VALUES)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return name, text


@st.composite
def garbled_yaml(draw: st.DrawFn) -> tuple[str, str]:
    """(example name, its text with a few characters inserted, deleted or swapped)."""
    name = draw(st.sampled_from(sorted(SPECS)))
    text = SPECS[name]
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        piece = draw(
            st.sampled_from(
                [
                    ":",
                    "[",
                    "]",
                    "{",
                    "}",
                    "- ",
                    "\t",
                    "&a ",
                    "*a",
                    "!!float ",
                    "!!binary ",
                    "<<: ",
                    "\x00",
                    "\x07",
                    "'",
                    '"',
                    "#",
                    "\n  ",
                    "9" * 400,
                    "1e400",
                    ".nan",
                    "\ufeff",
                ]
            )
        )
        if draw(st.booleans()):
            text = text[:position] + piece + text[position:]
        else:
            text = text[:position] + text[position + len(piece) :]
    return name, text


_runner = CliRunner()


def strict_json(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise AssertionError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def outcome(tmp: Path, text: str, *command: str) -> None:
    """Run `backcalc COMMAND spec.yaml ...` on `text` and check it ended in one of the three
    allowed ways."""
    spec = tmp / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    verb, *options = command
    result = _runner.invoke(app, [verb, str(spec), *options], prog_name="backcalc")
    assert not (result.exception and not isinstance(result.exception, SystemExit)), (
        f"{command} raised {result.exception!r} on:\n{text}"
    )
    assert "Traceback" not in result.stdout + result.stderr, text
    if result.exit_code == 0:
        strict_json(result.stdout)
    elif result.exit_code == 1:
        assert verb == "check" and not strict_json(result.stdout)["passed"], text
    else:
        assert result.exit_code == 2, (result.exit_code, result.stderr, text)
        assert result.stdout == "", text
        message = result.stderr
        assert message.count("\n") == 1 and message.startswith(str(spec)), (message, text)


@pytest.mark.parametrize("command", [("run", "-f", "json"), ("check", "-f", "json")])
@SETTINGS
@given(case=mutated_specs())
def test_mutated_examples_never_crash(
    tmp_path: Path, command: tuple[str, ...], case: tuple[str, str]
) -> None:
    outcome(tmp_path, case[1], *command)


@SETTINGS
@given(case=garbled_yaml())
def test_garbled_yaml_never_crashes(tmp_path: Path, case: tuple[str, str]) -> None:
    outcome(tmp_path, case[1], "run", "-f", "json")


def test_the_mutations_reach_every_outcome(tmp_path: Path) -> None:
    """The property above is not vacuous: the unmutated examples all run (exit 0), and a
    mutation that breaks a spec gets exit 2."""
    for text in SPECS.values():
        outcome(tmp_path, text, "run", "-f", "json")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPECS["reference-2-3-1"].replace("weights", "wieghts", 1), encoding="utf-8")
    result = _runner.invoke(app, ["run", str(spec)], prog_name="backcalc")
    assert result.exit_code == 2 and str(spec) in result.stderr

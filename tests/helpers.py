"""Helpers shared by the tests: the command line through typer's CliRunner or in a new Python
process, golden files
(regenerated only on purpose, with BACKCALC_REGENERATE_GOLDEN=1), and central finite differences
written independently of the engine's backward pass (they only call the forward-only
`objective`)."""

from __future__ import annotations

import copy
import json
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from typer.testing import CliRunner

from backcalc.cli import app
from backcalc.core.network import Exercise, objective

EPS = 1e-6
GOLDEN = Path(__file__).parent / "golden"
REGENERATE = "BACKCALC_REGENERATE_GOLDEN"

_runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def child_environment(**extra: str) -> dict[str, str]:
    """The environment of a child process: ours without forced colour or a default language,
    80 plain columns, the repository's src first on the path; `extra` on top."""
    unset = ("FORCE_COLOR", "GITHUB_ACTIONS", "PY_COLORS", "BACKCALC_LANG")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env |= {"COLUMNS": "80", "TTY_COMPATIBLE": "0"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env | extra


def python(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    """`python ARGS...` in a new interpreter (the one running the tests), output captured."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=child_environment(**env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


def invoke(
    *args: str,
    env: dict[str, str] | None = None,
    columns: int | None = None,
    stdin: str | None = None,
) -> tuple[int, str, str]:
    """`backcalc ARGS...` in process: (exit code, stdout, stderr). `env` adds environment
    variables for the call; `columns` sets the terminal width (COLUMNS) instead of conftest's
    100; `stdin` is what the command reads from its standard input."""
    env = dict(env or {})
    if columns is not None:
        env["COLUMNS"] = str(columns)
    result = _runner.invoke(app, list(args), prog_name="backcalc", env=env or None, input=stdin)
    return result.exit_code, result.stdout, result.stderr


def regenerating() -> bool:
    return bool(os.environ.get(REGENERATE))


def _golden_name(path: Path) -> str:
    return str(path.relative_to(GOLDEN.parent.parent)) if path.is_relative_to(GOLDEN) else str(path)


def assert_text_golden(path: Path, text: str) -> None:
    """`text` is byte for byte the golden file at `path` (UTF-8); with BACKCALC_REGENERATE_GOLDEN
    set, the file is written first."""
    if regenerating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    name = _golden_name(path)
    assert path.is_file(), f"{name} is missing (generate it with {REGENERATE}=1)"
    golden = path.read_bytes().decode("utf-8")
    assert text == golden, f"{name} differs (regenerate on purpose with {REGENERATE}=1)"


FINITE_DIFFERENCES = {"numeric", "abs_error", "rel_error", "max_rel_error"}
FINITE_DIFFERENCE_TOLERANCE = 1e-8  # absolute: these are quotients of differences


def json_mismatch(
    expected: Any, actual: Any, path: str = "$", rel_tol: float = 1e-12, abs_tol: float = 1e-300
) -> str | None:
    """Where two JSON values first differ, as a path like `$.layers[0].dJ_dW[1][0]` with both
    values, or None when they agree: the structure, the keys and their order, strings,
    booleans, nulls and integers exactly; floats within `rel_tol` (relative)."""
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        same = type(actual) is type(expected) and actual == expected
        return None if same else f"{path}: expected {expected!r}, found {actual!r}"
    if isinstance(expected, int):
        same = type(actual) is int and actual == expected
        return None if same else f"{path}: expected the integer {expected!r}, found {actual!r}"
    if isinstance(expected, float):
        if type(actual) is not float:
            return f"{path}: expected the float {expected!r}, found {actual!r}"
        both_nan = math.isnan(expected) and math.isnan(actual)
        if both_nan or math.isclose(actual, expected, rel_tol=rel_tol, abs_tol=abs_tol):
            return None
        return f"{path}: expected {expected!r}, found {actual!r} (beyond rel_tol {rel_tol:g})"
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{path}: expected a list, found {actual!r}"
        if len(actual) != len(expected):
            return f"{path}: expected {len(expected)} items, found {len(actual)}"
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            found = json_mismatch(e, a, f"{path}[{index}]", rel_tol, abs_tol)
            if found:
                return found
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, found {actual!r}"
        if list(actual) != list(expected):
            return f"{path}: expected the keys {list(expected)}, found {list(actual)}"
        for key, e in expected.items():
            # a central difference turns one ulp of J into 1e-10 of its quotient, and an error
            # between two close numbers into a large relative change: compared to 1e-8 of scale
            loose = key in FINITE_DIFFERENCES
            tol = FINITE_DIFFERENCE_TOLERANCE if loose else abs_tol
            found = json_mismatch(e, actual[key], f"{path}.{key}", rel_tol, tol)
            if found:
                return found
        return None
    raise TypeError(f"{path}: not a JSON value: {expected!r}")


def assert_json_golden(path: Path, text: str) -> None:
    """The JSON document `text` agrees with the golden file at `path` (see `json_mismatch`);
    with BACKCALC_REGENERATE_GOLDEN set, the file is written first (as the command wrote it)."""
    if regenerating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    name = _golden_name(path)
    assert path.is_file(), f"{name} is missing (generate it with {REGENERATE}=1)"
    expected = json.loads(path.read_bytes().decode("utf-8"))
    mismatch = json_mismatch(expected, json.loads(text))
    assert mismatch is None, f"{name} differs at {mismatch}"


def _entries(array: np.ndarray) -> Iterator[tuple[int, ...]]:
    yield from np.ndindex(array.shape)


def numeric_gradient(exercise: Exercise, array: np.ndarray) -> np.ndarray:
    """∂J/∂(array) by central differences; `array` must belong to `exercise` (it is perturbed
    in place and restored)."""
    grad = np.zeros(array.shape)
    net = exercise.network
    for index in _entries(array):
        old = float(array[index])
        array[index] = old + EPS
        plus = objective(net, exercise.x, exercise.target)
        array[index] = old - EPS
        minus = objective(net, exercise.x, exercise.target)
        array[index] = old
        grad[index] = (plus - minus) / (2 * EPS)
    return grad


def numeric_gradients(exercise: Exercise) -> dict[str, np.ndarray | None]:
    """Finite-difference ∂J/∂W⁽ˡ⁾, ∂J/∂b⁽ˡ⁾ (keys W1, b1, ...) and ∂J/∂x, on a private copy."""
    ex = copy.deepcopy(exercise)
    result: dict[str, np.ndarray | None] = {}
    for number, layer in enumerate(ex.network.layers, start=1):
        result[f"W{number}"] = numeric_gradient(ex, layer.weights)
        result[f"b{number}"] = None if layer.bias is None else numeric_gradient(ex, layer.bias)
    result["x"] = numeric_gradient(ex, ex.x)
    return result


def compile_latex(folder: Path, name: str) -> tuple[int, list[str]]:
    """pdflatex on `folder/name` (only amsmath and texlive-latex-base): its exit code and the
    error lines it printed (those starting with "!")."""
    result = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", name],
        cwd=folder,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        check=False,
    )
    return result.returncode, [line for line in result.stdout.splitlines() if line.startswith("!")]


def refused_option(err: str, command: str, option: str) -> bool:
    """Whether `err` is the one-line usage error for a bad value of `option`. The reason is
    typer's: up to 0.28 click's range check or backcalc's "expected a finite number"; from 0.29
    pydantic's "Input should be ..." (which refuses NaN against any bound first)."""
    head = f"backcalc {command}: Invalid value for '{option}'"
    return err.startswith(head) and err.count("\n") == 1 and "Traceback" not in err

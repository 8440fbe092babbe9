"""The teacher's combined key: every final answer of every variant, checked against finite
differences of each variant (never against the code's own numbers)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import backcalc
from backcalc.core.variantkey import KeyRow, VariantKey
from backcalc.render import render
from backcalc.render.style import style_for
from tests.helpers import compile_latex, numeric_gradient


def _spec(w: list[list[float]], x: list[float], notation: dict[str, str] | None = None) -> Any:
    spec: dict[str, Any] = {
        "convention": "column",
        "input": x,
        "target": 0.5,
        "layers": [
            {"weights": w, "bias": [0.1, -0.2], "activation": "tanh"},
            {"weights": [[0.3, -0.6]], "bias": [0.2], "activation": "sigmoid"},
        ],
        "loss": "half_squared_error",
    }
    if notation:
        spec["notation"] = notation
    return backcalc.load(spec)


def _key(notation: dict[str, str] | None = None) -> tuple[VariantKey, list[Any]]:
    exercises = [
        _spec([[0.5, -0.2], [0.1, 0.4]], [1.0, 2.0], notation),
        _spec([[-0.7, 0.3], [0.9, -0.1]], [-1.5, 0.5], notation),
    ]
    rows = tuple(
        KeyRow(f"v0{i}", name, e.run())
        for i, (name, e) in enumerate(zip(["Ana", "Bruno"], exercises, strict=True), 1)
    )
    return VariantKey("Red 2-2-1", rows, 3, 7), exercises


def _table(markdown: str, heading: str) -> list[list[str]]:
    section = markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def _number(cell: str) -> float:
    return float(cell.strip("$").replace("{,}", ".").replace("-", "-"))


def test_the_key_gives_every_variants_gradients_at_the_decimals() -> None:
    key, exercises = _key()
    text = render(key, "markdown", style_for("es", None, 3, False))
    assert text.startswith("# Clave: Red 2-2-1\n")
    rows = _table(text, r"$\partial J / \partial W^{(1)}$")
    assert [row[:2] for row in rows] == [["`v01`", "Ana"], ["`v02`", "Bruno"]]
    for row, exercise in zip(rows, exercises, strict=True):
        numeric = numeric_gradient(exercise, exercise.network.layers[0].weights)
        shown = np.array([_number(cell) for cell in row[2:]])
        assert shown.shape == (4,)
        assert np.all(np.abs(shown - numeric.ravel()) <= 0.5e-3 + 1e-7)
        assert all(re.fullmatch(r"\$-?\d\{,\}\d{3}\$", cell) for cell in row[2:])


def test_the_key_follows_the_courses_symbols() -> None:
    key, _ = _key({"weights": "omega"})
    text = render(key, "markdown", style_for("en", None, 3, False))
    assert r"## $\partial J / \partial \omega^{(1)}$" in text
    assert "W^{(" not in text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_key_compiles(tmp_path: Any, lang: str) -> None:
    key, _ = _key()
    (tmp_path / "key.tex").write_text(render(key, "latex", style_for(lang, None, 3, False)))
    code, overfull = compile_latex(tmp_path, "key")
    assert code == 0
    assert not overfull

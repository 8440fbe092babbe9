"""A large answers file (every entry of the digits example's forward pass and ∂J/∂x, tens of
thousands of numbers) is graded entry by entry: the entries written right pass, exactly the
few made wrong fail, in hand-solution order (correctness at size, not speed: see
benchmarks/big_outputs.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from backcalc.core.grading import AnswerSettings, grade
from backcalc.core.network import Exercise, run
from backcalc.io import answers, examples
from backcalc.io.spec import read


def yaml_list(values: np.ndarray) -> str:
    if values.ndim == 0:
        return f"{float(values):.4f}"
    return "[" + ", ".join(yaml_list(v) for v in values) + "]"


def test_a_large_answers_file_is_graded_entry_by_entry(tmp_path: Path) -> None:
    found = examples.find("digits-64-15-10")
    assert found is not None
    exercise = read(found.path)
    assert isinstance(exercise, Exercise)
    trace = run(exercise)
    a1, z2, dx = trace.layers[0].a.copy(), trace.layers[1].z.copy(), trace.dJ_dx.copy()
    wrong = {("a", 1, (7, 3)), ("z", 2, (40, 9)), ("dJ_dx", None, (99, 63))}
    a1[7, 3] += 0.05  # a slip, far beyond rounding
    z2[40, 9] = -z2[40, 9] if abs(z2[40, 9]) > 0.01 else 1.0  # a sign flipped
    dx[99, 63] += 1.0
    path = tmp_path / "every-entry.yaml"
    path.write_text(
        f"dJ_dx: {yaml_list(dx)}\nlayers:\n  1:\n    a: {yaml_list(a1)}\n"
        f"  2:\n    z: {yaml_list(z2)}\n",
        encoding="utf-8",
    )
    claims = answers.read(path, trace)
    graded = grade(trace, claims, AnswerSettings())
    assert len(graded.entries) == a1.size + z2.size + dx.size > 20_000
    failed = {(e.quantity, e.layer, e.index) for e in graded.entries if e.status == "wrong"}
    assert failed == wrong
    first = graded.first_wrong
    assert first is not None and (first.quantity, first.layer, first.index) == ("a", 1, (7, 3))
    # each entry judged against its own place: the written text and the claimed value agree
    by_place = {(e.quantity, e.layer, e.index): e for e in graded.entries}
    assert by_place[("dJ_dx", None, (99, 63))].claimed == float(f"{dx[99, 63]:.4f}")
    assert by_place[("z", 2, (0, 0))].written == f"{z2[0, 0]:.4f}"

"""Planted slips written as a student writes them: every number with d decimals (issue 12, §1
and §3). The slipped values come from the independent reference (tests/slipref.py), in two
styles of hand work:

- keeping every digit and rounding only what is written (the student's next step is computed
  from the unrounded value, so the grader must allow for the rounding of the inputs it sees);
- rounding at every step and carrying the rounded value on (as a hand solution does).

Either way the slipped step is wrong and named, and what follows from it is carried forward
(or correct where the slip does not change it); nothing downstream is called wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import backcalc
from tests import slipref
from tests.test_planted_slips import CODES, MAY_BE_AMBIGUOUS, Case, cases

DECIMALS = 4
UNIT = 10.0**-DECIMALS


def rounded_solve(case: Case, decimals: int) -> slipref.Values:
    """The reference's solution with the slip, every value rounded as it is written and used
    rounded in the next steps."""
    values: slipref.Values = {}
    for step in slipref.hand_order(case.net):
        value = (
            case.slip.value(case.net, values)
            if step == case.slip.step
            else slipref.formula(case.net, values, step)
        )
        values[step] = np.round(np.asarray(value, dtype=np.float64), decimals)
    return values


def written(data: Any, decimals: int) -> Any:
    """Answers with every number as text with `decimals` decimals (YAML keeps them)."""
    if isinstance(data, dict):
        return {key: written(value, decimals) for key, value in data.items()}
    array = np.asarray(data, dtype=np.float64)
    if array.ndim == 0:
        return f"{float(array):.{decimals}f}"
    return [written(row, decimals) for row in array]


def grade(case: Case, values: slipref.Values, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(written(case.answers(values), DECIMALS)), encoding="utf-8")
    doc: dict[str, Any] = backcalc.check(case.exercise, answers=path).to_dict()
    return doc


def visible(case: Case) -> bool:
    """The slip moves an entry of its step by more than 3 units of the written decimal (a
    smaller slip may be within the precision written)."""
    step = case.slip.step
    return bool(np.max(np.abs(case.carried[step] - case.correct[step])) > 3 * UNIT)


def check(case: Case, doc: dict[str, Any]) -> str | None:
    """The slipped step's diagnosis code (asserting the rest)."""
    steps = {(s["quantity"], s["layer"]): s for s in doc["steps"]}
    slipped = steps[case.slip.step]
    assert slipped["status"] == "wrong", (case, slipped)
    fw = doc["first_wrong"]
    assert (fw["quantity"], fw["layer"]) == case.slip.step, (case, fw)
    position = slipref.hand_order(case.net).index(case.slip.step)
    for step in slipref.claimed(case.net):
        if step == case.slip.step:
            continue
        status = steps[step]["status"]
        if slipref.hand_order(case.net).index(step) < position:
            assert status in ("correct", "imprecise"), (case, step, status)
        else:
            assert status in ("correct", "carried_forward", "imprecise"), (case, step, status)
        if status == "imprecise":  # only a value that rounds to 0 at the decimals written
            tiny = np.abs(case.carried[step]) < UNIT
            assert tiny.any(), (case, step)
    diagnosis = fw["diagnosis"]
    if diagnosis is None:
        return None
    code = diagnosis["code"]
    if code == "ambiguous":
        return case.slip.code if case.slip.code in diagnosis["alternatives"] else "other"
    return str(code)


@pytest.mark.parametrize("style", ["every digit kept", "rounded at every step"])
@pytest.mark.parametrize("code", CODES)
def test_a_planted_slip_written_with_decimals_is_named(
    code: str, style: str, tmp_path: Path
) -> None:
    found = []
    for case in cases(code):
        if not visible(case):
            continue
        values = case.carried if style == "every digit kept" else rounded_solve(case, DECIMALS)
        found.append(check(case, grade(case, values, tmp_path)))
    assert len(found) >= 8, f"{code}: only {len(found)} visible cases"
    named = sum(1 for diagnosis in found if diagnosis == code)
    share = 0.5 if code in MAY_BE_AMBIGUOUS else 0.8
    assert named >= share * len(found), f"{code} ({style}): named in {named} of {len(found)}"

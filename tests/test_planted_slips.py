"""Acceptance tests of issue 12, §2 (error carried forward) and §3 (the slip named), against the
public contract only: `backcalc.load`, `backcalc.run(...).quantity`, `backcalc.check(...,
answers=...)`, its `to_dict()` (the JSON of `check --answers --format json`) and the command line.

Every slip of §3 is planted on many random networks (tests/slipref.py, an independent NumPy
reference): a student makes exactly that slip at one step and carries on correctly from their
own wrong value. The slipped step must be `wrong` and named, everything before it `correct`,
everything it changes `carried_forward` with the value expected from the student's own inputs;
written instead with the correct values downstream, everything else is `correct`.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pytest

import backcalc
from tests import slipref
from tests.helpers import invoke
from tests.slipref import Net, Slip, Step, Values

CODES = tuple(slipref.PLANTERS)
KNOWN = {*CODES, "forgot_upstream", "fork_not_summed"}
CASES_PER_CODE = 24
# rules that may legitimately always coincide with another: the missing_transpose also
# covers δᵀ·a "where the shapes allow", which for a square ∂J/∂W is its transpose
MAY_BE_AMBIGUOUS = {"transposed_gradient"}

EntryKey = tuple[str, int | None, tuple[int, ...]]
Diagnosed = Callable[[Any], bool]


def changed(student: float, correct: float) -> bool:
    """Far outside the API's default tolerance (rel 1e-6 + abs 1e-9) of the correct value."""
    return abs(student - correct) > 1e-4 * abs(correct) + 1e-7


def same(student: float, correct: float) -> bool:
    return abs(student - correct) <= 1e-10 * abs(correct) + 1e-13


def close(found: Any, expected: float) -> bool:
    return isinstance(found, float | int) and abs(found - expected) <= 1e-8 * abs(expected) + 1e-11


@dataclass(frozen=True, eq=False)
class Case:
    """A planted slip: the network, the slip, and the student's values carried on from it."""

    seed: int
    net: Net
    slip: Slip
    exercise: Any
    shapes: dict[Step, tuple[int, ...]]
    correct: Values
    carried: Values

    def __repr__(self) -> str:
        batch = self.net.m if self.net.batched else "none"
        return f"seed {self.seed}: {self.slip!r}, batch {batch}, spec {self.net.spec()}"

    def user(self, values: Values, step: Step) -> np.ndarray:
        return slipref.user_layout(self.net, step, values[step], self.shapes[step])

    def answers(self, values: Values) -> dict[str, Any]:
        return slipref.answers(self.net, values, self.shapes)


def engine_shapes(net: Net, exercise: Any) -> dict[Step, tuple[int, ...]]:
    result = backcalc.run(exercise)
    return {step: np.shape(result.quantity(*step)) for step in slipref.hand_order(net)}


def make_case(seed: int, planter: Callable[[np.random.Generator], slipref.Planted]) -> Case | None:
    """The case drawn from `seed`, or None for a degenerate draw: the slip changes no entry of
    its step by more than 1e-4 relative, or one by an amount a tolerance could go either way
    on (neither `changed` nor `same`)."""
    planted = planter(np.random.default_rng(seed))
    if planted is None or planted[1].step not in slipref.claimed(planted[0]):
        return None
    net, slip = planted
    correct, carried = slipref.solve(net), slipref.solve(net, slip)
    pairs = list(zip(carried[slip.step].ravel(), correct[slip.step].ravel(), strict=True))
    if not any(changed(float(s), float(c)) for s, c in pairs):
        return None
    if not all(changed(float(s), float(c)) or same(float(s), float(c)) for s, c in pairs):
        return None
    exercise = backcalc.load(net.spec())
    return Case(seed, net, slip, exercise, engine_shapes(net, exercise), correct, carried)


def draw_cases(
    name: str, planter: Callable[[np.random.Generator], slipref.Planted], count: int
) -> tuple[Case, ...]:
    base = zlib.crc32(name.encode()) % 100_000 * 1000
    found: list[Case] = []
    for seed in range(base, base + 40 * count):
        case = make_case(seed, planter)
        if case is not None:
            found.append(case)
        if len(found) == count:
            break
    return tuple(found)


@cache
def cases(code: str) -> tuple[Case, ...]:
    return draw_cases(code, slipref.PLANTERS[code], CASES_PER_CODE)


@cache
def batch_cases(m: int) -> tuple[Case, ...]:
    """batch_sum_vs_mean with a mean over a batch of m (the loss derivative ×m)."""
    return draw_cases(
        f"batch_sum_vs_mean at {m}",
        lambda rng: slipref.batch_sum_vs_mean_at(rng, (m,), ("mean",)),
        10,
    )


# -- reading the report ----------------------------------------------------------------------


def index_of(entry: dict[str, Any]) -> tuple[int, ...]:
    index = entry["index"]
    if index is None:
        return ()
    return (index,) if isinstance(index, int) else tuple(index)


def by_entry(doc: dict[str, Any]) -> dict[EntryKey, dict[str, Any]]:
    return {(e["quantity"], e["layer"], index_of(e)): e for e in doc["entries"]}


def by_step(doc: dict[str, Any]) -> dict[Step, str]:
    return {(s["quantity"], s["layer"]): s["status"] for s in doc["steps"]}


def named(code: str) -> Diagnosed:
    """The diagnosis is `code`, or `ambiguous` listing `code` among known codes."""

    def check(diagnosis: Any) -> bool:
        if not isinstance(diagnosis, dict) or not isinstance(diagnosis.get("message"), str):
            return False
        if not diagnosis["message"]:
            return False
        if diagnosis["code"] == code:
            return True
        alternatives = diagnosis.get("alternatives") or []
        return (
            diagnosis["code"] == "ambiguous"
            and code in alternatives
            and len(set(alternatives)) == len(alternatives) >= 2
            and set(alternatives) <= KNOWN
        )

    return check


def ambiguous_with(*codes: str) -> Diagnosed:
    def check(diagnosis: Any) -> bool:
        return (
            isinstance(diagnosis, dict)
            and diagnosis.get("code") == "ambiguous"
            and set(codes) <= set(diagnosis.get("alternatives") or [])
        )

    return check


def grade(case: Case, values: Values) -> dict[str, Any]:
    report = backcalc.check(case.exercise, answers=case.answers(values))
    doc: dict[str, Any] = report.to_dict()
    assert report.passed is doc["passed"] is False, case
    assert doc["settings"]["carry_forward"] is True, case
    return doc


def assert_slipped_step(case: Case, doc: dict[str, Any], diagnosed: Diagnosed) -> None:
    """The slipped step is wrong; each entry the slip changed is wrong and named, with the
    correct value and, its inputs being correct, the correct value expected from them; the
    first wrong entry of the report is its first changed entry."""
    step, entries, steps = case.slip.step, by_entry(doc), by_step(doc)
    assert steps[step] == "wrong", (case, steps)
    claimed, correct = case.user(case.carried, step), case.user(case.correct, step)
    first: tuple[int, ...] | None = None
    for index in np.ndindex(claimed.shape):
        entry = entries[(step[0], step[1], index)]
        s, c = float(claimed[index]), float(correct[index])
        if changed(s, c):
            first = index if first is None else first
            assert entry["status"] == "wrong", (case, entry)
            assert diagnosed(entry["diagnosis"]), (case, entry)
            assert close(entry["claimed"], s) and close(entry["correct"], c), (case, entry)
            assert close(entry["expected_from_yours"], c), (case, entry)
        elif same(s, c):
            assert entry["status"] == "correct", (case, entry)
    assert first is not None
    fw = doc["first_wrong"]
    assert (fw["quantity"], fw["layer"], index_of(fw)) == (*step, first), (case, fw)
    assert close(fw["claimed"], float(claimed[first])), (case, fw)
    assert close(fw["correct"], float(correct[first])), (case, fw)
    assert close(fw["expected_from_yours"], float(correct[first])), (case, fw)
    assert diagnosed(fw["diagnosis"]), (case, fw)
    firsts = [e for e in doc["entries"] if e["status"] == "wrong"][:1]
    assert [(e["quantity"], e["layer"], index_of(e)) for e in firsts] == [(*step, first)], case


def assert_others(case: Case, doc: dict[str, Any], values: Values) -> None:
    """Every step but the slipped one, claimed as `values`: an entry equal to the correct
    value is correct; one the slip changed is carried_forward, with the value expected from
    the student's own inputs; the step has the worst status of its entries."""
    entries, steps = by_entry(doc), by_step(doc)
    for step in slipref.claimed(case.net):
        if step == case.slip.step:
            continue
        claimed, correct = case.user(values, step), case.user(case.correct, step)
        statuses = set()
        for index in np.ndindex(claimed.shape):
            entry = entries[(step[0], step[1], index)]
            s, c = float(claimed[index]), float(correct[index])
            if changed(s, c):
                assert entry["status"] == "carried_forward", (case, entry)
                assert close(entry["expected_from_yours"], s), (case, entry)
                assert close(entry["correct"], c), (case, entry)
            elif same(s, c):
                assert entry["status"] == "correct", (case, entry)
            else:
                assert entry["status"] in ("correct", "carried_forward"), (case, entry)
            statuses.add(entry["status"])
        worst = "carried_forward" if "carried_forward" in statuses else "correct"
        assert steps[step] == worst, (case, step, steps[step])


def assert_score(case: Case, doc: dict[str, Any]) -> None:
    """One mark per claimed step, carried-forward credit full: all but the slipped step."""
    possible = len(slipref.claimed(case.net))
    assert set(slipref.claimed(case.net)) <= set(by_step(doc)), case
    score = doc["score"]
    assert (score["earned"], score["possible"]) == (possible - 1, possible), (case, score)


def exact_share(found: list[Any], code: str) -> None:
    exact = sum(1 for diagnosis in found if diagnosis["code"] == code)
    if code not in MAY_BE_AMBIGUOUS:
        assert 2 * exact >= len(found), f"{code}: only {exact} of {len(found)} named exactly"


# -- the reference itself ----------------------------------------------------------------------


@cache
def random_networks() -> tuple[Net, ...]:
    rng = np.random.default_rng(20240612)
    nets: list[Net] = []
    while len(nets) < 80:
        reduction = "sum" if len(nets) % 5 == 4 else "mean"
        net = slipref.draw(rng, rates=(None, 0.5), reduction=reduction)
        if net is not None:
            nets.append(net)
    return tuple(nets)


def assert_reference_is_the_engine(net: Net) -> None:
    result = backcalc.run(backcalc.load(net.spec()))
    for step, value in slipref.solve(net).items():
        engine = np.asarray(result.quantity(*step), dtype=np.float64)
        assert engine.size == value.size, (step, net.spec())
        mine = slipref.user_layout(net, step, value, engine.shape)
        np.testing.assert_allclose(mine, engine, rtol=1e-10, atol=1e-13, err_msg=f"{step}")


def test_the_reference_is_the_engine_on_random_networks() -> None:
    """The independent reference gives every quantity the engine gives (both conventions, a
    batch or not, every head, mean and sum, with and without an update)."""
    nets = random_networks()
    assert {n.convention for n in nets} == {"column", "row"}
    assert {(n.activations[-1], n.loss) for n in nets} == set(slipref.HEADS)
    assert {n.m if n.batched else None for n in nets} == set(slipref.BATCHES)
    for net in nets:
        assert_reference_is_the_engine(net)


@pytest.mark.parametrize("code", CODES)
def test_the_planted_networks_are_the_engines_and_the_slip_changes_its_step(code: str) -> None:
    """The draws behind the slip tests: as many as asked, both conventions, the engine's
    correct values, nothing before the slip moved, and (but for a slip in the update, which
    nothing follows) something after it moved in at least a quarter of them."""
    found = cases(code)
    assert len(found) == CASES_PER_CODE, f"{code}: only {len(found)} non-degenerate draws"
    assert {case.net.convention for case in found} == {"column", "row"}, code
    moved = 0
    for case in found:
        assert case.slip.code == code
        assert_reference_is_the_engine(case.net)
        order = slipref.claimed(case.net)
        at = order.index(case.slip.step)
        for step in order[:at]:
            np.testing.assert_array_equal(case.carried[step], case.correct[step])
        moved += any(
            changed(float(s), float(c))
            for step in order[at + 1 :]
            for s, c in zip(case.carried[step].ravel(), case.correct[step].ravel(), strict=True)
        )
    if not code.startswith("update_"):
        assert 4 * moved >= len(found), f"{code}: only {moved} draws change a later step"


# -- the planted slips -------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_a_planted_slip_is_named_and_what_follows_is_carried_forward(code: str) -> None:
    diagnoses = []
    for case in cases(code):
        doc = grade(case, case.carried)
        assert_slipped_step(case, doc, named(code))
        assert_others(case, doc, case.carried)
        assert_score(case, doc)
        diagnoses.append(doc["first_wrong"]["diagnosis"])
    exact_share(diagnoses, code)


@pytest.mark.parametrize("code", CODES)
def test_a_planted_slip_with_correct_values_after_it_leaves_them_correct(code: str) -> None:
    for case in cases(code):
        fixed = dict(case.correct)
        fixed[case.slip.step] = case.carried[case.slip.step]
        doc = grade(case, fixed)
        assert_slipped_step(case, doc, named(code))
        assert_others(case, doc, fixed)
        steps = by_step(doc)
        assert [s for s in steps if steps[s] != "correct"] == [case.slip.step], case
        assert_score(case, doc)


@pytest.mark.parametrize(
    ("m", "other"), [(2, "factor_two"), (10, "decimal_shift")], ids=["m=2", "m=10"]
)
def test_a_factor_m_is_ambiguous_where_another_rule_gives_it(m: int, other: str) -> None:
    """At m = 2 summing instead of averaging is also a factor of two; at m = 10, a decimal
    shift: the diagnosis is `ambiguous`, listing both."""
    found = batch_cases(m)
    assert len(found) == 10
    for case in found:
        assert case.net.m == m
        doc = grade(case, case.carried)
        assert_slipped_step(case, doc, ambiguous_with("batch_sum_vs_mean", other))
        assert_others(case, doc, case.carried)


# -- the notes' hand solution, strict grading, gaming ----------------------------------------


def hand_solution(*options: str) -> tuple[int, dict[str, Any]]:
    code, out, err = invoke(
        "check", "reference-2-3-1", "--answers", "reference-2-3-1-hand", *options, "-f", "json"
    )
    assert err == "" and out, err
    return code, json.loads(out)


def test_the_notes_hand_solution_slips_at_delta1_and_carries_it_forward() -> None:
    """δ⁽¹⁾ = z⁽¹⁾ ⊙ g'(z⁽¹⁾) (0.21 = 1.98 · 0.106): wrong, named z_instead_of_upstream; its
    ∂J/∂W⁽¹⁾ = δ⁽¹⁾·xᵀ (0.378 = 0.21 · 1.8) and ∂J/∂b⁽¹⁾ carried forward; all else correct."""
    code, doc = hand_solution()
    assert code == 1 and doc["passed"] is False
    assert doc["settings"]["carry_forward"] is True
    steps = by_step(doc)
    assert len(steps) == 16  # 7 quantities of each layer, ŷ and J
    assert {s: st for s, st in steps.items() if st != "correct"} == {
        ("delta", 1): "wrong",
        ("dJ_dW", 1): "carried_forward",
        ("dJ_db", 1): "carried_forward",
    }
    fw = doc["first_wrong"]
    assert (fw["quantity"], fw["layer"], index_of(fw)) == ("delta", 1, (0,))
    assert fw["diagnosis"]["code"] == "z_instead_of_upstream"
    delta1 = [e for e in doc["entries"] if (e["quantity"], e["layer"]) == ("delta", 1)]
    assert [e["diagnosis"]["code"] for e in delta1 if e["status"] == "wrong"] == [
        "z_instead_of_upstream"
    ] * 3
    dW1 = [e for e in doc["entries"] if (e["quantity"], e["layer"]) == ("dJ_dW", 1)]
    x, delta = (1.8, -3.4), (0.21, 0.14, 0.20)
    for e in dW1:
        i, j = index_of(e)
        assert e["status"] == "carried_forward" and close(e["expected_from_yours"], delta[i] * x[j])
    assert (doc["score"]["earned"], doc["score"]["possible"]) == (15, 16)


def test_no_carry_forward_grades_strictly_on_the_command_line() -> None:
    """--no-carry-forward: the carried-forward steps of the hand solution become wrong."""
    code, doc = hand_solution("--no-carry-forward")
    assert code == 1 and doc["settings"]["carry_forward"] is False
    steps = by_step(doc)
    assert {s: st for s, st in steps.items() if st != "correct"} == {
        ("delta", 1): "wrong",
        ("dJ_dW", 1): "wrong",
        ("dJ_db", 1): "wrong",
    }
    assert all(e["status"] != "carried_forward" for e in doc["entries"])
    assert (doc["score"]["earned"], doc["score"]["possible"]) == (13, 16)


REFERENCE = Net(
    "column",
    (np.array([[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]]), np.array([[-0.4, 0.2, -0.5]])),
    (np.array([0.1, 0.5, 0.8]), np.array([0.7])),
    ("sigmoid", "sigmoid"),
    np.array([[1.8, -3.4]]),
    np.array([[5.0]]),
    False,
    "half_squared_error",
)


def gamed(net: Net, layer: int, zeroed: tuple[str, ...]) -> dict[str, Any]:
    """The correct solution, with δ⁽ˡ⁾ and the gradients `zeroed` claimed as zeros."""
    exercise = backcalc.load(net.spec())
    values = slipref.solve(net)
    for name in ("delta", *zeroed):
        values[(name, layer)] = np.zeros_like(values[(name, layer)])
    answers = slipref.answers(net, values, engine_shapes(net, exercise))
    doc: dict[str, Any] = backcalc.check(exercise, answers=answers).to_dict()
    return doc


def assert_no_credit_for_zeros(doc: dict[str, Any], layer: int, zeroed: tuple[str, ...]) -> None:
    steps = by_step(doc)
    assert steps[("delta", layer)] == "wrong"
    for name in zeroed:
        assert steps[(name, layer)] == "wrong", name
        for e in doc["entries"]:
            if (e["quantity"], e["layer"]) == (name, layer):
                assert e["status"] == "wrong", e
                assert e["remark"]["code"] == "zero_inputs" and e["remark"]["message"], e
    assert (doc["first_wrong"]["quantity"], doc["first_wrong"]["layer"]) == ("delta", layer)
    others = {s: st for s, st in steps.items() if s[1] != layer or s[0] not in ("delta", *zeroed)}
    assert set(others.values()) == {"correct"}


def test_zeros_after_a_zero_delta_get_no_carried_forward_credit() -> None:
    """δ⁽¹⁾ = 0 then ∂J/∂W⁽¹⁾ = 0 (what 0 · a⁽⁰⁾ gives): wrong, with a remark saying why."""
    assert_reference_is_the_engine(REFERENCE)
    doc = gamed(REFERENCE, 1, ("dJ_dW",))
    assert_no_credit_for_zeros(doc, 1, ("dJ_dW",))


def test_zeros_after_a_zero_delta_get_no_credit_on_a_batch_in_row_convention() -> None:
    rng = np.random.default_rng(7)
    net = None
    while net is None or net.convention != "row":
        heads = (("tanh", "squared_error"),)
        net = slipref.draw(rng, n_layers=2, heads=heads, batches=(3,), rates=(None,))
    doc = gamed(net, 2, ("dJ_dW", "dJ_db"))
    assert_no_credit_for_zeros(doc, 2, ("dJ_dW", "dJ_db"))


def test_the_reference_answers_are_correct_at_every_step() -> None:
    """The reference's own solution, claimed in full, passes with every step correct."""
    for net in random_networks()[:20]:
        exercise = backcalc.load(net.spec())
        answers = slipref.answers(net, slipref.solve(net), engine_shapes(net, exercise))
        report = backcalc.check(exercise, answers=answers)
        assert report.passed, net.spec()
        doc = report.to_dict()
        assert doc["first_wrong"] is None
        assert set(by_step(doc).values()) == {"correct"}
        assert {e["status"] for e in doc["entries"]} == {"correct"}

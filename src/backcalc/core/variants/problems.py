"""Why a draw is not a good exercise at the decimals its answers are asked at.

- `kink`: a ReLU-like input z (an activation with a kink: ReLU, leaky ReLU, ELU with α ≠ 1)
  rounds to 0, a hinge margin ŷⱼ − ŷ_c + 1 rounds to 0, or a graph's relu/abs argument rounds
  to 0 or a max/min has two arguments whose difference rounds to 0 (a tie);
- `saturated`: an element-wise g'(z) (a graph: a function's local derivative) rounds to 0 though
  it is not 0;
- `zero_gradient`: an entry of ∂J/∂W or ∂J/∂b (a graph: ∂out/∂value of a value) rounds to 0
  though it is not exactly 0; or is exactly 0 where the template's is not (an input drawn as 0,
  a ReLU unit drawn dead, x + y drawn as 0 in a graph): a zero is allowed only where the
  structure makes it, as it does in the template (`Zeros`);
- `numerical`: the numbers overflow or leave a function's domain, exactly or computed by hand at
  those decimals (a probability rounding to 0 under a log);
- `slip_unnoticed` / `slip_unnamed`: a buggy rule of the grader would pass unnoticed, or be
  noticed but not named (backcalc.core.variants.slipcheck).

The slip check is the costly one: it runs only on a draw with none of the other problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from backcalc.core.rounding import hand_round
from backcalc.errors import BackcalcError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from backcalc.core.activations import Array
    from backcalc.core.exercise import ExerciseKind
    from backcalc.core.expressions import Expr
    from backcalc.core.graph import Graph, GraphTrace
    from backcalc.core.network import Exercise, Trace

CODES = ("kink", "saturated", "zero_gradient", "numerical", "slip_unnoticed", "slip_unnamed")


@dataclass(frozen=True)
class Problem:
    """One reason a draw is rejected: its `code` (CODES), the step (a quantity's name as
    `run --format json` names it, or a graph's node or value), the layer (from 1) where there is
    one, the slip's code for a slip problem, and `detail`, the English phrase the error message
    counts draws by (no numbers of the draw in it, so that draws add up)."""

    code: str
    step: str | None
    layer: int | None
    detail: str
    slip: str | None = None

    def __str__(self) -> str:
        return self.detail


_FAILURES = (BackcalcError, ArithmeticError, ValueError)


Zeros = dict[str, "NDArray[np.bool_]"]  # by dJ_dW1, dJ_db1 or a graph's value: its exact zeros


def zeros(exercise: ExerciseKind) -> Zeros:
    """Where the gradients of `exercise` (a template) are exactly 0: the zeros its structure
    makes, which a variant may have too (nothing where it cannot be run)."""
    try:
        with np.errstate(all="ignore"):
            trace: Any = exercise.run()
    except _FAILURES:
        return {}
    if exercise.kind == "graph":
        return {name: np.asarray(trace.gradients[name]) == 0 for name in trace.graph.values}
    found: Zeros = {}
    for number, lt in enumerate(trace.layers, start=1):
        found[f"dJ_dW{number}"] = np.asarray(lt.dW) == 0
        if lt.db is not None:
            found[f"dJ_db{number}"] = np.asarray(lt.db) == 0
    return found


def problems(exercise: ExerciseKind, decimals: int, allowed: Zeros | None = None) -> list[Problem]:
    """Why `exercise` is not a good exercise with answers at `decimals` decimals (empty: it is);
    `allowed` are the exact zeros the template has (None: every exact zero is allowed)."""
    try:
        with np.errstate(all="ignore"):
            trace = exercise.run()
    except _FAILURES:
        return [Problem("numerical", None, None, "numbers that overflow or leave a domain")]
    if exercise.kind == "graph":
        found = _graph_problems(trace, decimals, allowed)  # type: ignore[arg-type]
    else:
        found = _network_problems(trace, decimals, allowed)  # type: ignore[arg-type]
    if found:
        return found
    try:
        with np.errstate(all="ignore"):
            hand = exercise.run(hand_rounding=decimals)
    except _FAILURES:
        detail = f"a log of 0 or an overflow when computed by hand at {decimals} decimals"
        return [Problem("numerical", None, None, detail)]
    from backcalc.core.variants.slipcheck import slip_problems

    return slip_problems(trace, hand, decimals)


def rounds_to_zero(values: Array, decimals: int) -> Array:
    """Where a value that is not exactly 0 rounds to 0 at `decimals` (half away from zero)."""
    values = np.asarray(values, dtype=np.float64)
    return np.asarray((hand_round(values, decimals) == 0) & (values != 0))


# -- a network ---------------------------------------------------------------------------------


def _unmade_zero(values: Array, key: str, allowed: Zeros | None) -> bool:
    """An exact 0 the template's structure does not make there."""
    if allowed is None or key not in allowed:
        return False
    zero = np.asarray(values) == 0
    return bool(np.any(zero & ~allowed[key])) if zero.shape == allowed[key].shape else False


def _network_problems(trace: Trace, decimals: int, allowed: Zeros | None = None) -> list[Problem]:
    exercise: Exercise = trace.exercise
    network = exercise.network
    found: list[Problem] = []
    for number, (layer, lt) in enumerate(zip(network.layers, trace.layers, strict=True), start=1):
        activation = layer.activation
        if activation.kink_side(lt.z) is not None and np.any(hand_round(lt.z, decimals) == 0):
            detail = f"a {activation.name} input z that rounds to 0 at {decimals} decimals"
            found.append(Problem("kink", "z", number, f"{detail} (layer {number})"))
        if activation.elementwise and np.any(rounds_to_zero(lt.g_prime, decimals)):
            detail = f"a saturated {activation.name}: g'(z) rounds to 0 at {decimals} decimals"
            found.append(Problem("saturated", "g_prime", number, f"{detail} (layer {number})"))
    if network.loss.name == "multiclass_hinge":
        yhat, y = trace.prediction, exercise.target
        correct = np.sum(yhat * y, axis=1, keepdims=True)
        margins = np.where(y == 1, np.inf, yhat - correct + 1.0)
        if np.any(hand_round(margins, decimals) == 0):
            detail = f"a hinge margin that rounds to 0 at {decimals} decimals"
            found.append(Problem("kink", "losses", None, detail))
    causes = bool(found)  # a kink or a saturation explains a zero: it is the one counted
    for number, lt in reversed(list(enumerate(trace.layers, start=1))):
        for name, symbol, values in (("dJ_dW", "∂J/∂W", lt.dW), ("dJ_db", "∂J/∂b", lt.db)):
            if values is not None and np.any(rounds_to_zero(values, decimals)):
                detail = f"an entry of {symbol}{number} that rounds to 0 at {decimals} decimals"
                found.append(Problem("zero_gradient", name, number, detail))
            elif (
                not causes
                and values is not None
                and _unmade_zero(values, f"{name}{number}", allowed)
            ):
                detail = f"an entry of {symbol}{number} that is 0, as the template's is not"
                found.append(Problem("zero_gradient", name, number, detail))
    return found


# -- a graph -----------------------------------------------------------------------------------


def _graph_problems(
    trace: GraphTrace, decimals: int, allowed: Zeros | None = None
) -> list[Problem]:
    graph: Graph = trace.graph
    env = dict(graph.values) | {node.node.name: node.value for node in trace.nodes}
    found: list[Problem] = []
    for node in graph.nodes:
        for problem in _gate_problems(node.expr, env, decimals, node.name):
            if problem not in found:
                found.append(problem)
    kinked = bool(found)  # a tie or a kink explains a zero: it is the one counted
    for name in graph.values:
        gradient = np.asarray(trace.gradients[name])
        if np.any(rounds_to_zero(gradient, decimals)):
            detail = f"a gradient ∂{graph.output}/∂{name} that rounds to 0 at {decimals} decimals"
            found.append(Problem("zero_gradient", name, None, detail))
        elif not kinked and _unmade_zero(gradient, name, allowed):
            detail = f"a gradient ∂{graph.output}/∂{name} that is 0, as the template's is not"
            found.append(Problem("zero_gradient", name, None, detail))
    return found


def _gate_problems(expr: Expr, env: dict[str, float], decimals: int, node: str) -> list[Problem]:
    """The kinks and saturations of every gate inside a node's expression."""
    from backcalc.core.expressions import CHOOSERS, Op, functions

    if not isinstance(expr, Op):
        return []
    found = [p for arg in expr.args for p in _gate_problems(arg, env, decimals, node)]
    args = [arg.value(env) for arg in expr.args]
    function = functions().get(expr.op)
    where = f"at {decimals} decimals (node {node})"
    if function is not None and function.side is not None:
        if hand_round(np.asarray(args[0]), decimals) == 0:
            detail = f"a {expr.op} argument that rounds to 0 {where}"
            found.append(Problem("kink", node, None, detail))
    elif function is not None:
        try:
            local = function.derivative(args[0])
        except _FAILURES:
            local = float("nan")
        if np.isfinite(local) and rounds_to_zero(np.asarray(local), decimals):
            detail = f"a saturated {expr.op}: its derivative rounds to 0 {where}"
            found.append(Problem("saturated", node, None, detail))
    elif expr.op in CHOOSERS:
        ranked = sorted(args, reverse=expr.op == "max")
        if len(ranked) > 1 and hand_round(np.asarray(ranked[0] - ranked[1]), decimals) == 0:
            found.append(Problem("kink", node, None, f"a tie in {expr.op} {where}"))
    return found

"""Computational-graph mode: backprop through a scalar expression, node by node.

A graph is a list of named nodes in evaluation order, each an expression of the input values
and of earlier nodes. Written as `steps` (one node per step, `q = x + y`) or as one `expression`
(every operation and function call becomes its own gate, named t1, t2, … and the last one the
output). The backward pass seeds ∂out/∂out = 1 and walks the nodes backwards; a name used by
several nodes is a fork, and its gradient is the sum of what each use sends back.

Computed as by hand (`run(hand_rounding=d)`), every node's value, every local derivative, every
amount sent back (upstream · local) and every gradient is rounded half away from zero to d
decimals and used rounded downstream, so each line a solution writes multiplies out.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from backcalc.core.expressions import DomainError, Expr, ExpressionError, Op, Var, text
from backcalc.core.rounding import hand_round
from backcalc.core.texts import Sheet
from backcalc.errors import NumericalError

if TYPE_CHECKING:
    from collections.abc import Callable

    from backcalc.core.gradcheck import CheckSettings, GradCheck


@dataclass(frozen=True)
class Node:
    name: str
    expr: Expr
    inputs: tuple[str, ...]  # the names it uses, in order


@dataclass(frozen=True)
class Graph:
    values: dict[str, float]
    nodes: tuple[Node, ...]
    output: str
    title: str | None = None
    description: str | None = None
    gates: bool = False  # built from one expression, gate by gate
    answer_decimals: int | None = None  # the decimals answers must be written with
    sheet: Sheet = field(default_factory=Sheet)  # its task and header (core.texts)

    kind: ClassVar[str] = "graph"

    def run(self, hand_rounding: int | None = None) -> GraphTrace:
        """The forward and backward pass, node by node (as by hand with `hand_rounding`)."""
        return run(self, hand_rounding)


class StepError(ExpressionError):
    """An error in step `index` (from 0) of the steps, or in the expression (index None)."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


@dataclass(frozen=True)
class NodeTrace:
    """A node after the forward and backward pass. `local[name]` is ∂node/∂name; `sent[name]`
    is what this node sends back to `name`: its gradient times the local derivative."""

    node: Node
    value: float
    gradient: float
    local: dict[str, float] = field(default_factory=dict)
    sent: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class GraphTrace:
    kind: ClassVar[str] = "graph"
    graph: Graph
    nodes: tuple[NodeTrace, ...]
    gradients: dict[str, float]  # ∂output/∂name for every input and every node
    received: dict[str, tuple[tuple[str, float], ...]]  # name -> (node, amount) it got back
    hand_decimals: int | None = None  # computed as by hand, rounded to this many decimals

    @property
    def exercise(self) -> Graph:
        """The graph this is the trace of (a network's trace names its exercise so too)."""
        return self.graph

    @property
    def value(self) -> float:
        return next(n.value for n in self.nodes if n.node.name == self.graph.output)

    @property
    def title(self) -> str | None:
        return self.graph.title

    @property
    def objective(self) -> float:
        """What the gradients are of: the output's value."""
        return self.value

    def check(self, settings: CheckSettings) -> GradCheck:
        """Every input's gradient against central finite differences."""
        from backcalc.core.gradcheck import check_graph

        return check_graph(self, settings)

    def names(self) -> list[tuple[str, int | None]]:
        """Every name whose gradient the trace holds, in the order a hand solution goes: from
        the output back through the steps, then the values."""
        steps = [node.node.name for node in reversed(self.nodes)]
        return [(name, None) for name in [*steps, *self.graph.values]]

    def quantity(self, name: str, layer: int | None = None) -> float:
        """∂output/∂`name` for a value or a step (graphs have no layers); KeyError otherwise."""
        if name not in self.gradients or layer is not None:
            raise KeyError(f"no value or step '{name}' in this graph")
        return self.gradients[name]


def from_steps(
    steps: list[tuple[str, Expr]], values: dict[str, float], output: str | None
) -> Graph:
    """The graph of named steps, checked: every name defined before use, none reassigned."""
    nodes: list[Node] = []
    known = set(values)
    names = [name for name, _ in steps]
    for index, (name, expr) in enumerate(steps):
        if name in known:
            where = "in values" if name in values else f"by step {names.index(name) + 1}"
            raise StepError(f"a step may not reassign '{name}' (already defined {where})", index)
        for used in expr.names():
            if used not in known:
                raise StepError(_undefined(used, name, names, steps, index, known), index)
        nodes.append(Node(name, expr, tuple(expr.names())))
        known.add(name)
    out = output or nodes[-1].name
    if out not in {node.name for node in nodes}:
        raise StepError(f"the output '{out}' is not one of the steps ({', '.join(names)})")
    return Graph(dict(values), tuple(nodes), out)


def _undefined(
    used: str,
    name: str,
    names: list[str],
    steps: list[tuple[str, Expr]],
    index: int,
    known: set[str],
) -> str:
    if used not in names:
        import difflib  # only on the error path

        close = difflib.get_close_matches(used, sorted(known), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"'{used}' is not defined{hint}: give it in values or compute it in an earlier step"
    later = names.index(used)
    if later == index or _depends(steps, later, name):
        return f"a cycle: '{name}' uses '{used}', which depends on '{name}'"
    return f"'{name}' uses '{used}' before step {later + 1} computes it: put the steps in order"


def _depends(steps: list[tuple[str, Expr]], index: int, target: str) -> bool:
    """Whether step `index` uses `target`, directly or through other steps."""
    names = [name for name, _ in steps]
    pending, seen = list(steps[index][1].names()), set()
    while pending:
        used = pending.pop()
        if used == target:
            return True
        if used in names and used not in seen:
            seen.add(used)
            pending += steps[names.index(used)][1].names()
    return False


def from_expression(expr: Expr, values: dict[str, float], output: str = "f") -> Graph:
    """One gate per operation and function call: t1, t2, … and `output` for the last. The
    output is a new name: one that a value has would make two things of one name (and the
    gradients wrong), so it is refused."""
    if output in values:
        hint = (
            "name the output with output: (say output: out)"
            if output == "f"
            else ("the output is the expression's result, a new name")
        )
        raise StepError(f"the output '{output}' is also the name of a value: {hint}")
    for used in expr.names():
        if used not in values:
            raise StepError(f"'{used}' is not defined: give it in values")
    nodes: list[Node] = []
    taken = set(values) | {output}

    def gate(sub: Expr, final: bool) -> Expr:
        if not isinstance(sub, Op):
            return sub
        args = tuple(gate(arg, False) for arg in sub.args)
        name = output if final else _fresh(taken)
        taken.add(name)
        node_expr = Op(sub.op, args)
        nodes.append(Node(name, node_expr, tuple(node_expr.names())))
        return Var(name)

    if isinstance(expr, Op):
        gate(expr, True)
    else:
        nodes.append(Node(output, expr, tuple(expr.names())))
    return Graph(dict(values), tuple(nodes), output, gates=True)


def _fresh(taken: set[str]) -> str:
    number = 1
    while f"t{number}" in taken:
        number += 1
    return f"t{number}"


def forward(graph: Graph, rounded: Callable[[float], float] = float) -> dict[str, float]:
    """The value of every input and node (each node's through `rounded` as it is produced)."""
    env = dict(graph.values)
    for node in graph.nodes:
        try:
            env[node.name] = rounded(node.expr.value(env))
        except (DomainError, NumericalError) as error:
            step = f"{node.name} = {text(node.expr)}"
            raise type(error)(f"node '{step}': {error.message}") from None
        if env[node.name] != env[node.name] or abs(env[node.name]) == float("inf"):
            raise NumericalError(f"node '{node.name}' is not finite ({env[node.name]})")
    return env


def output_value(graph: Graph) -> tuple[float, tuple[int, ...]]:
    """The output alone, and the kink pattern (relu/abs signs, max/min rankings) of every node:
    what finite differences perturb and compare."""
    env = forward(graph)
    sides = tuple(side for node in graph.nodes for side in node.expr.sides(env))
    return env[graph.output], sides


def local_derivatives(node: Node, env: dict[str, float]) -> dict[str, float]:
    """∂node/∂name for every name the node uses, at the values `env` gives them."""
    local: dict[str, float] = {}
    node.expr.backward(env, 1.0, local)
    return local


def run(graph: Graph, hand_decimals: int | None = None) -> GraphTrace:
    """The forward and backward pass; with `hand_decimals`, as by hand (see the module). A log
    or a division that only the rounding takes out of its domain is a NumericalError then."""
    if hand_decimals is None:
        return _run(graph, float)
    places = hand_decimals

    def rounded(value: float) -> float:
        return float(hand_round(np.asarray(value, dtype=np.float64), places))

    try:
        return _run(graph, rounded, hand_decimals)
    except DomainError as error:
        raise NumericalError(f"computed by hand at {places} decimals, {error.message}") from None


def _run(
    graph: Graph, rounded: Callable[[float], float], hand_decimals: int | None = None
) -> GraphTrace:
    env = forward(graph, rounded)
    gradients = dict.fromkeys(graph.values, 0.0) | {node.name: 0.0 for node in graph.nodes}
    gradients[graph.output] = 1.0
    received: dict[str, list[tuple[str, float]]] = {name: [] for name in gradients}
    traces: list[NodeTrace] = []
    for node in reversed(graph.nodes):
        local = {name: rounded(d) for name, d in local_derivatives(node, env).items()}
        upstream = gradients[node.name] = rounded(gradients[node.name])
        sent = {name: rounded(upstream * derivative) for name, derivative in local.items()}
        for name, amount in sent.items():
            gradients[name] += amount
            received[name].append((node.name, amount))
            if not math.isfinite(gradients[name]):  # the backward pass left float64's range
                kind = "NaN" if math.isnan(gradients[name]) else "infinite"
                raise NumericalError(
                    f"∂{graph.output}/∂{name} is {kind} (at node '{node.name}'): the numbers "
                    "left float64's range; scale the values down"
                )
        traces.append(NodeTrace(node, env[node.name], upstream, local, sent))
    traces.reverse()
    for name in graph.values:  # the inputs' sums, which no node's pass rounded
        gradients[name] = rounded(gradients[name])
    frozen = {name: tuple(reversed(items)) for name, items in received.items()}
    return GraphTrace(graph, tuple(traces), gradients, frozen, hand_decimals)


def with_value(graph: Graph, name: str, value: float) -> Graph:
    """The same graph with input `name` set to `value`."""
    values = copy.copy(graph.values)
    values[name] = value
    return Graph(values, graph.nodes, graph.output, graph.title, graph.description, graph.gates)

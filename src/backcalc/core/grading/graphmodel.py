"""A computational graph's hand solution as steps with known inputs, for the grader.

A step is a node's value or a name's gradient: its key is ("value", node) or ("gradient", name)
(name a node or an input of the graph). In the order a hand solution goes: every node's value
forward, then the gradients from the output back (GraphTrace.names()). The inputs, as a hand
solution takes them:

- a node's value ← the values of the nodes its formula uses (the graph's inputs are given);
- ∂out/∂name ← the gradient ∂out/∂u of every node u that uses `name` and the values that u's
  local derivative ∂u/∂name needs (add and subtract need none, multiply the other factor, any
  other gate all of its arguments): ∂out/∂name = Σᵤ ∂out/∂u · ∂u/∂name (+1 for the output).

Values are scalars: every step's internal shape is (). The formulas are the core's
(Expr.value, graph.local_derivatives), evaluated at the values of the world given.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, cast

import numpy as np

from backcalc.core.expressions import Expr, Op
from backcalc.core.graph import local_derivatives
from backcalc.errors import BackcalcError

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.grading.model import Key, World
    from backcalc.core.grading.worked import Worked
    from backcalc.core.graph import GraphTrace, Node

VALUE, GRADIENT = "value", "gradient"
KINDS = (VALUE, GRADIENT)
_FAILS = (BackcalcError, ArithmeticError, ValueError)  # a formula outside its domain: NaN


def key(kind: str, name: str) -> Key:
    """The grader's key of a graph step: (value|gradient, name). Key's second element is a layer
    number for a network and a node's name here (the grader tells them apart by type)."""
    return (kind, cast("int | None", name))


def name_of(step: Key) -> str:
    """The node's (or input's) name of a graph step."""
    name: object = step[1]
    assert isinstance(name, str), step
    return name


def needs(expr: Expr, name: str) -> list[str]:
    """The names whose values ∂expr/∂name takes: a sum passes the gradient whatever the
    values, a product takes the other factors, any other gate all of its arguments."""
    found: list[str] = []
    if not isinstance(expr, Op) or name not in expr.names():
        return found
    for position, arg in enumerate(expr.args):
        if name not in arg.names():
            continue
        if expr.op in ("+", "-", "neg"):
            local: list[str] = []
        elif expr.op == "*":
            local = [n for i, other in enumerate(expr.args) if i != position for n in other.names()]
        else:
            local = expr.names()
        found += [n for n in [*local, *needs(arg, name)] if n not in found]
    return found


class GraphSteps:
    """The steps of one graph, in hand-solution order."""

    def __init__(self, trace: GraphTrace) -> None:
        self.trace = trace
        self.graph = graph = trace.graph
        self.output = graph.output
        self.nodes: dict[str, Node] = {node.name: node for node in graph.nodes}
        self.users: dict[str, list[Node]] = {name: [] for name in [*graph.values, *self.nodes]}
        for node in graph.nodes:
            for used in node.inputs:
                self.users[used].append(node)
        values = [key(VALUE, node.name) for node in graph.nodes]
        gradients = [key(GRADIENT, name) for name, _ in trace.names()]
        self.order: tuple[Key, ...] = (*values, *gradients)
        self.position = {step: i for i, step in enumerate(self.order)}

    # -- values ------------------------------------------------------------------------------

    def internal(self, trace: GraphTrace, step: Key) -> Array | None:
        """The step's value in `trace` (a 0-d array; None for a step the graph has not)."""
        kind, name = step[0], name_of(step)
        if kind == GRADIENT:
            found = trace.gradients.get(name)
        else:
            found = next((n.value for n in trace.nodes if n.node.name == name), None)
        return None if found is None else np.asarray(found, dtype=np.float64)

    def correct(self, step: Key) -> Array:
        value = self.internal(self.trace, step)
        assert value is not None, step
        return value

    def user(self, step: Key, values: Array) -> Array:
        return np.asarray(values).reshape(())

    def env(self, world: World, names: list[str] | tuple[str, ...]) -> dict[str, float]:
        """The graph's inputs, and the values `world` gives the nodes among `names`."""
        env = dict(self.graph.values)
        for name in names:
            if name in self.nodes:
                env[name] = float(world(key(VALUE, name)))
        return env

    def local(self, node: Node, name: str, world: World) -> float:
        """∂node/∂name at the values of `world` (NaN outside the formula's domain)."""
        try:
            return local_derivatives(node, self.env(world, node.inputs)).get(name, 0.0)
        except _FAILS:
            return math.nan

    def upstream(self, node: Node, world: World) -> float:
        return float(world(key(GRADIENT, node.name)))

    def contributions(self, name: str, world: World) -> list[tuple[Node, float, float]]:
        """(user, ∂out/∂user, ∂user/∂name) for every node that uses `name`."""
        return [(u, self.upstream(u, world), self.local(u, name, world)) for u in self.users[name]]

    # -- the steps ---------------------------------------------------------------------------

    def inputs(self, step: Key) -> tuple[Key, ...]:
        kind, name = step[0], name_of(step)
        if kind == VALUE:
            return tuple(key(VALUE, n) for n in self.nodes[name].inputs if n in self.nodes)
        found: list[Key] = []
        for node in self.users[name]:
            found.append(key(GRADIENT, node.name))
            needed = needs(node.expr, name)
            found += [key(VALUE, n) for n in needed if n in self.nodes]
        return tuple(dict.fromkeys(found))

    def compute(self, step: Key, get: World) -> list[Array]:
        """The node's formula at the values of `get`, or Σᵤ ∂out/∂u · ∂u/∂name."""
        kind, name = step[0], name_of(step)
        if kind == VALUE:
            node = self.nodes[name]
            try:
                value = node.expr.value(self.env(get, node.inputs))
            except _FAILS:
                value = math.nan
            return [np.asarray(value, dtype=np.float64)]
        total = 1.0 if name == self.output else 0.0
        for _, upstream, local in self.contributions(name, get):
            total += upstream * local
        return [np.asarray(total, dtype=np.float64)]

    def spread(self, key: Key, get: World) -> list[Array] | None:
        """None: a graph's values are single numbers, so the grader finds the spread by moving
        one input at a time (exact to first order)."""
        return None

    def changes(self, step: Key, source: Key) -> bool:
        """Whether the step's formula changes the value of its input `source`: compared on the
        correct values (an add gate passes its gradient through unchanged)."""
        own, given = self.correct(step), self.correct(source)
        return not np.allclose(own, given, rtol=1e-9, atol=1e-12)

    def slip_values(self, step: Key, get: World) -> list[tuple[str, Array]]:
        """What each slip that can happen at this step gives from the values `get` returns."""
        from backcalc.core.grading.slips import applicable

        found = []
        for slip in applicable(step, "graph"):
            found += [(slip.code, value) for value in slip.values(self, step, get)]
        return found

    def parameter(self, step: Key) -> str | None:
        """The input a gradient differentiates by (for the finite difference beside it); a
        node's gradient has none."""
        name = name_of(step)
        return name if step[0] == GRADIENT and name in self.graph.values else None

    def written_form(self, key: Key) -> int:
        return 0  # one way to compute each step

    def worked(self, world: World, step: Key, index: tuple[int, ...]) -> Worked:
        """The node's formula with the values of `world`, or Σᵤ ∂out/∂u · ∂u/∂name with them."""
        from backcalc.core.grading.worked import Factor, Worked

        kind, name = step[0], name_of(step)
        result = float(self.compute(step, world)[0])
        if kind == VALUE:
            factors = tuple(
                Factor(VALUE, None, (), float(world(key(VALUE, n))), node=n)
                if n in self.nodes
                else Factor("given", None, (), self.graph.values[n], node=n)
                for n in self.nodes[name].inputs
            )
            return Worked(step, (), "node", ((1.0, factors),), result)
        terms: list[tuple[float, tuple[Factor, ...]]] = []
        for node, upstream, local in self.contributions(name, world):
            factors = (
                Factor("partial", None, (), upstream, node=self.output, by=node.name),
                Factor("partial", None, (), local, node=node.name, by=name),
            )
            terms.append((1.0, factors))
        if name == self.output and terms:  # seeded with 1, and used by later nodes too
            terms.insert(0, (1.0, (Factor("given", None, (), 1.0, node="1"),)))
        return Worked(step, (), "sum" if terms else "value", tuple(terms), result)

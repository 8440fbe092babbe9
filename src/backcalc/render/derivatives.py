"""A graph node's local derivatives written symbolically, as a hand solution writes them (note
003): ∂l/∂f3 of l = (f3 − y)² is 2(f3 − y), ∂h3/∂f2 of h3 = cos(f2) is −sin(f2), ∂f0/∂ω0 of
f0 = β0 + ω0·x is x. `derivative(expr, name, env)` returns an Expr that evaluates to the core's
local derivative; the renderers write it (backcalc.render.formulas), once with the names and once
with the numbers substituted.

The rules are the textbook ones (sum, product, quotient, power and chain rules), simplified as a
person would (no ·1, +0, x^1; integer constants folded, 2·(−1) = −2). A max or min routes the
derivative to the argument it chose at `env` (the first on a tie, as the core does). A function
whose derivative has no closed form among the expressions (relu, abs, a registered activation)
is written f'(u), a `Prime`, and evaluates with the function's registered derivative.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from backcalc.core.expressions import CHOOSERS, Env, Expr, Num, Op, Var, functions


@dataclass(frozen=True)
class Prime(Expr):
    """f'(arg) for a function f of the graph (abs' is written sign(arg))."""

    function: str
    arg: Expr

    def value(self, env: Env) -> float:
        return functions()[self.function].derivative(self.arg.value(env))

    def names(self) -> list[str]:
        return self.arg.names()


@dataclass(frozen=True)
class Indicator(Expr):
    """1(left ≥ right) (1(left > right) where `strict`), as note 001 writes max's derivative:
    1 where the comparison holds, else 0. `smaller` turns it round (min: 1(left ≤ right))."""

    left: Expr
    right: Expr
    strict: bool = False
    smaller: bool = False

    def value(self, env: Env) -> float:
        a, b = self.left.value(env), self.right.value(env)
        if self.smaller:
            a, b = b, a
        return 1.0 if (a > b if self.strict else a >= b) else 0.0

    def names(self) -> list[str]:
        return [*self.left.names(), *(n for n in self.right.names() if n not in self.left.names())]


ZERO, ONE = Num(0.0), Num(1.0)


def derivative(expr: Expr, name: str, env: Env) -> Expr:
    """∂expr/∂name, simplified; max and min choose their argument at `env`."""
    if isinstance(expr, Num):
        return ZERO
    if isinstance(expr, Var):
        return ONE if expr.name == name else ZERO
    assert isinstance(expr, Op), expr
    if name not in expr.names():
        return ZERO
    d = [derivative(arg, name, env) for arg in expr.args]
    if expr.op in CHOOSERS:
        return _chooser(expr, d, env)
    if expr.op in functions():
        return mul(function_derivative(expr.op, expr.args[0]), d[0])
    if expr.op == "neg":
        return neg(d[0])
    a, b = expr.args
    if expr.op == "+":
        return add(d[0], d[1])
    if expr.op == "-":
        return sub(d[0], d[1])
    if expr.op == "*":
        return add(mul(d[0], b), mul(a, d[1]))
    if expr.op == "/":
        if d[1] == ZERO:
            return div(d[0], b)
        quotient = div(mul(a, d[1]), power(b, Num(2.0)))
        return neg(quotient) if d[0] == ZERO else sub(div(d[0], b), quotient)
    assert expr.op == "**", expr.op
    if a.value(env) <= 0:  # the exponent's part needs log a: the core takes it as 0 here
        d[1] = ZERO
    if d[1] == ZERO:  # b·a^(b−1)·a'
        return mul(mul(b, power(a, sub(b, ONE))), d[0])
    if d[0] == ZERO:  # a^b·log(a)·b'
        return mul(mul(expr, Op("log", (a,))), d[1])
    return mul(expr, add(mul(d[1], Op("log", (a,))), div(mul(b, d[0]), a)))


def _chooser(expr: Op, d: list[Expr], env: Env) -> Expr:
    """max(a, b) routes the derivative to a where a ≥ b, to b where b > a (the first on a tie,
    as the core does): 1(a ≥ b)·a' + 1(b > a)·b'. With more arguments, the chosen one's at
    `env` alone."""
    if len(expr.args) == 2:
        a, b = expr.args
        smaller = expr.op == "min"
        first, second = Indicator(a, b, False, smaller), Indicator(b, a, True, smaller)
        return add(mul(first, d[0]), mul(second, d[1]))
    values = [arg.value(env) for arg in expr.args]
    return d[values.index(max(values) if expr.op == "max" else min(values))]


def function_derivative(op: str, u: Expr) -> Expr:
    """f'(u) for a function of the graph, with the functions of the graph where it can be."""
    if op == "sin":
        return Op("cos", (u,))
    if op == "cos":
        return neg(Op("sin", (u,)))
    if op == "exp":
        return Op("exp", (u,))
    if op == "log":
        return div(ONE, u)
    if op == "tan":
        return div(ONE, power(Op("cos", (u,)), Num(2.0)))
    if op == "sqrt":
        return div(ONE, mul(Num(2.0), Op("sqrt", (u,))))
    if op == "tanh" and "tanh" in functions():
        return sub(ONE, power(Op("tanh", (u,)), Num(2.0)))
    if op == "sigmoid" and "sigmoid" in functions():
        sigma = Op("sigmoid", (u,))
        return mul(sigma, sub(ONE, sigma))
    if op == "softplus" and "sigmoid" in functions():
        return Op("sigmoid", (u,))
    at_zero = getattr(functions()[op].activation, "derivative_at_zero", None)
    if op == "relu" and at_zero in (0.0, 1.0):  # 1(u > 0), or 1(u ≥ 0) where relu'(0) = 1
        return Indicator(u, ZERO, strict=at_zero == 0.0)
    return Prime(op, u)


# -- simplification, as a person writes it -------------------------------------------------------


def _exact(a: float, b: float, op: str) -> Num | None:
    """a op b as one number when it is exactly what decimal arithmetic on the written numbers
    gives (2 − 1 = 1, 0.5·2 = 1; not 0.1·3 = 0.30000000000000004), else None."""
    x, y = Decimal(repr(a)), Decimal(repr(b))
    exact = x + y if op == "+" else x - y if op == "-" else x * y
    result = a + b if op == "+" else a - b if op == "-" else a * b
    return Num(result + 0.0) if Decimal(repr(result)) == exact else None


def neg(a: Expr) -> Expr:
    if isinstance(a, Num):
        return Num(-a.number + 0.0)
    if isinstance(a, Op) and a.op == "neg":
        return a.args[0]
    return Op("neg", (a,))


def add(a: Expr, b: Expr) -> Expr:
    if a == ZERO:
        return b
    if b == ZERO:
        return a
    if isinstance(a, Num) and isinstance(b, Num):
        return _exact(a.number, b.number, "+") or Op("+", (a, b))
    if isinstance(b, Op) and b.op == "neg":
        return sub(a, b.args[0])
    if isinstance(b, Num) and b.number < 0:
        return sub(a, Num(-b.number))
    return Op("+", (a, b))


def sub(a: Expr, b: Expr) -> Expr:
    if b == ZERO:
        return a
    if a == ZERO:
        return neg(b)
    if isinstance(a, Num) and isinstance(b, Num):
        return _exact(a.number, b.number, "-") or Op("-", (a, b))
    if isinstance(b, Op) and b.op == "neg":
        return add(a, b.args[0])
    return Op("-", (a, b))


def mul(a: Expr, b: Expr) -> Expr:
    if a == ZERO or b == ZERO:
        return ZERO
    if a == ONE:
        return b
    if b == ONE:
        return a
    if isinstance(a, Op) and a.op == "neg":
        return neg(mul(a.args[0], b))
    if isinstance(b, Op) and b.op == "neg":
        return neg(mul(a, b.args[0]))
    if isinstance(a, Num) and isinstance(b, Num):
        return _exact(a.number, b.number, "*") or Op("*", (a, b))
    if isinstance(b, Op) and b.op == "/" and b.args[0] == ONE:  # a·(1/c) = a/c
        return div(a, b.args[1])
    if isinstance(a, Op) and a.op == "/" and a.args[0] == ONE:
        return div(b, a.args[1])
    if isinstance(b, Num):  # the constant first: 2(f3 − y), not (f3 − y)·2
        return mul(b, a)
    if isinstance(a, Num):
        if a.number < 0:
            return neg(mul(Num(-a.number), b))
        inner = b.args[0] if isinstance(b, Op) and b.op == "*" else None
        if isinstance(inner, Num) and isinstance(b, Op):
            folded = _exact(a.number, inner.number, "*")
            if folded is not None:
                return mul(folded, b.args[1])
    return Op("*", (a, b))


def div(a: Expr, b: Expr) -> Expr:
    if a == ZERO:
        return ZERO
    if b == ONE:
        return a
    if isinstance(a, Op) and a.op == "neg":
        return neg(div(a.args[0], b))
    if isinstance(a, Op) and a.op == "/":  # (p/q)/b = p/(q·b)
        return div(a.args[0], mul(a.args[1], b))
    return Op("/", (a, b))


def power(a: Expr, b: Expr) -> Expr:
    if b == ONE:
        return a
    if b == ZERO:
        return ONE
    return Op("**", (a, b))

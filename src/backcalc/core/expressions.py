"""Scalar expressions for computational-graph mode (backcalc.io.expressions parses them safely
from text: only a whitelist becomes an `Expr`, and nothing is ever evaluated by Python).

Each Expr keeps its value beside its local derivatives, as micrograd's engine does: `value(env)`
evaluates it, `backward(env, upstream, grads)` adds upstream·∂expr/∂name into `grads` for every
name it uses, and `sides(env)` tells which side of each kink (relu and abs at 0, a max or min
tie) the evaluation is on. Domain errors (log of a negative, division by 0) raise DomainError.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from backcalc.core.registry import Number, Words, fill
from backcalc.errors import BackcalcError, NumericalError

if TYPE_CHECKING:
    from backcalc.core.activations import Activation, Array

MAX_LENGTH = 2000  # characters in one expression
MAX_EXPONENT = 1000  # the largest literal exponent accepted


class ExpressionError(BackcalcError):
    """The text is not an expression backcalc accepts."""


class DomainError(BackcalcError):
    """A function was evaluated outside its domain."""


Env = dict[str, float]


@dataclass(frozen=True)
class Function:
    """A function a graph may call: f, f', f' written out ({z} is the argument, {a} the value),
    its LaTeX symbol, and on which side of a kink x is (None: smooth)."""

    name: str
    value: Callable[[float], float]
    derivative: Callable[[float], float]
    derivative_text: str
    tex: str
    side: Callable[[float], int] | None = None
    activation: Activation | None = None  # the registered class it comes from, if any

    def describe_derivative(self, z: str, words: Words, number: Number) -> str:
        """f' written out for the argument `z`, in the words of the renderer's language."""
        if self.activation is not None:
            return self.activation.describe_derivative(z, f"{self.name}({z})", words, number)
        return fill(self.derivative_text, z=z)


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


# The functions that are not activations; every element-wise activation is one too (functions()).
_MATH = {
    "tan": Function("tan", math.tan, lambda x: 1 / math.cos(x) ** 2, "1/cos²({z})", r"\tan"),
    "log": Function("log", math.log, lambda x: 1 / x, "1/{z}", r"\log"),
    "sqrt": Function("sqrt", math.sqrt, lambda x: 0.5 / math.sqrt(x), "1/(2√{z})", ""),
    "abs": Function("abs", abs, lambda x: float(_sign(x)), "sign({z})", "", _sign),
}
_FUNCTIONS: tuple[tuple[type, ...], dict[str, Function]] = ((), {})


def functions() -> dict[str, Function]:
    """Every function a graph may call: the element-wise activations of the registry (their
    registered formulas) and the functions above, by name."""
    global _FUNCTIONS
    from backcalc.core.activations import ACTIVATIONS

    registered = tuple(ACTIVATIONS.values())
    if _FUNCTIONS[0] != registered:  # a class registered (or replaced) since the last call
        table = dict(_MATH)
        for name, cls in ACTIVATIONS.items():
            if cls.elementwise and not cls.identity:
                table[name] = _from_activation(cls())  # a registered class wins over _MATH
        _FUNCTIONS = (registered, table)
    return _FUNCTIONS[1]


def _from_activation(activation: Activation) -> Function:
    def at(method: Callable[[Array], Array]) -> Callable[[float], float]:
        def scalar(x: float) -> float:
            with np.errstate(all="ignore"):
                result = float(method(np.array([[x]], dtype=np.float64))[0, 0])
            if math.isinf(result) and math.isfinite(x):
                raise OverflowError
            return result

        return scalar

    def side(x: float) -> int:
        mask = activation.kink_side(np.array([[x]], dtype=np.float64))
        return 0 if mask is None else int(mask[0, 0])

    has_kink = activation.kink_side(np.zeros((1, 1))) is not None
    return Function(
        activation.name,
        at(activation.value),
        at(activation.derivative),
        activation.derivative_formula,
        activation.symbol(),
        side if has_kink else None,
        activation,
    )


CHOOSERS = ("max", "min")
CONSTANTS = {"pi": math.pi, "e": math.e}


class Expr:
    def value(self, env: Env) -> float:
        raise NotImplementedError

    def backward(self, env: Env, upstream: float, grads: dict[str, float]) -> None:
        raise NotImplementedError

    def sides(self, env: Env) -> tuple[int, ...]:
        return ()

    def names(self) -> list[str]:
        """The names this expression uses, in order of first appearance."""
        return []


@dataclass(frozen=True)
class Num(Expr):
    number: float

    def value(self, env: Env) -> float:
        return self.number

    def backward(self, env: Env, upstream: float, grads: dict[str, float]) -> None:
        return None


@dataclass(frozen=True)
class Var(Expr):
    name: str

    def value(self, env: Env) -> float:
        return env[self.name]

    def backward(self, env: Env, upstream: float, grads: dict[str, float]) -> None:
        grads[self.name] = grads.get(self.name, 0.0) + upstream

    def names(self) -> list[str]:
        return [self.name]


@dataclass(frozen=True)
class Op(Expr):
    """A gate: `op` is one of + - * / ** neg, a function name, max or min."""

    op: str
    args: tuple[Expr, ...]

    def names(self) -> list[str]:
        seen: list[str] = []
        for arg in self.args:
            seen += [name for name in arg.names() if name not in seen]
        return seen

    def value(self, env: Env) -> float:
        return apply(self.op, [arg.value(env) for arg in self.args])

    def local(self, env: Env) -> list[float]:
        """∂self/∂argᵢ for each argument, at env."""
        return local_derivatives(self.op, [arg.value(env) for arg in self.args])

    def backward(self, env: Env, upstream: float, grads: dict[str, float]) -> None:
        for arg, local in zip(self.args, self.local(env), strict=True):
            arg.backward(env, upstream * local, grads)

    def sides(self, env: Env) -> tuple[int, ...]:
        inner = tuple(side for arg in self.args for side in arg.sides(env))
        values = [arg.value(env) for arg in self.args]
        function = functions().get(self.op)
        if function is not None and function.side is not None:
            return (*inner, function.side(values[0]))
        if self.op in CHOOSERS:
            return (*inner, *_ranking(values))
        return inner


def _ranking(values: list[float]) -> tuple[int, ...]:
    """The order of the arguments: it changes exactly when a max or min crosses a tie."""
    return tuple(sorted(range(len(values)), key=lambda i: (values[i], i)))


def apply(op: str, args: list[float]) -> float:
    """The value of gate `op` on `args`; DomainError outside its domain."""
    try:
        return _apply(op, args)
    except OverflowError:
        raise NumericalError(
            f"{op} overflows float64 at {', '.join(f'{a:g}' for a in args)}"
        ) from None


def _apply(op: str, args: list[float]) -> float:
    x = args[0]
    function = functions().get(op)
    if function is not None:
        if op == "log" and x <= 0:
            raise DomainError(f"log of {x:g}: the logarithm needs a positive number")
        if op == "sqrt" and x < 0:
            raise DomainError(f"sqrt of {x:g}: the square root needs a number ≥ 0")
        return function.value(x)
    if op == "max":
        return max(args)
    if op == "min":
        return min(args)
    if op == "neg":
        return -x
    y = args[1]
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        if y == 0:
            raise DomainError(f"division by 0 ({x:g} / 0)")
        return x / y
    if x < 0 and not float(y).is_integer():
        raise DomainError(f"{x:g} ** {y:g}: a negative number to a fractional power")
    if x == 0 and y < 0:
        raise DomainError(f"0 ** {y:g}: division by 0")
    return float(x**y)


def local_derivatives(op: str, args: list[float]) -> list[float]:
    """∂op/∂argᵢ: add passes the gradient, multiply swaps the inputs, max and min route it to
    the chosen input (the first of them on a tie)."""
    try:
        return _local(op, args)
    except OverflowError:
        raise NumericalError(f"the derivative of {op} overflows float64") from None
    except ZeroDivisionError:
        raise DomainError(f"the derivative of {op} is infinite at {args[0]:g}") from None


def _local(op: str, args: list[float]) -> list[float]:
    x = args[0]
    function = functions().get(op)
    if function is not None:
        return [function.derivative(x)]
    if op in CHOOSERS:
        chosen = args.index(max(args) if op == "max" else min(args))
        return [1.0 if i == chosen else 0.0 for i in range(len(args))]
    if op == "neg":
        return [-1.0]
    y = args[1]
    if op == "+":
        return [1.0, 1.0]
    if op == "-":
        return [1.0, -1.0]
    if op == "*":
        return [y, x]
    if op == "/":
        return [1 / y, -x / y**2]
    return [y * x ** (y - 1) if y != 0 else 0.0, x**y * math.log(x) if x > 0 else 0.0]


# -- writing -------------------------------------------------------------------------------------

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}


def text(
    expr: Expr,
    number: Callable[[float], str] = lambda v: f"{v:g}",
    names: Callable[[str], str] | None = None,
    separator: str = ", ",
) -> str:
    """The expression written back out, with the parentheses it needs (each name written by
    `names` where given: the numbers substituted); a function's arguments separated by
    `separator` ("; " beside a decimal comma)."""
    if isinstance(expr, Num):
        return number(expr.number)
    if isinstance(expr, Var):
        return expr.name if names is None else names(expr.name)
    assert isinstance(expr, Op)
    if expr.op in functions() or expr.op in CHOOSERS:
        args = separator.join(text(a, number, names, separator) for a in expr.args)
        return f"{expr.op}({args})"
    if expr.op == "neg":
        return f"−{_wrap(expr.args[0], 3, number, names, separator)}"
    level = _PRECEDENCE[expr.op]
    left = _wrap(expr.args[0], level + (1 if expr.op == "**" else 0), number, names, separator)
    right = _wrap(
        expr.args[1],
        level + (0 if expr.op == "**" else 1 if expr.op in "-/" else 0),
        number,
        names,
        separator,
    )
    symbol = {"*": "·", "-": "−", "**": "^"}.get(expr.op, expr.op)
    return f"{left}{symbol}{right}" if expr.op == "**" else f"{left} {symbol} {right}"


def _wrap(
    expr: Expr,
    level: int,
    number: Callable[[float], str],
    names: Callable[[str], str] | None,
    separator: str = ", ",
) -> str:
    inner = text(expr, number, names, separator)
    if isinstance(expr, Op) and expr.op in _PRECEDENCE and _PRECEDENCE[expr.op] < level:
        return f"({inner})"
    if isinstance(expr, Num) and expr.number < 0 and level > 1:
        return f"({inner})"
    return inner

"""Scalar expressions for computational-graph mode, parsed safely: Python's `ast` reads the text
and only a whitelist becomes an `Expr` (numbers, names, `+ - * / **`, unary minus and the
functions below); anything else is refused with a message, and nothing is ever evaluated by Python.

Each Expr keeps its value beside its local derivatives, as micrograd's engine does: `value(env)`
evaluates it, `backward(env, upstream, grads)` adds upstream·∂expr/∂name into `grads` for every
name it uses, and `sides(env)` tells which side of each kink (relu and abs at 0, a max or min
tie) the evaluation is on. Domain errors (log of a negative, division by 0) raise DomainError.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

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


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


# The functions that are not activations; every element-wise activation is one too (functions()).
_MATH = {
    "tan": Function("tan", math.tan, lambda x: 1 / math.cos(x) ** 2, "1/cos²({z})", r"\tan"),
    "log": Function("log", math.log, lambda x: 1 / x, "1/{z}", r"\log"),
    "sqrt": Function("sqrt", math.sqrt, lambda x: 0.5 / math.sqrt(x), "1/(2√{z})", ""),
    "abs": Function("abs", abs, lambda x: float(_sign(x)), "sign({z})", "", _sign),
}
_FUNCTIONS: tuple[int, dict[str, Function]] = (-1, {})


def functions() -> dict[str, Function]:
    """Every function a graph may call: the element-wise activations of the registry (their
    registered formulas) and the functions above, by name."""
    global _FUNCTIONS
    from backcalc.core.activations import ACTIVATIONS

    if _FUNCTIONS[0] != len(ACTIVATIONS):
        table = dict(_MATH)
        for name, cls in ACTIVATIONS.items():
            if cls.elementwise and not cls.identity and name not in table:
                table[name] = _from_activation(cls())
        _FUNCTIONS = (len(ACTIVATIONS), table)
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

    def children(self) -> tuple[Expr, ...]:
        return ()


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

    def children(self) -> tuple[Expr, ...]:
        return self.args

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


# -- parsing -------------------------------------------------------------------------------------

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


def parse(text: str, defined: set[str]) -> Expr:
    """The expression in `text`; `defined` names shadow the constants pi and e."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("expected an expression, found nothing")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"not a valid expression: {error.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the expression is nested too deeply") from None
    return _convert(tree.body, defined)


def _convert(node: ast.AST, defined: set[str]) -> Expr:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ExpressionError(f"{ast.unparse(node)} is not a number")
        return Num(float(node.value))
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS and node.id not in defined:
            return Num(CONSTANTS[node.id])
        return Var(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _convert(node.operand, defined)
        if isinstance(node.op, ast.UAdd):
            return operand
        return Num(-operand.number) if isinstance(operand, Num) else Op("neg", (operand,))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _convert(node.left, defined), _convert(node.right, defined)
        if isinstance(node.op, ast.Pow):
            _check_exponent(right)
        return Op(_BINARY[type(node.op)], (left, right))
    if isinstance(node, ast.Call):
        return _call(node, defined)
    raise ExpressionError(f"'{ast.unparse(node)}' is not allowed: {_refusal(node)}")


def _check_exponent(exponent: Expr) -> None:
    """Refuse a constant exponent beyond MAX_EXPONENT, however it is written (9**9**9 too)."""
    if exponent.names():
        return
    try:
        value = abs(exponent.value({}))
    except (BackcalcError, OverflowError):
        value = float("inf")
    if value > MAX_EXPONENT:
        raise ExpressionError(f"the exponent is too large (at most {MAX_EXPONENT} is accepted)")


def _call(node: ast.Call, defined: set[str]) -> Expr:
    if not isinstance(node.func, ast.Name) or node.keywords:
        raise ExpressionError(
            f"'{ast.unparse(node)}' is not allowed: only plain calls of {_known()}"
        )
    name = node.func.id
    if name not in functions() and name not in CHOOSERS:
        raise ExpressionError(f"unknown function '{name}' (known: {_known()})")
    if any(isinstance(arg, ast.Starred) for arg in node.args):
        raise ExpressionError(f"'{ast.unparse(node)}' is not allowed: no * arguments")
    args = [_convert(arg, defined) for arg in node.args]
    if name in functions():
        if len(args) != 1:
            raise ExpressionError(f"{name} takes one argument, found {len(args)}")
        return Op(name, tuple(args))
    if len(args) < 2:
        raise ExpressionError(f"{name} takes two or more arguments, found {len(args)}")
    return Op(name, tuple(args))


def _known() -> str:
    return ", ".join([*functions(), *CHOOSERS])


def _refusal(node: ast.AST) -> str:
    kinds = {
        ast.Attribute: "no attribute access",
        ast.Subscript: "no indexing",
        ast.Lambda: "no lambdas",
        ast.ListComp: "no comprehensions",
        ast.GeneratorExp: "no comprehensions",
        ast.Compare: "no comparisons",
        ast.BoolOp: "no and/or",
    }
    for kind, reason in kinds.items():
        if isinstance(node, kind):
            return reason
    return "only numbers, names, + - * / **, unary minus and " + _known()


# -- writing -------------------------------------------------------------------------------------

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}


def text(expr: Expr, number: Callable[[float], str] = lambda v: f"{v:g}") -> str:
    """The expression written back out, with the parentheses it needs."""
    if isinstance(expr, Num):
        return number(expr.number)
    if isinstance(expr, Var):
        return expr.name
    assert isinstance(expr, Op)
    if expr.op in functions() or expr.op in CHOOSERS:
        return f"{expr.op}({', '.join(text(a, number) for a in expr.args)})"
    if expr.op == "neg":
        return f"−{_wrap(expr.args[0], 3, number)}"
    level = _PRECEDENCE[expr.op]
    left = _wrap(expr.args[0], level + (1 if expr.op == "**" else 0), number)
    right = _wrap(
        expr.args[1], level + (0 if expr.op == "**" else 1 if expr.op in "-/" else 0), number
    )
    symbol = {"*": "·", "-": "−", "**": "^"}.get(expr.op, expr.op)
    return f"{left}{symbol}{right}" if expr.op == "**" else f"{left} {symbol} {right}"


def _wrap(expr: Expr, level: int, number: Callable[[float], str]) -> str:
    inner = text(expr, number)
    if isinstance(expr, Op) and expr.op in _PRECEDENCE and _PRECEDENCE[expr.op] < level:
        return f"({inner})"
    if isinstance(expr, Num) and expr.number < 0 and level > 1:
        return f"({inner})"
    return inner

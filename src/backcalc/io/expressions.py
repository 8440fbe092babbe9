"""Expressions of graph mode parsed safely from text: Python's `ast` reads the text and only a
whitelist becomes an Expr (numbers, names, `+ - * / **`, unary minus, the functions of
backcalc.core.expressions, max and min); anything else is refused with a message, and nothing is
ever evaluated by Python."""

from __future__ import annotations

import ast
import math

from backcalc.core.expressions import (
    CHOOSERS,
    CONSTANTS,
    MAX_EXPONENT,
    MAX_LENGTH,
    Expr,
    ExpressionError,
    Num,
    Op,
    Var,
    functions,
)
from backcalc.errors import BackcalcError

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
    if _depth(tree.body) > 2 * MAX_DEPTH:  # an ast level per operation and per operator node
        raise ExpressionError(
            f"the expression is nested too deeply (more than {MAX_DEPTH} operations inside one "
            "another): split it into steps"
        )
    try:
        return _convert(tree.body, defined)
    except RecursionError:  # ~490 chained operators: Python's own depth, not ours
        raise ExpressionError("the expression is nested too deeply") from None


MAX_DEPTH = 200  # operations inside one another: every pass over an Expr recurses this deep


def _depth(node: ast.AST) -> int:
    """How deeply the operations of `node` nest (iteratively: the tree may be deep)."""
    deepest, pending = 0, [(node, 0)]
    while pending:
        current, level = pending.pop()
        deepest = max(deepest, level)
        pending += [(item, level + 1) for item in ast.iter_child_nodes(current)]
    return deepest


def _convert(node: ast.AST, defined: set[str]) -> Expr:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ExpressionError(f"{ast.unparse(node)} is not a number")
        try:
            number = float(node.value)
        except OverflowError:
            raise ExpressionError(f"{str(node.value)[:20]}… is too large a number") from None
        if math.isinf(number):  # 1e400 is read as inf
            raise ExpressionError("a number in the expression is beyond float64's range (1.8e308)")
        return Num(number)
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

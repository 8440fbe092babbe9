"""How a graph node's local derivatives are written: the gate's rule (add passes the gradient
through, multiply swaps the inputs, max routes it to the larger input) and its value, in plain
text and in LaTeX. Names become LaTeX symbols here too (beta0 -> \\beta_{0}, f3 -> f_{3})."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from backcalc.core.expressions import CHOOSERS, Expr, Num, Op, Var, functions

if TYPE_CHECKING:
    from backcalc.render.style import Style

GREEK = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
]


def tex_name(name: str) -> str:
    """beta0 -> \\beta_{0}; f3 -> f_{3}; x_i -> x_{i}; loss -> \\mathrm{loss}."""
    match = re.fullmatch(r"([A-Za-z]+)_?(\d*)(?:_(\w+))?", name)
    if not match:
        escaped = name.replace("_", "\\_")
        return rf"\mathrm{{{escaped}}}"
    letters, digits, sub = match.groups()
    base = f"\\{letters}" if letters in GREEK else letters
    if len(letters) > 1 and letters not in GREEK:
        base = rf"\mathrm{{{letters}}}"
    index = digits or sub or ""
    return f"{base}_{{{index}}}" if index else base


def gate_rule(expr: Expr, style: Style) -> str:
    """The rule of a single gate in words ("multiply: swaps the inputs"), or '' for a compound
    expression, whose local derivatives stand as numbers."""
    if not isinstance(expr, Op) or any(isinstance(arg, Op) for arg in expr.args):
        return ""
    function = functions().get(expr.op)
    if function is not None:
        derivative = function.describe_derivative("x", style.t, style.numbers.given)
        return style.t("graph.gate_function", name=expr.op, derivative=derivative)
    key = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "**": "power"}
    return style.pick("graph.gate", key.get(expr.op, expr.op))


def local_text(expr: Expr, name: str, style: Style) -> str:
    """∂    expr/∂name written as the gate's rule says, e.g. `z` for q·z with respect to q; empty
    for a compound expression (its value stands alone)."""
    if not isinstance(expr, Op) or any(isinstance(arg, Op) for arg in expr.args):
        return ""
    args = [_operand(arg, style.numbers.given) for arg in expr.args]
    position = [i for i, arg in enumerate(expr.args) if isinstance(arg, Var) and arg.name == name]
    if not position or len(position) > 1:
        return ""
    i = position[0]
    function = functions().get(expr.op)
    if function is not None:
        return function.describe_derivative(args[0], style.t, style.numbers.given)
    if expr.op in ("+", "-"):
        return "−1" if expr.op == "-" and i == 1 else "1"
    if expr.op == "*":
        return args[1 - i]
    if expr.op == "neg":
        return "−1"
    if expr.op == "/":
        return f"1/{args[1]}" if i == 0 else f"−{args[0]}/{args[1]}²"
    if expr.op == "**":
        return (
            f"{args[1]}·{args[0]}^({args[1]} − 1)"
            if i == 0
            else f"{args[0]}^{args[1]}·log {args[0]}"
        )
    return ""  # max and min: the rule says it in words, the value is 1 or 0


def _operand(arg: Expr, show: Callable[[float], str]) -> str:
    if isinstance(arg, Num):
        return show(arg.number) if arg.number >= 0 else f"({show(arg.number)})"
    return arg.name if isinstance(arg, Var) else "(…)"


_TEX_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 3, "neg": 3, "**": 4}


def tex(expr: Expr, show: Callable[[float], str], names: Callable[[str], str] = tex_name) -> str:
    """The expression in LaTeX; `names` writes a name (a symbol, or its value substituted)."""
    if isinstance(expr, Num):
        return show(expr.number)
    if isinstance(expr, Var):
        return names(expr.name)
    assert isinstance(expr, Op)
    args = [tex(arg, show, names) for arg in expr.args]
    function = functions().get(expr.op)
    if expr.op in CHOOSERS or (function is not None and function.tex):
        symbol = function.tex if function is not None else rf"\{expr.op}"
        return rf"{symbol}\left({', '.join(args)}\right)"
    if function is not None:  # sqrt, abs
        return rf"\sqrt{{{args[0]}}}" if expr.op == "sqrt" else rf"\left|{args[0]}\right|"
    if expr.op == "/":
        return rf"\frac{{{args[0]}}}{{{args[1]}}}"
    wrapped = [
        _tex_wrap(arg, text, expr.op, i)
        for i, (arg, text) in enumerate(zip(expr.args, args, strict=True))
    ]
    if expr.op == "neg":
        return f"-{wrapped[0]}"
    if expr.op == "**":
        return f"{wrapped[0]}^{{{args[1]}}}"
    symbol = {"*": r" \cdot ", "+": " + ", "-": " - "}[expr.op]
    return symbol.join(wrapped)


def _tex_wrap(arg: Expr, text: str, op: str, position: int) -> str:
    level = _TEX_PRECEDENCE[op]
    inner = _TEX_PRECEDENCE.get(arg.op, 9) if isinstance(arg, Op) else 9
    needs = inner < level or (op in ("-", "**") and position == 1 and inner == level)
    needs = needs or (op == "**" and position == 0 and isinstance(arg, Op))
    negative = (isinstance(arg, Num) and arg.number < 0) or text.startswith("-")
    if needs or (negative and (level > 1 or position > 0)):
        return rf"\left({text}\right)"
    return text

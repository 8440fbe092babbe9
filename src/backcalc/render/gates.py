"""How a graph's gates are described: each gate's rule (add passes the gradient through,
multiply swaps the inputs, max routes it to the larger input) in the terminal's words, with its
formulas in plain text or in LaTeX; how a graph's numbers are written (an integral value as an
integer, `−12`, not `−12.0000`; `;` between arguments with a decimal comma). Names become LaTeX
symbols here too (beta0 -> \\beta_{0}, f3 -> f_{3})."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from backcalc.core.expressions import CHOOSERS, Expr, Op, Var, functions
from backcalc.render import formulas
from backcalc.render.derivatives import function_derivative

if TYPE_CHECKING:
    from backcalc.render.numbers import NumberFormat
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


def integral(value: float) -> bool:
    """A value a graph writes as an integer: exactly integral (and short of 1e15, from where
    numbers are written in scientific notation)."""
    return float(value).is_integer() and abs(value) < 1e15


def number(numbers: NumberFormat, value: float) -> str:
    """A computed number of a graph: `-12` for an integral value, else with the decimals."""
    return numbers.given(value) if integral(value) else numbers.fixed(value)


def separator(numbers: NumberFormat) -> str:
    """Between a function's arguments: `max(2; -1)` with a decimal comma, `max(2, -1)` else."""
    return "; " if numbers.comma else ", "


_GATES = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "**": "power"}
# a gate's inputs a and b, and its local derivatives with respect to them: (text, LaTeX)
_FORMS = {
    "+": ("a + b", "a + b"),
    "-": ("a − b", "a - b"),
    "*": ("a · b", r"a \cdot b"),
    "/": ("a/b", r"\frac{a}{b}"),
    "**": ("a^b", "a^{b}"),
    "neg": ("−a", "-a"),
}
_DERIVATIVES = {
    "/": (("1/b", r"\frac{1}{b}"), ("−a/b²", r"-\frac{a}{b^{2}}")),
    "**": (("b·a^(b−1)", r"b \cdot a^{b-1}"), ("a^b·log a", r"a^{b} \log a")),
    "neg": (("−1", "-1"), ("", "")),
}


def gate_rule(expr: Expr, style: Style) -> str:
    """The rule of a single gate in words ("multiply: swaps the inputs"), or '' for a compound
    expression, whose local derivatives the terminal writes out instead."""
    if not isinstance(expr, Op) or any(isinstance(arg, Op) for arg in expr.args):
        return ""
    return rule(expr.op, style)


def rule(op: str, style: Style, tex: bool = False) -> str:
    """The rule of gate `op` in the terminal's words, its formulas in plain text or (`tex`) as
    inline LaTeX math."""
    math = (lambda text: f"${text}$") if tex else (lambda text: text)
    function = functions().get(op)
    if function is not None:
        return style.t("graph.gate_function", name=op, derivative=_derivative(op, style, tex))
    da, db = _DERIVATIVES.get(op, (("", ""), ("", "")))
    index = 1 if tex else 0
    inputs = {"a": math("a"), "b": math("b"), "da": math(da[index]), "db": math(db[index])}
    return style.pick("graph.gate", _GATES.get(op, op), **inputs)


def _derivative(op: str, style: Style, tex: bool) -> str:
    """f'(x) of a function gate: its closed form, or the registered words (relu: 1 if x > 0...)."""
    function = functions()[op]
    derivative = function_derivative(op, Var("x"))
    given = style.numbers.given
    if not tex:
        return function.describe_derivative("x", style.t, given)
    if isinstance(derivative, Op):
        shown = formulas.tex(derivative, formulas.tex_number(style.numbers), tex_name)
        return f"${shown}$"
    activation = function.activation
    if activation is not None and activation.derivative_formula_tex:
        return f"${activation.derivative_tex('x', 'a', given)}$"
    words = function.describe_derivative("x", style.t, given)  # relu: 1 if x > 0, ...
    words = re.sub(r"\bx ([<>]) (\d+)\b", r"$x \1 \2$", words)
    return re.sub(r"(?<![\w$])x(?![\w$])", "$x$", words)


def operations(exprs: list[Expr]) -> list[str]:
    """Every gate the expressions use (nested ones too), in order of first appearance."""
    found: list[str] = []

    def walk(expr: Expr) -> None:
        if isinstance(expr, Op):
            if expr.op not in found:
                found.append(expr.op)
            for arg in expr.args:
                walk(arg)

    for expr in exprs:
        walk(expr)
    return found


def form(op: str, numbers: NumberFormat, tex: bool = False) -> str:
    """The gate written on inputs a and b (a function on x): `a · b`, `max(a; b)`, `sin(x)`."""
    if op in _FORMS:
        return _FORMS[op][1 if tex else 0]
    call = Op(op, (Var("a"), Var("b")) if op in CHOOSERS else (Var("x"),))
    if tex:
        return formulas.tex(call, str, tex_name, separator(numbers))
    return formulas.text(call, str, sep=separator(numbers))


def tex(
    expr: Expr,
    show: Callable[[float], str],
    names: Callable[[str], str] = tex_name,
    sep: str = ", ",
) -> str:
    """The expression in LaTeX; `names` writes a name (a symbol, or its value substituted)."""
    return formulas.tex(expr, show, names, sep)

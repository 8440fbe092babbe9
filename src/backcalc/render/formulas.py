"""How a graph's expressions are written, in plain text (terminal, DOT) and in LaTeX (documents),
with the names or with the numbers substituted.

The same rules in both: a negative operand in parentheses wherever it follows an operator or is
a factor (`2 · 5,0683 + (−3)`, `(−0,4) · (−17,0605)`), never inside a function's parentheses or
a fraction; a constant juxtaposed with a sum it multiplies (`2(f3 − y)`), every other product
written with `·`; the arguments of max and min separated by `sep` (`;` with a decimal comma:
`max(2; −1)`). Numbers are written by the caller's `number` and names by `names` (a symbol, or
the value substituted: a negative one starts with "-").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backcalc.core.expressions import CHOOSERS, Expr, Num, Op, Var, functions
from backcalc.render.derivatives import Indicator, Prime

if TYPE_CHECKING:
    from backcalc.render.numbers import NumberFormat

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 2, "**": 4}


@dataclass(frozen=True)
class Dialect:
    """Plain text or LaTeX: the symbols and how groups, calls and powers are written."""

    tex: bool

    def group(self, text: str) -> str:
        """(text); in LaTeX sized to a fraction inside (\\left( \\right)), else plain, as
        `\\sin(f_{2})` is written (\\left after an operator name adds a space)."""
        if self.tex and r"\frac" in text:
            return rf"\left({text}\right)"
        return f"({text})"

    def symbol(self, op: str) -> str:
        if self.tex:
            return {"*": r" \cdot ", "+": " + ", "-": " - "}[op]
        return {"*": " · ", "+": " + ", "-": " − "}[op]

    def minus(self) -> str:
        return "-" if self.tex else "−"


TEXT, TEX = Dialect(False), Dialect(True)


def _negative(expr: Expr, written: str) -> bool:
    """Whether the written operand starts with a minus sign (a negative number or value, −x)."""
    if isinstance(expr, Num):
        return expr.number < 0
    if isinstance(expr, Op) and expr.op == "neg":
        return True
    return written.startswith(("-", "−"))


class Writer:
    """Writes an Expr in a dialect; `names` writes a name, `number` a constant."""

    def __init__(
        self,
        dialect: Dialect,
        number: Callable[[float], str],
        names: Callable[[str], str],
        sep: str = ", ",
    ) -> None:
        self.d = dialect
        self.number = number
        self.names = names
        self.sep = sep

    def write(self, expr: Expr) -> str:
        if isinstance(expr, Num):
            return self.number(expr.number)
        if isinstance(expr, Var):
            return self.names(expr.name)
        if isinstance(expr, Prime):
            return self.prime(expr)
        if isinstance(expr, Indicator):
            return self.indicator(expr)
        assert isinstance(expr, Op), expr
        if expr.op in CHOOSERS or expr.op in functions():
            return self.call(expr)
        if expr.op == "neg":
            return self.d.minus() + self.operand(expr.args[0], "neg", 0)
        if expr.op == "/" and self.d.tex:
            return rf"\frac{{{self.write(expr.args[0])}}}{{{self.write(expr.args[1])}}}"
        if expr.op == "**":
            squared = self.squared(expr)
            if squared:
                return squared
            base = self.operand(expr.args[0], "**", 0)
            if self.d.tex:
                return f"{base}^{{{self.write(expr.args[1])}}}"
            exponent = expr.args[1]
            simple = isinstance(exponent, Var) or (
                isinstance(exponent, Num) and exponent.number >= 0
            )
            shown = self.write(exponent)
            return f"{base}^{shown}" if simple else f"{base}^({shown})"
        left, right = expr.args
        if expr.op == "*" and self.juxtaposed(left, right):
            return f"{self.write(left)}{self.d.group(self.write(right))}"
        symbol = "/" if expr.op == "/" else self.d.symbol(expr.op)
        return symbol.join(self.operand(arg, expr.op, i) for i, arg in enumerate(expr.args))

    def squared(self, expr: Op) -> str:
        """cos²(u), tanh²(u): a function's square as the notes write it ('' for other powers)."""
        base, exponent = expr.args
        if not (isinstance(exponent, Num) and exponent.number in (2.0, 3.0)):
            return ""
        function = functions().get(base.op) if isinstance(base, Op) else None
        if function is None or not isinstance(base, Op) or (self.d.tex and not function.tex):
            return ""
        args = self.sep.join(self.write(arg) for arg in base.args)
        if self.d.tex:
            return rf"{function.tex}^{{{int(exponent.number)}}}{self.d.group(args)}"
        return f"{base.op}{'²' if exponent.number == 2 else '³'}({args})"

    def juxtaposed(self, left: Expr, right: Expr) -> bool:
        """2(f3 − y) and σ(t)(1 − σ(t)): a constant or a call times a sum, as the notes write."""
        calls = self.calls(left) and not (isinstance(left, Op) and left.op in CHOOSERS)
        positive = isinstance(left, Num) and left.number >= 0
        return (positive or calls) and isinstance(right, Op) and right.op in ("+", "-")

    def operand(self, arg: Expr, op: str, position: int) -> str:
        """An operand of `op`, in parentheses where precedence or a minus sign needs them."""
        text = self.write(arg)
        calls = self.calls(arg)
        if op == "**":  # a power's base: anything but a name, a call or a positive number
            needs = isinstance(arg, Op) and not calls
        else:
            level = _PRECEDENCE[op]
            fraction = self.d.tex and isinstance(arg, Op) and arg.op == "/"
            inner = 9 if calls or fraction or not isinstance(arg, Op) else _PRECEDENCE[arg.op]
            if op == "neg":
                needs = inner < 2
            else:
                needs = inner < level or (inner == level and position == 1 and op in "-/")
        if not needs and _negative(arg, text):
            needs = op in ("*", "/", "**", "neg") or position > 0
        return self.d.group(text) if needs else text

    @staticmethod
    def calls(arg: Expr) -> bool:
        """A function call (max, sin, f'): its own parentheses are enough."""
        return isinstance(arg, Prime | Indicator) or (
            isinstance(arg, Op) and (arg.op in CHOOSERS or arg.op in functions())
        )

    def call(self, expr: Op) -> str:
        args = [self.write(arg) for arg in expr.args]
        function = functions().get(expr.op)
        if not self.d.tex:
            return f"{expr.op}({self.sep.join(args)})"
        if expr.op == "sqrt":
            return rf"\sqrt{{{args[0]}}}"
        if expr.op == "abs":
            return rf"\left\lvert {args[0]} \right\rvert"
        symbol = function.tex if function is not None else rf"\{expr.op}"
        return f"{symbol}{self.d.group(self.sep.join(args))}"

    def indicator(self, expr: Indicator) -> str:
        """1(a ≥ b), as note 001 writes the derivative of max."""
        index = (2 if expr.smaller else 0) + (1 if expr.strict else 0)
        relations = (r"\geq", ">", r"\leq", "<") if self.d.tex else ("≥", ">", "≤", "<")
        relation = relations[index]
        inside = f"{self.write(expr.left)} {relation} {self.write(expr.right)}"
        return f"1{self.d.group(inside)}"

    def prime(self, expr: Prime) -> str:
        """f'(u); abs' is sign(u)."""
        arg = self.write(expr.arg)
        if expr.function == "abs":
            return rf"\operatorname{{sign}}{self.d.group(arg)}" if self.d.tex else f"sign({arg})"
        if self.d.tex:
            return rf"{functions()[expr.function].tex}'{self.d.group(arg)}"
        return f"{expr.function}'({arg})"


def text(
    expr: Expr,
    number: Callable[[float], str],
    names: Callable[[str], str] | None = None,
    sep: str = ", ",
) -> str:
    """The expression in plain text (names as they are, unless `names` writes them)."""
    return Writer(TEXT, number, names or (lambda name: name), sep).write(expr)


def tex(
    expr: Expr,
    number: Callable[[float], str],
    names: Callable[[str], str],
    sep: str = ", ",
) -> str:
    """The expression in LaTeX math."""
    return Writer(TEX, number, names, sep).write(expr)


def tex_number(numbers: NumberFormat) -> Callable[[float], str]:
    """A constant of an expression in LaTeX math, as the user wrote it."""
    from backcalc.render.document.mathtex import MathWriter

    writer = MathWriter(numbers)
    return lambda value: writer.number(value, True)

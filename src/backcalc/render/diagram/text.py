"""The words, symbols and numbers of a diagram, each held in two forms: plain Unicode text (the
SVG, the DOT drawing and the width estimate the layout uses) and LaTeX (the TikZ picture).

A `Line` is a row of `Piece`s; a piece is math (z₁⁽¹⁾ = 0,8787: `z^{(1)}_{1} = 0{,}8787`) or
words (from the locale files, escaped for TeX). Numbers come from the style's NumberFormat, so
a picture writes them as the tables do (a decimal comma in Spanish, `{,}` in TeX math), with a
true minus sign.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backcalc.render import latexchars
from backcalc.render.gates import GREEK, tex_name

if TYPE_CHECKING:
    from backcalc.render.style import Style

FONT = 8.0  # the text's size, in pt (one unit of the layout is one pt)
LINE = 11.5  # baseline to baseline (room for z^{(1)}_{1} under a line with a subscript)
ASCENT = 6.0  # from the baseline to the top of a digit, roughly
DESCENT = 2.2

SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
SUP = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
GREEK_LETTERS = dict(zip(GREEK, "αβγδεζηθικλμνξρστυφχψω", strict=True))
MARK = "\x00"  # fences a placeholder in a locale text: see `mixed`

# Glyph widths in em, a little over DejaVu Sans's (the widest of the fonts the SVG may get), so
# that a box drawn for the estimate holds its text in the browser and in Computer Modern.
_NARROW = set(" ,.;:!|'ijlftr·⋮")
_WIDE = set("mwMW=+−×<>≤≥≠∑Σ")
_SMALL = set("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def em_width(text: str) -> float:
    """The width of `text` in em (an estimate: no font is measured)."""
    width = 0.0
    for char in text:
        if char in _SMALL:
            width += 0.42
        elif char in _NARROW:
            width += 0.34
        elif char in _WIDE:
            width += 0.86
        elif char in "()[]{}":
            width += 0.40
        elif char.isupper():
            width += 0.72
        elif char.isdigit():
            width += 0.65
        else:
            width += 0.62
    return width


@dataclass(frozen=True)
class Piece:
    plain: str
    tex: str
    math: bool = True


@dataclass(frozen=True)
class Line:
    """One line of a label; `tone` colours it: text, gradient (∂J/∂…) or note."""

    pieces: tuple[Piece, ...]
    tone: str = "text"

    @property
    def plain(self) -> str:
        return "".join(piece.plain for piece in self.pieces)

    @property
    def tex(self) -> str:
        """The line for TeX: adjacent math pieces in one $...$."""
        out, math = [], False
        for piece in self.pieces:
            if piece.math != math:
                out.append("$")
                math = piece.math
            out.append(piece.tex)
        if math:
            out.append("$")
        return "".join(out)

    @property
    def width(self) -> float:
        return em_width(self.plain) * FONT


def line(*pieces: Piece, tone: str = "text") -> Line:
    return Line(tuple(pieces), tone)


def prose(text: str) -> Piece:
    """Prose (a locale text, a user's title): specials escaped for TeX."""
    return Piece(text, latexchars.text(text), math=False)


def math(plain: str, tex: str) -> Piece:
    return Piece(plain, tex)


def mark(name: str) -> str:
    """What a locale text is given for a placeholder that `mixed` then fills with math."""
    return f"{MARK}{name}{MARK}"


def mixed(text: str, pieces: dict[str, Piece], tone: str = "text") -> Line:
    """A locale text whose placeholders were given `mark(name)`: words with math in between."""
    parts = text.split(MARK)
    out = [pieces[part] if index % 2 else prose(part) for index, part in enumerate(parts)]
    return Line(tuple(piece for piece in out if piece.plain), tone)


def symbol(
    base: str, index: int | None = None, layer: int | None = None, tex: str | None = None
) -> Piece:
    """z₁⁽¹⁾ (`z^{(1)}_{1}`): a unit's quantity, `index` and `layer` counted from 1. `base` is
    a plain letter or a name such as ∂J/∂b, whose TeX `symbol` knows."""
    tex = tex or _TEX_BASES.get(base, base)
    plain_index = "" if index is None else str(index).translate(SUB)
    plain_layer = "" if layer is None else f"({layer})".translate(SUP)
    tex_sup = "" if layer is None else f"^{{({layer})}}"
    tex_sub = "" if index is None else f"_{{{index}}}"
    return Piece(f"{base}{plain_index}{plain_layer}", f"{tex}{tex_sup}{tex_sub}")


_TEX_BASES = {
    "∂J/∂b": r"\partial J/\partial b",
    "∂J/∂w": r"\partial J/\partial w",
    "∂J/∂W": r"\partial J/\partial W",
    "ℓ": r"\ell",
    "ŷ": r"\hat{y}",
    "δ": r"\delta",
}


def equals() -> Piece:
    return Piece(" = ", " = ")


class Numbers:
    """The style's numbers as pieces: `given` as the user wrote them, `computed` at the
    style's decimals."""

    def __init__(self, style: Style) -> None:
        self.text = style.numbers
        self.tex = style.numbers.for_math()
        self.comma = style.numbers.comma

    def given(self, value: float) -> Piece:
        return self._piece(self.text.given(value), self.tex.given(value))

    def computed(self, value: float) -> Piece:
        return self._piece(self.text.fixed(value), self.tex.fixed(value))

    @staticmethod
    def _piece(plain: str, tex: str) -> Piece:
        tex = tex.replace("−∞", r"-\infty").replace("∞", r"\infty")
        return Piece(plain.replace("-", "−"), tex)

    def vector(self, values: list[float], given: bool = True) -> Piece:
        """(0,01; 0,99): a short vector, `;` between the numbers under a decimal comma."""
        pieces = [self.given(v) if given else self.computed(v) for v in values]
        if len(pieces) == 1:
            return pieces[0]
        sep = "; " if self.comma else ", "
        tex_sep = ";\\ " if self.comma else ",\\ "
        plain = sep.join(p.plain for p in pieces)
        tex = tex_sep.join(p.tex for p in pieces)
        return Piece(f"({plain})", rf"\left({tex}\right)")


def name(text: str) -> Piece:
    """A graph's name: beta0 as β₀ (`\\beta_{0}`), f3 as f₃, x_i as x_i, loss upright."""
    found = re.fullmatch(r"([A-Za-z]+)_?(\d*)(?:_(\w+))?", text)
    if not found:
        return Piece(text, tex_name(text))
    letters, digits, sub = found.groups()
    base = GREEK_LETTERS.get(letters, letters)
    if digits:
        return Piece(base + digits.translate(SUB), tex_name(text))
    return Piece(f"{base}_{sub}" if sub else base, tex_name(text))


_FORMULA_TEX = {
    "½": r"\tfrac{1}{2}",
    "Σ": r"\sum",
    "ŷ": r"\hat{y}",
    "²": "^{2}",
    "−": "-",
    "·": r"\cdot ",
    "≠": r"\ne ",
    "ⱼ": "_{j}",
    "σ": r"\sigma",
    "δ": r"\delta",
    "α": r"\alpha",
    "λ": r"\lambda",
}
_FUNCTION_NAMES = {"log", "exp", "max", "min", "sin", "cos", "tanh"}


def formula_tex(plain: str) -> str | None:
    """A formula in plain text (a loss's ℓ: ½Σ(ŷ − y)², Σ_{j≠c} max(0, ŷⱼ − ŷ_c + 1)) in TeX,
    symbol for symbol, so that both forms of the picture write the same thing; None if it has
    a character this does not know (a loss registered elsewhere: its own TeX is used)."""
    out = []
    for token in re.findall(r"[A-Za-z]{2,}|.", plain):
        if len(token) > 1:
            out.append(f"\\{token} " if token in _FUNCTION_NAMES else rf"\mathrm{{{token}}}")
        elif token in _FORMULA_TEX or token.isascii():
            out.append(_FORMULA_TEX.get(token, token))
        else:
            return None
    return "".join(out)


def plain_symbol(tex: str) -> str:
    """A function's TeX symbol in plain text: \\sigma as σ, \\mathrm{ReLU} as ReLU."""
    found = re.fullmatch(r"\\mathrm\{(.*)\}", tex)
    if found:
        return found.group(1).replace("\\_", "_")
    word = tex.lstrip("\\")
    return GREEK_LETTERS.get(word, word)

"""Any text in a LaTeX document that pdflatex compiles with inputenc's utf8 and the OT1 fonts of
texlive-latex-base (no T1 fonts there): in text, LaTeX's specials printed literally, the letters
those fonts set kept, math symbols (σ, ∂, ∈, ⁽¹⁾, →, ≤, ·, −, ×) set as math; in math, the same
symbols as commands. A character neither knows is a `?` (it would stop pdflatex).
"""

from __future__ import annotations

import re
import unicodedata

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "^": r"\^{}",
    "~": r"\~{}",
    "<": r"\textless{}",  # OT1 sets < and > as ¡ and ¿
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
# non-ASCII characters that pdflatex sets in OT1 text (tried one by one), as they are
_LETTERS = (
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿĀāĂăĆćĈĉĊċČčĎďĒēĔĕĖėĚěĜĝĞğĠġ"
    "ĢģĤĥĨĩĪīĬĭİıĲĳĴĵĶķĹĺĻļĽľŁłŃńŅņŇňŌōŎŏŐőŒœŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŴŵŶŷŸŹźŻżŽž"
)
_TEXT = frozenset(_LETTERS + "¡¿ªº§¶©®°‘’“”–—…•€£")
_TEXT_MAP = {
    "\u00a0": "~",
    "\u00ad": r"\-",
    "\u2009": r"\,",
    "\u202f": r"\,",
    "«": r"\raisebox{.25ex}{$\scriptscriptstyle\ll$}",
    "»": r"\raisebox{.25ex}{$\scriptscriptstyle\gg$}",
}
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "varepsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "vartheta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "µ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "ς": "varsigma", "τ": "tau", "υ": "upsilon", "φ": "varphi", "ϕ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "∆": "Delta",
    "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Υ": "Upsilon",
    "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip
_SYMBOLS = {
    "∂": r"\partial", "∇": r"\nabla", "∈": r"\in", "∉": r"\notin", "≤": r"\le", "≥": r"\ge",
    "≠": r"\ne", "≈": r"\approx", "≡": r"\equiv", "∼": r"\sim", "∝": r"\propto", "±": r"\pm",
    "∓": r"\mp", "×": r"\times", "÷": r"\div", "·": r"\cdot", "⋅": r"\cdot", "∘": r"\circ",
    "⊙": r"\odot", "⊗": r"\otimes", "⊕": r"\oplus", "−": "-", "→": r"\to", "←": r"\leftarrow",
    "↔": r"\leftrightarrow", "⇒": r"\Rightarrow", "⇐": r"\Leftarrow", "⇔": r"\Leftrightarrow",
    "↦": r"\mapsto", "∞": r"\infty", "∑": r"\sum", "∏": r"\prod", "∫": r"\int",
    "√": r"\surd", "∀": r"\forall", "∃": r"\exists", "∩": r"\cap", "∪": r"\cup",
    "⊂": r"\subset", "⊆": r"\subseteq", "⊃": r"\supset", "⊇": r"\supseteq",
    "∅": r"\emptyset", "ℝ": r"\mathbb{R}", "ℕ": r"\mathbb{N}", "ℤ": r"\mathbb{Z}",
    "ℚ": r"\mathbb{Q}", "ℓ": r"\ell", "′": "'", "″": "''", "⋯": r"\cdots", "⋮": r"\vdots",
    "‖": r"\|", "⟨": r"\langle", "⟩": r"\rangle", "⊤": r"\top", "¬": r"\neg", "∧": r"\wedge",
    "∨": r"\vee", "≪": r"\ll", "≫": r"\gg", "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil",
    "⌉": r"\rceil", "°": r"^{\circ}", "…": r"\ldots",
}  # fmt: skip
_MATH = {char: f"\\{name}" for char, name in _GREEK.items()} | _SYMBOLS
_ACCENT_TEXT = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
    "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0327": "c",
}  # fmt: skip
_ACCENT_MATH = {
    "\u0300": "grave", "\u0301": "acute", "\u0302": "hat", "\u0303": "tilde", "\u0304": "bar",
    "\u0305": "bar", "\u0306": "breve", "\u0307": "dot", "\u0308": "ddot", "\u030c": "check",
    "\u20d7": "vec",
}  # fmt: skip
_COMBINING = re.compile(r"(.)([\u0300-\u036f\u20d0-\u20ff]+)", re.S)

# a piece: ("text", latex), ("math", latex), ("sup", math) or ("sub", math)
Piece = tuple[str, str]


def text(value: str) -> str:
    """`value` as LaTeX text: printed as written."""
    out: list[str] = []
    math: list[Piece] = []
    for kind, latex in _pieces(value, in_math=False):
        if kind == "text":
            if math:
                out.append(f"${_joined(math)}$")
                math = []
            out.append(latex)
        else:
            math.append((kind, latex))
    if math:
        out.append(f"${_joined(math)}$")
    return "".join(out)


def math(value: str) -> str:
    """`value`, LaTeX math, with every non-ASCII character a command (ASCII is unchanged)."""
    if value.isascii():
        return value
    return _joined(list(_pieces(value, in_math=True)))


def _pieces(value: str, in_math: bool) -> list[Piece]:
    """`value` piece by piece; in math, a run of ASCII is one piece, as it was written."""
    value = unicodedata.normalize("NFC", value)
    found: list[Piece] = []
    index = 0
    while index < len(value):
        if in_math and value[index].isascii():
            end = index
            while end < len(value) and value[end].isascii():
                end += 1
            found.append(("math", value[index:end]))
            index = end
            continue
        accented = _COMBINING.match(value, index)  # a letter and accents that NFC left apart
        if accented:
            found.append(_accented(accented.group(1), accented.group(2), in_math))
            index = accented.end()
            continue
        found.append(_char(value[index], in_math))
        index += 1
    return found


def _char(char: str, in_math: bool) -> Piece:
    if char.isascii():
        if in_math:
            return "math", char
        if char in _SPECIALS:
            return "text", _SPECIALS[char]
        return "text", char if char.isprintable() or char in "\n\t" else ""
    if char in _MATH and (in_math or char not in _TEXT):
        return "math", _MATH[char]
    if char in _TEXT_MAP and not in_math:
        return "text", _TEXT_MAP[char]
    if char in _TEXT and not in_math:
        return "text", char
    decomposition = unicodedata.decomposition(char)
    for tag, kind in (("<super>", "sup"), ("<sub>", "sub")):
        if decomposition.startswith(tag):
            base = chr(int(decomposition.split()[1], 16))
            return kind, _MATH.get(base, base if base.isascii() else "?")
    if unicodedata.category(char).startswith("Z"):
        return ("math" if in_math else "text"), " "
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if marks and base.isascii():
        return _accented(base, marks, in_math)  # ŷ in math: \hat{y}
    if char in _TEXT:
        return "math", rf"\text{{{char}}}"
    return ("math", r"\text{?}") if in_math else ("text", "?")


def _accented(base: str, marks: str, in_math: bool) -> Piece:
    """A letter with combining accents: \\^{y} in text, \\hat{y} in math (else the letter)."""
    table = _ACCENT_MATH if in_math else _ACCENT_TEXT
    latex = _char(base, in_math)[1]
    for mark in marks:
        if mark in table:
            latex = f"\\{table[mark]}{{{latex}}}"
    return ("math" if in_math else "text"), latex


def _joined(pieces: list[Piece]) -> str:
    """Math pieces as one formula: runs of superscripts (⁽¹⁾) and subscripts grouped."""
    out: list[str] = []
    index = 0
    while index < len(pieces):
        kind, latex = pieces[index]
        if kind in ("sup", "sub"):
            run = []
            while index < len(pieces) and pieces[index][0] == kind:
                run.append(pieces[index][1])
                index += 1
            out.append(("^" if kind == "sup" else "_") + "{" + _spaced(run) + "}")
            continue
        out.append(latex)
        index += 1
    return _spaced(out)


def _spaced(parts: list[str]) -> str:
    """Concatenated, with a space after a command word that a letter follows (`\\sigma x`)."""
    joined = ""
    for part in parts:
        if re.search(r"\\[A-Za-z]+$", joined) and part[:1].isalpha():
            joined += " "
        joined += part
    return joined

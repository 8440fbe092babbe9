"""What each LaTeX macro of the converter's subset stands for in MathML: letters (<mi>),
operators and relations (<mo>), named functions, spaces, delimiters and font alphabets.

Only what the documents write (and a little more that a description's math may use) is here; a
macro that is in none of these tables is refused (backcalc.render.mathml.MathError), never
written as it is."""

from __future__ import annotations

_LOWER_GREEK = (
    "alpha α beta β gamma γ delta δ epsilon ϵ varepsilon ε zeta ζ eta η theta θ vartheta ϑ "
    "iota ι kappa κ lambda λ mu μ nu ν xi ξ pi π varpi ϖ rho ρ varrho ϱ sigma σ varsigma ς "
    "tau τ upsilon υ phi ϕ varphi φ chi χ psi ψ omega ω"
)
_UPPER_GREEK = "Gamma Γ Delta Δ Theta Θ Lambda Λ Xi Ξ Pi Π Sigma Σ Upsilon Υ Phi Φ Psi Ψ Omega Ω"


def _pairs(text: str) -> dict[str, str]:
    words = text.split()
    return dict(zip(words[::2], words[1::2], strict=True))


# \name -> an identifier (italic as letters are, unless UPRIGHT says otherwise)
LETTERS = _pairs(_LOWER_GREEK) | {"ell": "ℓ", "imath": "ı", "jmath": "ȷ", "hbar": "ℏ"}
# \name -> an identifier written upright (capital Greek, as TeX sets it, and ordinary symbols)
UPRIGHT = _pairs(_UPPER_GREEK) | {
    "partial": "∂",
    "infty": "∞",
    "nabla": "∇",
    "emptyset": "∅",
    "varnothing": "∅",
    "top": "⊤",
    "intercal": "⊺",
    "bot": "⊥",
    "forall": "∀",
    "exists": "∃",
    "neg": "¬",
    "lnot": "¬",
    "prime": "′",
    "cdots": "⋯",
    "ldots": "…",
    "dots": "…",
    "vdots": "⋮",
    "ddots": "⋱",
    "Re": "ℜ",
    "Im": "ℑ",
    "aleph": "ℵ",
    "checkmark": "✓",
}
# \name -> an operator: binary operators, relations, arrows and punctuation (spacing from the
# MathML operator dictionary, as TeX's from the symbol's class)
OPERATORS = {
    "cdot": "⋅",
    "times": "×",
    "odot": "⊙",
    "otimes": "⊗",
    "oplus": "⊕",
    "circ": "∘",
    "bullet": "∙",
    "ast": "∗",
    "star": "⋆",
    "pm": "±",
    "mp": "∓",
    "div": "÷",
    "cup": "∪",
    "cap": "∩",
    "setminus": "∖",
    "wedge": "∧",
    "land": "∧",
    "vee": "∨",
    "lor": "∨",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "ne": "≠",
    "neq": "≠",
    "approx": "≈",
    "equiv": "≡",
    "sim": "∼",
    "simeq": "≃",
    "cong": "≅",
    "propto": "∝",
    "ll": "≪",
    "gg": "≫",
    "in": "∈",
    "notin": "∉",
    "ni": "∋",
    "subset": "⊂",
    "subseteq": "⊆",
    "supset": "⊃",
    "supseteq": "⊇",
    "mid": "∣",
    "parallel": "∥",
    "perp": "⟂",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "gets": "←",
    "leftrightarrow": "↔",
    "Rightarrow": "⇒",
    "Leftarrow": "⇐",
    "Leftrightarrow": "⇔",
    "implies": "⟹",
    "iff": "⟺",
    "mapsto": "↦",
    "uparrow": "↑",
    "downarrow": "↓",
    "colon": ":",
    "vert": "|",
    "Vert": "‖",
    "|": "‖",
    "lbrack": "[",
    "rbrack": "]",
    "{": "{",
    "}": "}",
    "lbrace": "{",
    "rbrace": "}",
    "langle": "⟨",
    "rangle": "⟩",
    "lvert": "|",
    "rvert": "|",
    "lVert": "‖",
    "rVert": "‖",
    "lfloor": "⌊",
    "rfloor": "⌋",
    "lceil": "⌈",
    "rceil": "⌉",
}
# \name -> a large operator whose scripts go under and over it in display (movable limits)
LARGE = {"sum": "∑", "prod": "∏", "coprod": "∐", "bigcup": "⋃", "bigcap": "⋂"}
INTEGRALS = {"int": "∫", "iint": "∬", "oint": "∮"}
# named functions, set upright; those in LIMITS take their subscript underneath in display
FUNCTIONS = frozenset(
    {
        *("log", "ln", "lg", "exp", "sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh"),
        *("tanh", "coth", "arcsin", "arccos", "arctan", "det", "dim", "ker", "deg", "gcd"),
        *("arg", "hom", "Pr"),
    }
)
LIMITS = frozenset(("max", "min", "lim", "sup", "inf", "argmax", "argmin", "liminf", "limsup"))
# plain characters that are operators (the rest: letters <mi>, digits <mn>)
CHARACTER_OPERATORS = {"-": "−", "*": "∗"} | {c: c for c in "+=<>/,;:!?|()[].'"}
OPENING = set("([{⟨⌊⌈")
# spacing commands, in em
SPACES = {
    ",": 3 / 18,
    "thinspace": 3 / 18,
    ":": 4 / 18,
    ">": 4 / 18,
    "medspace": 4 / 18,
    ";": 5 / 18,
    "thickspace": 5 / 18,
    "!": -3 / 18,
    "negthinspace": -3 / 18,
    " ": 1 / 3,
    "~": 1 / 3,
    "enspace": 0.5,
    "quad": 1.0,
    "qquad": 2.0,
}
# \left X, \right X, and the delimiters of the matrix environments
DELIMITERS = {
    "(": "(",
    ")": ")",
    "[": "[",
    "]": "]",
    "|": "|",
    "/": "/",
    ".": "",
    "<": "⟨",
    ">": "⟩",
}
# environment -> (opening, closing) delimiters, "" for none
MATRICES = {
    "matrix": ("", ""),
    "pmatrix": ("(", ")"),
    "bmatrix": ("[", "]"),
    "Bmatrix": ("{", "}"),
    "vmatrix": ("|", "|"),
    "Vmatrix": ("‖", "‖"),
    "smallmatrix": ("", ""),
}
# \hat{x} and its kin: the accent over the base
ACCENTS = {
    "hat": "^",
    "widehat": "^",
    "bar": "‾",
    "overline": "‾",
    "tilde": "~",
    "widetilde": "~",
    "dot": "˙",
    "ddot": "¨",
    "vec": "→",
    "overrightarrow": "→",
    "check": "ˇ",
    "breve": "˘",
    "acute": "´",
    "grave": "`",
}
UNDER_ACCENTS = {"underline": "_"}
# text escapes inside \text{...} and \mathrm{...}
TEXT_ESCAPES = {"_": "_", "%": "%", "&": "&", "#": "#", "$": "$", "{": "{", "}": "}", " ": " "}


def _alphabet(start_upper: int, start_lower: int, start_digit: int | None) -> dict[str, str]:
    table = {chr(65 + i): chr(start_upper + i) for i in range(26)}
    table |= {chr(97 + i): chr(start_lower + i) for i in range(26)}
    if start_digit is not None:
        table |= {str(i): chr(start_digit + i) for i in range(10)}
    return table


# \mathbf, \mathbb, \mathcal: the Mathematical Alphanumeric Symbols (MathML Core's way: Chromium
# honours no mathvariant but "normal"); the letters Unicode had encoded before take their place
BOLD = _alphabet(0x1D400, 0x1D41A, 0x1D7CE)
BOLD_ITALIC = _alphabet(0x1D468, 0x1D482, 0x1D7CE)
DOUBLE_STRUCK = _alphabet(0x1D538, 0x1D552, 0x1D7D8) | {
    "C": "ℂ",
    "H": "ℍ",
    "N": "ℕ",
    "P": "ℙ",
    "Q": "ℚ",
    "R": "ℝ",
    "Z": "ℤ",
}
CALLIGRAPHIC = {chr(65 + i): chr(0x1D49C + i) for i in range(26)} | {
    "B": "ℬ",
    "E": "ℰ",
    "F": "ℱ",
    "H": "ℋ",
    "I": "ℐ",
    "L": "ℒ",
    "M": "ℳ",
    "R": "ℛ",
}
ALPHABETS = {
    "mathbf": BOLD,
    "boldsymbol": BOLD_ITALIC,
    "bm": BOLD_ITALIC,
    "mathbb": DOUBLE_STRUCK,
    "mathcal": CALLIGRAPHIC,
}

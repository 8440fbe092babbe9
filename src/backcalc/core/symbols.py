"""A course's own symbols for the quantities (a spec's `notation:`): which roles there are, the
notes' symbols for them, and what may stand for one. A symbol is one to three Latin letters
(`w`, `net`), or a Greek letter by name (`omega`) or as a character (`ω`); each has a Unicode
form (tables, prose) and a LaTeX one (documents). backcalc.render.symbols applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# role -> (Unicode, LaTeX) as the notes write them
DEFAULTS: dict[str, tuple[str, str]] = {
    "input": ("x", "x"),
    "target": ("y", "y"),
    "output": ("ŷ", r"\hat{y}"),
    "preactivation": ("z", "z"),
    "activation": ("a", "a"),
    "weights": ("W", "W"),
    "bias": ("b", "b"),
    "loss": ("J", "J"),
    "delta": ("δ", r"\delta"),
}
ROLES = tuple(DEFAULTS)

GREEK = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "upsilon": "υ",
    "phi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Xi": "Ξ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
}
_BY_CHARACTER = {character: name for name, character in GREEK.items()}
_LATIN = re.compile(r"[A-Za-z]{1,3}")


@dataclass(frozen=True)
class Symbol:
    text: str  # Unicode, for tables and prose
    tex: str  # LaTeX math


def symbol(written: str) -> Symbol | None:
    """The symbol `written` names (`w`, `omega`, `ω`, `\\omega`), or None if it is not one."""
    name = written.strip().removeprefix("\\")
    if name in GREEK:
        return Symbol(GREEK[name], f"\\{name}")
    if name in _BY_CHARACTER:
        return Symbol(name, f"\\{_BY_CHARACTER[name]}")
    if _LATIN.fullmatch(name):
        return Symbol(name, name if len(name) == 1 else rf"\mathrm{{{name}}}")
    return None


def problem(role: str, written: object) -> str | None:
    """What is wrong with `notation: {role: written}` (for the spec reader), or None."""
    if role not in DEFAULTS:
        return f"unknown symbol '{role}' (symbols: {', '.join(ROLES)})"
    if not isinstance(written, str) or symbol(written) is None:
        return (
            f"{written!r} is not a symbol: one to three Latin letters (w), or a Greek letter "
            "by name or as a character (omega, ω)"
        )
    return None

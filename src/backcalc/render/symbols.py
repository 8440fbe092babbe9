"""The symbols a course writes its quantities with. The notes write a⁽ˡ⁾, W⁽ˡ⁾, b⁽ˡ⁾, z⁽ˡ⁾, J
by default; a spec's `notation:` renames them (`{activation: y}` gives note 004's y⁽¹⁾;
`{weights: omega, bias: beta, preactivation: f, activation: h}` note 003's ω, β, f, h) and every
document and table follows. JSON keys and answers-file names never change: they are the
quantities' names, not their symbols.

A symbol is one to three Latin letters (`w`, `net`), a Greek letter by name (`omega`) or as a
character (`ω`), each written in Unicode for the terminal and in LaTeX for the documents.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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


class Symbols:
    """The symbols of one exercise: `s.text("weights")` is W or the course's, `s.tex(...)` its
    LaTeX; missing roles keep the notes' symbols."""

    def __init__(self, notation: Mapping[str, str] | None = None) -> None:
        self._symbols = {role: Symbol(*default) for role, default in DEFAULTS.items()}
        for role, written in (notation or {}).items():
            chosen = symbol(written) if role in DEFAULTS else None
            if chosen is not None:
                self._symbols[role] = chosen

    def text(self, role: str) -> str:
        return self._symbols[role].text

    def tex(self, role: str) -> str:
        return self._symbols[role].tex

    @property
    def renamed(self) -> bool:
        return any(self._symbols[role] != Symbol(*DEFAULTS[role]) for role in DEFAULTS)


NOTES = Symbols()  # the notes' symbols, when a spec renames none


def of(exercise: object) -> Symbols:
    """The symbols of an exercise (its spec's `notation:`), the notes' when it has none."""
    notation = getattr(exercise, "notation", ())
    return Symbols(dict(notation)) if notation else NOTES

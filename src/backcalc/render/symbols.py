"""The symbols a course writes its quantities with. The notes write a⁽ˡ⁾, W⁽ˡ⁾, b⁽ˡ⁾, z⁽ˡ⁾, J
by default; a spec's `notation:` renames them (`{activation: y}` gives note 004's y⁽¹⁾;
`{weights: omega, bias: beta, preactivation: f, activation: h}` note 003's ω, β, f, h) and every
document and table follows. JSON keys and answers-file names never change: they are the
quantities' names, not their symbols.
What may stand for a symbol is backcalc.core.symbols' (the spec reader checks it there).
"""

from __future__ import annotations

from collections.abc import Mapping

from backcalc.core.symbols import DEFAULTS, ROLES, Symbol, problem, symbol

__all__ = ["NOTES", "ROLES", "Symbols", "of", "problem", "symbol"]


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

"""A network document in the course's own symbols (a spec's `notation:`): the builders write the
notes' symbols, and this renames them in the math of every block, once, after the document is
built, so no builder has to thread them through.

The math the builders write names a quantity in few ways, each matched exactly: a layer's
quantity by its superscript (`a^{(1)}`, `W^{(l)}`, `\\delta^{(2)}`), `\\hat{y}`, and the bare
letters J, x and y (never inside a macro's name, a `\\text`/`\\texttt` argument or a longer
word). Prose is renamed only between `$` signs; the user's own texts are left as written.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from backcalc.core.symbols import DEFAULTS
from backcalc.render.document.blocks import Document, Equation, Paragraph, Summary, Table

if TYPE_CHECKING:
    from backcalc.render.symbols import Symbols

# role -> the pattern of its default symbol in the builders' math
_LAYERED = {  # followed by ^{( : a layer's quantity
    "activation": r"(?<![A-Za-z\\])a",
    "preactivation": r"(?<![A-Za-z\\])z",
    "weights": r"(?<![A-Za-z\\])W",
    "bias": r"(?<![A-Za-z\\])b",
    "delta": r"\\delta",
}
_BARE = {  # a letter standing alone
    "loss": "J",
    "input": "x",
    "target": "y",
}
_PROTECTED = re.compile(r"\\hat\{y\}|\\(?:text|texttt|mathrm|operatorname)\{[^{}]*\}|\\[A-Za-z]+")


def renamer(symbols: Symbols) -> Callable[[str], str]:
    """A function renaming the symbols in LaTeX math, in one pass (so a new symbol is never
    renamed again); the identity when none is renamed."""
    patterns: dict[str, str] = {}
    if symbols.tex("output") != DEFAULTS["output"][1]:
        patterns["output"] = r"\\hat\{y\}"
    for role, pattern in _LAYERED.items():
        if symbols.tex(role) != DEFAULTS[role][1]:
            patterns[role] = pattern + r"(?=\^\{\()"
    for role, letter in _BARE.items():
        if symbols.tex(role) != letter:
            patterns[role] = rf"(?<![A-Za-z\\]){letter}(?![A-Za-z])"
    if not patterns:
        return lambda math: math
    protected = rf"(?P<kept>{_PROTECTED.pattern})"
    found = re.compile("|".join([*(f"(?P<{r}>{p})" for r, p in patterns.items()), protected]))

    def replace(match: re.Match[str]) -> str:
        role = match.lastgroup
        if role is None or role == "kept":
            return match.group()
        tex = symbols.tex(role)
        following = match.string[match.end() : match.end() + 1]
        return (
            f"{tex} " if tex[-1].isalpha() and tex.startswith("\\") and following.isalpha() else tex
        )

    return lambda math: found.sub(replace, math)


def in_prose(text: str, rename: Callable[[str], str]) -> str:
    parts = text.split("$")
    return "$".join(rename(part) if index % 2 else part for index, part in enumerate(parts))


def renamed(document: Document, symbols: Symbols) -> Document:
    """`document` with its math in `symbols` (unchanged when they are the notes')."""
    if not symbols.renamed:
        return document
    rename = renamer(symbols)

    def block(item: object) -> object:
        if isinstance(item, Equation):
            return Equation(rename(item.math))
        if isinstance(item, Paragraph) and not item.user:
            return Paragraph(in_prose(item.text, rename))
        if isinstance(item, Summary):
            return Summary(tuple(rename(math) for math in item.items))
        if isinstance(item, Table):
            cells = tuple(tuple(in_prose(cell, rename) for cell in row) for row in item.rows)
            return Table(tuple(in_prose(cell, rename) for cell in item.header), cells)
        return item

    def blocks(items: tuple[object, ...]) -> tuple[object, ...]:
        return tuple(block(item) for item in items)

    return dataclasses.replace(
        document,
        statement=blocks(document.statement),  # type: ignore[arg-type]
        steps=blocks(document.steps),  # type: ignore[arg-type]
        task=document.task,  # written in the symbols already (sheet.py)
    )

"""Prose in a document as pieces of text and inline math, as every writer reads it.

The builders' prose alternates text and math at every `$` (their math is always paired). A
user's text (a title, a description, a task, a header line) is text with math only between a
pair of `$` (as pandoc reads it: `$x$`, but not `$5 and $10`): `\\$` is a dollar sign, and
so is a `$` with no partner; a formula whose braces do
not balance, or that uses a command that reads or writes files or (re)defines commands, is shown
as it was typed, as text. Outside math every character is text: the writers escape their
format's specials (LaTeX's `_`, `\\`, `%`; Markdown's `*`, `#`) so that it prints literally.
"""

from __future__ import annotations

import re

Piece = tuple[bool, str]  # (is math, text)

_UNSAFE = re.compile(
    r"\\(?:input|include|openin|openout|read|write|immediate|newread|newwrite|catcode|def|"
    r"edef|gdef|xdef|let|futurelet|csname|endcsname|usepackage|documentclass|special|"
    r"directlua|shipout|output|every[a-z]+|makeatletter|(?:re)?newcommand|providecommand|"
    r"newenvironment|renewenvironment|begin\s*\{document\}|end\s*\{document\}|verb)(?![A-Za-z])"
)
# `$$...$$` (read as inline math), or pandoc's rule for `$...$`: no space just inside either
# `$`, and no digit just after the closing one
_USER_MATH = re.compile(
    r"(?<!\\)\$\$((?:[^$\\]|\\.)+?)\$\$"
    r"|(?<!\\)\$(?=\S)((?:[^$\\]|\\.)+?)(?<=[^\s\\])\$(?!\d)",
    re.S,
)


def pieces(text: str, user: bool = False) -> list[Piece]:
    """`text` as (is math, text) pieces, adjacent pieces of one kind merged; math without its
    `$` signs."""
    if not user:
        parts = text.split("$")
        return _merged([(index % 2 == 1, part) for index, part in enumerate(parts) if part])
    found: list[Piece] = []
    start = 0
    for match in _USER_MATH.finditer(text):
        formula = match.group(1) or match.group(2)
        found.append((False, _dollars(text[start : match.start()])))
        if formula.strip() and _safe(formula):
            found.append((True, formula))
        else:
            found.append((False, _dollars(match.group(0))))
        start = match.end()
    found.append((False, _dollars(text[start:])))
    return _merged([piece for piece in found if piece[1]])


def _dollars(text: str) -> str:
    r"""Text where `\$` is a dollar sign."""
    return text.replace(r"\$", "$")


def _safe(formula: str) -> bool:
    """Balanced braces (an escaped `\\{` does not count) and no unsafe command."""
    depth = 0
    for match in re.finditer(r"\\.|[{}]", formula, flags=re.S):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not _UNSAFE.search(formula)


def _merged(found: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for math, part in found:
        if merged and merged[-1][0] == math:  # `$a$$b$`: one formula, `a{}b`
            merged[-1] = (math, merged[-1][1] + ("{}" if math else "") + part)
        else:
            merged.append((math, part))
    return merged

"""An estimate of the typeset width of the solutions' math, in points at 11 pt (the LaTeX
document's size), so that a matrix too wide for the page is summarised before it runs off it.

It reads the subset of LaTeX math that backcalc writes (pmatrix, aligned and cases
environments, fractions, scripts, underbraces and the commands of the formulas) with Computer
Modern's widths, rounded up: a line it passes fits; one that is a little narrower than it says
is summarised a little early. PAGE is A4's text width with the LaTeX preamble's 2.2 cm margins.
"""

from __future__ import annotations

import re

PAGE = 472.0  # \textwidth: 597.5 pt (A4) less 2 × 2.2 cm
EM = 10.95  # 11 pt

ORD = 6.0  # an italic letter (cmmi averages 0.55 em)
UPPER = 8.6  # an upper-case letter
LETTERS = {"W": 11.8, "X": 10.0, "K": 9.6, "H": 10.0, "J": 7.4, "T": 8.2}  # and its kern
DIGIT = 5.48  # every digit is 0.5 em
PUNCT = 3.05  # , . ; (0.278 em)
PAREN = 4.3  # ( ) [ ] at text size
BIG_PAREN = 8.2  # the parentheses of a matrix of two rows or more
UNARY = 8.5  # a sign before a number (−0,5)
BIN = 13.4  # + − ⊙ × with their medium spaces (0.778 em + 2 · 4 mu)
REL = 14.6  # = < > with their thick spaces
COLUMN_GAP = 10.0  # 2 \arraycolsep between the columns of a matrix
SCRIPT = 0.78  # a sub- or superscript's size
SLACK = 1.05  # everything above rounded up a little

COMMANDS = {
    "cdot": 7.9,
    "odot": BIN,
    "times": BIN,
    "le": REL,
    "ne": REL,
    "to": REL,
    "mapsto": REL,
    "partial": 6.3,
    "sigma": 6.3,
    "delta": 5.0,
    "eta": 5.5,
    "lambda": 6.4,
    "ell": 4.6,
    "infty": 11.0,
    "alpha": 7.0,
    "beta": 6.2,
    "omega": 6.8,
    "sum": 15.8,
    "cdots": 14.6,
    "ddots": 14.6,
    "vdots": 3.1,
    "ldots": 14.6,
    "quad": EM,
    "qquad": 2 * EM,
    "log": 15.0,
    "exp": 18.5,
    "max": 21.0,
    "min": 19.0,
    "sin": 14.7,
    "cos": 16.0,
    "tanh": 24.0,
    "diag": 22.0,
    "softmax": 44.0,
    "infty_": 11.0,
}
SPACES = {",": 1.8, ":": 2.4, ";": 3.0, "!": -1.8, " ": 3.65}
IGNORED = {"left", "right", "displaystyle", "limits", "nolimits", "mathrel", "mathop", "hat"}
WORD = re.compile(r"[A-Za-z]+")


def width(tex: str) -> float:
    """The estimated width, in points, of `tex` typeset as display math."""
    return _Reader(tex).sequence() * SLACK


class _Reader:
    """A one-pass reader: `sequence` adds the widths of what follows up to a closing brace."""

    def __init__(self, tex: str) -> None:
        self.tex, self.at = tex, 0

    def peek(self) -> str:
        return self.tex[self.at] if self.at < len(self.tex) else ""

    def sequence(self, stop: str = "}") -> float:
        """The items up to `stop`; a sign with no operand before it is a unary one (−0,5)."""
        total, operand = 0.0, False
        while self.at < len(self.tex) and self.peek() != stop:
            char = self.peek()
            if char in "+-" and not operand:
                self.at += 1
                total += UNARY
                continue
            total += self.item()
            if char != " ":
                operand = char not in "+-=<>(&[" and not self.tex.startswith("\\left", self.at)
        return total

    def group(self) -> float:
        """A {…} group or a single item after a command or a script sign."""
        while self.peek() == " ":
            self.at += 1
        if self.peek() == "{":
            self.at += 1
            inner = self.sequence()
            self.at += 1  # the closing brace
            return inner
        return self.item() if self.peek() else 0.0

    def raw_group(self) -> str:
        """The text of a {…} group, unread (an environment's name, \\text's words)."""
        while self.peek() == " ":
            self.at += 1
        if self.peek() != "{":
            return ""
        depth, start = 0, self.at
        while self.at < len(self.tex):
            char = self.tex[self.at]
            depth += (char == "{") - (char == "}")
            self.at += 1
            if depth == 0:
                break
        return self.tex[start + 1 : self.at - 1]

    def item(self) -> float:
        char = self.peek()
        self.at += 1
        if char == "\\":
            return self.command()
        if char == "{":
            inner = self.sequence()
            self.at += 1
            return inner
        if char in "^_":
            return self.group() * SCRIPT
        if char.isdigit():
            return DIGIT
        if char.isalpha():
            return LETTERS.get(char, UPPER if char.isupper() else ORD)
        if char in "+-":
            return BIN
        if char in "=<>":
            return REL
        if char in "()[]|":
            return PAREN
        if char in ",.;:!'":
            return PUNCT
        return 0.0  # spaces, & and the like

    def command(self) -> float:
        match = WORD.match(self.tex, self.at)
        if not match:  # \, \; \\ \{ …
            char = self.peek()
            self.at += 1
            return SPACES.get(char, PAREN if char in "{}" else 0.0)
        name = match.group()
        self.at = match.end()
        if name in IGNORED:
            return 0.0
        if name == "frac":
            return max(self.group(), self.group()) + 2.4
        if name == "underbrace":
            body = self.group()
            below = 0.0
            if self.peek() == "_":
                self.at += 1
                below = self.group() * SCRIPT
            return max(body, below)
        if name in ("mathrm", "operatorname", "text", "texttt", "mathbf", "mathbb", "boxed"):
            return self.group() + (7.0 if name == "boxed" else 0.0)
        if name == "begin":
            return self.environment(self.raw_group())
        if name == "end":
            self.raw_group()
            return 0.0
        return COMMANDS.get(name, ORD * 1.2)

    def environment(self, name: str) -> float:
        """A pmatrix (columns and gaps), aligned (the widest left side and right side) or cases
        (a brace and two columns): each cell read on its own."""
        body, self.at = _body(self.tex, self.at, name)
        rows = [[width_of(cell) for cell in _split(row, "&")] for row in _rows(body)]
        rows = [row for row in rows if any(row)]
        if not rows:
            return 0.0
        count = max(len(row) for row in rows)
        columns = [max(row[j] if j < len(row) else 0.0 for row in rows) for j in range(count)]
        if name == "aligned":
            return sum(columns)
        if name == "cases":
            return 9.0 + sum(columns) + EM
        parens = 2 * (BIG_PAREN if len(rows) > 1 else PAREN)
        return sum(columns) + COLUMN_GAP * (count - 1) + parens


def width_of(tex: str) -> float:
    """The width of a piece, without the slack (that is added once, to the whole)."""
    return _Reader(tex).sequence()


BEGIN_OR_END = re.compile(r"\\(begin|end)\{[a-z*]+\}")


def _body(tex: str, at: int, name: str) -> tuple[str, int]:
    """The body of the environment `name` begun just before `at`, and where its end ends."""
    depth = 1
    for match in BEGIN_OR_END.finditer(tex, at):
        depth += 1 if match.group(1) == "begin" else -1
        if depth == 0:
            return tex[at : match.start()], match.end()
    return tex[at:], len(tex)


def _depths(tex: str) -> list[int]:
    """The nesting (braces and environments) at each character of `tex`."""
    depths, depth, index = [], 0, 0
    while index < len(tex):
        match = BEGIN_OR_END.match(tex, index)
        if match:
            step = 1 if match.group(1) == "begin" else -1
            depths += [depth + max(step, 0)] * len(match.group())
            depth += step
            index = match.end()
            continue
        char = tex[index]
        depth += char == "{"
        depths.append(depth)
        depth -= char == "}"
        index += 1
    return depths


def _split(tex: str, separator: str) -> list[str]:
    """`tex` split at the separators that are not nested in braces or an environment."""
    depths, pieces, start, index = _depths(tex), [], 0, 0
    while index < len(tex):
        if depths[index] == 0 and tex.startswith(separator, index):
            pieces.append(tex[start:index])
            index += len(separator)
            start = index
            continue
        index += 1
    pieces.append(tex[start:])
    return pieces


def _rows(body: str) -> list[str]:
    """The rows of an environment's body: split at the top-level \\\\ (or \\cr)."""
    return [piece for row in _split(body, "\\\\") for piece in _split(row, "\\cr")]

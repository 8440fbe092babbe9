"""A recursive-descent reader of the LaTeX math subset backcalc's documents write, building
MathML Core elements (xml.etree, so that what comes out is well-formed XML by construction).

TeX's rules that matter for how the result reads are kept: a script takes one token (`x^23` is
x² then 3), `\\left`/`\\right` fences stretch and plain parentheses do not, a minus after an
operator or an opening fence is a sign (no space after it, `−0,5` one number), `{,}` is the
decimal comma inside a number, named functions are upright with a thin space before a non-fence
argument. Anything else raises MathError with the position."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from backcalc.render.mathml import symbols

_TOKEN = re.compile(
    r"(?P<cmd>\\(?:[A-Za-z]+\*?|.))"
    r"|(?P<num>\d+(?:(?:\{,\}|\.)\d+)*)"
    r"|(?P<comment>%[^\n]*)"
    r"|(?P<space>\s+)"
    r"|(?P<char>.)",
    re.S,
)
_STOPS = frozenset({"}", "&", "\\\\", "\\end", "\\right"})
_RELATIONS = frozenset("=<>:≤≥≠≈≡∼≃≅∝∈∉∋⊂⊆⊃⊇→←↔⇒⇐⇔⟹⟺↦∣")
_CLOSING = frozenset(")]}⟩⌋⌉!′″‴")
_SIGNS = frozenset("−+±∓")
_BIG = {"big": 1.2, "Big": 1.8, "bigg": 2.4, "Bigg": 3.0}
_CLASS_SPACES = {  # \mathrel etc.: (lspace, rspace)
    "mathrel": ("0.2778em", "0.2778em"),
    "mathbin": ("0.2222em", "0.2222em"),
    "mathpunct": ("0", "0.1667em"),
    "mathord": ("0", "0"),
    "mathopen": ("0", "0"),
    "mathclose": ("0", "0"),
    "mathop": ("0.1667em", "0.1667em"),
}


class MathError(ValueError):
    """LaTeX outside the subset the converter reads (an unknown macro, an unbalanced brace)."""


@dataclass
class Token:
    kind: str  # cmd, num, char
    text: str
    start: int
    end: int


def tokens(tex: str) -> list[Token]:
    found = []
    for match in _TOKEN.finditer(tex):
        kind = match.lastgroup or "char"
        if kind in ("space", "comment"):
            continue
        text = "\\\\" if match.group() == "\\cr" else match.group()  # \cr ends a row as \\ does
        found.append(Token(kind, text, match.start(), match.end()))
    return found


def el(tag: str, *children: Element, text: str | None = None, **attributes: str) -> Element:
    element = Element(tag, {k.rstrip("_").replace("_", "-"): v for k, v in attributes.items()})
    element.text = text
    element.extend(children)
    return element


def row(items: list[Element]) -> Element:
    """One element for a list of them: the element itself when there is one."""
    return items[0] if len(items) == 1 else el("mrow", *items)


def mo(text: str, **attributes: str) -> Element:
    return el("mo", text=text, **attributes)


@dataclass
class Atom:
    elements: list[Element]
    # ord, function, limits (scripts under and over), large (so in display), brace
    # (\underbrace: its script under it), operator, space, switch (\displaystyle)
    kind: str = "ord"


class Parser:
    """Reads one formula; `tag` is the \\tag{...} it held, if any."""

    def __init__(self, tex: str, display: bool) -> None:
        self.tex = tex
        self.display = display
        self.tokens = tokens(tex)
        self.i = 0
        self.tag: str | None = None

    # -- tokens -------------------------------------------------------------------------------

    def error(self, message: str, token: Token | None = None) -> MathError:
        where = token.start if token is not None else len(self.tex)
        return MathError(f"{message} at {where} in {self.tex!r}")

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise self.error("unexpected end")
        self.i += 1
        return token

    def expect(self, text: str) -> Token:
        token = self.take()
        if token.text != text:
            raise self.error(f"expected {text!r}, found {token.text!r}", token)
        return token

    def word(self) -> str:
        """A braced name: {pmatrix}, {diag}."""
        self.expect("{")
        letters = []
        while (token := self.take()).text != "}":
            letters.append(token.text)
        return "".join(letters)

    def raw(self) -> str:
        """A braced argument as written (\\text{...}), braces inside it balanced."""
        opening = self.expect("{")
        depth, position = 1, opening.end
        while self.i < len(self.tokens):
            token = self.take()
            if token.text == "{":
                depth += 1
            elif token.text == "}":
                depth -= 1
                if depth == 0:
                    return self.tex[position : token.start]
        raise self.error("unbalanced {", opening)

    # -- the grammar --------------------------------------------------------------------------

    def formula(self) -> Element:
        items = self.expression()
        token = self.peek()
        if token is not None:
            unpaired = {"\\right": "\\right without \\left", "\\end": "\\end without \\begin"}
            raise self.error(unpaired.get(token.text, f"unexpected {token.text!r}"), token)
        return el("mrow", *items)

    def expression(self) -> list[Element]:
        """Atoms with their scripts up to a closing brace, &, \\\\, \\end or \\right."""
        items: list[Element] = []
        while (token := self.peek()) is not None and token.text not in _STOPS:
            atom = self.atom()
            if atom.kind == "switch":  # \displaystyle: the rest of the group, restyled
                rest = self.expression()
                items.append(el("mrow", *fixed(rest), **dict(atom.elements[0].attrib)))
                break
            if atom.kind in ("function", "limits") and items and items[-1].tag != "mo":
                items.append(el("mspace", width="0.1667em"))  # y_k \log p: TeX's thin space
            items += self.scripts(atom)
        return fixed(items)

    def group(self) -> Element:
        self.expect("{")
        items = self.expression()
        self.expect("}")
        return row(items) if items else el("mrow")

    def argument(self) -> Element:
        """A macro's or a script's argument: a group, or one token (one digit of a number)."""
        token = self.peek()
        if token is None:
            raise self.error("missing argument")
        if token.text == "{":
            return self.group()
        if token.kind == "num" and len(token.text) > 1:  # x^23: the script is the 2
            rest = [
                Token(t.kind, t.text, t.start + token.start + 1, t.end + token.start + 1)
                for t in tokens(token.text[1:])
            ]
            self.tokens[self.i : self.i + 1] = rest
            return el("mn", text=token.text[0])
        if token.text in _STOPS or token.text in ("^", "_"):
            raise self.error(f"missing argument before {token.text!r}", token)
        return row(self.atom().elements or [el("mrow")])

    def scripts(self, atom: Atom) -> list[Element]:
        elements = atom.elements
        sub = sup = None
        primes = 0
        while (token := self.peek()) is not None and token.text in ("^", "_", "'"):
            self.take()
            if token.text == "'":
                primes += 1
            elif token.text == "^":
                if sup is not None:
                    raise self.error("double superscript", token)
                sup = self.argument()
            else:
                if sub is not None:
                    raise self.error("double subscript", token)
                sub = self.argument()
        after = self.function_space(atom)
        base = elements[-1] if elements else el("mrow")
        head = elements[:-1]
        if primes:  # g' as g then ′: the prime's own glyph is raised already (a superscript
            # prime is raised twice in Chromium, which applies no script variant to it)
            base = el("mrow", base, mo("′" * primes, lspace="0", rspace="0"))
            if sub is None and sup is None:
                return [*head, base, *after]
        if sub is None and sup is None:
            return elements + after
        limits = atom.kind in ("limits", "brace") or (atom.kind == "large" and self.display)
        if limits:
            tags = {(True, False): "munder", (False, True): "mover", (True, True): "munderover"}
        else:
            tags = {(True, False): "msub", (False, True): "msup", (True, True): "msubsup"}
        tag = tags[(sub is not None, sup is not None)]
        scripted = el(tag, base, *[s for s in (sub, sup) if s is not None])
        return [*head, scripted, *after]

    def function_space(self, atom: Atom) -> list[Element]:
        """The thin space TeX puts between a function's name and an argument not in fences."""
        if atom.kind not in ("function", "limits"):
            return []
        token = self.peek()
        if token is None or token.text in _STOPS or token.text in ("(", "[", "\\left", "\\{"):
            return []
        if token.text in symbols.CHARACTER_OPERATORS or token.text[1:] in symbols.OPERATORS:
            return []
        return [el("mspace", width="0.1667em")]

    def atom(self) -> Atom:
        token = self.take()
        if token.kind == "num":
            return Atom([el("mn", text=token.text.replace("{,}", ","))])
        if token.text == "{":
            self.i -= 1
            return Atom([self.group()])
        if token.kind == "cmd":
            return self.command(token)
        return Atom([self.character(token)])

    def character(self, token: Token) -> Element:
        char = token.text
        if char in ("^", "_"):  # a script with no base: {}^{T}
            self.i -= 1
            return el("mrow")
        if char == "~":
            return el("mspace", width="0.3333em")
        if char in ("#", "$", "&", "\\"):  # a backslash alone: the formula's last character
            raise self.error(f"unexpected {char!r}", token)
        if char in symbols.CHARACTER_OPERATORS:
            text = symbols.CHARACTER_OPERATORS[char]
            if char == "'":
                text = "′"
            if char in "()[]|":
                return mo(text, stretchy="false")
            if char == "/":
                return mo(text, lspace="0", rspace="0")
            return mo(text)
        if char.isdigit():
            return el("mn", text=char)
        category = unicodedata.category(char)
        if category.startswith(("L", "M")) or char in "∂∞∇":
            return el("mi", text=char)
        if category.startswith("N"):
            return el("mn", text=char)
        if category.startswith(("S", "P")):
            return mo(char)
        raise self.error(f"unexpected character {char!r}", token)

    # -- macros -------------------------------------------------------------------------------

    def command(self, token: Token) -> Atom:
        from backcalc.render.mathml import macros

        name = token.text[1:]
        simple = macros.simple(name)
        if simple is not None:
            element, kind = simple
            if kind == "large" and (after := self.peek()) is not None and after.kind == "cmd":
                if after.text == "\\limits":
                    self.take()
                    return Atom([element], "limits")
                if after.text == "\\nolimits":
                    self.take()
                    return Atom([element], "ord")
            return Atom([element], kind)
        handler = macros.HANDLERS.get(name)
        if handler is None:
            raise self.error(f"unknown macro \\{name}", token)
        return handler(self, token)

    def rows(self) -> Iterator[list[list[Element]]]:
        """The rows of an environment's body, each a list of cells, up to \\end."""
        cells: list[list[Element]] = []
        while True:
            cells.append(self.expression())
            token = self.take()
            if token.text == "&":
                continue
            if token.text == "\\\\":
                if (after := self.peek()) is not None and after.text == "[":  # \\[4pt]
                    while self.take().text != "]":
                        pass
                yield cells
                cells = []
                continue
            if token.text == "\\end":
                if any(cells):
                    yield cells
                return
            raise self.error(f"unexpected {token.text!r}", token)


def fixed(items: list[Element]) -> list[Element]:
    """A sign after an operator or an opening fence (or first) is unary, as TeX reads it: no
    space after it, and with a number it is part of the number (−0,5)."""
    out: list[Element] = []
    index = 0
    while index < len(items):
        item = items[index]
        if item.tag == "mo" and item.text in _SIGNS and _is_sign(out):
            after = items[index + 1] if index + 1 < len(items) else None
            if item.text == "−" and after is not None and after.tag == "mn" and after.text:
                after.text = "−" + after.text
                index += 1
                item = after
            else:
                item.set("lspace", "0")
                item.set("rspace", "0")
        out.append(item)
        index += 1
    return out


def _is_sign(before: list[Element]) -> bool:
    previous = next((e for e in reversed(before) if e.tag != "mspace"), None)
    if previous is None:
        return True
    return previous.tag == "mo" and (previous.text or "") not in _CLOSING


def is_relation(text: str) -> bool:
    return text in _RELATIONS

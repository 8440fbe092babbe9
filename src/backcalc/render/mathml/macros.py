"""The macros with arguments or structure (\\frac, \\left, \\begin{pmatrix}, \\underbrace, \\text
...), each a function of the parser; symbols without arguments come from the tables in
backcalc.render.mathml.symbols."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from backcalc.render.mathml import symbols
from backcalc.render.mathml.parser import _BIG, _CLASS_SPACES, Atom, el, is_relation, mo, row

if TYPE_CHECKING:
    from backcalc.render.mathml.parser import Parser, Token

Handler = Callable[["Parser", "Token"], Atom]
HANDLERS: dict[str, Handler] = {}


def simple(name: str) -> tuple[Element, str] | None:
    """A macro that stands for one symbol: its element and kind, or None."""
    if name in symbols.LETTERS:
        return el("mi", text=symbols.LETTERS[name]), "ord"
    if name in symbols.UPRIGHT:
        return el("mi", text=symbols.UPRIGHT[name], mathvariant="normal"), "ord"
    if name in symbols.OPERATORS:
        text = symbols.OPERATORS[name]
        fence = text in "{}⟨⟩|‖⌊⌋⌈⌉[]"
        return (mo(text, stretchy="false") if fence else mo(text)), "operator"
    if name in symbols.LARGE:
        return mo(symbols.LARGE[name]), "large"
    if name in symbols.INTEGRALS:
        return mo(symbols.INTEGRALS[name]), "ord"
    if name in symbols.FUNCTIONS:
        return el("mi", text=name), "function"
    if name in symbols.LIMITS:
        return el("mi", text=name), "limits"
    if name in symbols.SPACES:
        width = max(symbols.SPACES[name], 0.0)  # MathML Core has no negative space: \! is none
        return el("mspace", width=f"{width:.4f}em"), "space"
    if name in ("%", "#", "&", "$"):
        return mo(name), "ord"
    if name == "_":
        return el("mi", text="_"), "ord"
    return None


def handles(*names: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = function
        return function

    return register


@handles("frac", "dfrac", "tfrac", "cfrac")
def _frac(p: Parser, token: Token) -> Atom:
    numerator, denominator = p.argument(), p.argument()
    style = {"\\dfrac": {"displaystyle": "true"}, "\\tfrac": {"displaystyle": "false"}}
    return Atom([el("mfrac", numerator, denominator, **style.get(token.text, {}))])


@handles("binom")
def _binom(p: Parser, token: Token) -> Atom:
    top, bottom = p.argument(), p.argument()
    fraction = el("mfrac", top, bottom, linethickness="0")
    return Atom([el("mrow", mo("("), fraction, mo(")"))])


@handles("sqrt")
def _sqrt(p: Parser, token: Token) -> Atom:
    after = p.peek()
    if after is not None and after.text == "[":
        p.take()
        index = []
        while (inner := p.peek()) is not None and inner.text != "]":
            index += p.scripts(p.atom())
        p.expect("]")
        return Atom([el("mroot", p.argument(), row(index or [el("mrow")]))])
    return Atom([el("msqrt", p.argument())])


def _delimiter(p: Parser, stretchy: bool, **size: str) -> Element:
    token = p.take()
    text = token.text
    if token.kind == "cmd":
        name = text[1:]
        if name not in symbols.OPERATORS or name in ("cdot", "times"):
            raise p.error(f"not a delimiter: {text}", token)
        text = symbols.OPERATORS[name]
    elif text in symbols.DELIMITERS:
        text = symbols.DELIMITERS[text]
    else:
        raise p.error(f"not a delimiter: {text!r}", token)
    if not text:
        return el("mrow")
    attributes = {"stretchy": "true" if stretchy else "false", "fence": "true"} | size
    return mo(text, **attributes)


_TALL = frozenset({"mfrac", "mtable", "munder", "mover", "munderover", "msqrt", "mroot"})


@handles("left")
def _left(p: Parser, token: Token) -> Atom:
    """\\left( ... \\right): fences that grow with what they hold, and only then (Chromium
    leaves a gap beside a stretchy parenthesis even where it keeps its size)."""
    start = p.i
    _delimiter(p, True)
    inside = p.expression()
    end = p.peek()
    if end is None or p.take().text != "\\right":
        raise p.error("\\left without \\right", token)
    tall = any(e.tag in _TALL and e.get("accent") != "true" for item in inside for e in item.iter())
    after, p.i = p.i, start
    opening = _delimiter(p, tall, form="prefix")
    p.i = after
    closing = _delimiter(p, tall, form="postfix")
    return Atom([el("mrow", opening, *inside, closing)])


@handles("right")
def _right(p: Parser, token: Token) -> Atom:
    raise p.error("\\right without \\left", token)


@handles("middle")
def _middle(p: Parser, token: Token) -> Atom:
    return Atom([_delimiter(p, True)])


@handles(*(f"{size}{side}" for size in _BIG for side in ("", "l", "r", "m")))
def _big(p: Parser, token: Token) -> Atom:
    name = token.text[1:].rstrip("lrm")
    size = _BIG[name]
    return Atom([_delimiter(p, True, minsize=f"{size}em", maxsize=f"{size}em")])


def _text(raw: str, p: Parser, token: Token) -> str:
    """The text of \\text{...}: its escapes resolved; math or other macros inside refused."""
    out, index = [], 0
    while index < len(raw):
        char = raw[index]
        if char == "\\":
            escaped = raw[index + 1 : index + 2]
            if escaped not in symbols.TEXT_ESCAPES:
                raise p.error(f"a macro inside \\text: {raw!r}", token)
            out.append(symbols.TEXT_ESCAPES[escaped])
            index += 2
            continue
        if char in "${}^_&#%":
            if char in "{}":
                index += 1
                continue
            raise p.error(f"{char!r} inside \\text: {raw!r}", token)
        out.append(char)
        index += 1
    return "".join(out)


@handles("text", "textrm", "textnormal", "textup", "mbox", "textit", "textbf")
def _text_macro(p: Parser, token: Token) -> Atom:
    style = {"\\textit": "font-style:italic", "\\textbf": "font-weight:bold"}.get(token.text)
    text = _text(p.raw(), p, token)
    attributes = {"style": style} if style else {}
    return Atom([el("mtext", text=text.replace(" ", "\u00a0"), **attributes)])


@handles("operatorname", "operatorname*")
def _operatorname(p: Parser, token: Token) -> Atom:
    name = _text(p.raw(), p, token)
    return Atom([el("mi", text=name)], "limits" if token.text.endswith("*") else "function")


_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -'")


@handles("mathrm", "mathup", "mathit", "mathsf", "mathtt")
def _font(p: Parser, token: Token) -> Atom:
    styles = {"\\mathsf": "font-family:sans-serif", "\\mathtt": "font-family:monospace"}
    upright = token.text != "\\mathit"
    start = p.i
    raw = p.raw()
    text = raw.replace("\\_", "_")
    if set(text) <= _PLAIN | {"_"} and text.strip():
        attributes = {"style": styles[token.text]} if token.text in styles else {}
        if len(text) == 1 and upright:
            attributes["mathvariant"] = "normal"
        elif len(text) > 1 and not upright:
            attributes["style"] = "font-style:italic"
        return Atom([el("mi", text=text.strip(), **attributes)])
    p.i = start  # structure inside: read it as math, its letters upright
    group = p.group()
    if upright:
        for element in group.iter("mi"):
            if len(element.text or "") == 1:
                element.set("mathvariant", "normal")
    return Atom([group])


@handles(*symbols.ALPHABETS)
def _alphabet(p: Parser, token: Token) -> Atom:
    table = symbols.ALPHABETS[token.text[1:]]
    group = p.argument()
    for element in group.iter():
        if element.tag in ("mi", "mn", "mo") and element.text:
            mapped = "".join(table.get(c, c) for c in element.text)
            if mapped == element.text and token.text[1:] in ("mathbf", "boldsymbol", "bm"):
                element.set("style", "font-weight:bold")  # no bold letter in Unicode for it
            element.text = mapped
            if element.get("mathvariant") == "normal":
                del element.attrib["mathvariant"]
    return Atom([group])


@handles(*symbols.ACCENTS)
def _accent(p: Parser, token: Token) -> Atom:
    name = token.text[1:]
    wide = name.startswith(("wide", "over"))
    accent = mo(symbols.ACCENTS[name], stretchy="true" if wide else "false")
    return Atom([el("mover", p.argument(), accent, accent="true")])


@handles(*symbols.UNDER_ACCENTS)
def _under_accent(p: Parser, token: Token) -> Atom:
    accent = mo(symbols.UNDER_ACCENTS[token.text[1:]], stretchy="true")
    return Atom([el("munder", p.argument(), accent, accentunder="true")])


@handles("underbrace", "overbrace")
def _brace(p: Parser, token: Token) -> Atom:
    """The brace is drawn by the stylesheet (a border with rounded ends under or over the
    base): a stretched ⏟ stops at its largest glyph in Chromium with Latin Modern Math, and
    is not centred under the base."""
    return Atom([el("mrow", p.argument(), class_=token.text[1:])], "brace")


@handles("overset", "stackrel", "underset")
def _overset(p: Parser, token: Token) -> Atom:
    over, base = p.argument(), p.argument()
    return Atom([el("munder" if token.text == "\\underset" else "mover", base, over)])


@handles("boxed", "fbox")
def _boxed(p: Parser, token: Token) -> Atom:
    inside = p.argument()
    return Atom([el("mrow", inside, class_="boxed")])


@handles("phantom", "hphantom", "vphantom")
def _phantom(p: Parser, token: Token) -> Atom:
    return Atom([el("mphantom", p.argument())])


@handles(*_CLASS_SPACES)
def _class(p: Parser, token: Token) -> Atom:
    lspace, rspace = _CLASS_SPACES[token.text[1:]]
    inside = p.argument()
    text = "".join(inside.itertext())
    if inside.tag not in ("mo", "mi", "mn") and len(text) > 1:
        return Atom([el("mrow", inside)])
    after = p.peek()
    if token.text == "\\mathrel" and after is not None and is_relation(_symbol(after.text)):
        p.take()  # \mathrel{+}= : one relation, as TeX spaces two relations in a row
        text += _symbol(after.text)
    kind = "large" if token.text == "\\mathop" else "operator"
    return Atom([mo(text, lspace=lspace, rspace=rspace)], kind)


def _symbol(text: str) -> str:
    return symbols.OPERATORS.get(text[1:], text) if text.startswith("\\") else text


_LENGTH = re.compile(r"\s*(-?\d*\.?\d+)\s*(em|ex|pt|mu|mm|cm)\s*")
_EM = {"em": 1.0, "ex": 0.43, "pt": 0.1, "mu": 1 / 18, "mm": 0.28, "cm": 2.8}  # at 10 pt


@handles("hspace", "hspace*")
def _hspace(p: Parser, token: Token) -> Atom:
    raw = p.raw()
    length = _LENGTH.fullmatch(raw)
    if length is None:
        raise p.error(f"not a length: {raw!r}", token)
    width = max(float(length.group(1)) * _EM[length.group(2)], 0.0)
    return Atom([el("mspace", width=f"{width:.4f}em")], "space")


@handles("rule")
def _rule(p: Parser, token: Token) -> Atom:
    """\\rule[raise]{width}{height}: a strut (an invisible box that keeps a table's rows
    apart when its width is 0), as an mspace of that height and depth."""
    lift = 0.0
    following = p.peek()
    if following is not None and following.text == "[":
        p.take()
        written = ""
        while (part := p.take()).text != "]":
            written += part.text
        lift = _length(p, written, token)
    width, height = _length(p, p.raw(), token), _length(p, p.raw(), token)
    above, below = max(height + lift, 0.0), max(-lift, 0.0)
    return Atom(
        [el("mspace", width=f"{width:.4f}em", height=f"{above:.4f}em", depth=f"{below:.4f}em")],
        "space",
    )


def _length(p: Parser, raw: str, token: Token) -> float:
    """A TeX length in em (at 10 pt), negative allowed."""
    sign = -1.0 if raw.strip().startswith("-") else 1.0
    length = _LENGTH.fullmatch(raw.strip().lstrip("-"))
    if length is None:
        raise p.error(f"not a length: {raw!r}", token)
    return sign * float(length.group(1)) * _EM[length.group(2)]


@handles("substack")
def _substack(p: Parser, token: Token) -> Atom:
    """\\sum_{\\substack{i \\ne c \\\\ j}}: lines under one another."""
    p.expect("{")
    lines = [p.expression()]
    while (after := p.take()).text == "\\\\":
        lines.append(p.expression())
    if after.text != "}":
        raise p.error(f"unexpected {after.text!r}", after)
    rows = [el("mtr", el("mtd", *line)) for line in lines]
    return Atom([el("mtable", *rows, class_="substack")])


@handles("not")
def _not(p: Parser, token: Token) -> Atom:
    after = p.atom()
    element = after.elements[0] if after.elements else None
    if element is None or element.tag != "mo" or not element.text:
        raise p.error("\\not before something that is not a relation", token)
    element.text = {"=": "≠", "∈": "∉", "⊂": "⊄"}.get(element.text, element.text + "\u0338")
    return after


@handles("displaystyle", "textstyle", "scriptstyle")
def _style(p: Parser, token: Token) -> Atom:
    attributes = {
        "\\displaystyle": {"displaystyle": "true", "scriptlevel": "0"},
        "\\textstyle": {"displaystyle": "false", "scriptlevel": "0"},
        "\\scriptstyle": {"displaystyle": "false", "scriptlevel": "1"},
    }[token.text]
    return Atom([el("mrow", **attributes)], "switch")


@handles("tag", "tag*")
def _tag(p: Parser, token: Token) -> Atom:
    if not p.display:
        raise p.error("\\tag in inline math", token)
    if p.tag is not None:
        raise p.error("a second \\tag", token)
    text = _text(p.raw(), p, token)
    p.tag = text if token.text.endswith("*") else f"({text})"
    return Atom([], "space")


@handles("notag", "nonumber", "limits", "nolimits", "hline", "allowbreak")
def _nothing(p: Parser, token: Token) -> Atom:
    return Atom([], "space")


@handles("begin")
def _begin(p: Parser, token: Token) -> Atom:
    name = p.word()
    if name == "array" or name == "alignedat":
        p.word()  # the column spec (array) or the number of pairs (alignedat)
    cells = list(p.rows())
    if p.word() != name:
        raise p.error(f"\\begin{{{name}}} ended by another \\end", token)
    return Atom([_environment(p, token, name, cells)])


def _environment(p: Parser, token: Token, name: str, cells: list[list[list[Element]]]) -> Element:
    width = max((len(r) for r in cells), default=0)

    def table(kind: str, align: str, **attributes: str) -> Element:
        rows = [el("mtr", *[el("mtd", *cell) for cell in r]) for r in cells]
        return el("mtable", *rows, class_=kind, columnalign=align, **attributes)

    if name in symbols.MATRICES:
        opening, closing = symbols.MATRICES[name]
        matrix = table("matrix", " ".join(["center"] * width))
        stretchy = {} if len(cells) > 1 else {"stretchy": "false"}  # a row: text-size fences
        fences = [mo(opening, **stretchy)] if opening else []
        return el("mrow", *fences, matrix, *([mo(closing, **stretchy)] if closing else []))
    if name in ("aligned", "split", "alignedat", "align", "align*"):
        align = " ".join(["right", "left"] * ((width + 1) // 2))
        return table("aligned", align, displaystyle="true")
    if name in ("gathered", "gather", "gather*"):
        return table("gathered", "center", displaystyle="true")
    if name == "cases":
        return el("mrow", mo("{"), table("cases", " ".join(["left"] * 2)))
    if name == "array":
        return table("matrix", " ".join(["center"] * width))
    raise p.error(f"unknown environment {name}", token)

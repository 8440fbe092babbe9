"""LaTeX math to MathML Core, for the HTML documents: the subset backcalc's documents write
(render/document, render/gates.py, the activations' and losses' `*_tex`) and a little more for a
description's `$...$`. MathML Core is what Chromium, Firefox and Safari render natively.

The interface is two functions, so that another converter can replace this one:
`inline(tex) -> "<math>…</math>"` and `display(tex) -> ("<math display="block">…</math>", tag)`,
`tag` the `\\tag{…}` the formula held ("(3)") or None. Both raise MathError for anything outside
the subset (an unknown macro, an unbalanced brace): never a guess, never broken XML. Each
formula keeps its TeX as an annotation (copied with the math, read by assistive tools).

Why not latex2mathml (PyPI, 3.81): on the 1,390 distinct formulas of the shipped examples'
documents (both languages, by hand too) it writes 826 that are not well-formed XML (`aligned`'s
`&` as a literal <mi>&</mi>, its lines run together), a decimal comma as a separator with space
after it (0, 879), `\\mathrel{+}` as an <mo> inside an <mo>, `\\boxed` as <menclose> (not in
MathML Core: Chromium draws no box), and an unknown macro as the text `\\foo`; it is no faster
(1.4 s for those formulas, as this one) and its import costs ~80 ms.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import tostring

from backcalc.render.mathml.parser import MathError, Parser, el

__all__ = ["MathError", "display", "inline", "xml_text"]

NAMESPACE = "http://www.w3.org/1998/Math/MathML"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` with the characters XML 1.0 cannot hold (control characters) as U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _math(tex: str, block: bool) -> tuple[str, str | None]:
    parser = Parser(tex, block)
    body = parser.formula()
    annotation = el("annotation", text=xml_text(tex.strip()), encoding="application/x-tex")
    attributes = {"xmlns": NAMESPACE} | ({"display": "block"} if block else {})
    math = el("math", el("semantics", body, annotation), **attributes)
    return tostring(math, encoding="unicode", short_empty_elements=True), parser.tag


def inline(tex: str) -> str:
    """Inline math (prose's `$...$`) as one <math> element."""
    return _math(tex, False)[0]


def display(tex: str) -> tuple[str, str | None]:
    """Display math as one <math display="block"> element, and its \\tag if it has one."""
    return _math(tex, True)

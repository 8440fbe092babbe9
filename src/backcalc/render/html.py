"""The HTML format: one self-contained page (UTF-8, its stylesheet inline, no script, nothing
fetched): the math as MathML (backcalc.render.mathml), the diagram as inline SVG
(backcalc.render.diagram), printable (html.css: A4, the statement and the solution on pages of
their own, a lead-in sentence kept with its equation).

The page is XHTML-compatible: `<!DOCTYPE html>` and well-formed markup throughout, so that an XML
parser reads it as a browser does (the tests parse every example so).
"""

from __future__ import annotations

import re
from functools import cache
from html import escape
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from backcalc.render import mathml
from backcalc.render.document.blocks import (
    Document,
    Equation,
    Figure,
    Heading,
    Paragraph,
    Summary,
    Table,
)

if TYPE_CHECKING:
    from backcalc.core.grading.classroom import ClassGrading
    from backcalc.render.document.build import Documented
    from backcalc.render.style import Style


def network(trace: Documented, style: Style | None = None) -> str:
    """A network's or a graph's solution document (and, by the same builder, a set of
    variants' key, a student's feedback: render.document.build)."""
    from backcalc.render.document.build import document

    return to_html(document(trace, style), style)


graph = key = feedback = network


def classroom(result: ClassGrading, style: Style) -> str:
    """A graded class's report, with its score histogram (render.classreport)."""
    from backcalc.render.classreport import report

    return report(result, style)


@cache
def stylesheet() -> str:
    """html.css: no `<` and no `&` in it, so that the page stays well-formed XML."""
    return _data("html.css").strip()


def _data(name: str) -> str:
    return Path(__file__).with_name(name).read_text(encoding="utf-8")


def to_html(document: Document, style: Style | None = None, strict: bool = False) -> str:
    """The document as a page (html.xhtml, html.css). Math outside the converter's subset (a
    macro of a user's own activation, say) is shown as its TeX in an <merror>; `strict` raises
    MathError instead."""
    from backcalc.render.style import Style

    style = style or Style()
    writer = _Writer(style, strict)
    body: list[str] = []
    if document.header:
        body += writer.header(document.header)
    for piece in document.parts(style.doc.part):
        blocks = [line for block in piece for line in writer.block(block)]
        body.append(tag("section", "\n" + "\n".join(blocks) + "\n", class_="part"))
    page = Template(_data("html.xhtml")).substitute(
        lang=escape(style.lang),
        title=escape(_text(document.title.replace("$", ""))),
        style=stylesheet(),
        body="\n".join(body),
    )
    return page


def tag(name: str, content: str = "", **attributes: str) -> str:
    """`<name a="…">content</name>`, the attributes escaped (`class_` is class)."""
    shown = "".join(f' {key.rstrip("_")}="{escape(value)}"' for key, value in attributes.items())
    return f"<{name}{shown}>{content}</{name}>"


def _text(text: str) -> str:
    return mathml.xml_text(text)


class _Writer:
    """Blocks as XHTML; equations numbered in order when the style says so."""

    def __init__(self, style: Style, strict: bool) -> None:
        self.style = style
        self.strict = strict
        self.numbered = style.doc.numbered
        self.diagram = style.doc.diagram is not False  # on by default in HTML
        self.equations = 0

    # -- math ---------------------------------------------------------------------------------

    def inline(self, tex: str) -> str:
        try:
            return mathml.inline(tex)
        except mathml.MathError:
            if self.strict:
                raise
            return _error_math(tex, block=False)

    def display(self, tex: str) -> tuple[str, str | None]:
        try:
            return mathml.display(tex)
        except mathml.MathError:
            if self.strict:
                raise
            return _error_math(tex, block=True), None

    # -- prose --------------------------------------------------------------------------------

    def prose(self, text: str) -> str:
        """Our prose: inline math between `$` signs, `code` between backquotes."""
        parts = _dollars(text)
        return "".join(
            self.inline(part) if index % 2 else _code(escape(_text(part), quote=False))
            for index, part in enumerate(parts)
        )

    def user(self, text: str) -> str:
        """A title or description: text as written, with inline math between `$` signs
        (`\\$` is a dollar sign; an unpaired `$` too)."""
        parts = _dollars(text.replace("\\$", "\x00"))
        return "".join(
            self.inline(part.replace("\x00", "\\$"))
            if index % 2
            else escape(_text(part.replace("\x00", "$")), quote=False)
            for index, part in enumerate(parts)
        )

    # -- blocks -------------------------------------------------------------------------------

    def header(self, lines: tuple[tuple[str, str], ...]) -> list[str]:
        spans = [tag("span", self.user(value), class_=key) for key, value in lines]
        return [tag("header", "".join(spans), class_="sheet")]

    def block(self, block: object) -> list[str]:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 6)
            text = self.user(block.text) if level == 1 else self.prose(block.text)
            return [tag(f"h{level}", text)]
        if isinstance(block, Paragraph):
            return [tag("p", self.user(block.text) if block.user else self.prose(block.text))]
        if isinstance(block, Equation):
            return [self.equation(block.math)]
        if isinstance(block, Summary):
            items = [tag("div", self.display(item)[0], class_="result") for item in block.items]
            return [tag("div", "".join(items), class_="summary")]
        if isinstance(block, Table):
            return [self.table(block)]
        if isinstance(block, Figure):
            return self.figure(block)
        raise TypeError(f"no HTML for {type(block).__name__}")

    def equation(self, tex: str) -> str:
        math, number = self.display(tex)
        if number is None and self.numbered:
            self.equations += 1
            number = f"({self.equations})"
        if number is None:
            return tag("div", math, class_="equation")
        label = tag("span", escape(_text(number), quote=False), class_="tag")
        return tag("div", math + label, class_=" ".join(("equation", "numbered")))

    def table(self, table: Table) -> str:
        head = "".join(tag("th", self.prose(cell)) for cell in table.header)
        rows = [
            tag("tr", "".join(tag("td", self.prose(cell)) for cell in row)) for row in table.rows
        ]
        body = tag("thead", tag("tr", head)) + tag("tbody", "".join(rows))
        return tag("table", body, class_="results")

    def figure(self, figure: Figure) -> list[str]:
        if not self.diagram:
            return []
        from backcalc.render import diagram

        content = diagram.svg(figure, self.style).strip()
        if figure.caption:
            content += tag("figcaption", self.prose(figure.caption))
        return [tag("figure", content, class_="diagram")]


def _dollars(text: str) -> list[str]:
    """`text` split at its `$` signs: math at the odd places; an unpaired last `$` is text."""
    parts = text.split("$")
    if len(parts) % 2 == 0:
        parts[-2:] = [parts[-2] + "$" + parts[-1]]
    return parts


_CODE = re.compile(r"`([^`]+)`")


def _code(escaped: str) -> str:
    return _CODE.sub(lambda match: tag("code", match.group(1)), escaped)


def _error_math(tex: str, block: bool) -> str:
    """TeX the converter cannot read, shown as it is (as KaTeX and MathJax show it)."""
    shown = tag("mtext", escape(_text(tex.strip()), quote=False))
    attributes = {"xmlns": mathml.NAMESPACE} | ({"display": "block"} if block else {})
    return tag("math", tag("merror", shown), **attributes)

"""The Markdown format: a solution document with `$$` on lines of their own, as GitHub and
KaTeX want (see backcalc.render.document.mathtex for the math rules)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from backcalc.render.document.blocks import Document, Equation, Figure, Heading, Paragraph, Table
from backcalc.render.document.prose import pieces

if TYPE_CHECKING:
    from backcalc.render.document.build import Documented
    from backcalc.render.style import Style


def network(trace: Documented, style: Style | None = None) -> str:
    """A network's or a graph's solution document (and, by the same builder, a set of
    variants' key, a student's feedback: render.document.build)."""
    from backcalc.render.document.build import document

    return to_markdown(document(trace, style), style)


graph = key = feedback = network


_SPECIAL = re.compile(r"([\\`*_\[\]#$<>|~&!])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])(?=\s|$)", re.M)  # a list item, a setext rule


def escape(text: str) -> str:
    """Text a user wrote, printed literally: Markdown's specials escaped."""
    return _LINE_START.sub(r"\1\\\2", _SPECIAL.sub(r"\\\1", text))


def prose(text: str, user: bool = False) -> str:
    """Prose: the builders' as they wrote it; a user's with its text escaped and its inline
    math kept (see document.prose)."""
    if not user:
        return text
    return "".join(f"${part}$" if math else escape(part) for math, part in pieces(text, user))


def to_markdown(document: Document, style: Style | None = None) -> str:
    from backcalc.render.style import Style

    style = style or Style()
    writer = _Writer(document, style.doc.numbered)
    lines: list[str] = []
    for number, piece in enumerate(document.parts(style.doc.part)):
        if number:
            lines += ["---", ""]
        for block in piece:
            lines += writer.block(block)
    return "\n".join(lines).rstrip() + "\n"


class _Writer:
    def __init__(self, document: Document, numbered: bool) -> None:
        self.document = document
        self.numbered = numbered
        self.equations = 0

    def display(self, math: str) -> list[str]:
        """A display, numbered `\\tag{n}` (KaTeX and GitHub) with --numbered."""
        if not self.numbered:
            return ["$$", math, "$$", ""]
        self.equations += 1
        return ["$$", math, f"\\tag{{{self.equations}}}", "$$", ""]

    def block(self, block: object) -> list[str]:
        if isinstance(block, Heading):
            if block.level > 1:
                return [f"{'#' * block.level} {block.text}", ""]
            lines = [f"# {prose(block.text, user=True)}", ""]
            if not self.document.head or self.document.head[0] is not block:  # "Solution"
                return lines
            header = [prose(value, user=True) for _, value in self.document.header]
            return lines + ([" · ".join(header), ""] if header else [])
        if isinstance(block, Paragraph):
            return [prose(block.text, block.user), ""]
        if isinstance(block, Equation):
            return self.display(block.math)
        if isinstance(block, Table):
            rows = [block.header, tuple("---" for _ in block.header), *block.rows]
            return ["| " + " | ".join(row) + " |" for row in rows] + [""]
        if isinstance(block, Figure):
            return []  # Markdown has no drawing: `--format dot` or html
        displays: list[str] = []
        for item in block.items:  # type: ignore[attr-defined]
            displays += self.display(item)
        return displays

"""The Markdown format: a solution document with `$$` on lines of their own, as GitHub and
KaTeX want (see backcalc.render.document.mathtex for the math rules)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from backcalc.render.document.blocks import Document, Equation, Figure, Heading, Paragraph, Table

if TYPE_CHECKING:
    from backcalc.core.graph import GraphTrace
    from backcalc.core.network import Trace
    from backcalc.render.style import Style


def network(trace: Trace, style: Style | None = None) -> str:
    from backcalc.render.document.network import solution

    return to_markdown(solution(trace, style), style)


def graph(trace: GraphTrace, style: Style | None = None) -> str:
    from backcalc.render.document.graph import solution

    return to_markdown(solution(trace, style), style)


def _markdown_prose(text: str) -> str:
    """Escape Markdown's specials in prose written by a user (titles, descriptions)."""
    return re.sub(r"([\\`*_\[\]#$<>|])", r"\\\1", text)


def to_markdown(document: Document, style: Style | None = None) -> str:
    from backcalc.render.style import Style

    style = style or Style()
    lines: list[str] = []
    for number, piece in enumerate(document.parts(style.doc.part)):
        if number:
            lines += ["---", ""]
        for block in piece:
            lines += _block(block)
    return "\n".join(lines).rstrip() + "\n"


def _block(block: object) -> list[str]:
    if isinstance(block, Heading):
        text = _markdown_prose(block.text) if block.level == 1 else block.text
        return [f"{'#' * block.level} {text}", ""]
    if isinstance(block, Paragraph):
        return [_markdown_prose(block.text) if block.user else block.text, ""]
    if isinstance(block, Equation):
        return ["$$", block.math, "$$", ""]
    if isinstance(block, Table):
        rows = [block.header, tuple("---" for _ in block.header), *block.rows]
        return ["| " + " | ".join(row) + " |" for row in rows] + [""]
    if isinstance(block, Figure):
        return []  # Markdown has no drawing: `--format dot` or html
    lines: list[str] = []
    for item in block.items:  # type: ignore[attr-defined]
        lines += ["$$", item, "$$", ""]
    return lines

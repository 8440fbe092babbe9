"""The Markdown format: a solution document with `$$` on lines of their own, as GitHub and
KaTeX want (see backcalc.render.document.mathtex for the math rules)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from backcalc.render.document.blocks import Document, Equation, Heading, Paragraph

if TYPE_CHECKING:
    from backcalc.core.graph import GraphTrace
    from backcalc.core.network import Trace
    from backcalc.render.style import Style


def network(trace: Trace, style: Style | None = None) -> str:
    from backcalc.render.document.network import solution

    return to_markdown(solution(trace, style))


def graph(trace: GraphTrace, style: Style | None = None) -> str:
    from backcalc.render.document.graph import solution

    return to_markdown(solution(trace, style))


def _markdown_prose(text: str) -> str:
    """Escape Markdown's specials in prose written by a user (titles, descriptions)."""
    return re.sub(r"([\\`*_\[\]#$<>|])", r"\\\1", text)


def to_markdown(document: Document) -> str:
    lines: list[str] = []
    for block in document.blocks:
        if isinstance(block, Heading):
            text = _markdown_prose(block.text) if block.level == 1 else block.text
            lines += [f"{'#' * block.level} {text}", ""]
        elif isinstance(block, Paragraph):
            lines += [_markdown_prose(block.text) if block.user else block.text, ""]
        elif isinstance(block, Equation):
            lines += ["$$", block.math, "$$", ""]
        else:
            for item in block.items:
                lines += ["$$", item, "$$", ""]
    return "\n".join(lines).rstrip() + "\n"

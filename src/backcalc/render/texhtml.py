"""Document blocks (backcalc.render.document) as an HTML fragment with the math left as TeX
between `\\( \\)` and `\\[ \\]`, for a page that typesets it itself: Moodle's MathJax filter
(filter_mathjaxloader) reads exactly these delimiters. Everything is escaped for HTML (a
matrix's `&` too: the browser gives MathJax the decoded text). The diagram (a Figure) is left
out: the numbers it shows are in the equations too.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from backcalc.render.document.blocks import Equation, Heading, Paragraph, Summary, Table
from backcalc.render.mathml import xml_text

if TYPE_CHECKING:
    from collections.abc import Iterable

    from backcalc.render.document.blocks import Block

_CODE = re.compile(r"`([^`]+)`")


def fragment(blocks: Iterable[Block]) -> str:
    """The blocks one after the other, one element a line."""
    return "\n".join(line for block in blocks for line in _block(block))


def text(plain: str) -> str:
    """Plain text as HTML."""
    return escape(xml_text(plain), quote=False)


def prose(written: str, user: bool = False) -> str:
    """Prose with inline math between `$` signs (an unpaired last `$` is text); a user's text
    (a title, a description) may write `\\$` for a dollar sign, ours `code` in backquotes."""
    if user:
        written = written.replace("\\$", "\x00")
    parts = written.split("$")
    if len(parts) % 2 == 0:
        parts[-2:] = [parts[-2] + "$" + parts[-1]]
    shown = []
    for index, part in enumerate(parts):
        part = part.replace("\x00", "\\$" if index % 2 else "$")
        if index % 2:
            shown.append(f"\\({text(part)}\\)")
        elif user:
            shown.append(text(part))
        else:
            shown.append(_CODE.sub(r"<code>\1</code>", text(part)))
    return "".join(shown)


def _block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        level = min(block.level + 2, 6)  # the page's own headings come first
        return [f"<h{level}>{prose(block.text, user=block.level == 1)}</h{level}>"]
    if isinstance(block, Paragraph):
        return [f"<p>{prose(block.text, block.user)}</p>"]
    if isinstance(block, Equation):
        return [_display(block.math)]
    if isinstance(block, Summary):
        return [_display(item) for item in block.items]
    if isinstance(block, Table):
        head = "".join(f"<th>{prose(cell)}</th>" for cell in block.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{prose(cell)}</td>" for cell in row) + "</tr>"
            for row in block.rows
        )
        return [f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"]
    return []  # a Figure


def _display(tex: str) -> str:
    return f"<p>\\[{text(tex.strip())}\\]</p>"

"""The LaTeX format: a complete document for pdflatex with only amsmath, amssymb and geometry
(all in texlive-latex-base)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from backcalc.render.document.blocks import Document, Equation, Figure, Heading, Paragraph, Table
from backcalc.render.document.mathtex import MAX_COLUMNS

if TYPE_CHECKING:
    from backcalc.core.graph import GraphTrace
    from backcalc.core.network import Trace
    from backcalc.render.style import Style


def network(trace: Trace, style: Style | None = None) -> str:
    from backcalc.render.document.network import solution

    return to_latex(solution(trace, style), style)


def graph(trace: GraphTrace, style: Style | None = None) -> str:
    from backcalc.render.document.graph import solution

    return to_latex(solution(trace, style), style)


_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
    "×": r"$\times$",
    "→": r"$\to$",
    "≤": r"$\le$",
    "−": "-",
    "·": r"$\cdot$",
}
_LATEX_SPECIAL = re.compile("|".join(re.escape(key) for key in _LATEX_SPECIALS))


def _latex_prose(text: str) -> str:
    """Prose for LaTeX: specials escaped outside $...$, the math kept as it is."""
    parts = text.split("$")
    for index in range(0, len(parts), 2):
        parts[index] = _LATEX_SPECIAL.sub(
            lambda match: _LATEX_SPECIALS[match.group()], parts[index]
        )
    return "$".join(parts)


def _user_text(text: str) -> str:
    """A title or description: all of it is prose, `$` included."""
    return _latex_prose(text.replace("$", "\x00")).replace("\x00", r"\$")


PREAMBLE = rf"""\documentclass[11pt]{{article}}
\usepackage[utf8]{{inputenc}}
\usepackage{{amsmath,amssymb}}
\usepackage[a4paper,margin=2.2cm]{{geometry}}
\setcounter{{MaxMatrixCols}}{{{MAX_COLUMNS}}}
\setlength{{\parindent}}{{0pt}}
\setlength{{\parskip}}{{0.5em}}
\allowdisplaybreaks
"""


def to_latex(document: Document, style: Style | None = None) -> str:
    from backcalc.render.style import Style

    style = style or Style()
    lines = [PREAMBLE, r"\begin{document}", ""]
    for number, piece in enumerate(document.parts(style.doc.part)):
        if number:
            lines += [r"\clearpage", ""]
        for block in piece:
            lines += _block(block, style)
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def _block(block: object, style: Style) -> list[str]:
    if isinstance(block, Heading):
        if block.level == 1:
            return [rf"\begin{{center}}\Large\bfseries {_user_text(block.text)}\end{{center}}", ""]
        command = "section" if block.level == 2 else "subsection"
        return [rf"\{command}*{{{_latex_prose(block.text)}}}", ""]
    if isinstance(block, Paragraph):
        return [_user_text(block.text) if block.user else _latex_prose(block.text), ""]
    if isinstance(block, Equation):
        return [r"\[", block.math, r"\]", ""]
    if isinstance(block, Table):
        columns = "l" * len(block.header)
        rows = [" & ".join(_latex_prose(cell) for cell in row) + r" \\" for row in block.rows]
        head = " & ".join(_latex_prose(cell) for cell in block.header) + r" \\ \hline"
        return [rf"\begin{{tabular}}{{{columns}}}", head, *rows, r"\end{tabular}", ""]
    if isinstance(block, Figure):
        return []  # drawn by backcalc.render.diagram (TikZ) when style.doc.diagram
    lines: list[str] = []
    for item in block.items:  # type: ignore[attr-defined]
        lines += [r"\[", rf"\boxed{{{item}}}", r"\]", ""]
    return lines

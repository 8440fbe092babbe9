"""The LaTeX format: a complete document for pdflatex with only amsmath, amssymb and geometry
(all in texlive-latex-base)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from backcalc.render.document.blocks import Document, Equation, Heading, Paragraph
from backcalc.render.document.mathtex import MAX_COLUMNS

if TYPE_CHECKING:
    from backcalc.core.graph import GraphTrace
    from backcalc.core.network import Trace
    from backcalc.render.style import Style


def network(trace: Trace, style: Style | None = None) -> str:
    from backcalc.render.document.network import solution

    return to_latex(solution(trace, style))


def graph(trace: GraphTrace, style: Style | None = None) -> str:
    from backcalc.render.document.graph import solution

    return to_latex(solution(trace, style))


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


def to_latex(document: Document) -> str:
    lines = [PREAMBLE, r"\begin{document}", ""]
    for block in document.blocks:
        if isinstance(block, Heading):
            if block.level == 1:
                lines += [
                    rf"\begin{{center}}\Large\bfseries {_user_text(block.text)}\end{{center}}",
                    "",
                ]
            else:
                command = "section" if block.level == 2 else "subsection"
                lines += [rf"\{command}*{{{_latex_prose(block.text)}}}", ""]
        elif isinstance(block, Paragraph):
            lines += [_user_text(block.text) if block.user else _latex_prose(block.text), ""]
        elif isinstance(block, Equation):
            lines += [r"\[", block.math, r"\]", ""]
        else:
            for item in block.items:
                lines += [r"\[", rf"\boxed{{{item}}}", r"\]", ""]
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"

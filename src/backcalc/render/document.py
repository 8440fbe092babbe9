"""A step-by-step solution as format-neutral blocks, and its two writers: Markdown and LaTeX.

Prose may hold inline math between `$` signs; equations are LaTeX math (see mathtex). The
Markdown keeps `$$` on lines of their own, as GitHub and KaTeX want; the LaTeX is a complete
document for pdflatex with only amsmath, amssymb and geometry (all in texlive-latex-base).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backcalc.render.mathtex import MAX_COLUMNS


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 title, 2 section, 3 subsection


@dataclass(frozen=True)
class Paragraph:
    text: str  # prose, with inline math between $ signs
    user: bool = False  # written by the user (a description): no math, everything escaped


@dataclass(frozen=True)
class Equation:
    math: str  # display math; matrices span several lines


@dataclass(frozen=True)
class Summary:
    items: tuple[str, ...]  # display math, one result each (boxed in LaTeX)


Block = Heading | Paragraph | Equation | Summary


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]


# -- Markdown ----------------------------------------------------------------------------------


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


# -- LaTeX -------------------------------------------------------------------------------------

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

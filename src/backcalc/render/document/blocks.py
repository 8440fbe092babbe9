"""A step-by-step solution as format-neutral blocks; backcalc.render.markdown and .latex write it.

Prose may hold inline math between `$` signs; equations are LaTeX math (see mathtex). The
Markdown keeps `$$` on lines of their own, as GitHub and KaTeX want; the LaTeX is a complete
document for pdflatex with only amsmath, amssymb and geometry (all in texlive-latex-base).
"""

from __future__ import annotations

from dataclasses import dataclass


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
